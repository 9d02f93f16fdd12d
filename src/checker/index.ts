/**
 * The post-condition of a rewrite: reads a rewritten playlist the most permissive way any player reads it and
 * says whether every credential stays on an allowed host. Independent of the rewriter's code; the rewriter runs it
 * on everything it writes.
 */
export { OutputChecker, checkOutput } from './check.js';
export type { CheckFailure, CheckOptions, CheckVerdict } from './types.js';
