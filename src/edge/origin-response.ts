/**
 * origin-response handler: rewrites a playlist so every URI carries the viewer's (suffixed) credentials.
 *
 * Runs on cache misses of the playlist behavior. The event has no body, so for a 200 playlist it fetches the
 * body from the origin itself, rewrites it with the pure rewriter and returns it as a generated body.
 * Everything else passes through untouched. Viewers only ever see short generic bodies; details go to logs.
 */
import type { CloudFrontHeaders, CloudFrontRequest, CloudFrontResponse, CloudFrontResponseEvent } from 'aws-lambda';
import { credentialKind, credentialQuery, policyExpiry, readCredentials } from '../rewriter/credentials.js';
import { isPlaylist } from '../rewriter/index.js';
import type { RewriteResult, WithheldReason } from '../rewriter/index.js';
import { CONTENT_CODINGS, encodeBody, REWRITE_CHUNK_CHARS, rewriteInChunks, splittable } from './body.js';
import type { ContentCoding } from './body.js';
import { COMPACT_DEFINE, COMPACT_HEADER, compactHeader, replaceCredentials } from './compact.js';
import {
  CREDENTIAL_SUFFIX,
  DEFAULT_MAX_AGE_SECONDS,
  HEADERS,
  MAX_GENERATED_RESPONSE_BYTES,
  PLAYLIST_CONTENT_TYPE,
  PLAYLIST_CONTENT_TYPES,
  RETRY_AFTER_SECONDS,
} from './config.js';
import { fetchFromCustomOrigin, fetchFromS3, headerValue, OriginFetchError } from './fetch-body.js';
import type { FetchedBody } from './fetch-body.js';
import { playlistMaxAgeLimit } from './freshness.js';
import { eventValidator, readThrough } from './origin-cache.js';
import { log } from './log.js';

const FN = 'origin-response';

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

function setHeader(headers: CloudFrontHeaders, key: string, value: string): void {
  headers[key.toLowerCase()] = [{ key, value }];
}

function dropStaleHeaders(headers: CloudFrontHeaders): void {
  for (const name of Object.keys(headers)) {
    if (STALE_HEADERS.includes(name) || name.startsWith('x-amz-checksum-') || name.startsWith('x-amz-meta-')) {
      delete headers[name];
    }
  }
}

/** True for a `.m3u8` URI or a playlist content type (RFC 8216 section 4). */
export function looksLikePlaylist(uri: string, contentType: string | undefined): boolean {
  if (uri.toLowerCase().endsWith('.m3u8')) return true;
  const type = (contentType ?? '').split(';', 1)[0]!.trim().toLowerCase();
  return PLAYLIST_CONTENT_TYPES.has(type);
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

const STATUS_TEXT: Record<number, string> = {
  403: 'Forbidden',
  404: 'Not Found',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
};

/** Replaces the response with a short generic error: no origin text, no AWS error text, no credentials. */
function errorResponse(response: EdgeResponse, status: 403 | 404 | 502 | 503): EdgeResponse {
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

const FETCH_STATUS = {
  OriginNotFound: 404,
  OriginForbidden: 403,
  OriginUnavailable: 503,
  PlaylistTooLarge: 502,
  OriginError: 502,
} as const;

/**
 * The origin's bytes of the requested object: from the instance's cache when the event's strong validator
 * matches what we read before (no second origin request), else fetched. The key names the exact origin object
 * (origin, path, query the origin sees) and the event's content encoding; nothing in it is viewer-specific.
 */
async function fetchBody(request: CloudFrontRequest, response: CloudFrontResponse): Promise<FetchedBody> {
  const origin = request.origin;
  const validator = eventValidator(response.headers);
  const encoding = (headerValue(response.headers, 'content-encoding') ?? '').trim().toLowerCase();
  if (origin?.s3) {
    const s3 = origin.s3;
    const endpoint = headerValue(s3.customHeaders, HEADERS.s3Endpoint) ?? '';
    const key = `s3 ${s3.domainName} ${endpoint} ${s3.path ?? ''}${request.uri} ${encoding}`;
    return (await readThrough(key, validator, () => fetchFromS3(s3, request.uri))).body;
  }
  if (origin?.custom) {
    const custom = origin.custom;
    // Suffixed credentials are for this function, not the origin: send only the other params.
    const query = request.querystring
      .split('&')
      .filter((p) => p !== '' && !p.split('=', 1)[0]!.endsWith(CREDENTIAL_SUFFIX))
      .join('&');
    const key = `custom ${custom.protocol}://${custom.domainName}:${custom.port}${custom.path ?? ''}${request.uri}?${query} ${encoding}`;
    return (await readThrough(key, validator, () => fetchFromCustomOrigin(custom, request.uri, query))).body;
  }
  throw new OriginFetchError('OriginError', 'event has no origin');
}

/** The handler's core, separated so the exported handler can guarantee it never throws. */
async function handle(event: CloudFrontResponseEvent): Promise<EdgeResponse> {
  const { config, request, response } = event.Records[0]!.cf as CloudFrontResponseEvent['Records'][0]['cf'] & {
    response: EdgeResponse;
  };
  const ctx = { requestId: config.requestId, uri: request.uri };
  if (response.status !== '200' || request.method !== 'GET') return response;
  if (!looksLikePlaylist(request.uri, headerValue(response.headers, 'content-type'))) return response;

  const credentials = readCredentials(request.querystring, CREDENTIAL_SUFFIX);
  const kind = credentialKind(credentials);
  if (kind === 'none') return response; // signed cookies, or no credentials reached us: nothing to propagate
  if (kind === 'canned') {
    log('warn', FN, 'canned-policy credentials cover one URL and cannot be propagated; playlist passed through', ctx);
    setHeader(response.headers, 'X-Cfhls-Rewrite', 'skipped; reason=canned-policy');
    return response;
  }

  let fetched: FetchedBody | undefined;
  try {
    fetched = await fetchBody(request, response);
  } catch (err) {
    const e = err instanceof OriginFetchError ? err : new OriginFetchError('OriginError', 'fetch failed', { cause: err });
    const status = FETCH_STATUS[e.code];
    const hint = e.code === 'PlaylistTooLarge' ? 'split the playlist; origin playlists over 16 MB are not rewritten' : undefined;
    log(status === 404 ? 'warn' : 'error', FN, 'fetching the playlist from the origin failed', {
      ...ctx, code: e.code, status, reason: e.message, cause: e.cause, ...(hint ? { hint } : {}),
    });
    return errorResponse(response, status);
  }

  if (!isPlaylist(fetched.bytes)) {
    log('warn', FN, 'origin body is not a playlist (no #EXTM3U); passed through unchanged', { ...ctx, bytes: fetched.bytes.length });
    setHeader(response.headers, 'X-Cfhls-Rewrite', 'skipped; reason=not-a-playlist');
    return response;
  }
  let text = fetched.bytes.toString('utf8');
  fetched = undefined; // the origin bytes are not needed any more: let them go before the big allocations

  const url = `https://${config.distributionDomainName}${request.uri}${request.querystring ? `?${request.querystring}` : ''}`;
  const customHeaders = request.origin?.s3?.customHeaders ?? request.origin?.custom?.customHeaders;
  const allowHosts = (headerValue(customHeaders, HEADERS.allowHosts) ?? '')
    .split(',')
    .map((h) => h.trim())
    .filter((h) => h !== '');

  // Chunked rewriting keeps memory bounded; it is exact only for playlists without EXT-X-DEFINE (checked before
  // the compact form adds its own, which no URI of the origin text refers to).
  const chunkChars = splittable(text) ? REWRITE_CHUNK_CHARS : Number.POSITIVE_INFINITY;
  const maxAgeLimit = playlistMaxAgeLimit(text);
  const credentialText = credentialQuery(credentials);
  let compact = false;
  if ((headerValue(customHeaders, COMPACT_HEADER) ?? '').trim().toLowerCase() === COMPACT_DEFINE) {
    const head = compactHeader(text, credentialText);
    if ('text' in head) {
      text = head.text;
      compact = true;
    } else if (head.skipped !== 'not-a-media-playlist') {
      log('warn', FN, `compact form requested but not possible (${head.skipped}); credentials written in full`, ctx);
    }
  }

  const chunks = rewriteInChunks(text, { url, credentials, credentialSuffix: CREDENTIAL_SUFFIX, allowHosts }, chunkChars);
  const first = chunks.next() as IteratorYieldResult<RewriteResult>;
  if (first.value.skipped) {
    log('warn', FN, `rewriter skipped the playlist (${first.value.skipped}); passed through`, ctx);
    if (first.value.skipped === 'canned-policy') setHeader(response.headers, 'X-Cfhls-Rewrite', 'skipped; reason=canned-policy');
    return response;
  }
  // A refusal needs the whole text (EXT-X-DEFINE), and a playlist with EXT-X-DEFINE is one chunk: the first result
  // is the only one. Nothing of the playlist is sent: its URL already carries the credentials a player would copy.
  if (first.value.refused !== undefined) {
    log('error', FN, 'playlist refused: a player would copy the viewer\'s credentials out of the playlist URL; answered 502', {
      ...ctx, reason: first.value.refused,
      hint: 'the playlist defines a variable from a credential query param (EXT-X-DEFINE QUERYPARAM or IMPORT of Policy, Signature, Key-Pair-Id, ...) and uses it outside the same-host URIs; remove that definition',
    });
    return errorResponse(response, 502);
  }
  const counts = { rewritten: 0, untouched: 0, compacted: 0 };
  const withheld: Partial<Record<WithheldReason, number>> = {};
  /** Rewritten (and compacted) text, chunk by chunk; each chunk is dropped once the encoder has it. */
  function* bodyParts(): Generator<string> {
    for (let r: IteratorResult<RewriteResult> = first; !r.done; r = chunks.next()) {
      counts.rewritten += r.value.rewritten;
      counts.untouched += r.value.untouched;
      for (const [reason, n] of Object.entries(r.value.withheld) as Array<[WithheldReason, number]>) withheld[reason] = (withheld[reason] ?? 0) + n;
      if (!compact) {
        yield r.value.text;
        continue;
      }
      const c = replaceCredentials(r.value.text, credentialText);
      counts.compacted += c.replaced;
      yield c.text;
    }
  }

  const originCacheControl = headerValue(response.headers, 'cache-control');
  dropStaleHeaders(response.headers);
  const maxAge = maxAgeSeconds(policyExpiry(credentials.Policy!), originCacheControl, Date.now(), maxAgeLimit);
  setHeader(response.headers, 'Content-Type', PLAYLIST_CONTENT_TYPE);
  // private: the body carries this viewer's credentials; no shared cache may hand it to anyone else.
  setHeader(response.headers, 'Cache-Control', `private, max-age=${maxAge}`);
  setHeader(response.headers, 'X-Cfhls-Rewrite', 'rewritten');

  // The body depends on Accept-Encoding whether or not it ends up encoded; the origin's own Vary (S3 sends
  // `Origin, Access-Control-Request-*` once the bucket has CORS rules) still holds for the CORS headers.
  const vary = (headerValue(response.headers, 'vary') ?? '').split(',').map((v) => v.trim()).filter((v) => v !== '');
  if (!vary.some((v) => v.toLowerCase() === 'accept-encoding' || v === '*')) vary.push('Accept-Encoding');
  setHeader(response.headers, 'Vary', vary.join(', '));

  const coding = acceptedCoding(request.headers);
  const headerBytes = generatedSize(response.headers, '');
  const encodedHeaderBytes = headerBytes + generatedSize({ 'content-encoding': [{ key: 'Content-Encoding', value: coding ?? '' }] }, '');
  const encoded = await encodeBody(bodyParts(), {
    text: MAX_GENERATED_RESPONSE_BYTES - headerBytes,
    ...(coding !== undefined ? { encoded: { coding, base64: MAX_GENERATED_RESPONSE_BYTES - encodedHeaderBytes } } : {}),
  });
  if (Object.keys(withheld).length > 0) {
    // One line per playlist, counts only: the URIs are origin text and may be long; the reasons say what to fix.
    log('warn', FN, 'credentials withheld from URIs that players could resolve to different hosts', { ...ctx, withheld });
  }
  const plainSize = headerBytes + encoded.plainBytes;
  const form = compact ? { form: 'compact', compacted: counts.compacted } : {};
  const done = { ...ctx, rewritten: counts.rewritten, untouched: counts.untouched, maxAge, plainSize, ...form };

  if (encoded.encoding === 'identity') {
    response.body = encoded.body;
    response.bodyEncoding = 'text';
    log('info', FN, 'playlist rewritten', { ...done, encoding: 'identity' });
    return response;
  }
  if (encoded.encoding !== 'too-large') {
    setHeader(response.headers, 'Content-Encoding', encoded.encoding);
    response.body = encoded.body;
    response.bodyEncoding = 'base64';
    log('info', FN, 'playlist rewritten', { ...done, encoding: encoded.encoding, encodedSize: generatedSize(response.headers, response.body) });
    return response;
  }
  log('error', FN, 'rewritten playlist exceeds the 1 MB Lambda@Edge generated-response limit; answered 502', {
    ...ctx,
    plainSize,
    ...(encoded.coding !== undefined ? { coding: encoded.coding, encodedBytes: encoded.encodedBytes } : {}),
    limit: MAX_GENERATED_RESPONSE_BYTES,
    accepted: coding ?? 'identity',
    ...form,
    hint: 'split the playlist (fewer segments per media playlist, or a sliding live window), or make sure the '
      + 'playlist origin request policy forwards Accept-Encoding (template.yaml does) so the body can be compressed (br or gzip)'
      + (compact ? '' : ', or turn on the compact form (template parameter CompactPlaylists=define) for players with EXT-X-DEFINE support'),
  });
  return errorResponse(response, 502);
}

/**
 * Lambda@Edge origin-response handler. Never throws (a thrown error becomes CloudFront's own 502 page): an
 * unexpected error is logged, redacted, and answered with a generic 502.
 */
export async function handler(event: CloudFrontResponseEvent): Promise<EdgeResponse> {
  try {
    return await handle(event);
  } catch (err) {
    const cf = event?.Records?.[0]?.cf;
    log('error', FN, 'unexpected error; answered 502', { requestId: cf?.config?.requestId, uri: cf?.request?.uri, error: err });
    const response = (cf?.response ?? { status: '502', statusDescription: 'Bad Gateway', headers: {} }) as EdgeResponse;
    response.headers ??= {};
    return errorResponse(response, 502);
  }
}
