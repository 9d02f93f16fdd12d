/**
 * CloudFront cache-behavior path patterns: `*` matches any run of characters (including `/`), `?` exactly one;
 * case-sensitive; matched against the URI path only (never the query); a pattern without a leading `/` is the
 * same as with one. Behaviors are tried in order; the default behavior (`*`) comes last.
 */

/** True when `path` (starting with `/`) matches the CloudFront path pattern. Linear-time wildcard match. */
export function matchPathPattern(pattern: string, path: string): boolean {
  const p = pattern.startsWith('/') || pattern.startsWith('*') ? pattern : `/${pattern}`;
  // Iterative glob with single backtrack point (the last `*`): O(len(p) * len(path)) worst case, no recursion.
  let pi = 0;
  let si = 0;
  let star = -1;
  let mark = 0;
  while (si < path.length) {
    const c = p[pi];
    if (c === '*') {
      star = pi++;
      mark = si;
    } else if (c !== undefined && (c === '?' || c === path[si])) {
      pi++;
      si++;
    } else if (star !== -1) {
      pi = star + 1;
      si = ++mark;
    } else {
      return false;
    }
  }
  while (p[pi] === '*') pi++;
  return pi === p.length;
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
