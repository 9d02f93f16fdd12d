/** The lossless HLS playlist rewriter: pure, knows nothing about Lambda. */
export {
  rewritePlaylist,
  rewritePlaylistDetailed,
  rewritePlaylistInChunks,
  DEFAULT_CHUNK_CHARS,
} from './rewrite.js';
// Whether input is a playlist at all is the HLS grammar's question; re-exported where callers of the rewriter look.
export { isPlaylist, assertPlaylist } from '../hls/index.js';
export type { ChunkedRewrite } from './rewrite.js';
export { REFUSAL_MESSAGES } from './types.js';
export type {
  RewriteOptions,
  RewriteResult,
  RewriteSummary,
  RewriteLimits,
  SkipReason,
  WithheldReason,
  RefusalReason,
} from './types.js';
export type { CheckFailure, CheckVerdict } from '../checker/index.js';
export { COMPACT_VARIABLE, COMPACT_REFERENCE, COMPACT_MIN_VERSION } from './credentials.js';
export type { CompactSkip } from './types.js';
