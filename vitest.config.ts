import { defineConfig } from 'vitest/config';

/**
 * Suites that take seconds each (a `sam build`, the quick benchmark, load runs, timeouts and heap checks that wait
 * on purpose, property runs over thousands of playlists): `npm run test:slow` runs them (vitest.slow.config.ts),
 * and .ci/run runs both. `npm test` stays a quick loop. The one list both configs read.
 */
export const SLOW_SUITES = [
  'test/deploy/**/*.test.ts',
  'test/bench/**/*.test.ts',
  'test/load/**/*.test.ts',
  'test/edge/hostile-bounds.test.ts',
  'test/edge/origin-response-s3.test.ts',
  'test/hostile/origin-response-network-faults.test.ts',
  'test/hostile/differential.test.ts',
  'test/hostile/players.test.ts',
  'test/hostile/pathological.test.ts',
];

/** Settings every suite shares. */
export const SHARED: { setupFiles: string[]; testTimeout: number; silent: 'passed-only' } = {
  setupFiles: ['test/setup.ts'],
  testTimeout: 20_000,
  // Handlers log a JSON line per call: show a test's console output only when that test fails.
  silent: 'passed-only',
};

export default defineConfig({
  test: {
    ...SHARED,
    include: ['test/**/*.test.ts'],
    exclude: ['test/e2e/**', 'node_modules/**', ...SLOW_SUITES],
    // Worker threads start faster than forked processes; the slow suites, which measure heaps, keep forks.
    pool: 'threads',
    coverage: {
      // `npm run test:coverage` (and .ci/run): the core must stay tested. Thresholds sit a little under the
      // figures measured when they were set (docs/testing.md, "Coverage"), so a change that leaves new core
      // code untested fails CI.
      provider: 'v8',
      include: ['src/rewriter/**', 'src/hls/**', 'src/cloudfront/**', 'src/signer/**'],
      reporter: ['text-summary'],
      thresholds: { statements: 92, branches: 89, functions: 98, lines: 96 },
    },
  },
});
