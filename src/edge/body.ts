/**
 * The generated body of a rewritten playlist, built within the 1 MB Lambda@Edge limit without ever holding the
 * whole rewritten text: a 100k-segment VOD playlist with ~640-byte credentials is ~68 MB rewritten, which
 * (plus its UTF-8 copy for zlib) does not fit a 128 MB function. The origin text is rewritten in line-aligned
 * chunks and each chunk is kept (while the total fits as text) or fed to an incremental gzip stream.
 */
import { once } from 'node:events';
import type { Gzip } from 'node:zlib';
import { rewritePlaylistDetailed } from '../rewriter/index.js';
import type { RewriteOptions, RewriteResult } from '../rewriter/index.js';

/**
 * Origin characters per rewrite chunk. With ~640-byte credentials a VOD chunk grows to ~1 MB, so memory is
 * bounded by a few MB whatever the playlist's length.
 */
export const REWRITE_CHUNK_CHARS = 16 * 1024;

/**
 * zlib level for playlists over the limit. Measured (bench big-playlists): on credential-heavy playlists level 1
 * is within 0.01% of level 6's size at about a third of the time, since the repeated credentials are long matches
 * any level finds.
 */
export const GZIP_LEVEL = 1;

const BOM = '\uFEFF';

/**
 * True when rewriting `text` chunk by chunk gives exactly the whole-text result. The rewriter's only state across
 * lines is EXT-X-DEFINE variables, and it drops a BOM only at the very start; a playlist with either is
 * rewritten in one piece.
 */
export function splittable(text: string): boolean {
  return !text.includes('#EXT-X-DEFINE') && text.indexOf(BOM, 1) === -1;
}

/**
 * Rewrites `text` in chunks of about `chunkChars` characters that end at a line feed, yielding each chunk's
 * result in order; the concatenated texts equal `rewritePlaylistDetailed(text, options).text` when `text` is
 * {@link splittable} (pass `Infinity` otherwise). Yields at least once.
 */
export function* rewriteInChunks(text: string, options: RewriteOptions, chunkChars = REWRITE_CHUNK_CHARS): Generator<RewriteResult> {
  let start = 0;
  do {
    let end = text.length;
    if (start + chunkChars < text.length) {
      const nl = text.indexOf('\n', start + chunkChars);
      if (nl !== -1) end = nl + 1;
    }
    yield rewritePlaylistDetailed(start === 0 && end === text.length ? text : text.slice(start, end), options);
    start = end;
  } while (start < text.length);
}

/** The body to send, or why there is none. Sizes are body bytes (UTF-8 text, or gzip bytes before base64). */
export type EncodedBody =
  | { encoding: 'identity'; body: string; plainBytes: number }
  | { encoding: 'gzip'; body: string; plainBytes: number; gzipBytes: number }
  | { encoding: 'too-large'; plainBytes: number; gzipBytes?: number };

/** Limits on the body (the generated-response limit less the headers), in bytes. */
export interface BodyLimits {
  /** Largest UTF-8 text body. */
  text: number;
  /** Largest base64 text of a gzip body; undefined when the viewer does not accept gzip. */
  gzipBase64?: number;
}

const base64Length = (bytes: number): number => 4 * Math.ceil(bytes / 3);

/** An incremental gzip stream that keeps its output only while it may still fit `maxBytes`. */
class GzipCollector {
  // node:zlib loads only when a playlist needs gzip: loading it costs about as much CPU as importing the whole
  // viewer-request bundle (bench cold-start), and most playlists fit as text.
  private readonly gzip: Gzip = process.getBuiltinModule('node:zlib').createGzip({ level: GZIP_LEVEL });
  private parts: Buffer[] = [];
  bytes = 0;

  constructor(private readonly maxBytes: number) {
    this.gzip.on('data', (chunk: Buffer) => {
      this.bytes += chunk.length;
      if (this.bytes <= this.maxBytes) this.parts.push(chunk);
      else this.parts = []; // over the limit: only the count matters now
    });
  }

  async write(text: string): Promise<void> {
    if (!this.gzip.write(text, 'utf8')) await once(this.gzip, 'drain');
  }

  /** The whole gzip output, or undefined when it grew past `maxBytes`. */
  async end(): Promise<Buffer | undefined> {
    const ended = once(this.gzip, 'end');
    this.gzip.end();
    await ended;
    return this.bytes <= this.maxBytes ? Buffer.concat(this.parts) : undefined;
  }
}

/**
 * Joins `parts` into a text body when they fit `limits.text`; otherwise, when gzip is allowed, gzips them
 * incrementally (each part is released once written) and returns the base64 body when it fits
 * `limits.gzipBase64`. Always consumes every part, so the sizes it reports are complete.
 */
export async function encodeBody(parts: Iterable<string>, limits: BodyLimits): Promise<EncodedBody> {
  let kept: string[] = [];
  let plainBytes = 0;
  let gzip: GzipCollector | undefined;
  for (const part of parts) {
    plainBytes += Buffer.byteLength(part, 'utf8');
    if (gzip !== undefined) {
      await gzip.write(part);
    } else if (plainBytes <= limits.text) {
      kept.push(part);
    } else if (limits.gzipBase64 === undefined) {
      kept = [];
    } else {
      gzip = new GzipCollector(Math.floor((limits.gzipBase64 * 3) / 4));
      for (const k of kept) await gzip.write(k);
      kept = [];
      await gzip.write(part);
    }
  }
  if (gzip === undefined) {
    return plainBytes <= limits.text ? { encoding: 'identity', body: kept.join(''), plainBytes } : { encoding: 'too-large', plainBytes };
  }
  const out = await gzip.end();
  if (out === undefined || base64Length(out.length) > limits.gzipBase64!) {
    return { encoding: 'too-large', plainBytes, gzipBytes: gzip.bytes };
  }
  return { encoding: 'gzip', body: out.toString('base64'), plainBytes, gzipBytes: out.length };
}
