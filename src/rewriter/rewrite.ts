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
import { BOM, DEFINE_TAG, PREFETCH_TAG, URI_ATTRIBUTES, duplicateName, isBlank, parseAttributeList } from '../hls/index.js';
import type { UriKind } from '../hls/index.js';
import { makeContext, untouched, withhold } from './context.js';
import type { Context } from './context.js';
import { ambiguity, qualifies } from './host-rule.js';
import type { RefusalReason, RewriteOptions, RewriteResult } from './types.js';
import { countCredentialReferences, credentialVariableEscapes, recordDefine, substituteCredentialVariables, substitutedPrefix } from './variables.js';

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
  if (!qualifies(probe, complete, ctx.viewer, ctx.allowHosts)) return untouched(uri, ctx);
  ctx.rewritten++;
  if (hasVariables && ctx.credentialVariables.size > 0) countCredentialReferences(uri, ctx);
  // A defined variable that carries credentials of its own would duplicate ours: substitute it, so the stale
  // copy is removed (EXT-X-DEFINE values are quoted-strings: no quotes, no newlines).
  return appendCredentials(hasVariables && ctx.variables.size > 0 ? substituteCredentialVariables(uri, ctx) : uri, ctx);
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
