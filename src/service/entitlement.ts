/**
 * Content ids and entitlements.
 *
 * A content id names a title folder below the configured prefix: path segments of letters, digits, `.`, `_`
 * and `-`, each starting with a letter or digit. That rules out path traversal (`..`), empty segments, and the
 * policy wildcards `*` and `?`, which would otherwise widen the signed Resource.
 */
import type { JWTPayload } from 'jose';

const SEGMENT = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/** True when `id` is a well-formed content id (at most 8 segments, 256 characters). */
export function isValidContentId(id: string): boolean {
  if (id.length === 0 || id.length > 256) return false;
  const segments = id.split('/');
  return segments.length <= 8 && segments.every((s) => SEGMENT.test(s));
}

/**
 * The entitlement list from a claim: an array of strings, or one string separated by spaces or commas
 * (Cognito custom attributes are strings). No claim, no entitlements.
 */
export function entitlementsFrom(claims: JWTPayload, claim: string): string[] {
  const v = claims[claim];
  if (typeof v === 'string') return v.split(/[\s,]+/).filter((s) => s !== '');
  if (Array.isArray(v)) return v.filter((s): s is string => typeof s === 'string' && s !== '');
  return [];
}

/** True when an entitlement is the id itself or a prefix ending in `/` (`series/7/` covers `series/7/ep1`). */
export function isEntitled(entitlements: readonly string[], contentId: string): boolean {
  return entitlements.some((e) => e === contentId || (e.endsWith('/') && e.length > 1 && contentId.startsWith(e)));
}
