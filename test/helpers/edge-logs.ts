/**
 * Shared set-up for tests of the edge handlers: their log lines captured in memory (and kept out of the test
 * output). The frozen clock they run at is in clock.ts.
 */
import { afterEach, beforeEach } from 'vitest';
import { setLogSink } from '../../src/edge/log.js';

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
