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
    // vitest's default leaves one core idle (2 cores here: one worker); every core runs a worker instead.
    maxWorkers: '100%',
    // Files in a worker share one module graph instead of re-importing the bundles, the SDK and fast-check for
    // each file (import time was half the run). So a file must leave nothing behind: AWS client mocks go through
    // test/helpers/aws-mock.ts (restored after the file), env stubs and spies are undone in the file's hooks, and
    // test/setup.ts wraps stdout once. docs/testing.md says how to hunt a leak (--isolate, --sequence.shuffle).
    isolate: false,
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
