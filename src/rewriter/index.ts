/** The lossless HLS playlist rewriter: pure, knows nothing about Lambda. */
export { rewritePlaylist, rewritePlaylistDetailed, isPlaylist, assertPlaylist } from './rewrite.js';
export type { RewriteOptions, RewriteResult, RewriteLimits, SkipReason, WithheldReason, RefusalReason } from './types.js';
export {
  CREDENTIAL_PARAMS,
  SIGNED_URL_PARAMS,
  DEFAULT_CREDENTIAL_SUFFIX,
  readCredentials,
  credentialKind,
  credentialQuery,
  splitQuery,
  policyExpiry,
} from './credentials.js';
export type { Credentials, CredentialKind, CredentialParam, QueryPair } from './credentials.js';
