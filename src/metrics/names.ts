/**
 * The metrics of the edge and the signer: namespace, metric names and dimension vocabularies. One home: template.yaml's
 * dashboard and alarms name the same ones (test/template/monitoring.test.ts keeps them in step).
 *
 * Dimensions stay low-cardinality: Function (a fixed name), Outcome and Reason (fixed vocabularies). Never a URL, a
 * host, a content id or a credential: each distinct dimension value is a separate paid custom metric.
 */
import { count, ms, writeMetrics } from './emf.js';

export const METRIC_NAMESPACE = 'cloudfront-hls';

/** Every metric name, as CloudWatch shows it. */
export const METRICS = {
  /** origin-response calls, by Function + Outcome (and + Reason for skipped, refused, origin-error). */
  playlists: 'Playlists',
  urisCredentialed: 'UrisCredentialed',
  urisWithheld: 'UrisWithheld',
  /** Bodies read from the origin (a fetch, or joining another call's fetch) and bodies served from the instance. */
  originReads: 'OriginReads',
  originCacheHits: 'OriginCacheHits',
  originReadMs: 'OriginReadMs',
  rewriteMs: 'RewriteMs',
  /** The rewritten playlist's size before content encoding, and as sent (equal when sent as identity). */
  plainBytes: 'ResponseBytesPlain',
  encodedBytes: 'ResponseBytesEncoded',
  /** Signer calls by Function + Outcome, and their duration. */
  signerRequests: 'SignerRequests',
  signerMs: 'SignerMs',
} as const;

/**
 * What became of a playlist call. `passed`: nothing to rewrite (not a 200 GET playlist, or no credentials, as with
 * signed cookies); `origin-error`: the body could not be read; `error`: an unexpected failure (answered 502).
 */
export type Outcome = 'rewritten' | 'skipped' | 'refused' | 'passed' | 'origin-error' | 'error';
export const OUTCOMES: readonly Outcome[] = ['rewritten', 'skipped', 'refused', 'passed', 'origin-error', 'error'];

/** Signer outcomes by HTTP status: low-cardinality, and never the viewer's identity or content id. */
export function signerOutcome(status: number): string {
  if (status >= 200 && status < 400) return 'signed';
  if (status === 401) return 'unauthenticated';
  if (status === 403) return 'forbidden';
  if (status === 429) return 'throttled';
  if (status < 500) return 'bad-request';
  return 'error';
}

/** Writes the signer's EMF record for one request. Never throws. */
export function emitSignerMetrics(status: number, durationMs: number, now = Date.now()): void {
  writeMetrics(METRIC_NAMESPACE, { Function: 'sign-url', Outcome: signerOutcome(status) }, [
    { dimensionSets: [['Function', 'Outcome']], metrics: { [METRICS.signerRequests]: count(1), [METRICS.signerMs]: ms(durationMs) } },
  ], now);
}
