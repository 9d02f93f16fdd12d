/**
 * Opt-in compact form of a rewritten media playlist (origin custom header `x-cfhls-compact: define`): the
 * credentials are written once, in `#EXT-X-DEFINE:NAME="cfhls",VALUE="<credentials>"`, and every URI refers to
 * them as `{$cfhls}` (RFC 8216bis 4.3 variable substitution, 4.4.2.3 EXT-X-DEFINE). A 100k-segment playlist with
 * ~640-byte credentials shrinks from ~68 MB to ~4 MB. Players without variable substitution cannot play it.
 *
 * A post-processing step around the rewriter: a header inserted after `#EXTM3U`, and the exact credential string
 * the rewriter appended (after `?` or `&`, at the end of a query) replaced in one forward pass.
 */

/** Origin custom header (set on the media origin in template.yaml) that selects the compact form. */
export const COMPACT_HEADER = 'x-cfhls-compact';
/** Value of the origin custom header that turns the compact form on. */
export const COMPACT_DEFINE = 'define';
/** The variable name the compact form defines (RFC 8216bis 4.3: `[a-zA-Z0-9_-]`). */
export const COMPACT_VARIABLE = 'cfhls';
/** RFC 8216bis 8: variable substitution (EXT-X-DEFINE) requires EXT-X-VERSION 8 or higher. */
export const COMPACT_MIN_VERSION = 8;

const REFERENCE = `{$${COMPACT_VARIABLE}}`;

/** Why a playlist was left in the full form. */
export type CompactSkip = 'not-a-media-playlist' | 'unsafe-credentials' | 'variable-name-taken';

/** True for a media playlist: it has the EXT-X-TARGETDURATION tag (required there, RFC 8216 4.3.3.1). */
function isMediaPlaylist(text: string): boolean {
  return text.includes('#EXT-X-TARGETDURATION:') && !text.includes('#EXT-X-STREAM-INF');
}

/** A quoted-string (RFC 8216 4.2) may not hold `"`, CR or LF; `{$` would read as a reference. */
function safeAsQuotedString(value: string): boolean {
  return value !== '' && !/["\r\n]/.test(value) && !value.includes('{$');
}

/** The character after an appended credential string: end of query, of line or of a quoted attribute. */
function endsQuery(code: number): boolean {
  return Number.isNaN(code) || code === 0x0a || code === 0x0d || code === 0x22 /* " */ || code === 0x23 /* # */
    || code === 0x26 /* & */ || code === 0x20 || code === 0x09;
}

/**
 * First half of the compact form, on the playlist before or after rewriting (the rewriter leaves these lines
 * alone): inserts `#EXT-X-DEFINE:NAME="cfhls",VALUE="<credentials>"` after the `#EXTM3U` line and raises
 * EXT-X-VERSION to at least 8 (inserting `#EXT-X-VERSION:8` when there is none). Returns the reason instead
 * when the playlist cannot take the compact form: not a media playlist, credentials that cannot be a
 * quoted-string, or a playlist that already uses the variable name.
 */
export function compactHeader(text: string, credentials: string): { text: string } | { skipped: CompactSkip } {
  if (!isMediaPlaylist(text)) return { skipped: 'not-a-media-playlist' };
  if (!safeAsQuotedString(credentials)) return { skipped: 'unsafe-credentials' };
  if (text.includes(REFERENCE) || text.includes(`"${COMPACT_VARIABLE}"`)) return { skipped: 'variable-name-taken' };
  return { text: withHeader(text, credentials) };
}

/**
 * Second half, on rewritten text that starts at a line start: replaces every copy of `credentials` the rewriter
 * appended (after `?` or `&`, ending the query) with `{$cfhls}`. One forward pass; works chunk by chunk on
 * line-aligned chunks.
 */
export function replaceCredentials(text: string, credentials: string): { text: string; replaced: number } {
  const pieces: string[] = [];
  let copied = 0;
  let replaced = 0;
  // Start of the current occurrence's line, and how far back newlines have been looked for: each character is
  // looked at once, so the pass stays linear even with many occurrences on one line.
  let lineStart = 0;
  let scannedTo = 0;
  let pos = text.indexOf(credentials);
  while (pos !== -1) {
    for (let i = pos - 1; i >= scannedTo; i--) {
      if (text.charCodeAt(i) === 0x0a) {
        lineStart = i + 1;
        break;
      }
    }
    scannedTo = pos;
    const before = text.charCodeAt(pos - 1);
    const end = pos + credentials.length;
    // Legacy #EXT-X-PREFETCH values are neither URI lines nor quoted-strings: no substitution there.
    const prefetch = text.startsWith('#EXT-X-PREFETCH:', lineStart + leadingSpace(text, lineStart, pos));
    if ((before === 0x3f /* ? */ || before === 0x26 /* & */) && endsQuery(text.charCodeAt(end)) && !prefetch) {
      pieces.push(text.slice(copied, pos), REFERENCE);
      copied = end;
      replaced++;
    }
    pos = text.indexOf(credentials, end);
  }
  if (replaced === 0) return { text, replaced };
  pieces.push(text.slice(copied));
  return { text: pieces.join(''), replaced };
}

/** Result of {@link compactPlaylistDetailed}. */
export interface CompactResult {
  text: string;
  /** URIs whose credentials became `{$cfhls}`. */
  replaced: number;
  skipped?: CompactSkip;
}

/**
 * The compact form of a whole rewritten media playlist: {@link compactHeader} then {@link replaceCredentials}.
 * Returns the text unchanged, with the reason, when the playlist cannot take the compact form.
 *
 * @example
 * ```ts
 * compactPlaylist('#EXTM3U\n#EXT-X-TARGETDURATION:6\n#EXTINF:6,\na.ts?Policy=p&Signature=s&Key-Pair-Id=K\n',
 *   'Policy=p&Signature=s&Key-Pair-Id=K');
 * // #EXTM3U\n#EXT-X-VERSION:8\n#EXT-X-DEFINE:NAME="cfhls",VALUE="Policy=p&Signature=s&Key-Pair-Id=K"\n...a.ts?{$cfhls}\n
 * ```
 */
export function compactPlaylistDetailed(text: string, credentials: string): CompactResult {
  const head = compactHeader(text, credentials);
  if ('skipped' in head) return { text, replaced: 0, skipped: head.skipped };
  return replaceCredentials(head.text, credentials);
}

/** {@link compactPlaylistDetailed}, text only. */
export function compactPlaylist(text: string, credentials: string): string {
  return compactPlaylistDetailed(text, credentials).text;
}

/** Spaces and tabs before the first non-blank character of a line (players trim lines before reading tags). */
function leadingSpace(text: string, from: number, limit: number): number {
  let n = 0;
  while (from + n < limit && (text.charCodeAt(from + n) === 0x20 || text.charCodeAt(from + n) === 0x09)) n++;
  return n;
}

/**
 * Inserts `#EXT-X-DEFINE` (and `#EXT-X-VERSION:8` when there is none) after the `#EXTM3U` line, and raises an
 * existing EXT-X-VERSION below 8.
 */
function withHeader(text: string, credentials: string): string {
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
