/**
 * The headers the /api/* CloudFront Function (src/cloudfront-functions/signer-request.ts) writes for the signer, and
 * the bearer-token shape it lets through. One home for the contract between the two: OAC re-signs each request to the
 * signer's function URL, replacing the viewer's Authorization, and the function URL sees its own Host, so the
 * function carries both across under these names (always overwriting what a viewer sent under them).
 */
import { CFHLS_HEADERS } from './cfhls-headers.js';

// CloudFront Functions and the signer's events see header names in lower case; the names are written in
// cfhls-headers.ts.
export const SIGNER_HEADERS = {
  /** The viewer's Authorization value, copied. */
  authorization: CFHLS_HEADERS.authorization.toLowerCase(),
  /** The distribution's own domain, from the event context (never the viewer's Host). */
  viewerHost: CFHLS_HEADERS.viewerHost.toLowerCase(),
  /** The viewer's IP address, from the event. */
  viewerIp: CFHLS_HEADERS.viewerIp.toLowerCase(),
} as const;

/** Longest Authorization value let through: a JWT from Cognito, Auth0 or Okta is 1-3 KB; 8 KB leaves room. */
export const MAX_AUTHORIZATION_CHARS = 8192;

/**
 * Whether `value` is `Bearer <JWS compact serialization>`: three base64url segments, the first two JSON objects
 * (base64url of `{"` starts with `eyJ`), RFC 7515 section 7.1 and RFC 7519 section 7.2. The shape only: the signer
 * verifies the signature, issuer, audience and expiry. Scheme case-insensitive (RFC 9110 section 11.1).
 */
export function isWellFormedBearer(value: string | undefined): boolean {
  if (value === undefined || value.length > MAX_AUTHORIZATION_CHARS) return false;
  return /^[Bb][Ee][Aa][Rr][Ee][Rr] +eyJ[A-Za-z0-9_-]*\.eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+$/.test(value.trim());
}
