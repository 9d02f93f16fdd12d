import { defineConfig } from 'vitest/config';

// End-to-end tests: real players (Chromium via playwright-core, ffmpeg) against the local edge.
// Run by `npm run test:e2e` and by .ci/run after the Debian packages are installed.
export default defineConfig({
  test: {
    include: ['test/e2e/**/*.test.ts'],
    // Checks Chromium/ffmpeg, builds dist/ if missing, generates the test streams once (test/e2e/global-setup.ts).
    globalSetup: ['test/e2e/global-setup.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    fileParallelism: false,
  },
});
