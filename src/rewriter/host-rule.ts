/**
 * The host rule: which URIs may carry a viewer's credentials. A URI qualifies only when it resolves to the viewer's
 * host or an allowed one, and only when every reader that matters (WHATWG URL in browsers and native players,
 * url-toolkit in hls.js, ffmpeg) would resolve it the same way: where they could disagree it fails closed.
 */
import type { WithheldReason } from './types.js';

/**
 * True when nothing appended to `prefix` can change the host a player resolves it to: a root-relative path
 * (`/a` + anything stays on this host), a relative path that can no longer become a scheme to any reader (it holds
 * a character no scheme may contain), or an absolute URL whose authority has ended.
 */
export function hostFixed(prefix: string): boolean {
  if (prefix === '' || ambiguity(prefix) !== undefined) return false;
  const kind = referenceKind(prefix);
  if (kind === 'absolute' || kind === 'network-path') return hostEndsWithin(prefix);
  if (kind !== 'relative') return false;
  if (prefix.startsWith('/')) return prefix.length >= 2;
  return cannotBecomeFetchableScheme(prefix);
}

/**
 * For a relative prefix: true when no completion can make it a scheme a player fetches from another host. url-toolkit
 * (hls.js) reads any `[A-Za-z0-9+.-]+:` start as a scheme and leaves the URL to the browser; WHATWG URL accepts it as
 * a scheme only when it starts with a letter, and otherwise resolves it against the page (`1a:`, `9:`, `+:`, `.:`
 * go to the page's host). So: a character outside that set rules any scheme out; a letter first leaves only
 * schemes no player fetches over the network, unless the prefix could still grow into `http:` or `https:`.
 */
export function cannotBecomeFetchableScheme(prefix: string): boolean {
  if (/[^A-Za-z0-9+.-]/.test(prefix)) return true;
  const lower = prefix.toLowerCase();
  return /^[a-z]/.test(lower) && !'https:'.startsWith(lower);
}

/** For an absolute or network-path prefix: true when its authority is followed by a path, query or fragment. */
export function hostEndsWithin(prefix: string): boolean {
  const after = prefix.slice(prefix.indexOf('//') + 2);
  return after.includes('/') || after.includes('?') || after.includes('#');
}
/**
 * Characters some reader trims, strips or rewrites while another keeps them: C0 controls, space, DEL and `\`
 * (WHATWG URL strips tab/CR/LF anywhere, C0 and space at the ends, reads `\` as `/`), and every character of
 * JavaScript's `\s` (what String.prototype.trim removes in hls.js and url-toolkit: U+00A0, U+FEFF, U+2028,
 * U+3000, ...). Character class only: linear.
 */
const UNSTABLE_CHARACTER = /[\s\x00-\x1f\x7f\\]/;

/** Why readers could disagree on where `uri` points, or undefined when they cannot (`kind`: its {@link referenceKind}). */
export function ambiguity(uri: string, kind = referenceKind(uri)): WithheldReason | undefined {
  if (UNSTABLE_CHARACTER.test(uri)) return 'whitespace-or-control';
  if (kind === 'scheme-like') return 'scheme-like-prefix';
  if (kind === 'extra-slashes') return 'extra-slashes';
  return undefined;
}

export type ReferenceKind = 'relative' | 'network-path' | 'absolute' | 'other-scheme' | 'scheme-like' | 'extra-slashes';

/**
 * How a reference starts (RFC 3986 4.1), read strictly enough that WHATWG URL, url-toolkit (hls.js) and ffmpeg
 * agree:
 * - `relative`: no `:` before the first `/`, `?` or `#`, and not `//`;
 * - `network-path`: `//host...` (not `///`);
 * - `absolute`: `http:` or `https:` (any case) followed by exactly `//` and a host;
 * - `other-scheme`: a valid RFC 3986 scheme that is not http(s) (`skd:`, `data:`): never credentialed;
 * - `scheme-like`: anything else with a `:` first (`https:evil/x`, `https:/evil/x`, `1a://x`, `+http://x`):
 *   url-toolkit treats `[A-Za-z0-9+.-]+:` as a scheme and passes the URI through unresolved, so the browser
 *   resolves it against the page, not the playlist;
 * - `extra-slashes`: `///host` or `https:///host`, a host to WHATWG and a path to RFC 3986 readers.
 */
export function referenceKind(uri: string): ReferenceKind {
  let colon = -1;
  for (let i = 0; i < uri.length; i++) {
    const c = uri.charCodeAt(i);
    if (c === 0x3a /* : */) {
      colon = i;
      break;
    }
    if (c === 0x2f /* / */ || c === 0x3f /* ? */ || c === 0x23 /* # */) break;
  }
  if (colon === -1) {
    if (!uri.startsWith('//')) return 'relative';
    return uri.charCodeAt(2) === 0x2f ? 'extra-slashes' : 'network-path';
  }
  const scheme = uri.slice(0, colon).toLowerCase();
  if (scheme !== 'http' && scheme !== 'https') return /^[a-z][a-z0-9+.-]*$/.test(scheme) ? 'other-scheme' : 'scheme-like';
  if (!uri.startsWith('//', colon + 1)) return 'scheme-like';
  return uri.charCodeAt(colon + 3) === 0x2f ? 'extra-slashes' : 'absolute';
}

/**
 * A URI gets credentials only when it resolves to the viewer's own host or an allowed host: credentials are
 * bearer tokens. Relative and root-relative references resolve to the playlist's host (RFC 3986 5.2).
 * Non-HTTP schemes (`skd:`, `data:`, ...) never qualify. `complete` is false when `uri` is only a prefix of
 * the real URI: then its authority must end within the prefix. Callers have ruled out {@link ambiguity} and
 * pass the {@link referenceKind} they computed for it.
 */
export function qualifies(uri: string, kind: ReferenceKind, complete: boolean, viewer: URL, allowHosts: ReadonlySet<string>): boolean {
  if (kind === 'relative') return true;
  if (kind !== 'absolute' && kind !== 'network-path') return false;
  if (!complete && !hostEndsWithin(uri)) return false;
  let resolved: URL;
  try {
    resolved = new URL(uri, viewer);
  } catch {
    return false;
  }
  if (resolved.protocol !== 'https:' && resolved.protocol !== 'http:') return false;
  // Never send credentials in clear text when the viewer uses TLS.
  if (resolved.protocol === 'http:' && viewer.protocol === 'https:') return false;
  if (resolved.username !== '' || resolved.password !== '') return false;
  // URL.host drops the scheme's default port, so `host` and `host:443` (https) are one host; other ports are not.
  return resolved.host === viewer.host || allowHosts.has(resolved.host);
}
