/**
 * cloudfront-hls: the library. Only what is exported here is public.
 */
export * from './cloudfront/index.js';
export * from './rewriter/index.js';
export { CloudFrontHlsError, NotAPlaylistError, InvalidOptionError, UnsafePlaylistError, ERROR_CODES } from './errors.js';
export type { ErrorCode } from './errors.js';
export * from './signer/index.js';
