/** Checks on EMF metric records the edge and the signer write (src/metrics/emf.ts). */
import { afterEach, beforeEach, expect } from 'vitest';
import { setMetricSink } from '../../src/metrics/emf.js';
import { METRIC_NAMESPACE } from '../../src/metrics/names.js';

/** Every member a directive names must be on the root node, each metric a number (the spec's MUST rules). */
export function expectValidEmf(line: string): Record<string, unknown> {
  const record = JSON.parse(line) as Record<string, unknown> & { _aws: { Timestamp: number; CloudWatchMetrics: Array<{ Namespace: string; Dimensions: string[][]; Metrics: Array<{ Name: string; Unit: string }> }> } };
  expect(Number.isInteger(record._aws.Timestamp)).toBe(true);
  expect(record._aws.CloudWatchMetrics.length).toBeGreaterThan(0);
  for (const directive of record._aws.CloudWatchMetrics) {
    expect(directive.Namespace).toBe(METRIC_NAMESPACE);
    for (const set of directive.Dimensions) for (const d of set) expect(typeof record[d]).toBe('string');
    for (const m of directive.Metrics) expect(typeof record[m.Name]).toBe('number');
  }
  return record;
}

/** Captures every metric line of each test (emptied before each), restoring the previous sink after it. */
export function captureMetrics(): string[] {
  const lines: string[] = [];
  let restore: ((line: string) => void) | undefined;
  beforeEach(() => {
    lines.length = 0;
    restore = setMetricSink((line) => lines.push(line));
  });
  afterEach(() => {
    if (restore !== undefined) setMetricSink(restore);
  });
  return lines;
}
