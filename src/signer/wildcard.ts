/**
 * Custom-policy Resource matching the way CloudFront applies it: `*` matches any run of characters
 * (including none), `?` exactly one. The scheme+host part and the path+query part are matched separately,
 * so a `*` in the host never reaches into the path; a trailing `*` in the path also covers the query string
 * (CloudFront Developer Guide, "Values that you specify in the policy statement for a signed URL that uses a
 * custom policy").
 */

/**
 * Glob match with `*` and `?` only. Iterative with a single backtrack point (the last `*`), so it runs in
 * O(pattern * text) at worst and never recurses: safe on hostile input.
 */
export function globMatch(pattern: string, text: string): boolean {
  let p = 0;
  let t = 0;
  let starP = -1;
  let starT = 0;
  while (t < text.length) {
    const pc = pattern[p];
    if (pc === '*') {
      starP = p++;
      starT = t;
    } else if (pc !== undefined && (pc === '?' || pc === text[t])) {
      p++;
      t++;
    } else if (starP !== -1) {
      p = starP + 1;
      t = ++starT;
    } else {
      return false;
    }
  }
  while (pattern[p] === '*') p++;
  return p === pattern.length;
}

/** Splits `scheme://host[:port]` from the rest (path and query). Undefined when there is no `://`. */
function splitHead(s: string): { head: string; rest: string } | undefined {
  const i = s.indexOf('://');
  if (i === -1) return undefined;
  let end = s.length;
  for (let j = i + 3; j < s.length; j++) {
    const c = s[j];
    if (c === '/' || c === '?' || c === '#') {
      end = j;
      break;
    }
  }
  return { head: s.slice(0, end).toLowerCase(), rest: s.slice(end) };
}

/**
 * True when a policy `Resource` covers `url` (the request URL without CloudFront's signing params).
 * A resource without `://` (e.g. a bare `*`) is matched against the whole URL.
 *
 * @example resourceCovers('https://d111.cloudfront.net/movies/42/*', 'https://d111.cloudfront.net/movies/42/v1/a.ts?x=1') // true
 */
export function resourceCovers(resource: string, url: string): boolean {
  const r = splitHead(resource);
  const u = splitHead(url);
  if (r === undefined || u === undefined) return globMatch(resource, url);
  // `https://*` (nothing after the host wildcard) covers every path on every host.
  if (r.rest === '' && r.head.endsWith('*')) return globMatch(r.head, u.head + u.rest);
  if (!globMatch(r.head, u.head)) return false;
  // A URL with an empty path is the same resource as one with `/`.
  const uRest = u.rest === '' || u.rest.startsWith('?') ? `/${u.rest}` : u.rest;
  const rRest = r.rest === '' ? '/' : r.rest;
  return globMatch(rRest, uRest);
}
