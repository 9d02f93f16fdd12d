/**
 * CloudFront cache-behavior path patterns: `*` matches any run of characters (including `/`), `?` exactly one;
 * case-sensitive; matched against the URI path only (never the query); a pattern without a leading `/` is the
 * same as with one. Behaviors are tried in order; the default behavior (`*`) comes last.
 */
import { globMatch } from '../signer/wildcard.js';

/** True when `path` (starting with `/`) matches the CloudFront path pattern (same `*`/`?` glob as policies). */
export function matchPathPattern(pattern: string, path: string): boolean {
  const p = pattern.startsWith('/') || pattern.startsWith('*') ? pattern : `/${pattern}`;
  return globMatch(p, path);
}

/** The first behavior whose pattern matches, else the default (last) one. */
export function selectBehavior<B extends { pathPattern: string; isDefault: boolean }>(behaviors: readonly B[], path: string): B {
  for (const b of behaviors) {
    if (b.isDefault || matchPathPattern(b.pathPattern, path)) return b;
  }
  const fallback = behaviors[behaviors.length - 1];
  if (fallback === undefined) throw new Error('no behaviors');
  return fallback;
}
