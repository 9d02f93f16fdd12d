import { defineConfig } from 'vitest/config';
import { SHARED, SLOW_SUITES } from './vitest.config.js';

// `npm run test:slow`: the suites `npm test` leaves out for speed (listed in vitest.config.ts); .ci/run runs them.
export default defineConfig({
  test: {
    ...SHARED,
    include: SLOW_SUITES,
    exclude: ['node_modules/**'],
  },
});
