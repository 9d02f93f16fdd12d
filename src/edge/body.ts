/**
 * The generated body of a rewritten playlist, built within the 1 MB Lambda@Edge limit without ever holding the
 * whole rewritten text: a 100k-segment VOD playlist with ~640-byte credentials is ~68 MB rewritten, which
 * (plus its UTF-8 copy for zlib) does not fit a 128 MB function. The rewriter hands over line-aligned chunks
 * (rewritePlaylistInChunks) and each is fed to an incremental Brotli or gzip stream when the viewer accepts one
 * (CloudFront leaves a body that already has a Content-Encoding as it is), else kept as text while it
 * fits. Encoding stops at the first chunk that shows the body cannot fit: a hostile playlist costs no more work
 * than the limit allows.
 */
import { once } from 'node:events';
import type { Transform } from 'node:stream';

/**
 * zlib level for playlists over the limit. Measured (bench big-playlists): on credential-heavy playlists level 1
 * is within 0.01% of level 6's size at about a third of the time, since the repeated credentials are long matches
 * any level finds.
 */
export const GZIP_LEVEL = 1;

/**
 * Brotli quality for rewritten playlists. Measured once on a rewritten 1,000-segment VOD playlist (680 KB, one
 * core, brotliCompressSync): quality 0 5.9 KB in 0.5 ms, 1 3.9 KB in 0.5 ms, 4 2.5 KB in 1.2 ms, 5 2.5 KB in
 * 2.2 ms, 11 (zlib's default) 2.3 KB in 158 ms; gzip level 1 6.1 KB in 0.8 ms. Quality 4 sends less than half
 * of gzip's bytes for a fraction of the rewrite's own time; `npm run bench -- --only=compression` prints the
 * current bytes and CPU time, also scaled to the function's 512 MB.
 */
export const BROTLI_QUALITY = 4;

/** The content codings origin-response produces, best first. */
export const CONTENT_CODINGS = ['br', 'gzip'] as const;
export type ContentCoding = (typeof CONTENT_CODINGS)[number];

/** The body to send, or why there is none. Sizes are body bytes (UTF-8 text, or encoded bytes before base64). */
export type EncodedBody =
  | { encoding: 'identity'; body: string; plainBytes: number }
  | { encoding: ContentCoding; body: string; plainBytes: number; encodedBytes: number }
  | { encoding: 'too-large'; plainBytes: number; coding?: ContentCoding; encodedBytes?: number };

/** Limits on the body (the generated-response limit less the headers), in bytes. */
export interface BodyLimits {
  /** Largest UTF-8 text body. */
  text: number;
  /** The coding to send and the largest base64 text of its output; undefined when the viewer accepts none. */
  encoded?: { coding: ContentCoding; base64: number };
}

const base64Length = (bytes: number): number => 4 * Math.ceil(bytes / 3);

function compressor(coding: ContentCoding): Transform {
  // node:zlib loads on first use, not at import: loading it costs about as much CPU as importing the whole
  // viewer-request bundle (bench cold-start), and a cold instance may answer passed-through requests first.
  const zlib = process.getBuiltinModule('node:zlib');
  return coding === 'br'
    ? zlib.createBrotliCompress({ params: { [zlib.constants.BROTLI_PARAM_QUALITY]: BROTLI_QUALITY, [zlib.constants.BROTLI_PARAM_MODE]: zlib.constants.BROTLI_MODE_TEXT } })
    : zlib.createGzip({ level: GZIP_LEVEL });
}

/** An incremental compression stream that keeps its output only while it may still fit `maxBytes`. */
class Collector {
  private readonly stream: Transform;
  private parts: Buffer[] = [];
  bytes = 0;

  constructor(coding: ContentCoding, private readonly maxBytes: number) {
    this.stream = compressor(coding);
    this.stream.on('data', (chunk: Buffer) => {
      this.bytes += chunk.length;
      if (this.bytes <= this.maxBytes) this.parts.push(chunk);
      else this.parts = []; // over the limit: only the count matters now
    });
  }

  async write(text: string): Promise<void> {
    if (!this.stream.write(text, 'utf8')) await once(this.stream, 'drain');
  }

  /** The whole encoded output, or undefined when it grew past `maxBytes`. */
  async end(): Promise<Buffer | undefined> {
    const ended = once(this.stream, 'end');
    this.stream.end();
    await ended;
    return this.bytes <= this.maxBytes ? Buffer.concat(this.parts) : undefined;
  }
}

/**
 * Encodes `parts` with `limits.encoded.coding` (incrementally: each part is released once written) and returns the
 * base64 body when it fits; without `limits.encoded`, joins them into a text body when they fit `limits.text`.
 * Stops reading `parts` as soon as the body cannot fit; the sizes of a `too-large` result are then lower bounds.
 */
export async function encodeBody(parts: Iterable<string>, limits: BodyLimits): Promise<EncodedBody> {
  let plainBytes = 0;
  if (limits.encoded === undefined) {
    const kept: string[] = [];
    for (const part of parts) {
      plainBytes += Buffer.byteLength(part, 'utf8');
      if (plainBytes > limits.text) return { encoding: 'too-large', plainBytes };
      kept.push(part);
    }
    return { encoding: 'identity', body: kept.join(''), plainBytes };
  }
  const { coding, base64 } = limits.encoded;
  const maxBytes = Math.floor((base64 * 3) / 4);
  const out = new Collector(coding, maxBytes);
  for (const part of parts) {
    plainBytes += Buffer.byteLength(part, 'utf8');
    await out.write(part);
    if (out.bytes > maxBytes) break;
  }
  const bytes = await out.end();
  if (bytes === undefined || base64Length(bytes.length) > base64) {
    return { encoding: 'too-large', plainBytes, coding, encodedBytes: out.bytes };
  }
  return { encoding: coding, body: bytes.toString('base64'), plainBytes, encodedBytes: bytes.length };
}
