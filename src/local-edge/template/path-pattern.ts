/**
 * CloudFront cache-behavior path patterns: `*` matches any run of characters (including `/`), `?` exactly one;
 * case-sensitive; matched against the URI path only (never the query); a pattern without a leading `/` is the
 * same as with one. Behaviors are tried in order; the default behavior (`*`) comes last.
 */
import { globMatch } from '../../signer/index.js';
import { LocalEdgeConfigError } from '../../errors.js';

/** True when `path` (starting with `/`) matches the CloudFront path pattern (same `*`/`?` glob as policies). */
export function matchPathPattern(pattern: string, path: string): boolean {
  const rooted = pattern.startsWith('/') || pattern.startsWith('*') ? pattern : `/${pattern}`;
  return globMatch(rooted, path);
}

/** The first behavior whose pattern matches, else the default (last) one. */
export function selectBehavior<B extends { pathPattern: string; isDefault: boolean }>(behaviors: readonly B[], path: string): B {
  for (const b of behaviors) {
    if (b.isDefault || matchPathPattern(b.pathPattern, path)) return b;
  }
  const fallback = behaviors[behaviors.length - 1];
  if (fallback === undefined) throw new LocalEdgeConfigError('the distribution has no behaviors');
  return fallback;
}

// RFC 3986 §2.3 unreserved characters: the only ones whose percent-encoding §6.2.2.2 normalizes away.
const UNRESERVED = /^[A-Za-z0-9\-._~]$/;

/**
 * The path as CloudFront matches it against behaviors: unreserved characters percent-decoded (`%2e` is `.`, while
 * `%2F` stays encoded), runs of `/` merged, then `.` and `..` segments removed (RFC 3986 §5.2.4).
 * "CloudFront normalizes URI paths consistent with RFC 3986 and then matches the path with the correct cache
 * behavior. Once the cache behavior is matched, CloudFront sends the raw URI path to the origin." ... "Some
 * characters are normalized and removed from the path, such as multiple slashes (//) or periods (..)."
 * https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/DownloadDistValuesCacheBehavior.html#DownloadDistValuesPathPattern
 * Only matching uses this form: functions and the origin get the raw path.
 *
 * @example
 * normalizeRequestPath('/movies/42/%2e%2e/43//v1/seg0.ts'); // '/movies/43/v1/seg0.ts'
 */
export function normalizeRequestPath(rawPath: string): string {
  const decoded = rawPath.replace(/%([0-9A-Fa-f]{2})/g, (encoded, hex: string) => {
    const char = String.fromCharCode(parseInt(hex, 16));
    return UNRESERVED.test(char) ? char : encoded;
  });
  const segments = decoded.replace(/\/{2,}/g, '/').split('/');
  const out: string[] = [];
  // segments[0] is '' (the path starts with '/'); a trailing '.' or '..' leaves a directory path ending in '/'.
  for (let i = 1; i < segments.length; i++) {
    const segment = segments[i]!;
    const last = i === segments.length - 1;
    if (segment === '.' || segment === '..') {
      if (segment === '..') out.pop();
      if (last) out.push('');
    } else {
      out.push(segment);
    }
  }
  return `/${out.join('/')}`;
}
