/**
 * The names of CloudFront's signed-URL params, in a module of plain constants that the CloudFront Function
 * (ES 5.1 subset, src/cloudfront-functions/) can bundle; ./index.ts re-exports them.
 */

/** The params a custom-policy signed URL carries, in the order they are appended. */
export const CREDENTIAL_PARAMS = ['Policy', 'Signature', 'Key-Pair-Id', 'Hash-Algorithm'] as const;
/** Every param CloudFront strips before the origin (Expires marks a canned policy). */
export const SIGNED_URL_PARAMS = ['Expires', 'Policy', 'Signature', 'Key-Pair-Id', 'Hash-Algorithm'] as const;
/** The suffix the viewer-request handler appends (`Policy-PREFIX`, ...): a build-time constant. */
export const DEFAULT_CREDENTIAL_SUFFIX = '-PREFIX';
