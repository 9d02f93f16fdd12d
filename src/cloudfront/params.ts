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
/**
 * The LL-HLS delivery directives a client appends to a playlist URL (draft-pantos-hls-rfc8216bis section 6.2.5):
 * blocking reload (`_HLS_msn`, `_HLS_part`) and delta updates (`_HLS_skip`). The origin must see them and the
 * playlist cache key must hold them, or a blocking reload is answered at once with the wrong playlist.
 */
export const LL_HLS_DIRECTIVES = ['_HLS_msn', '_HLS_part', '_HLS_skip'] as const;
/**
 * The query strings the playlist cache key and origin request policy name (template.yaml, test/template checks
 * both): the five suffixed credential copies, then the LL-HLS directives. 8 of the 10 query strings a cache policy
 * may name (https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/cloudfront-limits.html).
 */
export function playlistKeyQueryStrings(): string[] {
  // A function, not a computed constant: the CloudFront Function bundle keeps no module-level work it does not use
  // (and its ES 5.1 target has no array spread).
  return SIGNED_URL_PARAMS.map((name) => `${name}${CREDENTIAL_SUFFIX}`).concat(LL_HLS_DIRECTIVES);
}
