/**
 * CloudFront's signed-URL vocabulary, shared by the signer, the rewriter, the edge functions, the local edge and
 * the CLI, and depending on none of them: the credential param names and their suffix, copying and reading the
 * credentials (credentials.ts), stripping signed params from a raw query, CloudFront's URL-safe base64, and a
 * custom policy's expiry.
 */
export { CREDENTIAL_PARAMS, SIGNED_URL_PARAMS, CREDENTIAL_SUFFIX, LL_HLS_DIRECTIVES, playlistKeyQueryStrings } from './params.js';
export { splitUrl, splitQuery, joinQuery, isSignedParam, withoutSignedParams, withoutSuffixedParams } from './query.js';
export type { QueryPair } from './query.js';
export { MAX_URL_LENGTH, suffixCredentials, suffixedQuery, readCredentials, credentialKind, credentialQuery } from './credentials.js';
export type { Credentials, CredentialKind, CredentialParam } from './credentials.js';
export { cfBase64Encode, cfBase64Decode, policyExpiry } from './base64.js';
export { headerValue, STATUS_TEXT } from './headers.js';
export { CFHLS_HEADERS } from './cfhls-headers.js';
export { cfQueryString } from './function-event.js';
export type { CfFunctionRequest, CfFunctionValues } from './function-event.js';
export type { CfhlsHeader } from './cfhls-headers.js';
