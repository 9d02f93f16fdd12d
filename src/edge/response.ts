/**
 * The response origin-response generates: the headers that would lie about a generated body, the coding the
 * viewer accepts, how long a rewritten playlist may be cached, the size CloudFront counts against its limit, and
 * the short generic error that replaces anything that cannot be served.
 */
import type { CloudFrontHeaders, CloudFrontResponse } from 'aws-lambda';
import { headerValue, STATUS_TEXT } from '../cloudfront/index.js';
import { CONTENT_CODINGS } from './body.js';
import type { ContentCoding } from './body.js';
import { DEFAULT_MAX_AGE_SECONDS, HEADERS, PLAYLIST_CONTENT_TYPE, RETRY_AFTER_SECONDS } from './config.js';

/** An origin-response result: the response, optionally with a generated body. */
export interface EdgeResponse extends CloudFrontResponse {
  body?: string;
  bodyEncoding?: 'text' | 'base64';
}

/**
 * Headers that describe the origin's bytes and would lie about a generated body. Read-only headers
 * (`transfer-encoding`, `via`) are never touched: changing them makes CloudFront answer 502.
 */
const STALE_HEADERS = [
  'content-length', 'content-encoding', 'content-md5', 'content-range', 'accept-ranges', 'etag', 'last-modified',
  'expires', 'age', 'cache-control', 'content-type', 'x-amz-version-id', 'x-amz-server-side-encryption',
];

/** Sets one header (CloudFront's lower-case key, the given spelling as `key`), replacing any values. */
export function setHeader(headers: CloudFrontHeaders, key: string, value: string): void {
  headers[key.toLowerCase()] = [{ key, value }];
}

function dropStaleHeaders(headers: CloudFrontHeaders): void {
  for (const name of Object.keys(headers)) {
    if (STALE_HEADERS.includes(name) || name.startsWith('x-amz-checksum-') || name.startsWith('x-amz-meta-')) {
      delete headers[name];
    }
  }
}

/**
 * The best coding the viewer accepts (`br`, then `gzip`; RFC 9110 section 12.5.3: `q=0` refuses, `*` stands for
 * any coding not named), or undefined for identity only. In origin events CloudFront passes the Accept-Encoding
 * the playlist origin request policy forwards (normalized to e.g. `br,gzip` when it touches it at all).
 */
export function acceptedCoding(headers: CloudFrontHeaders): ContentCoding | undefined {
  const q = new Map<string, number>();
  for (const { value } of headers['accept-encoding'] ?? []) {
    for (const part of value.split(',')) {
      const [coding = '', ...params] = part.split(';').map((s) => s.trim().toLowerCase());
      if (coding === '') continue;
      const qv = params.find((p) => p.startsWith('q='));
      const weight = qv === undefined ? 1 : Number(qv.slice(2));
      q.set(coding, Number.isFinite(weight) ? weight : 0);
    }
  }
  return CONTENT_CODINGS.find((c) => (q.get(c) ?? q.get('*') ?? 0) > 0);
}

/**
 * max-age (seconds) for a rewritten playlist: `limit` (from the playlist, see freshness.ts; the default when
 * unknown), lowered by the origin's own max-age / no-cache and by the policy's DateLessThan so a cached copy never
 * outlives its credentials. Unknown expiry gives 0.
 */
export function maxAgeSeconds(
  expiresAt: number | undefined,
  originCacheControl: string | undefined,
  nowMs = Date.now(),
  limit = DEFAULT_MAX_AGE_SECONDS,
): number {
  if (expiresAt === undefined) return 0;
  let age = Math.min(limit, Math.floor(expiresAt - nowMs / 1000));
  const cc = (originCacheControl ?? '').toLowerCase();
  if (/(?:^|[\s,])(?:no-cache|no-store)(?:$|[\s,=])/.test(cc)) age = 0;
  const m = /(?:^|[\s,])max-age\s*=\s*"?(\d{1,10})/.exec(cc);
  if (m) age = Math.min(age, Number(m[1]));
  return Math.max(0, age);
}

/** Size CloudFront counts against the generated-response limit: header lines plus body as sent. */
export function generatedSize(headers: CloudFrontHeaders, body: string): number {
  let size = Buffer.byteLength(body, 'utf8');
  for (const values of Object.values(headers)) {
    for (const { key = '', value } of values) size += Buffer.byteLength(`${key}: ${value}\r\n`, 'utf8');
  }
  return size;
}

/** Replaces the response with a short generic error: no origin text, no AWS error text, no credentials. */
export function errorResponse(response: EdgeResponse, status: 403 | 404 | 502 | 503): EdgeResponse {
  dropStaleHeaders(response.headers);
  const text = STATUS_TEXT[status]!;
  response.status = String(status);
  response.statusDescription = text;
  setHeader(response.headers, 'Content-Type', 'text/plain; charset=utf-8');
  setHeader(response.headers, 'Cache-Control', 'no-store');
  if (status === 503) setHeader(response.headers, 'Retry-After', String(RETRY_AFTER_SECONDS));
  response.body = `${text}\n`;
  response.bodyEncoding = 'text';
  return response;
}

/**
 * Cache-Control of a rewritten playlist. The playlist cache policy keys it by every credential copy, so CloudFront
 * may keep it: `s-maxage` sets CloudFront's TTL (clamped to the policy's MinTTL 0 and MaxTTL), `max-age` the
 * browser's, both counted from when origin-response answered (CloudFront sends `Age` on hits). No `private`: with
 * MinTTL 0 CloudFront would then keep nothing, and any shared cache keys the answer by its URL, which carries the
 * credentials. https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/Expiration.html
 */
export function playlistCacheControl(maxAge: number): string {
  return `max-age=${maxAge}, s-maxage=${maxAge}`;
}

/**
 * The headers of a rewritten playlist, in place of the origin's: its type, caching for `maxAge` seconds, the
 * rewrite marker, and Vary extended by Accept-Encoding.
 */
export function setRewrittenHeaders(headers: CloudFrontHeaders, maxAge: number): void {
  dropStaleHeaders(headers);
  setHeader(headers, 'Content-Type', PLAYLIST_CONTENT_TYPE);
  setHeader(headers, 'Cache-Control', playlistCacheControl(maxAge));
  setHeader(headers, HEADERS.rewrite, 'rewritten');
  // The body depends on Accept-Encoding whether or not it ends up encoded; the origin's own Vary (S3 sends
  // `Origin, Access-Control-Request-*` once the bucket has CORS rules) still holds for the CORS headers.
  const vary = (headerValue(headers, 'vary') ?? '').split(',').map((v) => v.trim()).filter((v) => v !== '');
  if (!vary.some((v) => v.toLowerCase() === 'accept-encoding' || v === '*')) vary.push('Accept-Encoding');
  setHeader(headers, 'Vary', vary.join(', '));
}
