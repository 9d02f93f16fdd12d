/** A frozen clock for tests of anything that depends on expiry. */
import { afterEach, beforeEach, vi } from 'vitest';

/** The date every edge test runs at, before the recorded events' policies expire. */
export const FROZEN_NOW = new Date('2026-11-26T05:00:00Z');

/** Registers hooks that freeze `Date` (only `Date`: timers still run) at `now` for each test. */
export function freezeClock(now: Date | number = FROZEN_NOW): void {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(now);
  });
  afterEach(() => {
    vi.useRealTimers();
  });
}
