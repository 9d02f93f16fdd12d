/**
 * origin-response handler: rewrites a playlist so every URI carries the viewer's (suffixed) credentials.
 *
 * Runs on cache misses of the playlist behavior. The event has no body, so for a 200 playlist it fetches the
 * body from the origin itself, rewrites it with the pure rewriter and returns it as a generated body.
 * Everything else passes through untouched. Viewers only ever see short generic bodies; details go to logs.
 */
import type { CloudFrontRequest, CloudFrontResponse, CloudFrontResponseEvent } from 'aws-lambda';
import { CREDENTIAL_SUFFIX, credentialKind, headerValue, policyExpiry, readCredentials, withoutSuffixedParams } from '../cloudfront/index.js';
import type { Credentials } from '../cloudfront/index.js';
import type { CheckVerdict } from '../checker/index.js';
import { DEFAULT_CHUNK_CHARS, REFUSAL_MESSAGES, isPlaylist, rewritePlaylistInChunks } from '../rewriter/index.js';
import type { ChunkedRewrite, RefusalReason, RewriteOptions } from '../rewriter/index.js';
import { encodeBody } from './body.js';
import type { ContentCoding, EncodedBody } from './body.js';
import {
  COMPACT_DEFINE,
  HEADERS,
  MAX_GENERATED_RESPONSE_BYTES,
  MAX_ORIGIN_PLAYLIST_BYTES,
  PLAYLIST_CONTENT_TYPES,
  REWRITE_LIMITS,
} from './config.js';
import { OriginFetchError } from '../errors.js';
import { fetchFromCustomOrigin, fetchFromS3 } from './fetch-body.js';
import type { FetchedBody } from './fetch-body.js';
import { playlistMaxAgeLimit } from './freshness.js';
import { eventValidator, readThrough } from './origin-cache.js';
import type { ReadKind } from './origin-cache.js';
import { log } from './log.js';
import { emitPlaylistMetrics, PlaylistMetrics } from './playlist-metrics.js';
import { acceptedCoding, errorResponse, generatedSize, maxAgeSeconds, setHeader, setRewrittenHeaders } from './response.js';
import type { EdgeResponse } from './response.js';

export type { EdgeResponse };

const FN = 'origin-response';

/** True for a `.m3u8` URI or a playlist content type (RFC 8216 section 4). */
export function looksLikePlaylist(uri: string, contentType: string | undefined): boolean {
  if (uri.toLowerCase().endsWith('.m3u8')) return true;
  const type = (contentType ?? '').split(';', 1)[0]!.trim().toLowerCase();
  return PLAYLIST_CONTENT_TYPES.has(type);
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
async function fetchBody(request: CloudFrontRequest, response: CloudFrontResponse): Promise<{ body: FetchedBody; read: ReadKind }> {
  const origin = request.origin;
  const validator = eventValidator(response.headers);
  const encoding = (headerValue(response.headers, 'content-encoding') ?? '').trim().toLowerCase();
  if (origin?.s3) {
    const s3 = origin.s3;
    const key = `s3 ${s3.domainName} ${s3.path ?? ''}${request.uri} ${encoding}`;
    return readThrough(key, validator, () => fetchFromS3(s3, request.uri));
  }
  if (origin?.custom) {
    const custom = origin.custom;
    // Suffixed credentials are for this function, not the origin: send only the other params.
    const query = withoutSuffixedParams(request.querystring, CREDENTIAL_SUFFIX);
    const key = `custom ${custom.protocol}://${custom.domainName}:${custom.port}${custom.path ?? ''}${request.uri}?${query} ${encoding}`;
    return readThrough(key, validator, () => fetchFromCustomOrigin(custom, request.uri, query));
  }
  throw new OriginFetchError('OriginError', 'event has no origin');
}

/** The parts of the event every step reads, and the fields every log line carries. */
interface Exchange {
  config: CloudFrontResponseEvent['Records'][0]['cf']['config'];
  request: CloudFrontRequest;
  response: EdgeResponse;
  log: { requestId: string; uri: string };
  metrics: PlaylistMetrics;
}

/** The handler's core, separated so the exported handler can guarantee it never throws. */
async function handle(event: CloudFrontResponseEvent, metrics: PlaylistMetrics): Promise<EdgeResponse> {
  const { config, request, response } = event.Records[0]!.cf as CloudFrontResponseEvent['Records'][0]['cf'] & { response: EdgeResponse };
  const exchange: Exchange = { config, request, response, log: { requestId: config.requestId, uri: request.uri }, metrics };
  const credentials = decide(exchange);
  if (credentials === undefined) return response;
  const text = await readPlaylist(exchange);
  if (typeof text !== 'string') return text;
  const rewrite = rewritePlaylistInChunks(text, rewriteOptions(exchange), DEFAULT_CHUNK_CHARS);
  if (rewrite.skipped !== undefined) {
    // Credentials the rewriter will not write (bytes outside URL-safe base64): the playlist passes through as is.
    log('warn', FN, `rewriter skipped the playlist (${rewrite.skipped}); passed through`, exchange.log);
    setHeader(response.headers, HEADERS.rewrite, `skipped; reason=${rewrite.skipped}`);
    return response;
  }
  return respond(exchange, rewrite, credentials, playlistMaxAgeLimit(text));
}

/**
 * Step 1: whether this response is a playlist to rewrite. Returns the viewer's credentials, or undefined to pass
 * the response through (not a 200 GET of a playlist; no credentials, as with signed cookies; a canned policy).
 */
function decide({ request, response, log: where }: Exchange): Credentials | undefined {
  if (response.status !== '200' || request.method !== 'GET') return undefined;
  if (!looksLikePlaylist(request.uri, headerValue(response.headers, 'content-type'))) return undefined;
  const credentials = readCredentials(request.querystring, CREDENTIAL_SUFFIX);
  const kind = credentialKind(credentials);
  if (kind === 'canned') {
    log('warn', FN, 'canned-policy credentials cover one URL and cannot be propagated; playlist passed through', where);
    setHeader(response.headers, HEADERS.rewrite, 'skipped; reason=canned-policy');
  }
  return kind === 'custom' ? credentials : undefined;
}

/** Step 2: the playlist's text from the origin (or this instance's cache), or the response to send instead. */
async function readPlaylist(exchange: Exchange): Promise<string | EdgeResponse> {
  const { request, response, log: where } = exchange;
  let fetched: FetchedBody;
  const since = Date.now();
  try {
    const got = await fetchBody(request, response);
    fetched = got.body;
    exchange.metrics.originRead(got.read, since);
  } catch (err) {
    const e = err instanceof OriginFetchError ? err : new OriginFetchError('OriginError', 'fetch failed', { cause: err });
    exchange.metrics.originFailed(e.code);
    const status = FETCH_STATUS[e.code];
    const hint = e.code === 'PlaylistTooLarge' ? `split the playlist; origin playlists over ${MAX_ORIGIN_PLAYLIST_BYTES} bytes are not rewritten` : undefined;
    log(status === 404 ? 'warn' : 'error', FN, 'fetching the playlist from the origin failed', {
      ...where, code: e.code, status, reason: e.message, cause: e.cause, ...(hint ? { hint } : {}),
    });
    return errorResponse(response, status);
  }
  if (!isPlaylist(fetched.bytes)) {
    log('warn', FN, 'origin body is not a playlist (no #EXTM3U); passed through unchanged', { ...where, bytes: fetched.bytes.length });
    setHeader(response.headers, HEADERS.rewrite, 'skipped; reason=not-a-playlist');
    return response;
  }
  return fetched.bytes.toString('utf8');
}

/** Step 3: what the rewriter needs: the URL the viewer asked for, the allowed hosts, the form and the bounds. */
function rewriteOptions({ config, request }: Exchange): RewriteOptions {
  const customHeaders = request.origin?.s3?.customHeaders ?? request.origin?.custom?.customHeaders;
  // The rewriter trims each entry and skips empty ones.
  const allowHosts = (headerValue(customHeaders, HEADERS.allowHosts) ?? '').split(',');
  const compact = (headerValue(customHeaders, HEADERS.compact) ?? '').trim().toLowerCase() === COMPACT_DEFINE;
  // Absent or empty: content steering is not allowed, and a playlist using it is refused.
  const steering = (headerValue(customHeaders, HEADERS.steeringHosts) ?? '').trim();
  return {
    // In origin events the Host header is the origin's: the viewer's host is the distribution's domain.
    // The credentials travel in that URL's query as viewer-request's suffixed copies.
    url: `https://${config.distributionDomainName}${request.uri}${request.querystring ? `?${request.querystring}` : ''}`,
    credentialSuffix: CREDENTIAL_SUFFIX,
    allowHosts,
    limits: REWRITE_LIMITS,
    ...(compact ? { compact } : {}),
    ...(steering !== '' ? { steeringHosts: steering.split(',') } : {}),
  };
}

/** Step 4: the rewritten playlist as the response, encoded as the viewer accepts, or the refusal. */
async function respond(exchange: Exchange, rewrite: ChunkedRewrite, credentials: Credentials, maxAgeLimit: number): Promise<EdgeResponse> {
  const { request, response, log: where } = exchange;
  const maxAge = maxAgeSeconds(policyExpiry(credentials.Policy!), headerValue(response.headers, 'cache-control'), Date.now(), maxAgeLimit);
  setRewrittenHeaders(response.headers, maxAge);

  const coding = acceptedCoding(request.headers);
  const headerBytes = generatedSize(response.headers, '');
  const encodedHeaderBytes = headerBytes + generatedSize({ 'content-encoding': [{ key: 'Content-Encoding', value: coding ?? '' }] }, '');
  const since = Date.now();
  const encoded = await encodeBody(rewrite.chunks(), {
    text: MAX_GENERATED_RESPONSE_BYTES - headerBytes,
    ...(coding !== undefined ? { encoded: { coding, base64: MAX_GENERATED_RESPONSE_BYTES - encodedHeaderBytes } } : {}),
  });
  const summary = rewrite.summary();
  exchange.metrics.rewritten(summary, encoded, since);
  if (summary?.refused !== undefined) return refusal(exchange, summary.refused, summary.check);
  if (summary !== undefined && Object.keys(summary.withheld).length > 0) {
    // One line per playlist, counts only: the URIs are origin text and may be long; the reasons say what to fix.
    log('warn', FN, 'credentials withheld from URIs that players could resolve to different hosts', { ...where, withheld: summary.withheld });
  }
  const form = rewrite.compact !== undefined ? { compact: rewrite.compact } : {};
  if (summary === undefined || encoded.encoding === 'too-large') return tooLarge(exchange, encoded, coding, form);
  const done = { ...where, rewritten: summary.rewritten, untouched: summary.untouched, maxAge, plainSize: headerBytes + encoded.plainBytes, ...form };
  if (encoded.encoding === 'identity') {
    response.body = encoded.body;
    response.bodyEncoding = 'text';
    log('info', FN, 'playlist rewritten', { ...done, encoding: 'identity' });
    return response;
  }
  setHeader(response.headers, 'Content-Encoding', encoded.encoding);
  response.body = encoded.body;
  response.bodyEncoding = 'base64';
  log('info', FN, 'playlist rewritten', { ...done, encoding: encoded.encoding, encodedSize: generatedSize(response.headers, response.body) });
  return response;
}

/** Why each refusal happens, for the log line's hint: the rewriter's sentence, with this function's limits. */
const REFUSAL_HINTS: Record<RefusalReason, string> = {
  ...REFUSAL_MESSAGES,
  'content-steering': `${REFUSAL_MESSAGES['content-steering']}; the origin header ${HEADERS.steeringHosts} carries them to this function`,
  'line-too-long': `a URI line or #EXT-X- tag is over ${REWRITE_LIMITS.maxLineChars} characters`,
  'too-many-attributes': `a tag has over ${REWRITE_LIMITS.maxAttributes} attributes`,
  'output-too-large': `the rewritten playlist would be over ${REWRITE_LIMITS.maxOutputChars} characters, more than any 1 MB response can carry: split the playlist`,
};

/** A playlist that must not be served: 502, nothing of its text, one log line saying why (and where, never what). */
function refusal({ response, log: where }: Exchange, reason: RefusalReason, check: CheckVerdict | undefined): EdgeResponse {
  const found = check === undefined ? {} : { check: check.failure, outputLine: check.line };
  log('error', FN, 'playlist refused; answered 502', { ...where, reason, ...found, hint: REFUSAL_HINTS[reason] });
  setHeader(response.headers, HEADERS.rewrite, `refused; reason=${reason}`);
  return errorResponse(response, 502);
}

/** A rewritten playlist over the generated-response limit, even encoded: 502 with the sizes and what to do. */
function tooLarge({ response, log: where }: Exchange, encoded: EncodedBody, coding: ContentCoding | undefined, form: Record<string, unknown>): EdgeResponse {
  const compacted = form.compact === 'applied';
  log('error', FN, 'rewritten playlist exceeds the 1 MB Lambda@Edge generated-response limit; answered 502', {
    ...where,
    plainBytesAtLeast: encoded.plainBytes,
    ...(encoded.encoding === 'too-large' && encoded.coding !== undefined ? { coding: encoded.coding, encodedBytesAtLeast: encoded.encodedBytes } : {}),
    limit: MAX_GENERATED_RESPONSE_BYTES,
    accepted: coding ?? 'identity',
    ...form,
    hint: 'split the playlist (fewer segments per media playlist, or a sliding live window), or make sure the '
      + 'playlist origin request policy forwards Accept-Encoding (template.yaml does) so the body can be compressed (br or gzip)'
      + (compacted ? '' : ', or turn on the compact form (template parameter CompactPlaylists=define) for players with EXT-X-DEFINE support'),
  });
  setHeader(response.headers, HEADERS.rewrite, 'refused; reason=too-large');
  return errorResponse(response, 502);
}

/**
 * Lambda@Edge origin-response handler. Never throws (a thrown error becomes CloudFront's own 502 page): an
 * unexpected error is logged, redacted, and answered with a generic 502.
 */
export async function handler(event: CloudFrontResponseEvent): Promise<EdgeResponse> {
  const metrics = new PlaylistMetrics();
  let answer: EdgeResponse | undefined;
  try {
    answer = await handle(event, metrics);
    return answer;
  } catch (err) {
    metrics.outcome = 'error';
    const cf = event?.Records?.[0]?.cf;
    log('error', FN, 'unexpected error; answered 502', { requestId: cf?.config?.requestId, uri: cf?.request?.uri, error: err });
    const response = (cf?.response ?? { status: '502', statusDescription: 'Bad Gateway', headers: {} }) as EdgeResponse;
    response.headers ??= {};
    answer = errorResponse(response, 502);
    return answer;
  } finally {
    emitPlaylistMetrics(metrics, answer?.headers);
  }
}
