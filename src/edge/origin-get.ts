/**
 * One bounded HTTP(S) GET to an origin, and the playlist body it carried (decoded, with its validators).
 * Shared by the S3 read (s3-get.ts) and the custom-origin read (fetch-body.ts).
 */
import type { ClientRequest, IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { OriginFetchError } from '../errors.js';
import { MAX_ORIGIN_PLAYLIST_BYTES } from './config.js';

/** A fetched playlist body, already decoded from any content-encoding, with the validators it came with. */
export interface FetchedBody {
  bytes: Buffer;
  /** The `ETag` of the response that carried these bytes. */
  etag?: string;
  /** S3's `x-amz-version-id` of that response (versioned buckets). */
  versionId?: string;
}

/** What the origin answered: status, headers and the body read within its bound. */
export interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** One GET: where, what to send, and its time and size bounds. */
export interface GetOptions {
  protocol: 'http' | 'https';
  host: string;
  port?: number;
  /** Path and query exactly as sent. */
  path: string;
  headers: Record<string, string>;
  /** `S3` or `custom origin`: names the origin in messages. */
  who: string;
  /** Whole-request budget (connect, headers and body). */
  timeoutMs: number;
  /** TCP/TLS connect budget of a new connection. */
  connectTimeoutMs?: number;
  /** Largest body read on a 2xx. */
  maxBytes: number;
  /** Read (the first 4 KB of) a non-2xx body, for S3's error code; otherwise answer at once. */
  errorBody?: boolean;
}

export const NETWORK_CODES = new Set(['ETIMEDOUT', 'ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'EAI_AGAIN', 'ENOTFOUND', 'EHOSTUNREACH']);
const ERROR_BODY_BYTES = 4096;

/**
 * Node's http, https and zlib modules load on first use, not when the bundle is imported: loading them costs
 * several times the CPU of importing the whole viewer-request bundle (bench cold-start), and an instance whose
 * playlists come from its origin cache, or that answers from the event alone, never needs them.
 */
const transport = (protocol: 'http' | 'https'): typeof import('node:https').request =>
  protocol === 'https' ? process.getBuiltinModule('node:https').request : process.getBuiltinModule('node:http').request;

/** One request in flight: the first outcome wins, and settling stops its timers. */
class Call {
  req: ClientRequest | undefined;
  private settled = false;
  private readonly timers: NodeJS.Timeout[] = [];

  constructor(
    private readonly onResolve: (res: RawResponse) => void,
    private readonly onReject: (err: OriginFetchError) => void,
  ) {}

  /** Runs `then` after `ms` unless the call has settled by then. */
  after(ms: number, then: () => void): NodeJS.Timeout {
    const timer = setTimeout(then, ms);
    this.timers.push(timer);
    return timer;
  }

  /** Resolves; `dropConnection` when the rest of the body is not wanted (else the socket may be reused). */
  succeed(res: RawResponse, dropConnection = false): void {
    if (!this.settle()) return;
    this.onResolve(res);
    if (dropConnection) this.req?.destroy();
  }

  fail(err: OriginFetchError): void {
    if (!this.settle()) return;
    this.req?.destroy();
    this.onReject(err);
  }

  private settle(): boolean {
    if (this.settled) return false;
    this.settled = true;
    for (const timer of this.timers) clearTimeout(timer);
    return true;
  }
}

/** Reads a response body within its bound: `maxBytes` on a 2xx, the first 4 KB of an error when asked, else none. */
function readResponse(o: GetOptions, call: Call, res: IncomingMessage): void {
  const status = res.statusCode ?? 0;
  const ok = status >= 200 && status < 300;
  if (!ok && !o.errorBody) {
    res.resume();
    call.succeed({ status, headers: res.headers, body: Buffer.alloc(0) }, true);
    return;
  }
  const limit = ok ? o.maxBytes : ERROR_BODY_BYTES;
  const length = Number(res.headers['content-length']);
  if (ok && Number.isFinite(length) && length > o.maxBytes) {
    call.fail(new OriginFetchError('PlaylistTooLarge', `${o.who}: Content-Length ${length} is over ${o.maxBytes} bytes`));
    return;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  res.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size <= limit) chunks.push(chunk);
    else if (ok) call.fail(new OriginFetchError('PlaylistTooLarge', `${o.who} body over ${o.maxBytes} bytes`));
  });
  res.on('error', (err) => call.fail(new OriginFetchError('OriginUnavailable', `${o.who} response aborted`, { cause: err })));
  res.on('aborted', () => call.fail(new OriginFetchError('OriginUnavailable', `${o.who} response aborted`)));
  res.on('end', () => call.succeed({ status, headers: res.headers, body: Buffer.concat(chunks) }));
}

/** Fails the call when a new connection takes over `budget` ms to connect. */
function boundConnect(req: ClientRequest, call: Call, who: string, budget: number): void {
  req.on('socket', (socket) => {
    if (!socket.connecting) return; // a kept-alive connection
    const connectTimer = call.after(budget, () => call.fail(new OriginFetchError('OriginUnavailable', `${who} connect took over ${budget} ms`)));
    socket.once('connect', () => clearTimeout(connectTimer));
  });
}

/** One bounded HTTP(S) GET. Rejects with {@link OriginFetchError}; any status resolves. */
export function get(o: GetOptions): Promise<RawResponse> {
  const send = transport(o.protocol);
  return new Promise<RawResponse>((resolve, reject) => {
    const call = new Call(resolve, reject);
    const req = send(
      {
        host: o.host,
        port: o.port,
        method: 'GET',
        path: o.path,
        headers: o.headers,
        servername: o.host,
      },
      (res: IncomingMessage) => readResponse(o, call, res),
    );
    call.req = req;
    call.after(o.timeoutMs, () => call.fail(new OriginFetchError('OriginUnavailable', `${o.who} did not answer within ${o.timeoutMs} ms`)));
    if (o.connectTimeoutMs !== undefined) boundConnect(req, call, o.who, o.connectTimeoutMs);
    req.on('error', (err: NodeJS.ErrnoException) => {
      const code = err.code && NETWORK_CODES.has(err.code) ? 'OriginUnavailable' : 'OriginError';
      call.fail(new OriginFetchError(code, `${o.who} request failed: ${err.code ?? err.name}`, { cause: err }));
    });
    req.end();
  });
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** Undoes an origin's content-encoding (S3 objects may be stored gzipped; origins may ignore `identity`). */
function decodeContent(bytes: Buffer, encoding: string | undefined): Buffer {
  const enc = (encoding ?? '').trim().toLowerCase();
  if (enc === '' || enc === 'identity') return bytes;
  const { brotliDecompressSync, gunzipSync, inflateSync } = process.getBuiltinModule('node:zlib');
  try {
    if (enc === 'gzip' || enc === 'x-gzip') return gunzipSync(bytes, { maxOutputLength: MAX_ORIGIN_PLAYLIST_BYTES });
    if (enc === 'br') return brotliDecompressSync(bytes, { maxOutputLength: MAX_ORIGIN_PLAYLIST_BYTES });
    if (enc === 'deflate') return inflateSync(bytes, { maxOutputLength: MAX_ORIGIN_PLAYLIST_BYTES });
  } catch (err) {
    throw new OriginFetchError('OriginError', `cannot decode content-encoding ${enc}`, { cause: err });
  }
  throw new OriginFetchError('OriginError', `unsupported content-encoding ${enc}`);
}

/** The body of a 200, decoded, with its `ETag` and `x-amz-version-id`. */
export function fetched(res: RawResponse): FetchedBody {
  const etag = single(res.headers.etag);
  const versionId = single(res.headers['x-amz-version-id']);
  return {
    bytes: decodeContent(res.body, single(res.headers['content-encoding'])),
    ...(etag !== undefined && { etag }),
    ...(versionId !== undefined && { versionId }),
  };
}
