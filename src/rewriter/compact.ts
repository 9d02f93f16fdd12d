/**
 * The compact form of a rewritten media playlist (opt-in, `RewriteOptions.compact`): the credentials are
 * written once, in `#EXT-X-DEFINE:NAME="cfhls",VALUE="<credentials>"`, and every URI refers to them as `{$cfhls}`
 * (RFC 8216bis 4.3 variable substitution, 4.4.2.3 EXT-X-DEFINE). A 100k-segment playlist with ~640-byte
 * credentials shrinks from ~68 MB to ~4 MB. Players without variable substitution cannot play it.
 */

/** The variable name the compact form defines (RFC 8216bis 4.3: `[a-zA-Z0-9_-]`). */
export const COMPACT_VARIABLE = 'cfhls';
/** What a URI carries in the compact form instead of the credentials. */
export const COMPACT_REFERENCE = `{$${COMPACT_VARIABLE}}`;
/** RFC 8216bis 8: variable substitution (EXT-X-DEFINE) requires EXT-X-VERSION 8 or higher. */
export const COMPACT_MIN_VERSION = 8;

/** Why a playlist was left in the full form. */
export type CompactSkip = 'not-a-media-playlist' | 'unsafe-credentials' | 'variable-name-taken';

/** True for a media playlist: it has the EXT-X-TARGETDURATION tag (required there, RFC 8216 4.3.3.1). */
function isMediaPlaylist(text: string): boolean {
  return text.includes('#EXT-X-TARGETDURATION:') && !text.includes('#EXT-X-STREAM-INF');
}

/** Why `text` cannot take the compact form with `credentials`, or undefined when it can. */
export function compactSkip(text: string, credentials: string): CompactSkip | undefined {
  if (!isMediaPlaylist(text)) return 'not-a-media-playlist';
  // A quoted-string (RFC 8216 4.2) may not hold `"`, CR or LF; `{$` would read as a reference.
  if (credentials === '' || /["\r\n]/.test(credentials) || credentials.includes('{$')) return 'unsafe-credentials';
  if (text.includes(COMPACT_REFERENCE) || text.includes(`"${COMPACT_VARIABLE}"`)) return 'variable-name-taken';
  return undefined;
}

/**
 * Inserts `#EXT-X-DEFINE:NAME="cfhls",VALUE="<credentials>"` (and `#EXT-X-VERSION:8` when there is none) after the
 * `#EXTM3U` line, and raises an existing EXT-X-VERSION below 8. Keeps the first line's line ending.
 */
export function withCompactHeader(text: string, credentials: string): string {
  const nl = text.indexOf('\n');
  const eol = nl > 0 && text.charCodeAt(nl - 1) === 0x0d ? '\r\n' : '\n';
  const headEnd = nl === -1 ? text.length : nl + 1;
  const head = nl === -1 ? text + eol : text.slice(0, headEnd);
  const define = `#EXT-X-DEFINE:NAME="${COMPACT_VARIABLE}",VALUE="${credentials}"${eol}`;
  let rest = text.slice(headEnd);
  const version = findVersion(rest);
  let versionLine = '';
  if (version === undefined) {
    versionLine = `#EXT-X-VERSION:${COMPACT_MIN_VERSION}${eol}`;
  } else if (!(version.value >= COMPACT_MIN_VERSION)) {
    rest = `${rest.slice(0, version.start)}${COMPACT_MIN_VERSION}${rest.slice(version.end)}`;
  }
  return head + versionLine + define + rest;
}

/** Offsets of the EXT-X-VERSION value in `text` (the playlist after its first line), or undefined. */
function findVersion(text: string): { start: number; end: number; value: number } | undefined {
  const tag = '#EXT-X-VERSION:';
  let at: number;
  if (text.startsWith(tag)) {
    at = 0;
  } else {
    at = text.indexOf(`\n${tag}`);
    if (at === -1) return undefined;
    at += 1;
  }
  const start = at + tag.length;
  let end = start;
  while (end < text.length && text.charCodeAt(end) !== 0x0a && text.charCodeAt(end) !== 0x0d) end++;
  const raw = text.slice(start, end).trim();
  return { start, end, value: /^\d{1,9}$/.test(raw) ? Number(raw) : Number.NaN };
}
