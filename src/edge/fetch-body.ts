/**
 * Fetches a playlist body from the origin CloudFront just used: origin-response events carry no body.
 * S3 origins: a SigV4-signed GET (aws4fetch signs; the credentials are the ones Lambda puts in the environment).
 * Custom origins: HTTP(S) GET with the origin's custom headers. Both bounded in time and size.
 *
 * No AWS SDK here: the S3 client made the bundle ~600 KB and its import cost ~2.7x the CPU of the viewer-request
 * bundle at every cold start; one GetObject needs only a signed GET (docs/edge-functions.md, "Origin reads").
 */
import type { ClientRequest, IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { AwsV4Signer } from 'aws4fetch';
import type { CloudFrontCustomOrigin, CloudFrontS3Origin } from 'aws-lambda';
import { headerValue } from '../cloudfront/index.js';
import { OriginFetchError } from '../errors.js';
import {
  HEADERS,
  MAX_ORIGIN_PLAYLIST_BYTES,
  ORIGIN_TIMEOUT_MS,
  S3_CONNECTION_TIMEOUT_MS,
  S3_MAX_ATTEMPTS,
  S3_RETRY_DELAY_MS,
} from './config.js';


/** A fetched playlist body, already decoded from any content-encoding, with the validators it came with. */
export interface FetchedBody {
  bytes: Buffer;
  /** The `ETag` of the response that carried these bytes. */
  etag?: string;
  /** S3's `x-amz-version-id` of that response (versioned buckets). */
  versionId?: string;
}

// ----------------------------------------------------------------------------------------------------- transport

interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

interface GetOptions {
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

const NETWORK_CODES = new Set(['ETIMEDOUT', 'ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'EAI_AGAIN', 'ENOTFOUND', 'EHOSTUNREACH']);
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
function get(o: GetOptions): Promise<RawResponse> {
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

function fetched(res: RawResponse): FetchedBody {
  const etag = single(res.headers.etag);
  const versionId = single(res.headers['x-amz-version-id']);
  return {
    bytes: decodeContent(res.body, single(res.headers['content-encoding'])),
    ...(etag !== undefined && { etag }),
    ...(versionId !== undefined && { versionId }),
  };
}

// ---------------------------------------------------------------------------------------------------------- S3

/**
 * Bucket (and region, when the name has one) from an S3 origin domain name:
 * `<bucket>.s3.<region>.amazonaws.com`, `<bucket>.s3.amazonaws.com`, legacy `<bucket>.s3-<region>.amazonaws.com`.
 * Bucket names may contain dots, so the S3 suffix is matched from the right.
 */
export function parseS3Domain(domainName: string): { bucket: string; region?: string } | undefined {
  const host = domainName.toLowerCase().replace(/\.$/, '');
  const m = /^(.+)\.s3(?:[.-]([a-z0-9-]+))?(?:\.dualstack)?\.amazonaws\.com(?:\.cn)?$/.exec(host)
    ?? /^(.+)\.s3\.dualstack\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?$/.exec(host);
  if (!m?.[1]) return undefined;
  const region = m[2] && m[2] !== 'dualstack' && m[2] !== 'external-1' ? m[2] : undefined;
  return region ? { bucket: m[1], region } : { bucket: m[1] };
}

/** The S3 key CloudFront requested: origin path + URI, percent-decoded, without the leading slash. */
export function s3Key(originPath: string, uri: string): string {
  return decodeURIComponent(`${originPath}${uri}`).replace(/^\/+/, '');
}

/** RFC 3986 encoding of each key segment, as SigV4's canonical URI for S3 has it (slashes kept). */
function encodeKey(key: string): string {
  return key.split('/').map((s) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)).join('/');
}

/**
 * The GetObject URL. Virtual-hosted style on the regional endpoint, except path style for an S3-compatible
 * `endpoint` (local edge, tests) and for bucket names with dots (the wildcard TLS certificate
 * `*.s3.<region>.amazonaws.com` covers one label only).
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/VirtualHosting.html
 */
export function s3Url(bucket: string, region: string, key: string, endpoint?: string): URL {
  const path = encodeKey(key);
  if (endpoint !== undefined) return new URL(`${endpoint.replace(/\/+$/, '')}/${bucket}/${path}`);
  const host = `s3.${region}.amazonaws.com${region.startsWith('cn-') ? '.cn' : ''}`;
  return new URL(bucket.includes('.') ? `https://${host}/${bucket}/${path}` : `https://${bucket}.${host}/${path}`);
}

const THROTTLED = new Set([
  'SlowDown', 'Throttling', 'ThrottlingException', 'TooManyRequestsException', 'RequestTimeout', 'TimeoutError',
  'RequestTimeoutException', 'ServiceUnavailable', 'InternalError', 'AbortError',
]);

/** Maps an S3 error (`name` = S3 error code, HTTP status in `$metadata`, or a network `code`) to an {@link OriginFetchError}. */
export function classifyS3Error(err: unknown): OriginFetchError {
  const e = (err ?? {}) as { name?: string; code?: string; $metadata?: { httpStatusCode?: number } };
  const status = e.$metadata?.httpStatusCode;
  const name = e.name ?? '';
  const why = `S3 GetObject failed: ${name}${status ? ` (HTTP ${status})` : ''}`;
  if (name === 'NoSuchKey' || name === 'NotFound' || name === 'NoSuchBucket' || status === 404) {
    return new OriginFetchError('OriginNotFound', why, { cause: err });
  }
  if (name === 'AccessDenied' || name === 'Forbidden' || status === 403) {
    return new OriginFetchError('OriginForbidden', why, { cause: err });
  }
  if (THROTTLED.has(name) || (status !== undefined && (status === 429 || status >= 500))
    || (e.code !== undefined && NETWORK_CODES.has(e.code))) {
    return new OriginFetchError('OriginUnavailable', why, { cause: err });
  }
  return new OriginFetchError('OriginError', why, { cause: err });
}

/** The error S3 answered: its XML `<Code>` (or the status text) and HTTP status, never its message. */
class S3ResponseError extends Error {
  readonly $metadata: { httpStatusCode: number };
  constructor(code: string, status: number) {
    super(`S3 answered ${code} (HTTP ${status})`);
    this.name = code;
    this.$metadata = { httpStatusCode: status };
  }
}

function s3Error(res: RawResponse): S3ResponseError {
  const code = /<Code>([A-Za-z0-9.]{1,64})<\/Code>/.exec(res.body.toString('utf8'))?.[1]
    ?? ({ 403: 'Forbidden', 404: 'NotFound', 429: 'TooManyRequestsException', 503: 'ServiceUnavailable' } as Record<number, string>)[res.status]
    ?? `HTTP${res.status}`;
  return new S3ResponseError(code, res.status);
}

/** Throttling, 5xx, timeouts and dropped connections are worth one more attempt; nothing else is. */
function retryable(err: OriginFetchError): boolean {
  return err.code === 'OriginUnavailable';
}

/** Lambda's credentials for the function's role (Lambda@Edge sets these too, though it forbids configured variables). */
function credentials(): { accessKeyId: string; secretAccessKey: string; sessionToken?: string } {
  const { AWS_ACCESS_KEY_ID: accessKeyId, AWS_SECRET_ACCESS_KEY: secretAccessKey, AWS_SESSION_TOKEN: sessionToken } = process.env;
  if (!accessKeyId || !secretAccessKey) throw new OriginFetchError('OriginError', 'no AWS credentials in the environment');
  return { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) };
}

/** HMAC keys derived per day and region, kept across invocations as aws4fetch allows. */
const signingKeys = new Map<string, ArrayBuffer>();

async function signedGet(url: URL, region: string, timeLeftMs: number): Promise<RawResponse> {
  const signed = await new AwsV4Signer({ url: url.href, method: 'GET', service: 's3', region, cache: signingKeys, ...credentials() }).sign();
  const headers: Record<string, string> = { 'user-agent': 'cloudfront-hls origin-response' };
  signed.headers.forEach((value, name) => {
    headers[name] = value;
  });
  const timeoutMs = Math.max(1, Math.min(ORIGIN_TIMEOUT_MS, timeLeftMs));
  return get({
    protocol: url.protocol === 'https:' ? 'https' : 'http',
    host: url.hostname,
    ...(url.port !== '' && { port: Number(url.port) }),
    path: `${url.pathname}${url.search}`,
    headers,
    who: 'S3 GetObject',
    timeoutMs,
    connectTimeoutMs: S3_CONNECTION_TIMEOUT_MS,
    maxBytes: MAX_ORIGIN_PLAYLIST_BYTES,
    errorBody: true,
  });
}

/** Reads `uri` from the S3 origin of the event. Throws {@link OriginFetchError}. */
export async function fetchFromS3(origin: CloudFrontS3Origin, uri: string): Promise<FetchedBody> {
  const parsed = parseS3Domain(origin.domainName);
  if (!parsed) throw new OriginFetchError('OriginError', `not an S3 domain name: ${origin.domainName}`);
  const region = origin.region ?? parsed.region ?? 'us-east-1';
  const endpoint = headerValue(origin.customHeaders, HEADERS.s3Endpoint);
  let key: string;
  try {
    key = s3Key(origin.path ?? '', uri);
  } catch (err) {
    throw new OriginFetchError('OriginNotFound', 'URI is not valid percent-encoding', { cause: err });
  }
  const url = s3Url(parsed.bucket, region, key, endpoint);
  // One overall budget for every attempt and the body, well inside the 30 s origin-response limit (a monotonic
  // clock: the wall clock may jump).
  const started = performance.now();
  const budgetMs = S3_MAX_ATTEMPTS * ORIGIN_TIMEOUT_MS + S3_CONNECTION_TIMEOUT_MS;
  for (let attempt = 1; ; attempt++) {
    let err: OriginFetchError;
    try {
      const res = await signedGet(url, region, budgetMs - (performance.now() - started));
      if (res.status === 200) return await fetched(res);
      err = classifyS3Error(s3Error(res));
    } catch (e) {
      err = e instanceof OriginFetchError ? e : classifyS3Error(e);
    }
    const left = budgetMs - (performance.now() - started);
    if (attempt >= S3_MAX_ATTEMPTS || !retryable(err) || left < S3_RETRY_DELAY_MS + S3_CONNECTION_TIMEOUT_MS) throw err;
    // Jittered pause before the retry, as the SDK's standard retry strategy does.
    await new Promise((r) => setTimeout(r, S3_RETRY_DELAY_MS * (0.5 + Math.random() / 2)));
  }
}

// ----------------------------------------------------------------------------------------------- custom origin

function classifyStatus(status: number): OriginFetchError {
  const why = `custom origin answered HTTP ${status}`;
  if (status === 404 || status === 410) return new OriginFetchError('OriginNotFound', why);
  if (status === 401 || status === 403) return new OriginFetchError('OriginForbidden', why);
  if (status === 429 || status >= 500) return new OriginFetchError('OriginUnavailable', why);
  return new OriginFetchError('OriginError', why);
}

/**
 * GETs `path + uri [+ ?query]` from the custom origin of the event, sending the origin's custom headers
 * (they may carry an origin-verify secret). Throws {@link OriginFetchError}.
 */
export async function fetchFromCustomOrigin(origin: CloudFrontCustomOrigin, uri: string, query: string): Promise<FetchedBody> {
  const headers: Record<string, string> = {};
  for (const [name, values] of Object.entries(origin.customHeaders ?? {})) {
    const v = values?.[0]?.value;
    if (v !== undefined) headers[values[0]?.key ?? name] = v;
  }
  headers['accept-encoding'] = 'identity';
  headers['user-agent'] = 'cloudfront-hls origin-response';
  const res = await get({
    protocol: origin.protocol === 'https' ? 'https' : 'http',
    host: origin.domainName,
    port: origin.port,
    path: `${origin.path ?? ''}${uri}${query ? `?${query}` : ''}`,
    headers,
    who: 'custom origin',
    timeoutMs: ORIGIN_TIMEOUT_MS,
    maxBytes: MAX_ORIGIN_PLAYLIST_BYTES,
  });
  if (res.status !== 200) throw classifyStatus(res.status);
  return fetched(res);
}
