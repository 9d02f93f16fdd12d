/**
 * Judges one line of output: a line that carries credentials (their bytes, or a reference to a variable holding
 * them) must carry them only inside URI places, as the HLS grammar places them (src/hls/grammar.ts's table of
 * URI attributes, read here with the checker's own strict attribute parser), and every reading of each such URI
 * must land on an allowed host.
 */
import { ABSOLUTE_ONLY, DEFINE_TAG, PREFETCH_TAG, STEERING_TAG, URI_ATTRIBUTES } from '../hls/index.js';
import type { UriKind } from '../hls/index.js';
import { isRepeated, strictAttributes } from './attributes.js';
import type { CheckFailure, CheckState } from './types.js';
import type { LineFacts, Reference } from './lines.js';
import { landsOnAllowedHost, plainlyAllowed, prefixLandsOnAllowedHost } from './readings.js';
import { UNKNOWN, readDefine } from './variables.js';

/** Tags that matter even without credentials on their line. */
const LATER_LINES_TAGS = [`#${DEFINE_TAG}:`, `#${STEERING_TAG}`];

/** True when text at `i` starts with one of `words` (short words: a character loop, exits at the first mismatch). */
function startsWithAny(text: string, i: number, words: readonly string[]): boolean {
  return words.some((word) => {
    for (let k = 0; k < word.length; k++) if (text.charCodeAt(i + k) !== word.charCodeAt(k)) return false;
    return true;
  });
}

/** `http(s)://` and a first character of the host that is not a `/` (`https:///x` is a path to some readers). */
const ABSOLUTE_URL = /^https?:\/\/[^/]/i;

/** Longest substituted URI read in full; longer ones are judged by their prefix only (fail closed). */
const MAX_SUBSTITUTED_CHARS = 16 * 1024;

export function judgeLine(text: string, f: LineFacts, s: CheckState): CheckFailure | undefined {
  if (f.hiddenTags.includes('#EXT-X-DEFINE:')) return 'unreadable-definition';
  if (f.hiddenTags.length > 0) s.steering = true;
  if (f.contentStart === f.end) return undefined;
  if (text.charCodeAt(f.contentStart) !== 0x23 /* # */) return uriLine(text, f, s);
  // The common line: a tag with nothing to judge, and not one that changes how later lines read.
  if (f.markCount === 0 && f.references.length === 0 && !startsWithAny(text, f.contentStart, LATER_LINES_TAGS)) return undefined;
  const colon = text.indexOf(':', f.contentStart);
  const tag = text.slice(f.contentStart + 1, colon === -1 || colon > f.end ? f.end : colon);
  if (tag === DEFINE_TAG) return defineLine(text, f, colon, s);
  if (tag === STEERING_TAG) s.steering = true;
  if (!carriesCredentials(f, s)) return noteUnjudged(f.references, s);
  s.credentialsSeen = true;
  if (colon === -1 || colon > f.end) return 'credential-outside-uri';
  if (tag === PREFETCH_TAG) return judgeUri(text, trimStart(text, colon + 1, f.end), trimEnd(text, colon + 1, f.end), f, s);
  const kinds = URI_ATTRIBUTES.get(tag);
  if (kinds === undefined) return 'credential-outside-uri';
  return tagLine(text, f, colon + 1, kinds, tag, s);
}

/** A URI line: the whole line, spaces and tabs around it aside. */
function uriLine(text: string, f: LineFacts, s: CheckState): CheckFailure | undefined {
  if (!carriesCredentials(f, s)) return noteUnjudged(f.references, s);
  s.credentialsSeen = true;
  return judgeUri(text, f.contentStart, trimEnd(text, f.contentStart, f.end), f, s);
}

function tagLine(text: string, f: LineFacts, listStart: number, kinds: ReadonlyMap<string, UriKind>, tag: string, s: CheckState): CheckFailure | undefined {
  const attributes = strictAttributes(text, listStart, f.end);
  if (attributes === undefined) return 'credential-outside-uri';
  const judged = new Set<number>();
  for (const at of [...marksOf(f), ...credentialReferences(f, s)]) {
    const index = attributes.findIndex((a) => a.quoted && at >= a.valueStart + 1 && at < a.valueEnd - 1);
    const a = attributes[index];
    if (a === undefined || !kinds.has(a.name) || isRepeated(attributes, index)) return 'credential-outside-uri';
    judged.add(index);
  }
  for (const index of judged) {
    const a = attributes[index]!;
    // A place some player resolves against the page: only an absolute URL, its host written out, means one place.
    if (ABSOLUTE_ONLY.has(kinds.get(a.name)!) && !ABSOLUTE_URL.test(text.slice(a.valueStart + 1, a.valueEnd - 1))) return 'foreign-host';
    const failure = judgeUri(text, a.valueStart + 1, a.valueEnd - 1, f, s);
    if (failure !== undefined) return failure;
    if (tag === STEERING_TAG) s.steeringServerJudged = true;
  }
  const inside = (r: Reference) => [...judged].some((i) => r.start > attributes[i]!.valueStart && r.end < attributes[i]!.valueEnd);
  return noteUnjudged(f.references.filter((r) => !inside(r)), s);
}

function defineLine(text: string, f: LineFacts, colon: number, s: CheckState): CheckFailure | undefined {
  const effect = readDefine(text, colon + 1, f.end, s.options.credentialNames);
  if (effect.kind === 'credential-param') return 'credential-variable';
  if (effect.kind === 'unreadable') return 'unreadable-definition';
  if (effect.kind === 'unknown') {
    s.variables.define(effect.name, UNKNOWN);
    return undefined;
  }
  if (f.markCount > 0) {
    // Credentials in a definition (the compact form): all of them in its VALUE, the name defined once and never
    // used before; from here on every reference to it is judged like the credentials themselves.
    const insideValue = marksOf(f).every((at) => at >= effect.valueStart && at < effect.valueEnd);
    if (!insideValue || s.variables.value(effect.name) !== undefined || s.unjudgedReferences.has(effect.name)) return 'credential-outside-uri';
    s.credentialVariables.add(effect.name);
    s.credentialsSeen = true;
  }
  s.variables.define(effect.name, effect.value);
  return undefined;
}

/**
 * Judges the URI text[start, end): no character readers treat differently, and every reading (as written; with
 * variables substituted as hls.js does) lands on an allowed host.
 */
function judgeUri(text: string, start: number, end: number, f: LineFacts, s: CheckState): CheckFailure | undefined {
  if (f.unstable.length > 0 && f.unstable.some((at) => at >= start && at < end)) return 'foreign-host';
  const references = f.references.length === 0 ? f.references : f.references.filter((r) => r.start >= start && r.end <= end);
  if (references.length === 0 && plainlyAllowed(text, start, end, s.to)) return undefined;
  const uri = text.slice(start, end);
  if (references.length === 0) return landsOnAllowedHost(uri, s.to) ? undefined : 'foreign-host';
  // The text before the first reference decides the host when it already fixes it, whatever follows.
  if (prefixLandsOnAllowedHost(text.slice(start, references[0]!.start), s.to)) return undefined;
  if (!landsOnAllowedHost(uri, s.to)) return 'foreign-host';
  const substituted = s.variables.substitute(uri, MAX_SUBSTITUTED_CHARS);
  const lands = substituted.complete ? landsOnAllowedHost(substituted.text, s.to) : prefixLandsOnAllowedHost(substituted.text, s.to);
  return lands ? undefined : 'foreign-host';
}

function carriesCredentials(f: LineFacts, s: CheckState): boolean {
  return f.markCount > 0 || (s.credentialVariables.size > 0 && f.references.some((r) => s.credentialVariables.has(r.name)));
}

/** Offsets of references to credential variables. */
function credentialReferences(f: LineFacts, s: CheckState): number[] {
  return f.references.filter((r) => s.credentialVariables.has(r.name)).map((r) => r.start);
}

/** References outside any judged URI: they must never name a credential variable, now or later. */
function noteUnjudged(references: readonly Reference[], s: CheckState): CheckFailure | undefined {
  for (const r of references) {
    if (s.credentialVariables.has(r.name)) return 'credential-outside-uri';
    s.unjudgedReferences.add(r.name);
  }
  return undefined;
}

function marksOf(f: LineFacts): number[] {
  return f.marks.slice(0, f.markCount);
}

/** Spaces and tabs around a URI are trimmed by every reader alike (any other white space is judged unstable). */
function trimStart(text: string, start: number, end: number): number {
  while (start < end && (text.charCodeAt(start) === 0x20 || text.charCodeAt(start) === 0x09)) start++;
  return start;
}

function trimEnd(text: string, start: number, end: number): number {
  while (end > start && (text.charCodeAt(end - 1) === 0x20 || text.charCodeAt(end - 1) === 0x09)) end--;
  return end;
}
