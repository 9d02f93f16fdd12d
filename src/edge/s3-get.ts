/**
 * Reads a playlist from an S3 origin: a SigV4-signed GetObject (aws4fetch signs; the credentials are the ones
 * Lambda puts in the environment), retried within one time budget.
 *
 * No AWS SDK here: the S3 client made the bundle ~600 KB and its import cost ~2.7x the CPU of the viewer-request
 * bundle at every cold start; one GetObject needs only a signed GET (docs/edge-functions.md, "Origin reads").
 */
import { AwsV4Signer } from 'aws4fetch';
import type { CloudFrontS3Origin } from 'aws-lambda';
import { OriginFetchError } from '../errors.js';
import {
  MAX_ORIGIN_PLAYLIST_BYTES,
  ORIGIN_TIMEOUT_MS,
  S3_CONNECTION_TIMEOUT_MS,
  S3_MAX_ATTEMPTS,
  S3_RETRY_DELAY_MS,
} from './config.js';
import { fetched, get, NETWORK_CODES } from './origin-get.js';
import type { FetchedBody, RawResponse } from './origin-get.js';

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
 * The GetObject URL. Virtual-hosted style on the regional endpoint, except path style for bucket names with dots
 * (the wildcard TLS certificate `*.s3.<region>.amazonaws.com` covers one label only). Always S3 itself: the local
 * edge routes these requests to its own S3 server from outside the bundle (src/local-edge/function-runtime/s3-routes.ts).
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/VirtualHosting.html
 */
export function s3Url(bucket: string, region: string, key: string): URL {
  const path = encodeKey(key);
  const host = `s3.${region}.amazonaws.com${region.startsWith('cn-') ? '.cn' : ''}`;
  return new URL(bucket.includes('.') ? `https://${host}/${bucket}/${path}` : `https://${bucket}.${host}/${path}`);
}

const THROTTLED = new Set([
  'SlowDown', 'Throttling', 'ThrottlingException', 'TooManyRequestsException', 'RequestTimeout', 'TimeoutError',
  'RequestTimeoutException', 'ServiceUnavailable', 'InternalError', 'AbortError',
]);

/**
 * What S3's answer means for the viewer: its error `<Code>` first (`RequestTimeout` is a 400 worth a retry), then
 * the HTTP status, then a network `errno` code of a request that got no answer.
 */
function classifyS3Answer(code: string, status: number | undefined, errno: string | undefined, cause?: unknown): OriginFetchError {
  const why = `S3 GetObject failed: ${code}${status ? ` (HTTP ${status})` : ''}`;
  const options = cause === undefined ? undefined : { cause };
  if (code === 'NoSuchKey' || code === 'NotFound' || code === 'NoSuchBucket' || status === 404) {
    return new OriginFetchError('OriginNotFound', why, options);
  }
  if (code === 'AccessDenied' || code === 'Forbidden' || status === 403) {
    return new OriginFetchError('OriginForbidden', why, options);
  }
  if (THROTTLED.has(code) || (status !== undefined && (status === 429 || status >= 500))
    || (errno !== undefined && NETWORK_CODES.has(errno))) {
    return new OriginFetchError('OriginUnavailable', why, options);
  }
  return new OriginFetchError('OriginError', why, options);
}

/** Maps a thrown error (`name` as the S3 code, HTTP status in `$metadata`, or a network `code`) to an {@link OriginFetchError}. */
export function classifyS3Error(err: unknown): OriginFetchError {
  const e = (err ?? {}) as { name?: string; code?: string; $metadata?: { httpStatusCode?: number } };
  return classifyS3Answer(e.name ?? '', e.$metadata?.httpStatusCode, e.code, err);
}

/** S3's error answer: its XML `<Code>` (or a code for the status), never its message. */
function s3AnswerError(res: RawResponse): OriginFetchError {
  const code = /<Code>([A-Za-z0-9.]{1,64})<\/Code>/.exec(res.body.toString('utf8'))?.[1]
    ?? ({ 403: 'Forbidden', 404: 'NotFound', 429: 'TooManyRequestsException', 503: 'ServiceUnavailable' } as Record<number, string>)[res.status]
    ?? `HTTP${res.status}`;
  return classifyS3Answer(code, res.status, undefined);
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
  let key: string;
  try {
    key = s3Key(origin.path ?? '', uri);
  } catch (err) {
    throw new OriginFetchError('OriginNotFound', 'URI is not valid percent-encoding', { cause: err });
  }
  const url = s3Url(parsed.bucket, region, key);
  // One overall budget for every attempt and the body, well inside the 30 s origin-response limit (a monotonic
  // clock: the wall clock may jump).
  const started = performance.now();
  const budgetMs = S3_MAX_ATTEMPTS * ORIGIN_TIMEOUT_MS + S3_CONNECTION_TIMEOUT_MS;
  for (let attempt = 1; ; attempt++) {
    let err: OriginFetchError;
    try {
      const res = await signedGet(url, region, budgetMs - (performance.now() - started));
      if (res.status === 200) return await fetched(res);
      err = s3AnswerError(res);
    } catch (e) {
      err = e instanceof OriginFetchError ? e : classifyS3Error(e);
    }
    const left = budgetMs - (performance.now() - started);
    if (attempt >= S3_MAX_ATTEMPTS || !retryable(err) || left < S3_RETRY_DELAY_MS + S3_CONNECTION_TIMEOUT_MS) throw err;
    // Jittered pause before the retry, as the SDK's standard retry strategy does.
    await new Promise((r) => setTimeout(r, S3_RETRY_DELAY_MS * (0.5 + Math.random() / 2)));
  }
}
