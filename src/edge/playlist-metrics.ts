/**
 * origin-response's metrics: the per-call recorder the handler fills in, written once per call as one EMF line
 * (names and dimensions: src/metrics/names.ts).
 */
import type { CloudFrontHeaders } from 'aws-lambda';
import { HEADERS } from './config.js';
import { bytes, count, ms, writeMetrics } from '../metrics/emf.js';
import type { MetricGroup, MetricValue } from '../metrics/emf.js';
import { METRIC_NAMESPACE, METRICS } from '../metrics/names.js';
import type { Outcome } from '../metrics/names.js';
import type { RewriteSummary } from '../rewriter/index.js';
import type { EncodedBody } from './body.js';
import type { ReadKind } from './origin-cache.js';

/** Reasons are the rewriter's and the handler's fixed vocabularies; anything else is counted as `other`. */
const REASON = /^[A-Za-z][A-Za-z0-9-]{0,39}$/;

/** What one origin-response call did, filled in as it goes; {@link emitPlaylistMetrics} writes it once. */
export class PlaylistMetrics {
  outcome?: Outcome;
  reason?: string;
  read?: { kind: ReadKind; ms: number };
  rewrite?: { credentialed: number; withheld: number; ms: number };
  bytes?: { plain: number; encoded: number };

  /** Records how the origin body was obtained. */
  originRead(kind: ReadKind, since: number): void {
    this.read = { kind, ms: Date.now() - since };
  }

  /**
   * Records the rewrite (counts from the rewriter's summary) and the encoded body. The rewriter runs lazily inside
   * the encoder, so the time covers rewriting and encoding together. Sizes only for a body that will be sent.
   */
  rewritten(summary: RewriteSummary | undefined, encoded: EncodedBody, since: number): void {
    if (summary === undefined) return;
    const withheld = Object.values(summary.withheld).reduce((a: number, b) => a + (b ?? 0), 0);
    this.rewrite = { credentialed: summary.rewritten, withheld, ms: Date.now() - since };
    if (encoded.encoding === 'too-large' || summary.refused !== undefined) return;
    this.bytes = { plain: encoded.plainBytes, encoded: encoded.encoding === 'identity' ? encoded.plainBytes : encoded.encodedBytes };
  }

  /** Records a failed origin read (its error code as the reason). */
  originFailed(code: string): void {
    this.outcome = 'origin-error';
    this.reason = code;
  }
}

/**
 * The outcome and reason from the response: the rewrite header (`rewritten`, `skipped; reason=...`,
 * `refused; reason=...`) is their one home, so the metric can never disagree with what the viewer was told.
 */
export function outcomeOf(metrics: PlaylistMetrics, headers: CloudFrontHeaders | undefined): { outcome: Outcome; reason?: string } {
  if (metrics.outcome !== undefined) return { outcome: metrics.outcome, ...(metrics.reason ? { reason: reasonValue(metrics.reason) } : {}) };
  const value = headers?.[HEADERS.rewrite.toLowerCase()]?.[0]?.value ?? '';
  const [state = '', detail = ''] = value.split(';', 2).map((s) => s.trim());
  const reason = detail.startsWith('reason=') ? reasonValue(detail.slice(7)) : undefined;
  if (state === 'rewritten' || state === 'skipped' || state === 'refused') return { outcome: state, ...(reason ? { reason } : {}) };
  return { outcome: 'passed' };
}

function reasonValue(reason: string): string {
  return REASON.test(reason) ? reason : 'other';
}

/** Writes the call's one EMF record: the outcome count, then whatever the call measured. Never throws. */
export function emitPlaylistMetrics(metrics: PlaylistMetrics, headers: CloudFrontHeaders | undefined, now = Date.now()): void {
  const { outcome, reason } = outcomeOf(metrics, headers);
  const dimensions: Record<string, string> = { Function: 'origin-response', Outcome: outcome, ...(reason ? { Reason: reason } : {}) };
  const detail: Record<string, MetricValue> = {};
  if (metrics.read) {
    detail[metrics.read.kind === 'hit' ? METRICS.originCacheHits : METRICS.originReads] = count(1);
    detail[METRICS.originReadMs] = ms(metrics.read.ms);
  }
  if (metrics.rewrite) {
    detail[METRICS.urisCredentialed] = count(metrics.rewrite.credentialed);
    detail[METRICS.urisWithheld] = count(metrics.rewrite.withheld);
    detail[METRICS.rewriteMs] = ms(metrics.rewrite.ms);
  }
  if (metrics.bytes) {
    detail[METRICS.plainBytes] = bytes(metrics.bytes.plain);
    detail[METRICS.encodedBytes] = bytes(metrics.bytes.encoded);
  }
  const groups: MetricGroup[] = [
    { dimensionSets: reason ? [['Function', 'Outcome'], ['Function', 'Outcome', 'Reason']] : [['Function', 'Outcome']], metrics: { [METRICS.playlists]: count(1) } },
    { dimensionSets: [['Function']], metrics: detail },
  ];
  writeMetrics(METRIC_NAMESPACE, dimensions, groups, now);
}

