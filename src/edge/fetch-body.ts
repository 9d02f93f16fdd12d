/**
 * Fetches a playlist body from the origin CloudFront just used: origin-response events carry no body.
 * S3 origins: GetObject (SDK v3; one client per region/endpoint, kept across invocations).
 * Custom origins: HTTP(S) GET with the origin's custom headers, bounded in time and size.
 */
import { request as httpRequest } from 'node:http';
import type { IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { CloudFrontCustomOrigin, CloudFrontHeaders, CloudFrontS3Origin } from 'aws-lambda';
import { CloudFrontHlsError } from '../errors.js';
import {
  HEADERS,
  MAX_ORIGIN_PLAYLIST_BYTES,
  ORIGIN_TIMEOUT_MS,
  S3_CONNECTION_TIMEOUT_MS,
  S3_MAX_ATTEMPTS,
} from './config.js';

/**
 * Why fetching failed, mapped by the handler to what the viewer sees:
 * `OriginNotFound` 404, `OriginForbidden` 403, `OriginUnavailable` 503 (throttled, slow, 5xx, unreachable),
 * `PlaylistTooLarge` and `OriginError` 502.
 */
export type OriginFetchCode = 'OriginNotFound' | 'OriginForbidden' | 'OriginUnavailable' | 'PlaylistTooLarge' | 'OriginError';

/** Fetching the playlist body from the origin failed. The message is for logs only, never for viewers. */
export class OriginFetchError extends CloudFrontHlsError {
  declare readonly code: OriginFetchCode;
  constructor(code: OriginFetchCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.name = 'OriginFetchError';
  }
}

/** First value of a header in CloudFront's `{ key, value }[]` shape. */
export function headerValue(headers: CloudFrontHeaders | undefined, name: string): string | undefined {
  return headers?.[name]?.[0]?.value;
}

// ---------------------------------------------------------------------------------------------------------- S3

const clients = new Map<string, S3Client>();

/** One S3 client per region and endpoint, created on first use and reused by later invocations. */
export function s3Client(region: string, endpoint?: string): S3Client {
  const id = `${region} ${endpoint ?? ''}`;
  let client = clients.get(id);
  if (!client) {
    client = new S3Client({
      region,
      maxAttempts: S3_MAX_ATTEMPTS,
      // throwOnRequestTimeout: without it @smithy/node-http-handler only warns when requestTimeout passes, and a
      // silent S3 would hold the function until Lambda kills it (no log line, CloudFront's own 5xx page).
      requestHandler: { connectionTimeout: S3_CONNECTION_TIMEOUT_MS, requestTimeout: ORIGIN_TIMEOUT_MS, throwOnRequestTimeout: true },
      ...(endpoint ? { endpoint, forcePathStyle: true } : {}),
    });
    clients.set(id, client);
  }
  return client;
}

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

const THROTTLED = new Set([
  'SlowDown', 'Throttling', 'ThrottlingException', 'TooManyRequestsException', 'RequestTimeout', 'TimeoutError',
  'RequestTimeoutException', 'ServiceUnavailable', 'InternalError', 'AbortError',
]);
const NETWORK_CODES = new Set(['ETIMEDOUT', 'ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'EAI_AGAIN', 'ENOTFOUND', 'EHOSTUNREACH']);

/** Maps an S3/SDK error to an {@link OriginFetchError}. */
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
  // One overall budget for every attempt and the body, well inside the 30 s origin-response limit. A timer we
  // clear ourselves (not AbortSignal.timeout), so no timer and signal outlive the call.
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), S3_MAX_ATTEMPTS * ORIGIN_TIMEOUT_MS + S3_CONNECTION_TIMEOUT_MS);
  try {
    const out = await s3Client(region, endpoint).send(new GetObjectCommand({ Bucket: parsed.bucket, Key: key }), { abortSignal: controller.signal });
    if (out.ContentLength !== undefined && out.ContentLength > MAX_ORIGIN_PLAYLIST_BYTES) {
      throw new OriginFetchError('PlaylistTooLarge', `S3 object is ${out.ContentLength} bytes`);
    }
    if (!out.Body) throw new OriginFetchError('OriginError', 'S3 GetObject returned no body');
    const bytes = await out.Body.transformToByteArray();
    // Content-Length may be absent (S3-compatible servers, chunked responses): check what was actually read.
    if (bytes.length > MAX_ORIGIN_PLAYLIST_BYTES) {
      throw new OriginFetchError('PlaylistTooLarge', `S3 object is ${bytes.length} bytes`);
    }
    return { bytes: decodeContent(Buffer.from(bytes), out.ContentEncoding) };
  } catch (err) {
    throw err instanceof OriginFetchError ? err : classifyS3Error(err);
  } finally {
    clearTimeout(timer);
  }
}

// ----------------------------------------------------------------------------------------------- custom origin

/** A fetched playlist body, already decoded from any content-encoding. */
export interface FetchedBody {
  bytes: Buffer;
}

/** Undoes an origin's content-encoding (S3 objects may be stored gzipped; origins may ignore `identity`). */
function decodeContent(bytes: Buffer, encoding: string | undefined): Buffer {
  const enc = (encoding ?? '').trim().toLowerCase();
  try {
    if (enc === '' || enc === 'identity') return bytes;
    if (enc === 'gzip' || enc === 'x-gzip') return gunzipSync(bytes, { maxOutputLength: MAX_ORIGIN_PLAYLIST_BYTES });
    if (enc === 'br') return brotliDecompressSync(bytes, { maxOutputLength: MAX_ORIGIN_PLAYLIST_BYTES });
    if (enc === 'deflate') return inflateSync(bytes, { maxOutputLength: MAX_ORIGIN_PLAYLIST_BYTES });
  } catch (err) {
    throw new OriginFetchError('OriginError', `cannot decode content-encoding ${enc}`, { cause: err });
  }
  throw new OriginFetchError('OriginError', `unsupported content-encoding ${enc}`);
}

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
export function fetchFromCustomOrigin(origin: CloudFrontCustomOrigin, uri: string, query: string): Promise<FetchedBody> {
  const headers: Record<string, string> = {};
  for (const [name, values] of Object.entries(origin.customHeaders ?? {})) {
    const v = values?.[0]?.value;
    if (v !== undefined) headers[values[0]?.key ?? name] = v;
  }
  headers['accept-encoding'] = 'identity';
  headers['user-agent'] = 'cloudfront-hls origin-response';
  const send = origin.protocol === 'https' ? httpsRequest : httpRequest;
  const path = `${origin.path ?? ''}${uri}${query ? `?${query}` : ''}`;
  return new Promise<FetchedBody>((resolve, reject) => {
    let settled = false;
    const fail = (err: OriginFetchError): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.destroy();
      reject(err);
    };
    const req = send(
      { host: origin.domainName, port: origin.port, method: 'GET', path, headers, servername: origin.domainName },
      (res: IncomingMessage) => {
        const status = res.statusCode ?? 0;
        if (status !== 200) {
          res.resume();
          fail(classifyStatus(status));
          return;
        }
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_ORIGIN_PLAYLIST_BYTES) fail(new OriginFetchError('PlaylistTooLarge', `custom origin body over ${MAX_ORIGIN_PLAYLIST_BYTES} bytes`));
          else chunks.push(chunk);
        });
        res.on('error', (err) => fail(new OriginFetchError('OriginUnavailable', 'custom origin response aborted', { cause: err })));
        res.on('end', () => {
          if (settled) return;
          try {
            const bytes = decodeContent(Buffer.concat(chunks), res.headers['content-encoding']);
            settled = true;
            clearTimeout(timer);
            resolve({ bytes });
          } catch (err) {
            fail(err instanceof OriginFetchError ? err : new OriginFetchError('OriginError', 'bad body', { cause: err }));
          }
        });
      },
    );
    const timer = setTimeout(
      () => fail(new OriginFetchError('OriginUnavailable', `custom origin did not answer within ${ORIGIN_TIMEOUT_MS} ms`)),
      ORIGIN_TIMEOUT_MS,
    );
    req.on('error', (err: NodeJS.ErrnoException) => {
      const code = err.code && NETWORK_CODES.has(err.code) ? 'OriginUnavailable' : 'OriginError';
      fail(new OriginFetchError(code, `custom origin request failed: ${err.code ?? err.name}`, { cause: err }));
    });
    req.end();
  });
}
