/**
 * Lossless HLS playlist rewriter (RFC 8216, draft-pantos-hls-rfc8216bis).
 *
 * Every URI a player will fetch from the viewer's own host gets the viewer's CloudFront credentials; every
 * other byte is kept. Hand-written rather than built on m3u8-parser: a parser rebuilds the playlist from a
 * model and loses unknown tags, attribute order and line endings, and it does not tell where a URI sits in
 * the text. This is a single forward scan: each line and each attribute list is read once, no regexes that
 * can backtrack, so time is linear in the input.
 */
import { OutputChecker } from '../checker/index.js';
import { InvalidOptionError, UnsafePlaylistError } from '../errors.js';
import { BOM } from '../hls/index.js';
import { makeContext } from './context.js';
import type { Context } from './context.js';
import { isPlainRelative, rewriteLine } from './lines.js';
import { readingProblem } from './reading-rules.js';
import { REFUSAL_MESSAGES } from './types.js';
import type { RewriteOptions, RewriteResult, RewriteSummary, SkipReason } from './types.js';

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
  if (result.refused !== undefined) {
    const where = result.check === undefined ? '' : ` (${result.check.failure} at output line ${result.check.line})`;
    throw new UnsafePlaylistError(`refused: ${REFUSAL_MESSAGES[result.refused]}${where}`);
  }
  return result.text;
}

/** Like {@link rewritePlaylist} but never throws for missing credentials: it reports what it did. */
export function rewritePlaylistDetailed(text: string, options: RewriteOptions): RewriteResult {
  const scan = startScan(text, options);
  // Nothing to write (the body as it is), or refused before any line is read (nothing at all).
  if (scan.ctx.settings.skipped !== undefined) return { text: scan.body, ...summaryOf(scan) };
  if (scan.ctx.refused !== undefined) return { text: '', ...summaryOf(scan) };
  const out = scanRange(scan, 0, scan.body.length);
  const summary = finishScan(scan);
  return { text: out === undefined || summary.refused !== undefined ? '' : out, ...summary };
}

/** A playlist rewritten piece by piece; see {@link rewritePlaylistInChunks}. */
export interface ChunkedRewrite {
  /**
   * The rewritten text in line-aligned pieces of about `chunkChars` input characters, in order; their
   * concatenation is `rewritePlaylistDetailed(...).text`. Stops early when a limit refuses the playlist. Runs once.
   */
  chunks(): Generator<string>;
  /**
   * What happened, once `chunks()` has run to the end (undefined before: a consumer that stopped early has no
   * verdict and must not send what it read). Check `refused` before sending anything.
   */
  summary(): RewriteSummary | undefined;
  /** When `compact` was asked for: `applied`, or why not; known before any chunk is read. */
  readonly compact?: RewriteResult['compact'];
  /** Set when there is nothing to propagate (see {@link SkipReason}); known before any chunk is read. */
  readonly skipped?: SkipReason;
}

/** Input characters per chunk by default: with ~640-byte credentials a VOD chunk grows to about 1 MB. */
export const DEFAULT_CHUNK_CHARS = 16 * 1024;

/**
 * {@link rewritePlaylistDetailed} in line-aligned pieces, so the whole rewritten text (68 MB for a 100k-segment
 * playlist) never has to exist at once: each piece can be encoded and dropped. State that spans lines (variables,
 * counts) carries across pieces, so any playlist can be rewritten this way.
 *
 * @example
 * ```ts
 * const rewrite = rewritePlaylistInChunks(text, { url });
 * for (const piece of rewrite.chunks()) gzip.write(piece);
 * if (rewrite.summary().refused !== undefined) throw new Error('do not send it');
 * ```
 */
export function rewritePlaylistInChunks(text: string, options: RewriteOptions, chunkChars = DEFAULT_CHUNK_CHARS): ChunkedRewrite {
  const scan = startScan(text, options);
  let summary: RewriteSummary | undefined;
  return {
    *chunks() {
      const { body } = scan;
      if (scan.ctx.settings.skipped !== undefined || scan.ctx.refused !== undefined) {
        summary = summaryOf(scan);
        if (scan.ctx.refused === undefined) yield body;
        return;
      }
      for (let from = 0; from < body.length;) {
        let to = body.length;
        if (from + chunkChars < body.length) {
          const nl = body.indexOf('\n', from + chunkChars);
          if (nl !== -1) to = nl + 1;
        }
        const piece = scanRange(scan, from, to);
        if (piece === undefined) break;
        yield piece;
        from = to;
      }
      summary = finishScan(scan);
    },
    summary() {
      return summary;
    },
    ...(scan.compact !== undefined ? { compact: scan.compact } : {}),
    ...(scan.ctx.settings.skipped !== undefined ? { skipped: scan.ctx.settings.skipped } : {}),
  };
}

/** One playlist being rewritten: its text (BOM dropped, compact header added) and its state. */
interface Scan {
  body: string;
  ctx: Context;
  /** Reads every piece written, independently of the writer, before it may leave (see src/checker/). */
  checker: OutputChecker;
  check?: RewriteResult['check'];
  maxLineChars: number;
  /** Most URIs that may get credentials before the output would pass `maxOutputChars`. */
  maxRewritten: number;
  compact?: RewriteResult['compact'];
}

function startScan(text: string, options: RewriteOptions): Scan {
  const ctx = makeContext(options);
  // RFC 8216 4.1 forbids a BOM; Chromium's native player and ffmpeg refuse playlists that start with one.
  let body = text.startsWith(BOM) ? text.slice(1) : text;
  let compact: RewriteResult['compact'];
  if (options.compact === true && ctx.settings.skipped === undefined) ({ body, compact } = ctx.settings.credentials.compact(body));
  const { maxLineChars = Infinity, maxOutputChars = Infinity } = options.limits ?? {};
  // Output grows only by the credentials (stale copies removed make it smaller): body + n * |credentials| bounds it.
  const maxRewritten = Math.floor((maxOutputChars - body.length) / ctx.settings.credentials.maxGrowth);
  if (ctx.settings.skipped === undefined) {
    const problem = readingProblem(body);
    if (problem !== undefined) ctx.refused = problem;
  }
  const checker = new OutputChecker({
    playlistUrl: ctx.settings.viewer,
    allowedHosts: ctx.settings.allowHosts,
    credentialNames: ctx.settings.credentialNamesLower,
    ...ctx.settings.credentials.forChecker(),
    ...(ctx.settings.steeringHosts !== undefined ? { steeringHosts: ctx.settings.steeringHosts } : {}),
  });
  return { body, ctx, checker, maxLineChars, maxRewritten, ...(compact !== undefined ? { compact } : {}) };
}

function summaryOf(scan: Scan): RewriteSummary {
  const { ctx } = scan;
  return {
    rewritten: ctx.rewritten,
    untouched: ctx.untouched,
    withheld: ctx.withheld,
    ...(ctx.settings.skipped !== undefined ? { skipped: ctx.settings.skipped } : {}),
    ...(ctx.refused !== undefined ? { refused: ctx.refused } : {}),
    ...(scan.check !== undefined ? { check: scan.check } : {}),
    ...(scan.compact !== undefined ? { compact: scan.compact } : {}),
  };
}

/** The summary once every line is read, with the post-condition's verdict on the whole output. */
function finishScan(scan: Scan): RewriteSummary {
  if (scan.ctx.refused === undefined) failCheck(scan, scan.checker.finish());
  return summaryOf(scan);
}

function failCheck(scan: Scan, verdict: RewriteResult['check']): void {
  if (verdict === undefined) return;
  scan.check = verdict;
  scan.ctx.refused = 'failed-check';
}

/**
 * Rewrites the lines of body[from, to) (`from` at a line start, `to` after a line feed or at the end) and returns
 * their text, or undefined when a limit refuses the playlist (`ctx.refused` says which). Unchanged text is copied
 * through in runs (body[copied, pos)); only rewritten lines become new strings. Lines that cannot carry a URI
 * (#EXTINF, comments, other tags) are never sliced: every URI-bearing tag and EXT-X-DEFINE starts with #EXT-X-.
 * The output is `between.join(credentials)`: the text between the plain URI lines' credentials, joined once. V8
 * builds the 13 MB output of a 20k-segment playlist from half as many parts with a separator about 10% faster than
 * from pieces and credentials alternating (11.3-11.8 ms against 13.0-13.5 ms, measured side by side).
 */
function scanRange(scan: Scan, from: number, to: number): string | undefined {
  const { body, ctx } = scan;
  const between: string[] = [];
  // Text since the last credentials that is not a plain copy of the body: rewritten lines and the runs before them.
  let pending = '';
  let copied = from;
  for (let pos = from; pos < to;) {
    let nl = body.indexOf('\n', pos);
    if (nl === -1 || nl > to) nl = to;
    // Each line keeps its own terminator (LF, CRLF or none at end of file): it is never part of the rewrite.
    let end = nl;
    if (end > pos && body.charCodeAt(end - 1) === 0x0d) end--;
    // '-' at 4 first: most tag lines (#EXTINF) are settled by one character, without startsWith's cost.
    const read = end > pos && (body.charCodeAt(pos) !== 0x23 /* # */ || (body.charCodeAt(pos + 4) === 0x2d && body.startsWith('#EXT-X-', pos)));
    if (read && end - pos > scan.maxLineChars) ctx.refused ??= 'line-too-long';
    if (ctx.rewritten > scan.maxRewritten) ctx.refused ??= 'output-too-large';
    if (ctx.refused !== undefined) return undefined;
    if (read && body.charCodeAt(pos) !== 0x23 /* # */ && isPlainRelative(body, pos, end)) {
      // Fast path for the common segment line ("seg123.ts", "v1/index.m3u8"): a relative reference with nothing
      // to parse, so the credentials go straight after it. Same result as rewriteLine, without the copies.
      between.push(pending + body.slice(copied, end));
      pending = '';
      ctx.rewritten++;
      copied = end;
    } else if (read) {
      const line = body.slice(pos, end);
      const rewritten = rewriteLine(line, ctx);
      if (rewritten !== line) {
        pending += body.slice(copied, pos) + rewritten;
        copied = end;
      }
    }
    pos = nl + 1;
  }
  if (ctx.rewritten > scan.maxRewritten) ctx.refused ??= 'output-too-large';
  if (ctx.refused !== undefined) return undefined;
  between.push(pending + body.slice(copied, to));
  const piece = between.length === 1 ? between[0]! : between.join(ctx.settings.credentials.afterPlain);
  failCheck(scan, scan.checker.feed(piece));
  return ctx.refused === undefined ? piece : undefined;
}
