/**
 * Lossless HLS playlist rewriter (RFC 8216, draft-pantos-hls-rfc8216bis).
 *
 * Every URI a player will fetch from the viewer's own host gets the viewer's CloudFront credentials; every
 * other byte is kept. Hand-written rather than built on m3u8-parser: a parser rebuilds the playlist from a
 * model and loses unknown tags, attribute order and line endings, and it does not tell where a URI sits in
 * the text. This is a single forward scan: each line and each attribute list is read once, no regexes that
 * can backtrack, so time is linear in the input.
 */
import { InvalidOptionError, NotAPlaylistError, UnsafePlaylistError } from '../errors.js';
import {
  DEFAULT_CREDENTIAL_SUFFIX,
  SIGNED_URL_PARAMS,
  credentialKind,
  credentialQuery,
  readCredentials,
} from './credentials.js';
import { BOM, DEFINE_TAG, PREFETCH_TAG, URI_ATTRIBUTES, attributeValue, isBlank, parseAttributeList } from '../hls/index.js';
import type { Attribute, UriKind } from '../hls/index.js';
import type { RefusalReason, RewriteOptions, RewriteResult, WithheldReason } from './types.js';

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
    } catch (err) {
      void err;
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

/**
 * Rewrites `text` so every URI a player fetches from the viewer's host (or an allowed host) carries the
 * credentials of `options.url`. Throws {@link InvalidOptionError} when there is nothing to propagate
 * (no credentials, or a canned policy, whose signature covers one exact URL).
 *
 * @example
 * ```ts
 * const out = rewritePlaylist('#EXTM3U\n#EXTINF:4,\nseg0.ts\n', {
 *   url: 'https://d111.cloudfront.net/movies/42/master.m3u8?Policy=eyJ...&Signature=abc~&Key-Pair-Id=K2AB',
 * });
 * // seg0.ts?Policy=eyJ...&Signature=abc~&Key-Pair-Id=K2AB
 * ```
 */
export function rewritePlaylist(text: string, options: RewriteOptions): string {
  const result = rewritePlaylistDetailed(text, options);
  if (result.skipped === 'canned-policy') {
    throw new InvalidOptionError(
      'the URL is signed with a canned policy (Expires), which covers only that one URL; sign it with a custom policy whose Resource ends in * to cover the whole title',
    );
  }
  if (result.skipped === 'no-credentials') {
    throw new InvalidOptionError('the URL carries no complete custom-policy credentials (Policy, Signature, Key-Pair-Id)');
  }
  if (result.refused !== undefined && result.refused !== 'credential-variable') {
    throw new UnsafePlaylistError(`the playlist is past a limit set for hostile input (${result.refused})`);
  }
  if (result.refused === 'credential-variable') {
    throw new UnsafePlaylistError(
      'the playlist defines a variable from a credential query param (EXT-X-DEFINE QUERYPARAM/IMPORT) and uses it outside the URIs that get credentials; a player would copy the viewer\'s credentials there',
    );
  }
  return result.text;
}

/** Like {@link rewritePlaylist} but never throws for missing credentials: it reports what it did. */
export function rewritePlaylistDetailed(text: string, options: RewriteOptions): RewriteResult {
  const context = makeContext(options);
  // RFC 8216 4.1 forbids a BOM; Chromium's native player and ffmpeg refuse playlists that start with one.
  const body = text.startsWith(BOM) ? text.slice(1) : text;
  if (context.skipped !== undefined) return { text: body, rewritten: 0, untouched: 0, withheld: {}, skipped: context.skipped };

  // Unchanged text is copied through in runs (body[copied, pos)); only rewritten lines become new strings. Lines
  // that cannot carry a URI (#EXTINF, comments, other tags) are never sliced: every URI-bearing tag and
  // EXT-X-DEFINE starts with #EXT-X-.
  const out: string[] = [];
  let copied = 0;
  let pos = 0;
  const length = body.length;
  const { maxLineChars = Infinity, maxOutputChars = Infinity } = options.limits ?? {};
  // Output grows only by the credentials (stale copies removed make it smaller): body + n * |credentials| bounds it.
  const maxRewritten = Math.floor((maxOutputChars - length) / context.queryCredentials.length);
  while (pos < length) {
    let nl = body.indexOf('\n', pos);
    if (nl === -1) nl = length;
    // Each line keeps its own terminator (LF, CRLF or none at end of file): it is never part of the rewrite.
    let end = nl;
    if (end > pos && body.charCodeAt(end - 1) === 0x0d) end--;
    const read = end > pos && (body.charCodeAt(pos) !== 0x23 /* # */ || body.startsWith('#EXT-X-', pos));
    if (read && end - pos > maxLineChars) return refusal('line-too-long', context);
    if (context.rewritten > maxRewritten) return refusal('output-too-large', context);
    if (context.refused !== undefined) return refusal(context.refused, context);
    if (end > pos && body.charCodeAt(pos) !== 0x23 /* # */ && isPlainRelative(body, pos, end)) {
      // Fast path for the common segment line ("seg123.ts", "v1/index.m3u8"): a relative reference with nothing
      // to parse, so the credentials go straight after it. Same result as rewriteLine, without the copies.
      out.push(body.slice(copied, end), context.queryCredentials);
      context.rewritten++;
      copied = end;
    } else if (end > pos && (body.charCodeAt(pos) !== 0x23 /* # */ || body.startsWith('#EXT-X-', pos))) {
      const line = body.slice(pos, end);
      const rewritten = rewriteLine(line, context);
      if (rewritten !== line) {
        if (copied < pos) out.push(body.slice(copied, pos));
        out.push(rewritten);
        copied = end;
      }
    }
    pos = nl + 1;
  }
  if (context.rewritten > maxRewritten) return refusal('output-too-large', context);
  if (context.refused !== undefined) return refusal(context.refused, context);
  const counts = { rewritten: context.rewritten, untouched: context.untouched, withheld: context.withheld };
  if (context.credentialVariables.size > 0 && credentialVariableEscapes(body, context)) return refusal('credential-variable', context);
  if (copied === 0) return { text: body, ...counts };
  if (copied < length) out.push(body.slice(copied));
  return { text: out.join(''), ...counts };
}

/** The result for a playlist that must not be served: no text at all, so no caller can send part of it. */
function refusal(reason: RefusalReason, ctx: Context): RewriteResult {
  return { text: '', rewritten: ctx.rewritten, untouched: ctx.untouched, withheld: ctx.withheld, refused: reason };
}

/**
 * True when body[start, end) is a relative reference with nothing a URL parser or the host rule could read
 * another way: printable ASCII only (no spaces, controls, backslashes or non-ASCII whitespace players trim), no
 * scheme (`:`), query, fragment or variable, and not protocol-relative (`//host`).
 */
function isPlainRelative(body: string, start: number, end: number): boolean {
  if (body.charCodeAt(start) === 0x2f && body.charCodeAt(start + 1) === 0x2f) return false;
  for (let i = start; i < end; i++) {
    const c = body.charCodeAt(i);
    if (c <= 0x20 || c >= 0x7f || c === 0x3a /* : */ || c === 0x3f /* ? */ || c === 0x23 /* # */ || c === 0x7b /* { */ || c === 0x5c /* \ */) {
      return false;
    }
  }
  return true;
}

interface Context {
  viewer: URL;
  allowHosts: ReadonlySet<string>;
  /** `Policy=..&Signature=..&Key-Pair-Id=..[&Hash-Algorithm=..]`, raw bytes. */
  credentials: string;
  /** `?` + credentials, one flat string shared by every URI without a query. */
  queryCredentials: string;
  /** Param names removed from a URI before the credentials are appended (so rewriting is idempotent). */
  stripNames: ReadonlySet<string>;
  /** stripNames in lower case: the QUERYPARAM/IMPORT names that would hand a player the viewer's credentials. */
  credentialNamesLower: ReadonlySet<string>;
  /** EXT-X-DEFINE NAME/VALUE variables; AMBIGUOUS marks a name players could read differently. */
  variables: Map<string, string | typeof AMBIGUOUS>;
  /** Names of variables a player fills from a credential query param (QUERYPARAM/IMPORT `Signature`, ...). */
  credentialVariables: Set<string>;
  /** References to credentialVariables inside URIs that got credentials (the only safe place for them). */
  credentialedReferences: number;
  rewritten: number;
  untouched: number;
  withheld: Partial<Record<WithheldReason, number>>;
  skipped?: RewriteResult['skipped'];
  /** Most attributes a tag may have (RewriteLimits.maxAttributes). */
  maxAttributes: number;
  /** Set by a line past a limit: the scan stops at the next line. */
  refused?: RefusalReason;
}

/** A variable whose value players could read differently: URIs that need its value get no credentials. */
const AMBIGUOUS = Symbol('ambiguous variable');

/** CloudFront's URL-safe base64 (`-`, `_`, `~`), key ids, and percent-encoding. Anchored, no nesting: linear. */
const SAFE_CREDENTIAL = /^[A-Za-z0-9_~.%-]+$/;

function makeContext(options: RewriteOptions): Context {
  let viewer: URL;
  try {
    viewer = new URL(options.url);
  } catch (err) {
    throw new InvalidOptionError('url must be an absolute http(s) URL of the playlist', { cause: err });
  }
  if (viewer.protocol !== 'https:' && viewer.protocol !== 'http:') {
    throw new InvalidOptionError(`url must be an http(s) URL, got ${viewer.protocol}`);
  }
  const suffix = options.credentialSuffix ?? '';
  const rawQuery = rawQueryOf(options.url);
  const credentials = options.credentials ?? readCredentials(rawQuery, suffix);
  // Credentials are written into quoted attributes and URI lines: anything beyond URL-safe base64 and
  // percent-encoding (a quote, a comma, a space, a newline) would break the playlist, so it is not propagated.
  const kind = Object.values(credentials).every((v) => v === undefined || SAFE_CREDENTIAL.test(v)) ? credentialKind(credentials) : 'none';
  const allowHosts = new Set<string>();
  for (const host of options.allowHosts ?? []) {
    const h = normalizeAllowedHost(host);
    if (h !== undefined) allowHosts.add(h);
  }
  const stripNames = new Set<string>();
  for (const name of SIGNED_URL_PARAMS) {
    stripNames.add(name);
    stripNames.add(name + DEFAULT_CREDENTIAL_SUFFIX);
    if (suffix !== '') stripNames.add(name + suffix);
  }
  const query = credentialQuery(credentials);
  const context: Context = {
    viewer,
    allowHosts,
    credentials: query,
    // join() returns one flat string; `'?' + s` would be a two-part rope that every URI then copies through.
    queryCredentials: ['?', query].join(''),
    stripNames,
    credentialNamesLower: new Set([...stripNames].map((n) => n.toLowerCase())),
    variables: new Map(),
    credentialVariables: new Set(),
    credentialedReferences: 0,
    rewritten: 0,
    untouched: 0,
    withheld: {},
    maxAttributes: options.limits?.maxAttributes ?? Infinity,
  };
  if (kind === 'canned') context.skipped = 'canned-policy';
  else if (kind === 'none') context.skipped = 'no-credentials';
  return context;
}

/**
 * An allowHosts entry as URL.host compares it: lower-case, default port dropped (`video.example.com:443` ->
 * `video.example.com`), any other port kept. An entry matches only its own port, so `video.example.com` does not
 * let `https://video.example.com:8443/` have credentials. Empty entries are ignored; anything but `host[:port]`
 * is an InvalidOptionError (a typo here must not silently widen or break the host rule).
 */
function normalizeAllowedHost(entry: string): string | undefined {
  const trimmed = entry.trim();
  if (trimmed === '') return undefined;
  let url: URL | undefined;
  try {
    url = new URL(`https://${trimmed}`);
  } catch {
    url = undefined;
  }
  if (url === undefined || url.pathname !== '/' || url.search !== '' || url.hash !== '' || url.username !== '' || url.password !== '' || trimmed.includes('/')) {
    throw new InvalidOptionError(`allowHosts entry ${JSON.stringify(trimmed.slice(0, 100))} is not a host name with an optional port`);
  }
  return url.host;
}

/** The query of a URL exactly as written (no decoding), without `?` and fragment. */
function rawQueryOf(url: string): string {
  const hash = url.indexOf('#');
  const head = hash === -1 ? url : url.slice(0, hash);
  const q = head.indexOf('?');
  return q === -1 ? '' : head.slice(q + 1);
}

function rewriteLine(line: string, ctx: Context): string {
  if (line.length === 0) return line;
  // Players trim lines (String.prototype.trim) before they classify them, so "  #EXTINF" is a tag, not a URI.
  const start = line.length - line.trimStart().length;
  if (line.charCodeAt(start) === 0x23 /* # */) {
    // RFC 8216 4.1: lines starting with # are tags if they start with #EXT, comments otherwise.
    if (!line.startsWith('#EXT', start)) return line;
    const colon = line.indexOf(':', start);
    if (colon === -1) return line;
    const tag = line.slice(start + 1, colon);
    const kinds = URI_ATTRIBUTES.get(tag);
    if (kinds !== undefined) return line.slice(0, colon + 1) + rewriteAttributeList(line, colon + 1, kinds, ctx);
    if (tag === PREFETCH_TAG) return line.slice(0, colon + 1) + rewriteUriLine(line.slice(colon + 1), ctx);
    if (tag === DEFINE_TAG) recordDefine(line.slice(colon + 1), ctx);
    return line;
  }
  return rewriteUriLine(line, ctx);
}

/**
 * A URI line: keep surrounding spaces and tabs exactly, rewrite the URI between. Any other character a player
 * trims (String.prototype.trim also removes U+00A0, U+FEFF, U+3000, U+2028, ...) is left in the judged URI,
 * where it withholds the credentials: some readers trim it, others keep it as part of the path.
 */
function rewriteUriLine(line: string, ctx: Context): string {
  let start = 0;
  let end = line.length;
  while (start < end && isBlank(line.charCodeAt(start))) start++;
  while (end > start && isBlank(line.charCodeAt(end - 1))) end--;
  if (start >= end) return line;
  return line.slice(0, start) + rewriteUri(line.slice(start, end), ctx) + line.slice(end);
}

/**
 * The first attribute name that occurs twice, compared case-insensitively (hls.js keeps the last of duplicates,
 * other readers the first; some compare names without case), or undefined.
 */
function duplicateName(attributes: readonly Attribute[]): string | undefined {
  const seen = new Set<string>();
  for (const a of attributes) {
    const key = a.name.toUpperCase();
    if (seen.has(key)) return a.name;
    seen.add(key);
  }
  return undefined;
}

function rewriteAttributeList(line: string, start: number, kinds: ReadonlyMap<string, UriKind>, ctx: Context): string {
  const attributes = parseAttributeList(line, start);
  if (attributes === undefined) return line.slice(start);
  if (attributes.length > ctx.maxAttributes) {
    ctx.refused = 'too-many-attributes';
    return line.slice(start);
  }
  const duplicated = duplicateName(attributes) !== undefined;
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
    if (!a.strict) {
      withhold('loose-attribute', ctx);
      continue;
    }
    out += line.slice(pos, a.valueStart + 1) + rewriteUri(uri, ctx);
    pos = a.valueEnd - 1;
  }
  return out + line.slice(pos);
}

/** RFC 8216bis 4.2 VariableName, which is also what hls.js substitutes (`{$[a-zA-Z0-9-_]+}`). */
const VARIABLE_NAME = /^[A-Za-z0-9_-]+$/;

/**
 * EXT-X-DEFINE (RFC 8216bis 4.4.2.3): remembers NAME/VALUE variables, which come from the origin's playlist.
 * QUERYPARAM and IMPORT variables are left for the player to resolve: QUERYPARAM values come from the viewer's
 * URL, and copying viewer bytes into the playlist would let a viewer inject quotes, attributes or lines. A
 * QUERYPARAM or IMPORT that names a credential param is remembered, so its uses can be checked (see
 * {@link credentialVariableEscapes}). A definition players could read differently (duplicate or unquoted
 * attributes, a redefinition: hls.js keeps the first, a map the last; a VALUE holding a reference, which hls.js
 * substitutes at definition time) marks its name AMBIGUOUS.
 */
function recordDefine(list: string, ctx: Context): void {
  const attributes = parseAttributeList(list, 0);
  if (attributes === undefined) return;
  if (attributes.length > ctx.maxAttributes) {
    ctx.refused = 'too-many-attributes';
    return;
  }
  for (const a of attributes) {
    if ((a.name === 'QUERYPARAM' || a.name === 'IMPORT') && isCredentialName(attributeValue(list, a), ctx)) {
      ctx.credentialVariables.add(attributeValue(list, a).trim());
    }
  }
  const nameAttribute = attributes.find((x) => x.name === 'NAME');
  const valueAttribute = attributes.find((x) => x.name === 'VALUE');
  if (nameAttribute === undefined) return;
  const name = attributeValue(list, nameAttribute);
  if (!VARIABLE_NAME.test(name)) return; // players never substitute it
  const value = valueAttribute === undefined ? undefined : attributeValue(list, valueAttribute);
  const clear =
    value !== undefined &&
    nameAttribute.quoted && nameAttribute.strict && valueAttribute!.quoted && valueAttribute!.strict &&
    duplicateName(attributes) === undefined &&
    !ctx.variables.has(name) &&
    !value.includes('{$');
  ctx.variables.set(name, clear ? value : AMBIGUOUS);
}

/**
 * True for the name of a param that carries credentials in the playlist URL (`Signature`, `Policy-PREFIX`, ...),
 * in any letter case: hls.js matches QUERYPARAM names exactly, other players may not.
 */
function isCredentialName(raw: string, ctx: Context): boolean {
  return ctx.credentialNamesLower.has(raw.trim().toLowerCase());
}

/**
 * True when a credential variable (see {@link isCredentialName}) is referenced anywhere but inside a URI that got
 * credentials: in a foreign or withheld URI, another attribute, a DEFINE VALUE, even a comment (fail closed). A
 * player would copy the viewer's own credentials there from the playlist URL. One linear scan of the body.
 */
function credentialVariableEscapes(body: string, ctx: Context): boolean {
  let references = 0;
  let pos = body.indexOf('{$');
  while (pos !== -1) {
    const close = body.indexOf('}', pos + 2);
    if (close === -1) break;
    const name = body.slice(pos + 2, close);
    if (ctx.credentialVariables.has(name)) references++;
    pos = body.indexOf('{$', pos + 2);
  }
  return references > ctx.credentialedReferences;
}

/** Counts references to credential variables in a URI that is getting credentials. */
function countCredentialReferences(uri: string, ctx: Context): void {
  let pos = uri.indexOf('{$');
  while (pos !== -1) {
    const close = uri.indexOf('}', pos + 2);
    if (close === -1) return;
    if (ctx.credentialVariables.has(uri.slice(pos + 2, close))) ctx.credentialedReferences++;
    pos = uri.indexOf('{$', pos + 2);
  }
}

/** How much of a URI, variables substituted, is enough to know its scheme and host. */
const PREFIX_LIMIT = 2048;

/**
 * The first PREFIX_LIMIT characters of `uri` with `{$name}` references (RFC 8216bis 4.3) substituted, up to
 * the first reference this playlist does not define clearly (IMPORT, QUERYPARAM, AMBIGUOUS) or an unclosed `{$`.
 * Returns undefined when such a reference comes before the host is fixed (`{$base}/seg.ts`). Bounded work per
 * URI however large or numerous the variables; the URI itself is written back unsubstituted, so the output never
 * grows by a variable's size. `complete` tells whether the prefix is the whole URI.
 */
function substitutedPrefix(uri: string, ctx: Context): { prefix: string; complete: boolean } | undefined {
  let out = '';
  let pos = 0;
  while (pos < uri.length && out.length < PREFIX_LIMIT) {
    const room = PREFIX_LIMIT - out.length;
    const open = uri.indexOf('{$', pos);
    if (open === -1 || open - pos >= room) {
      const take = Math.min(room, uri.length - pos);
      out += uri.slice(pos, pos + take);
      pos += take;
      break;
    }
    out += uri.slice(pos, open);
    const close = uri.indexOf('}', open + 2);
    const value = close === -1 ? undefined : ctx.variables.get(uri.slice(open + 2, close));
    if (value === undefined || value === AMBIGUOUS) return hostFixed(out) ? { prefix: out, complete: false } : undefined;
    out += value.slice(0, PREFIX_LIMIT - out.length);
    pos = close + 1;
  }
  return { prefix: out, complete: pos >= uri.length && out.length < PREFIX_LIMIT };
}

/**
 * True when nothing appended to `prefix` can change the host a player resolves it to: a root-relative path
 * (`/a` + anything stays on this host), a relative path that can no longer become an `http(s):` scheme (any
 * other scheme a player might see, `seg-:x`, is one no browser fetches over the network), or an absolute URL
 * whose authority has ended.
 */
function hostFixed(prefix: string): boolean {
  if (prefix === '' || ambiguity(prefix) !== undefined) return false;
  const kind = referenceKind(prefix);
  if (kind === 'absolute' || kind === 'network-path') return hostEndsWithin(prefix);
  if (kind !== 'relative') return false;
  if (prefix.startsWith('/')) return prefix.length >= 2;
  return !'https:'.startsWith(prefix.toLowerCase());
}

/** For an absolute or network-path prefix: true when its authority is followed by a path, query or fragment. */
function hostEndsWithin(prefix: string): boolean {
  const after = prefix.slice(prefix.indexOf('//') + 2);
  return after.includes('/') || after.includes('?') || after.includes('#');
}

/** Pure in (URI, credentials, variables): identical URIs get identical rewrites (KEY and SESSION-KEY, ...). */
function rewriteUri(uri: string, ctx: Context): string {
  const literalProblem = ambiguity(uri);
  if (literalProblem !== undefined) return withhold(literalProblem, ctx, uri);
  let probe = uri;
  let complete = true;
  const hasVariables = uri.includes('{$');
  if (hasVariables) {
    const sub = substitutedPrefix(uri, ctx);
    if (sub === undefined) return withhold('ambiguous-variable', ctx, uri);
    const problem = ambiguity(sub.prefix);
    if (problem !== undefined) return withhold(problem, ctx, uri);
    probe = sub.prefix;
    complete = sub.complete;
  }
  if (!qualifies(probe, complete, ctx)) return untouched(uri, ctx);
  ctx.rewritten++;
  if (hasVariables && ctx.credentialVariables.size > 0) countCredentialReferences(uri, ctx);
  // A defined variable that carries credentials of its own would duplicate ours: substitute it, so the stale
  // copy is removed (EXT-X-DEFINE values are quoted-strings: no quotes, no newlines).
  return appendCredentials(hasVariables && ctx.variables.size > 0 ? substituteCredentialVariables(uri, ctx) : uri, ctx);
}

function untouched(uri: string, ctx: Context): string {
  ctx.untouched++;
  return uri;
}

/** Leaves a URI without credentials because readers could disagree on it, and counts why. */
function withhold(reason: WithheldReason, ctx: Context, uri = ''): string {
  ctx.withheld[reason] = (ctx.withheld[reason] ?? 0) + 1;
  return untouched(uri, ctx);
}

const CREDENTIAL_IN_VALUE = /(?:^|[?&])(?:Policy|Signature|Key-Pair-Id|Hash-Algorithm|Expires)(?:-PREFIX)?=/;

function substituteCredentialVariables(uri: string, ctx: Context): string {
  let out = '';
  let pos = 0;
  for (;;) {
    const open = uri.indexOf('{$', pos);
    if (open === -1) break;
    const close = uri.indexOf('}', open + 2);
    if (close === -1) break;
    const value = ctx.variables.get(uri.slice(open + 2, close));
    const inline = typeof value === 'string' && value.length <= PREFIX_LIMIT && CREDENTIAL_IN_VALUE.test(value);
    out += inline ? uri.slice(pos, open) + value : uri.slice(pos, close + 1);
    pos = close + 1;
  }
  return out + uri.slice(pos);
}

/**
 * Characters some reader trims, strips or rewrites while another keeps them: C0 controls, space, DEL and `\`
 * (WHATWG URL strips tab/CR/LF anywhere, C0 and space at the ends, reads `\` as `/`), and every character of
 * JavaScript's `\s` (what String.prototype.trim removes in hls.js and url-toolkit: U+00A0, U+FEFF, U+2028,
 * U+3000, ...). Character class only: linear.
 */
const UNSTABLE_CHARACTER = /[\s\x00-\x1f\x7f\\]/;

/** Why readers could disagree on where `uri` points, or undefined when they cannot. */
function ambiguity(uri: string): WithheldReason | undefined {
  if (UNSTABLE_CHARACTER.test(uri)) return 'whitespace-or-control';
  const kind = referenceKind(uri);
  if (kind === 'scheme-like') return 'scheme-like-prefix';
  if (kind === 'extra-slashes') return 'extra-slashes';
  return undefined;
}

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
function referenceKind(uri: string): 'relative' | 'network-path' | 'absolute' | 'other-scheme' | 'scheme-like' | 'extra-slashes' {
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
 * the real URI: then its authority must end within the prefix. Callers have ruled out {@link ambiguity}.
 */
function qualifies(uri: string, complete: boolean, ctx: Context): boolean {
  const kind = referenceKind(uri);
  if (kind === 'relative') return true;
  if (kind !== 'absolute' && kind !== 'network-path') return false;
  if (!complete && !hostEndsWithin(uri)) return false;
  let resolved: URL;
  try {
    resolved = new URL(uri, ctx.viewer);
  } catch {
    return false;
  }
  if (resolved.protocol !== 'https:' && resolved.protocol !== 'http:') return false;
  // Never send credentials in clear text when the viewer uses TLS.
  if (resolved.protocol === 'http:' && ctx.viewer.protocol === 'https:') return false;
  if (resolved.username !== '' || resolved.password !== '') return false;
  // URL.host drops the scheme's default port, so `host` and `host:443` (https) are one host; other ports are not.
  return resolved.host === ctx.viewer.host || ctx.allowHosts.has(resolved.host);
}

/**
 * Appends the credentials to the query (before any fragment), after removing credentials already present,
 * so rewriting twice equals rewriting once. Every other query byte is kept as it was.
 */
function appendCredentials(uri: string, ctx: Context): string {
  const hash = uri.indexOf('#');
  const fragment = hash === -1 ? '' : uri.slice(hash);
  const head = hash === -1 ? uri : uri.slice(0, hash);
  const q = head.indexOf('?');
  if (q === -1) return hash === -1 ? head + ctx.queryCredentials : `${head}${ctx.queryCredentials}${fragment}`;
  const path = head.slice(0, q);
  const query = head.slice(q + 1);
  let kept = query;
  if (query.includes('=')) {
    const pieces = query.split('&');
    const keep = pieces.filter((piece) => {
      const eq = piece.indexOf('=');
      return !ctx.stripNames.has(eq === -1 ? piece : piece.slice(0, eq));
    });
    if (keep.length !== pieces.length) kept = keep.join('&');
  }
  const separator = kept === '' || kept.endsWith('&') ? '' : '&';
  return `${path}?${kept}${separator}${ctx.credentials}${fragment}`;
}
