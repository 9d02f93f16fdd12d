/**
 * What a playlist, a line and a tag are (RFC 8216 4.1), decided in one place for the rewriter, `uriPlaces`
 * (`cloudfront-hls verify`), the edge's freshness rules and the compact form. Players trim a line
 * (String.prototype.trim) before they classify it, so `  #EXTINF:4,` is a tag and `  seg.ts` a URI line.
 */
import { NotAPlaylistError } from '../errors.js';
import { BOM } from './grammar.js';

/** A blank line, a comment (`#` not followed by `EXT`), a tag (`#EXT...`) or a URI line. */
export type LineKind = 'blank' | 'comment' | 'tag' | 'uri';

/** One line, classified; offsets index the text it was read from. */
export interface ClassifiedLine {
  kind: LineKind;
  /** The first character that is not white space. */
  start: number;
  /** For a tag: its name without `#`, up to the `:` (`EXT-X-KEY`), or the whole tag when it has no value. */
  tag?: string;
  /** For a tag with a value: the offset just after its `:`. */
  valueStart?: number;
}

/** Classifies text[from, to), a line without its terminator. */
export function classifyLine(text: string, from = 0, to = text.length): ClassifiedLine {
  const start = to - text.slice(from, to).trimStart().length;
  if (start >= to) return { kind: 'blank', start };
  if (text.charCodeAt(start) !== 0x23 /* # */) return { kind: 'uri', start };
  if (!text.startsWith('#EXT', start)) return { kind: 'comment', start };
  const colon = text.indexOf(':', start);
  if (colon === -1 || colon >= to) return { kind: 'tag', start, tag: text.slice(start + 1, to).trimEnd() };
  return { kind: 'tag', start, tag: text.slice(start + 1, colon), valueStart: colon + 1 };
}

/** The lines of `text` as [start, end) offsets, split at LF with one CR before it dropped (LF and CRLF endings). */
export function* lineRanges(text: string): Generator<[number, number]> {
  for (let pos = 0; pos < text.length;) {
    let nl = text.indexOf('\n', pos);
    if (nl === -1) nl = text.length;
    yield [pos, nl > pos && text.charCodeAt(nl - 1) === 0x0d ? nl - 1 : nl];
    pos = nl + 1;
  }
}

/**
 * The value of the first `name` tag at the start of a line (`tagValue(text, 'EXT-X-TARGETDURATION')`), trimmed, or
 * undefined. Looks only at occurrences of `#name`, so a long playlist without the tag costs one `indexOf`.
 */
export function tagValue(text: string, name: string): string | undefined {
  const needle = `#${name}`;
  for (let at = text.indexOf(needle); at !== -1; at = text.indexOf(needle, at + 1)) {
    const lineStart = text.lastIndexOf('\n', at) + 1;
    let end = text.indexOf('\n', at);
    if (end === -1) end = text.length;
    if (end > at && text.charCodeAt(end - 1) === 0x0d) end--;
    const line = classifyLine(text, lineStart, end);
    if (line.kind === 'tag' && line.start === at && line.tag === name) return line.valueStart === undefined ? '' : text.slice(line.valueStart, end).trim();
  }
  return undefined;
}

/** True for a media playlist: it has EXT-X-TARGETDURATION (required there, RFC 8216 4.3.3.1) and no variant streams. */
export function isMediaPlaylist(text: string): boolean {
  return tagValue(text, 'EXT-X-TARGETDURATION') !== undefined && tagValue(text, 'EXT-X-STREAM-INF') === undefined;
}

/** True when `input` looks like an HLS playlist: UTF-8 text without NULs whose first line is `#EXTM3U`. */
export function isPlaylist(input: string | Uint8Array): boolean {
  return playlistProblem(input) === undefined;
}

/**
 * Returns `input` as text when it is a playlist (see {@link isPlaylist}); otherwise throws
 * {@link NotAPlaylistError} with a one-line reason.
 */
export function assertPlaylist(input: string | Uint8Array): string {
  const problem = playlistProblem(input);
  if (problem !== undefined) throw new NotAPlaylistError(problem);
  return typeof input === 'string' ? input : new TextDecoder('utf-8').decode(input);
}

function playlistProblem(input: string | Uint8Array): string | undefined {
  let text: string;
  if (typeof input === 'string') {
    text = input;
  } else {
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(input);
    } catch {
      return 'input is not UTF-8 text (binary data?), so it is not an HLS playlist';
    }
  }
  if (text.length === 0) return 'input is empty, not an HLS playlist';
  if (text.includes('\0')) return 'input contains NUL bytes (binary data?), so it is not an HLS playlist';
  const start = text.startsWith(BOM) ? 1 : 0;
  // RFC 8216 4.3.1.1: the first line of every playlist is the EXTM3U tag.
  if (!text.startsWith('#EXTM3U', start)) return 'input does not start with #EXTM3U, so it is not an HLS playlist';
  const after = text.charCodeAt(start + 7);
  if (!Number.isNaN(after) && after !== 0x0a && after !== 0x0d && after !== 0x20 && after !== 0x09) {
    return 'input does not start with #EXTM3U, so it is not an HLS playlist';
  }
  return undefined;
}
