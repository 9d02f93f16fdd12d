/**
 * Build-time settings of the edge functions. Lambda@Edge rejects environment variables, so everything that is
 * not per deployment lives here; per-deployment values arrive as origin custom headers (see HEADERS).
 */
import { CFHLS_HEADERS } from '../cloudfront/index.js';

/**
 * `max-age` (seconds) of a rewritten playlist when the playlist says nothing better (a multivariant playlist, or
 * no target duration); freshness.ts derives it from media playlists. The policy's DateLessThan and the origin's
 * own max-age lower it further.
 */
export const DEFAULT_MAX_AGE_SECONDS = 2;

/** Whole-request budget for fetching a playlist from a custom origin, and per-attempt budget for S3. */
export const ORIGIN_TIMEOUT_MS = 3_000;
/** TCP connect budget for S3. */
export const S3_CONNECTION_TIMEOUT_MS = 1_000;
/** S3 attempts: throttling, 5xx, timeouts and dropped connections are retried once before we answer 503. */
export const S3_MAX_ATTEMPTS = 2;
/** Pause before an S3 retry (jittered to 50-100 % of this), as the SDK's standard retry strategy's base delay. */
export const S3_RETRY_DELAY_MS = 100;

/**
 * Bytes of origin playlists kept in memory across invocations of one instance (src/edge/origin-cache.ts).
 * At 512 MB (template.yaml) this leaves room for the largest accepted origin playlist (16 MB) and its rewrite
 * (a few times its size in strings and the gzip buffer) next to a full cache.
 */
export const ORIGIN_CACHE_MAX_BYTES = 64 * 1_048_576;

/** `Retry-After` (seconds) sent with a 503 when the origin was throttled or slow. */
export const RETRY_AFTER_SECONDS = 2;

/** Lambda@Edge limit on a response generated in an origin event, headers plus body (1 MB). */
export const MAX_GENERATED_RESPONSE_BYTES = 1_048_576;
/** Largest origin playlist we read (it may still fit once gzipped); anything bigger is refused with a 502. */
export const MAX_ORIGIN_PLAYLIST_BYTES = 16 * 1_048_576;

/**
 * Bounds on what origin-response accepts from the origin, so the worst playlist it does not refuse finishes
 * within a third of the function's 15 s timeout and half of its 512 MB (template.yaml), measured on one core by
 * test/edge/hostile-bounds.test.ts with the worst shapes found (one-byte URI lines, lines at the length limit,
 * tags at the attribute limit, variable definitions). Past a bound the playlist is refused: 502 and one log line.
 * - maxLineChars: a URI line is useless past CloudFront's 8,192-character URL limit; tags get 8x that.
 * - maxAttributes: real tags carry a few dozen at most.
 * - maxOutputChars: twice a 100,000-segment playlist with 637-byte credentials (64.7 MB rewritten, bench
 *   big-playlists), which still fits the 1 MB response once compressed; more cannot be answered anyway.
 */
export const REWRITE_LIMITS = {
  maxLineChars: 64 * 1024,
  maxAttributes: 256,
  maxOutputChars: 128 * 1_048_576,
} as const;

/**
 * The headers origin-response reads (origin custom headers set on the media origin in template.yaml, carrying
 * per-deployment settings) and writes (`rewrite`), named in src/cloudfront/cfhls-headers.ts.
 */
export const HEADERS = CFHLS_HEADERS;

/** The value of HEADERS.compact that turns the compact form on. */
export const COMPACT_DEFINE = 'define';

/** Content types that mark a playlist (RFC 8216 section 4), lowercase, without parameters. */
export const PLAYLIST_CONTENT_TYPES: ReadonlySet<string> = new Set([
  'application/vnd.apple.mpegurl',
  'audio/mpegurl',
  'application/x-mpegurl',
  'audio/x-mpegurl',
]);

/** The content type of every rewritten playlist. */
export const PLAYLIST_CONTENT_TYPE = 'application/vnd.apple.mpegurl';
