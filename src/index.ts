/**
 * cloudfront-hls: the library. Only what is exported here is public, and every name is listed (no `export *`):
 * an internal helper of a folder's index never becomes API by accident. test/exports.test.ts holds this list
 * against the names docs/*.md import from 'cloudfront-hls'.
 */

// The rewriter (docs/rewriting.md).
export {
  rewritePlaylist,
  rewritePlaylistDetailed,
  rewritePlaylistInChunks,
  isPlaylist,
  assertPlaylist,
  REFUSAL_MESSAGES,
} from './rewriter/index.js';
export type {
  ChunkedRewrite,
  RewriteOptions,
  RewriteResult,
  RewriteSummary,
  RewriteLimits,
  SkipReason,
  WithheldReason,
  RefusalReason,
  CheckFailure,
  CheckVerdict,
} from './rewriter/index.js';

// The credential contract between a viewer-request and an origin-response handler (docs/edge-functions.md).
export { CREDENTIAL_PARAMS, CREDENTIAL_SUFFIX, suffixedQuery, readCredentials } from './cloudfront/index.js';
export type { Credentials } from './cloudfront/index.js';

// Keys, signed URLs and cookies, and a CloudFront-compatible verifier (docs/signing.md).
export {
  generateKeyPair,
  loadPrivateKey,
  loadPublicKey,
  publicKeyPem,
  signUrl,
  signCookies,
  signDetailed,
  setCookieHeaders,
  verifySignedUrl,
  cloudFrontErrorXml,
  cannedPolicyJson,
  customPolicyJson,
  folderResource,
} from './signer/index.js';
export type {
  GeneratedKeyPair,
  LoadPrivateKeyOptions,
  SignerKeyType,
  SignOptions,
  SignedDetails,
  SignedCookies,
  HashAlgorithm,
  CookieAttributes,
  VerifyResult,
  VerifyOptions,
  VerifyErrorCode,
} from './signer/index.js';

// Every error the library throws (docs/architecture.md, "Layers").
export {
  CloudFrontHlsError,
  NotAPlaylistError,
  InvalidOptionError,
  UnsafePlaylistError,
  KeyFormatError,
  SigningInputError,
  ERROR_CODES,
} from './errors.js';
export type { ErrorCode } from './errors.js';
