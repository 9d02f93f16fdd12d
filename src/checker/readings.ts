/**
 * Where a credentialed URI goes, under every reading a player makes of it. A reading is one string a player may
 * fetch: the URI as written (readers without variable substitution), and the URI with variables substituted the
 * way hls.js does (src/utils/variable-substitution.ts: first definition wins). Each string is then resolved two
 * ways: by WHATWG URL against the playlist (browsers, Shaka, video.js, native players), and by hls.js's
 * url-toolkit, which passes any string starting `[A-Za-z0-9+.-]+:` through unresolved, so the browser resolves
 * it against the embedding page: a host nobody here knows. Every reading must land on an allowed host.
 */

/** The hosts a credential may travel to, and the playlist URL relative references resolve against. */
export interface Destination {
  playlistUrl: URL;
  /** URL.host values: the playlist's own host and the operator's allowed hosts. */
  hosts: ReadonlySet<string>;
  /** `https://host/` (and `http://host/` for an http playlist) for each host: a URI starting so has a fixed host. */
  origins: readonly string[];
}

export function destination(playlistUrl: URL, allowedHosts: Iterable<string>): Destination {
  const hosts = new Set([playlistUrl.host, ...allowedHosts]);
  const schemes = playlistUrl.protocol === 'http:' ? ['https://', 'http://'] : ['https://'];
  return { playlistUrl, hosts, origins: [...hosts].flatMap((h) => schemes.map((s) => `${s}${h}/`)) };
}

/** url-toolkit 2.2.5's "has a scheme" test (URL_REGEX's first group), which hls.js relies on. */
const URL_TOOLKIT_SCHEME = /^[a-zA-Z0-9+.-]+:/;
/** Characters some reader trims, strips or rewrites (JavaScript's `\s`, C0, DEL, `\`): never in a credentialed URI. */
export const UNSTABLE = /[\s\x00-\x1f\x7f\\]/;

/** True when every reader resolves `uri` (a complete string) to a host of `to`. */
export function landsOnAllowedHost(uri: string, to: Destination): boolean {
  if (UNSTABLE.test(uri) || uri === '') return false;
  if (URL_TOOLKIT_SCHEME.test(uri)) {
    // Passed through unresolved by hls.js: only an absolute http(s) URL means the same thing to every reader.
    if (!/^https?:\/\/[^/]/i.test(uri)) return false;
    return allowedUrl(parse(uri), to);
  }
  if (uri.startsWith('//') && uri.charCodeAt(2) === 0x2f) return false; // `///host`: a host to WHATWG, a path to RFC 3986
  return allowedUrl(parse(uri, to.playlistUrl), to);
}

/**
 * True when nothing appended to `prefix` (a URI cut at a variable whose value is unknown) can move it off the hosts
 * of `to`: a root-relative path past its first character, a relative path that cannot grow into a scheme a player
 * fetches from elsewhere, or an absolute URL whose authority has ended on an allowed host.
 */
export function prefixLandsOnAllowedHost(prefix: string, to: Destination): boolean {
  if (UNSTABLE.test(prefix) || prefix === '') return false;
  const absolute = URL_TOOLKIT_SCHEME.test(prefix);
  if (absolute || prefix.startsWith('//')) {
    const authorityEnd = prefix.slice(prefix.indexOf('//') + 2).search(/[/?#]/);
    if (authorityEnd <= 0) return false;
    return landsOnAllowedHost(prefix.slice(0, prefix.indexOf('//') + 2 + authorityEnd + 1), to);
  }
  if (prefix.startsWith('/')) return prefix.length >= 2;
  // Growing into `x:`: url-toolkit passes `[A-Za-z0-9+.-]+:` to the browser, which resolves it against the page
  // unless it is a WHATWG scheme (a letter first), and fetches only http(s) schemes over the network.
  if (/[^A-Za-z0-9+.-]/.test(prefix)) return true;
  return /^[A-Za-z]/.test(prefix) && !'https:'.startsWith(prefix.toLowerCase());
}

function parse(uri: string, base?: URL): URL | undefined {
  try {
    return new URL(uri, base);
  } catch {
    return undefined;
  }
}

function allowedUrl(url: URL | undefined, to: Destination): boolean {
  if (url === undefined) return false;
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return false;
  // Never in clear text when the viewer uses TLS.
  if (url.protocol === 'http:' && to.playlistUrl.protocol === 'https:') return false;
  if (url.username !== '' || url.password !== '') return false;
  return to.hosts.has(url.host);
}

/**
 * Fast verdict for the common URI, text[start, end): true when it is certainly on an allowed host under every
 * reading (a relative path with no `:` before its first `/`, `?` or `#`, not `//`; or an allowed origin followed by
 * a path); false means "not certain", and the caller reads it the slow way. It holds no variable references.
 */
export function plainlyAllowed(text: string, start: number, end: number, to: Destination): boolean {
  const c0 = text.charCodeAt(start);
  if (c0 === 0x2f && text.charCodeAt(start + 1) === 0x2f) return false;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x2f || c === 0x3f || c === 0x23) return i > start || c0 === 0x2f;
    if (c === 0x3a) break;
  }
  return to.origins.some((origin) => end - start > origin.length && text.slice(start, start + origin.length) === origin);
}
