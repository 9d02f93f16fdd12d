/**
 * One pass over one line of output: where the credentials are, where variable references and characters that
 * readers treat differently are, and whether the line holds a terminator some player splits at. Every character
 * outside the credentials is looked at once; the credentials as written are recognised whole and skipped, so the
 * check costs about one read of the input, not of the much longer output.
 */
import type { CheckFailure, CheckOptions } from './types.js';

/** A `{$name}` reference (hls.js's pattern), as offsets into the text. */
export interface Reference {
  start: number;
  end: number;
  name: string;
}

/** What one line of output holds; offsets index the text the line was read from. */
export interface LineFacts {
  start: number;
  end: number;
  /** First character that is not a space or tab (what every reader skips before classifying the line). */
  contentStart: number;
  /** Start offset of each run of credential bytes: the first markCount entries (the array is reused line to line). */
  marks: number[];
  markCount: number;
  references: Reference[];
  /** Offsets of characters some reader trims or rewrites: JavaScript's `\s`, TAB, DEL, `\`. */
  unstable: number[];
  /** Tags that hls.js finds anywhere in a multivariant playlist, found somewhere other than the line start. */
  hiddenTags: string[];
}

/**
 * Tags hls.js's multivariant regexes match mid-line (MASTER_PLAYLIST_REGEX has no line anchor): a definition or a
 * steering tag hidden in a comment or a URI changes what every later URI means.
 */
const HIDDEN_TAGS = ['#EXT-X-DEFINE:', '#EXT-X-CONTENT-STEERING:'];

/** A character some rule looks at: the scan stops. */
const HARD_STOP = 1;
/** The first character of a secret (and of nothing the rules look at): the scan stops only where a secret starts. */
const SECRET_FIRST = 2;

/**
 * ASCII characters the scan must stop at: controls, space, DEL, `\`, `{`, `#` and the first character of the
 * written credentials (HARD_STOP), the first character of each secret (SECRET_FIRST). Everything else is skipped
 * in a tight loop: most of a playlist is letters, digits and punctuation that no rule here cares about.
 */
export function stopTable(options: Pick<CheckOptions, 'written' | 'secrets'>): Uint8Array {
  const table = new Uint8Array(128);
  for (const word of options.secrets) {
    const c = word.charCodeAt(0);
    if (c < 128) table[c] = SECRET_FIRST;
  }
  for (let c = 0; c <= 0x20; c++) table[c] = HARD_STOP;
  for (const c of [0x7f, 0x5c, 0x7b, 0x23, options.written.charCodeAt(0)]) if (c < 128) table[c] = HARD_STOP;
  return table;
}

/** Facts to fill: one object reused line after line (a playlist has a hundred thousand lines). */
export function emptyFacts(): LineFacts {
  return { start: 0, end: 0, contentStart: 0, marks: [], markCount: 0, references: [], unstable: [], hiddenTags: [] };
}

/** Reads text[start, end) (its terminator excluded) into `facts`; returns them, or `line-break`. */
export function inspectLine(text: string, start: number, end: number, options: CheckOptions, stops: Uint8Array, facts: LineFacts): LineFacts | CheckFailure {
  const { written, secrets } = options;
  let contentStart = start;
  while (contentStart < end && (text.charCodeAt(contentStart) === 0x20 || text.charCodeAt(contentStart) === 0x09)) contentStart++;
  facts.start = start;
  facts.end = end;
  facts.contentStart = contentStart;
  // A fresh array only where the last line left something: most lines leave all four empty.
  facts.markCount = 0;
  if (facts.references.length > 0) facts.references = [];
  if (facts.unstable.length > 0) facts.unstable = [];
  if (facts.hiddenTags.length > 0) facts.hiddenTags = [];
  const writtenFirst = written.charCodeAt(0);
  for (let i = contentStart; i < end;) {
    const c = text.charCodeAt(i);
    if (c < 128 && stops[c] === 0) {
      i++;
      continue;
    }
    if (c === writtenFirst && at(text, i, written)) {
      facts.marks[facts.markCount++] = i;
      i += written.length;
      continue;
    }
    const secret = secretAt(text, i, c, secrets);
    if (secret > 0) {
      facts.marks[facts.markCount++] = i;
      i += secret;
      continue;
    }
    if (isLineBreak(c)) return 'line-break';
    if (isUnstable(c)) facts.unstable.push(i);
    else if (c === 0x7b /* { */ && text.charCodeAt(i + 1) === 0x24 /* $ */) i = readReference(text, i, end, facts);
    else if (c === 0x23 /* # */ && i !== contentStart) recordHiddenTag(text, i, facts);
    i++;
  }
  return facts;
}

/** How a character reads in the path of a credentialed URI line (ASCII; anything else is never quiet). */
const QUIET = 0;
const STOP = 1;
const SLASH = 2;
const COLON = 3;
const PATH_CLASS = (() => {
  const table = new Uint8Array(128);
  // Controls (line ends included), space, `#`, `?`, `\`, `{`, DEL: the path ends there or the line is read in full.
  for (let c = 0; c <= 0x20; c++) table[c] = STOP;
  for (const c of [0x23, 0x3f, 0x5c, 0x7b, 0x7f]) table[c] = STOP;
  table[0x2f] = SLASH;
  table[0x3a] = COLON;
  return table;
})();

/**
 * The two shapes most lines of a playlist have, recognised in one pass without building facts, each found with its
 * own end (the line feed, the CR of a CRLF, or the end of the text; see {@link nextLineStart}) so the credentials are
 * read once: an empty line, or a tag or comment with nothing the rules look at (`#EXTINF:6.006,`): 'plain'; a
 * relative URI line whose query is exactly the written credentials (`v/seg_01.m4s?Policy=...`): 'credentialed'.
 * Such a URI line has no `:` before the path's first `/`, does not start with `//`, and holds no character any
 * reader trims or stops at, so every reader resolves it on the playlist's host, whatever credential bytes sit in it.
 * Returns the line's end (a non-empty line not starting with `#` is then a credentialed one), or -1 for any other
 * line or any doubt: the full reading (inspectLine, then judgeLine) decides those, and gives the same verdict on
 * these shapes (test/checker/fast-path.test.ts).
 */
export function plainLineEnd(text: string, start: number, options: CheckOptions, stops: Uint8Array): number {
  const first = text.charCodeAt(start);
  if (endsLine(text, start)) return start;
  if (first === 0x23 /* # */) {
    // Tags that change how later lines read are never plain: #EXT-X-DEFINE, #EXT-X-CONTENT-STEERING.
    if (text.charCodeAt(start + 4) === 0x2d /* - */ && (text.charCodeAt(start + 7) === 0x44 /* D */ || text.charCodeAt(start + 7) === 0x43 /* C */)) return -1;
    const end = quietRun(text, start + 1, text.length, options, stops);
    return endsLine(text, end) ? end : -1;
  }
  if (first === 0x2f && text.charCodeAt(start + 1) === 0x2f) return -1;
  let pathEnded = false;
  let i = start;
  for (; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 128) return -1;
    const kind = PATH_CLASS[c];
    if (kind === QUIET) continue;
    if (kind === SLASH) pathEnded = true;
    // A `:` before the first `/` could make a scheme (`evil.example:x`): the full reading decides.
    else if (kind === STOP || !pathEnded) break;
  }
  const { written } = options;
  const end = i + 1 + written.length;
  if (i === start || text.charCodeAt(i) !== 0x3f /* ? */ || !at(text, i + 1, written) || !endsLine(text, end)) return -1;
  return end;
}

/** True when text[i] ends a line for every reader: LF, CRLF, or the end of the text. */
function endsLine(text: string, i: number): boolean {
  if (i === text.length) return true;
  const c = text.charCodeAt(i);
  return c === 0x0a || (c === 0x0d && text.charCodeAt(i + 1) === 0x0a);
}

/** Where the line after the one ending at `end` starts (see {@link endsLine}). */
export function nextLineStart(text: string, end: number): number {
  return text.charCodeAt(end) === 0x0d ? end + 2 : end + 1;
}

/**
 * The end of the run of text[from, to) with no stop character; a secret's first letter that starts no secret does
 * not stop it (the Policy value starts `eyJ`, and `e` is common).
 */
function quietRun(text: string, from: number, to: number, options: CheckOptions, stops: Uint8Array): number {
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c >= 128) return i;
    const stop = stops[c];
    if (stop === 0) continue;
    if (stop === HARD_STOP || secretAt(text, i, c, options.secrets) > 0) return i;
  }
  return to;
}

/** Length of the secret starting at text[i] (first code unit `c`), or 0. */
function secretAt(text: string, i: number, c: number, secrets: readonly string[]): number {
  for (const s of secrets) {
    if (c === s.charCodeAt(0) && at(text, i, s)) return s.length;
  }
  return 0;
}

/**
 * True when `word` occurs in `text` at `i`. A slice compared with `===` (V8 slices without copying and compares in
 * one call) measured 9x faster than `startsWith(word, i)` for the 600-character credentials, which are
 * compared once per URI.
 */
function at(text: string, i: number, word: string): boolean {
  return text.charCodeAt(i + 1) === word.charCodeAt(1) && text.slice(i, i + word.length) === word;
}

/** C0 controls but TAB, and the terminators JavaScript's `.` and some players stop at: NEL, LS, PS. */
function isLineBreak(c: number): boolean {
  return (c < 0x20 && c !== 0x09) || c === 0x85 || c === 0x2028 || c === 0x2029;
}

/** JavaScript's `\s` (what String.prototype.trim removes), DEL and backslash; line breaks are refused before. */
function isUnstable(c: number): boolean {
  if (c < 0x80) return c === 0x09 || c === 0x20 || c === 0x7f || c === 0x5c;
  return c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff;
}

/** Records `{$name}` at text[i] if it is one; returns the offset of its last character (or i). */
function readReference(text: string, i: number, end: number, facts: LineFacts): number {
  let j = i + 2;
  while (j < end && isNameChar(text.charCodeAt(j))) j++;
  if (j === i + 2 || j >= end || text.charCodeAt(j) !== 0x7d /* } */) return i;
  facts.references.push({ start: i, end: j + 1, name: text.slice(i + 2, j) });
  return j;
}

function isNameChar(c: number): boolean {
  return (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || c === 0x2d || c === 0x5f;
}

function recordHiddenTag(text: string, i: number, facts: LineFacts): void {
  for (const tag of HIDDEN_TAGS) if (text.startsWith(tag, i)) facts.hiddenTags.push(tag);
}
