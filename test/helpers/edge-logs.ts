/**
 * Shared set-up for tests of the edge handlers: their log lines captured in memory (and kept out of the test
 * output), and a frozen clock for anything that depends on expiry.
 */
import { afterEach, beforeEach, vi } from 'vitest';
import { setLogSink } from '../../src/edge/log.js';

/** The date every edge test runs at, before the recorded events' policies expire. */
export const FROZEN_NOW = new Date('2026-11-26T05:00:00Z');

/**
 * Registers hooks that capture every log line of each test and restore the previous sink after it. Returns the
 * lines of the running test: one array, emptied before each test.
 *
 * @example const logs = captureEdgeLogs(); ... expect(logs.filter((l) => l.includes('refused'))).toHaveLength(1);
 */
export function captureEdgeLogs(): string[] {
  const lines: string[] = [];
  let restore: ((line: string) => void) | undefined;
  beforeEach(() => {
    lines.length = 0;
    restore = setLogSink((line) => lines.push(line));
  });
  afterEach(() => {
    if (restore !== undefined) setLogSink(restore);
  });
  return lines;
}

/** Registers hooks that freeze `Date` (only `Date`: timers still run) at `now` for each test. */
export function freezeClock(now: Date = FROZEN_NOW): void {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(now);
  });
  afterEach(() => {
    vi.useRealTimers();
  });
}
