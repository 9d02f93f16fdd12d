/**
 * The project's own headers, `x-cfhls-*`: the one place their names are written. The edge functions, the signer,
 * the CloudFront Functions (built into template.yaml) and the local edge import them from here; template.yaml's
 * own settings (origin custom headers, CORS exposed headers) are held to this list by test/template/cfhls-headers.test.ts.
 * Written as they are sent; HTTP names are case-insensitive, and CloudFront's event keys are the lower-case form.
 */
export const CFHLS_HEADERS = {
  /** Origin custom header: comma-separated extra host names (alternate domain names) whose URIs get credentials. */
  allowHosts: 'X-Cfhls-Allow-Hosts',
  /** Origin custom header: `define` turns on the compact playlist form (template parameter CompactPlaylists). */
  compact: 'X-Cfhls-Compact',
  /**
   * Origin custom header: comma-separated hosts content steering may move playlists to (template parameter
   * SteeringHosts; each must also be an allowed host). Absent: playlists with EXT-X-CONTENT-STEERING are refused.
   */
  steeringHosts: 'X-Cfhls-Steering-Hosts',
  /** Response header: what origin-response did with a playlist (`rewritten`, `skipped; reason=...`, ...). */
  rewrite: 'X-Cfhls-Rewrite',
  /** To the signer: the distribution's own domain, set by the signer's viewer-request CloudFront Function. */
  viewerHost: 'X-Cfhls-Viewer-Host',
  /** To the signer: the viewer's IP address, set by the same function. */
  viewerIp: 'X-Cfhls-Viewer-Ip',
  /** To the signer: the viewer's Authorization, carried past origin access control, which overwrites it. */
  authorization: 'X-Cfhls-Authorization',
} as const;

export type CfhlsHeader = (typeof CFHLS_HEADERS)[keyof typeof CFHLS_HEADERS];
