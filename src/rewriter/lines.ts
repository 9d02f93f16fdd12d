/**
 * One line of a playlist, rewritten: URI lines, the URI attributes of tags, #EXT-X-PREFETCH values and the host
 * rule applied to each (see host-rule.ts); EXT-X-DEFINE lines are recorded (variables.ts).
 */
import { ABSOLUTE_ONLY, DEFINE_TAG, PREFETCH_TAG, STEERING_TAG, URI_ATTRIBUTES, classifyLine, duplicateName, isBlank, parseAttributeList } from '../hls/index.js';
import type { UriKind } from '../hls/index.js';
import type { CredentialForm } from './credentials.js';
import { untouched, withhold } from './context.js';
import type { Context } from './context.js';
import { ambiguity, hostEndsWithin, qualifies, referenceKind } from './host-rule.js';
import { recordDefine, substituteCredentialVariables, substitutedPrefix } from './variables.js';

/** 1 for the ASCII characters a plain relative reference holds: printable, and none of `:`, `?`, `#`, `{`, `\`. */
const PLAIN_REFERENCE = (() => {
  const table = new Uint8Array(128);
  for (let c = 0x21; c < 0x7f; c++) table[c] = 1;
  for (const c of [0x3a, 0x3f, 0x23, 0x7b, 0x5c]) table[c] = 0;
  return table;
})();

/**
 * True when body[start, end) is a relative reference with nothing a URL parser or the host rule could read
 * another way: printable ASCII only (no spaces, controls, backslashes or non-ASCII whitespace players trim), no
 * scheme (`:`), query, fragment or variable, and not protocol-relative (`//host`).
 */
export function isPlainRelative(body: string, start: number, end: number): boolean {
  if (body.charCodeAt(start) === 0x2f && body.charCodeAt(start + 1) === 0x2f) return false;
  for (let i = start; i < end; i++) {
    const c = body.charCodeAt(i);
    if (c >= 128 || PLAIN_REFERENCE[c] === 0) return false;
  }
  return true;
}

export function rewriteLine(line: string, ctx: Context): string {
  if (line.length === 0) return line;
  const classified = classifyLine(line);
  if (classified.kind === 'uri' || classified.kind === 'blank') return rewriteUriLine(line, ctx);
  // A tag behind white space other than spaces and tabs (U+00A0, U+FEFF, ...) is a tag to hls.js, which trims it,
  // and a URI line to ffmpeg, which does not: readers disagree on the whole line, so none of it gets credentials.
  for (let i = 0; i < classified.start; i++) if (!isBlank(line.charCodeAt(i))) return withholdLine(line, ctx);
  if (classified.kind === 'tag' && classified.valueStart !== undefined) {
    const colon = classified.valueStart - 1;
    const tag = classified.tag!;
    const kinds = URI_ATTRIBUTES.get(tag);
    if (tag === STEERING_TAG) return line.slice(0, colon + 1) + rewriteSteering(line, colon + 1, kinds!, ctx);
    if (kinds !== undefined) return line.slice(0, colon + 1) + rewriteAttributeList(line, colon + 1, kinds, ctx);
    // Legacy #EXT-X-PREFETCH values are neither URI lines nor quoted-strings: no variable substitution there.
    if (tag === PREFETCH_TAG) return line.slice(0, colon + 1) + rewriteUriLine(line.slice(colon + 1), ctx, 'literal');
    if (tag === DEFINE_TAG) recordDefine(line.slice(colon + 1), ctx);
  }
  return line;
}

/** Leaves a whole line as it is when readers could classify it differently, counted once as withheld. */
function withholdLine(line: string, ctx: Context): string {
  withhold('whitespace-or-control', ctx);
  return line;
}

/**
 * A URI line: keep surrounding spaces and tabs exactly, rewrite the URI between. Any other character a player
 * trims (String.prototype.trim also removes U+00A0, U+FEFF, U+3000, U+2028, ...) is left in the judged URI,
 * where it withholds the credentials: some readers trim it, others keep it as part of the path.
 */
function rewriteUriLine(line: string, ctx: Context, form: CredentialForm = 'as-configured'): string {
  let start = 0;
  let end = line.length;
  while (start < end && isBlank(line.charCodeAt(start))) start++;
  while (end > start && isBlank(line.charCodeAt(end - 1))) end--;
  if (start >= end) return line;
  return line.slice(0, start) + rewriteUri(line.slice(start, end), ctx, form) + line.slice(end);
}

/**
 * EXT-X-CONTENT-STEERING: the manifest it names can clone every credentialed URL onto any host (PATHWAY-CLONES
 * URI-REPLACEMENT), so it is served only when the operator named the hosts steering may use (all allowed hosts) and
 * the manifest itself gets credentials, which means it is on an allowed host (never `data:` or a third party).
 */
function rewriteSteering(line: string, start: number, kinds: ReadonlyMap<string, UriKind>, ctx: Context): string {
  if (ctx.settings.steeringHosts === undefined) {
    ctx.refused ??= 'content-steering';
    return line.slice(start);
  }
  const before = ctx.rewritten;
  const out = rewriteAttributeList(line, start, kinds, ctx);
  const names = parseAttributeList(line, start)?.map((a) => a.name) ?? [];
  if (names.includes('SERVER-URI') && ctx.rewritten === before) ctx.refused ??= 'content-steering';
  return out;
}

function rewriteAttributeList(line: string, start: number, kinds: ReadonlyMap<string, UriKind>, ctx: Context): string {
  const attributes = parseAttributeList(line, start);
  if (attributes === undefined) return line.slice(start);
  if (attributes.length > ctx.settings.maxAttributes) {
    ctx.refused = 'too-many-attributes';
    return line.slice(start);
  }
  const duplicated = duplicateName(attributes) !== undefined;
  // Whitespace at any attribute's `=` or after its closing quote, or a quote inside an unquoted value: readers that
  // read such an attribute differently (hls.js keeps the quotes) or start mid-line (its multivariant regexes) could
  // pair the quotes otherwise, so every URI of the line is withheld, not only a loose one.
  const loose = attributes.some((a) => !a.strict || (!a.quoted && line.slice(a.valueStart, a.valueEnd).includes('"')));
  let out = '';
  let pos = start;
  for (const a of attributes) {
    // Only quoted-string values hold URIs (RFC 8216 4.4); anything else is left as written.
    if (!a.quoted || !kinds.has(a.name)) continue;
    const uri = line.slice(a.valueStart + 1, a.valueEnd - 1);
    if (uri.trim() === '') continue;
    if (duplicated) {
      withhold('duplicate-attribute', ctx);
      continue;
    }
    if (loose) {
      withhold('loose-attribute', ctx);
      continue;
    }
    out += line.slice(pos, a.valueStart + 1) + rewriteUri(uri, ctx, 'as-configured', ABSOLUTE_ONLY.has(kinds.get(a.name)!));
    pos = a.valueEnd - 1;
  }
  return out + line.slice(pos);
}


/**
 * Pure in (URI, credentials, variables): identical URIs get identical rewrites (KEY and SESSION-KEY, ...).
 * `absoluteOnly`: a place some player resolves against the page (ABSOLUTE_ONLY): credentials only on a URI written
 * as an absolute URL, its host before any variable (checked below for every absolute URI).
 */
function rewriteUri(uri: string, ctx: Context, form: CredentialForm = 'as-configured', absoluteOnly = false): string {
  let kind = referenceKind(uri);
  const literalProblem = ambiguity(uri, kind);
  if (literalProblem !== undefined) return withhold(literalProblem, ctx, uri);
  if (absoluteOnly && kind !== 'absolute') return withhold('not-absolute', ctx, uri);
  let probe = uri;
  let complete = true;
  const hasVariables = uri.includes('{$');
  if (hasVariables) {
    // Readers without variable substitution fetch the URI as written: its host must not hold a reference.
    if ((kind === 'absolute' || kind === 'network-path') && !hostEndsWithin(uri.slice(0, uri.indexOf('{$')))) {
      return withhold('ambiguous-variable', ctx, uri);
    }
    const sub = substitutedPrefix(uri, ctx);
    if (sub === undefined) return withhold('ambiguous-variable', ctx, uri);
    kind = referenceKind(sub.prefix);
    const problem = ambiguity(sub.prefix, kind);
    if (problem !== undefined) return withhold(problem, ctx, uri);
    probe = sub.prefix;
    complete = sub.complete;
  }
  if (!qualifies(probe, kind, complete, ctx.settings.viewer, ctx.settings.allowHosts)) return untouched(uri, ctx);
  ctx.rewritten++;
  // A defined variable that carries credentials of its own would duplicate ours: substitute it, so the stale
  // copy is removed (EXT-X-DEFINE values are quoted-strings: no quotes, no newlines).
  return ctx.settings.credentials.append(hasVariables && ctx.variables.size > 0 ? substituteCredentialVariables(uri, ctx) : uri, form);
}
