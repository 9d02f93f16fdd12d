/**
 * The names of CloudFront's signed-URL params, in a module of plain constants that the CloudFront Function
 * (ES 5.1 subset, src/cloudfront-functions/) can bundle; ./index.ts re-exports them.
 */

/** The params a custom-policy signed URL carries, in the order they are appended. */
export const CREDENTIAL_PARAMS = ['Policy', 'Signature', 'Key-Pair-Id', 'Hash-Algorithm'] as const;
/** Every param CloudFront strips before the origin (Expires marks a canned policy). */
export const SIGNED_URL_PARAMS = ['Expires', 'Policy', 'Signature', 'Key-Pair-Id', 'Hash-Algorithm'] as const;
/**
 * The suffix viewer-request appends (`Policy-PREFIX`, ...): a build-time constant. Must match the playlist origin
 * request policy's query-string whitelist in template.yaml (test/template checks it).
 */
export const CREDENTIAL_SUFFIX = '-PREFIX';
