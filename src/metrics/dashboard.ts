/**
 * The CloudWatch dashboard of template.yaml (MonitoringDashboard's DashboardBody), generated from the metric names in
 * ./names.ts so the two cannot drift: `npx tsx scripts/sync-dashboard.ts` writes it into the template and
 * test/template/monitoring.test.ts keeps them equal.
 *
 * CloudFront's metrics are in us-east-1 (Region=Global). Lambda@Edge runs, logs and writes its EMF metrics in the
 * Region of the edge that served the viewer, so each edge widget draws one line per Region of EDGE_REGIONS (a dashboard
 * may show metrics of any Region; an alarm only those of its own).
 * https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/programming-cloudwatch-metrics.html
 * https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/edge-functions-logs.html
 * Dashboard body grammar: https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/CloudWatch-Dashboard-Body-Structure.html
 */
import { METRIC_NAMESPACE, METRICS } from './names.js';

/**
 * The Regions of CloudFront's regional edge caches, where origin-facing Lambda@Edge functions run (an edge function
 * runs in the Region closest to the location that served the viewer). A Region missing here still works; its lines are
 * only absent from the dashboard (`cloudfront-hls logs` finds every Region).
 */
export const EDGE_REGIONS = [
  'us-east-1', 'us-east-2', 'us-west-2', 'ca-central-1', 'sa-east-1', 'eu-west-1', 'eu-west-2', 'eu-central-1',
  'ap-south-1', 'ap-northeast-1', 'ap-northeast-2', 'ap-southeast-1', 'ap-southeast-2',
] as const;

/** Placeholders the template's !Sub fills in. */
export const DASHBOARD_VARIABLES = ['DistributionId', 'OriginResponseName', 'ViewerRequestName', 'SignerName', 'StackUuid'] as const;

type MetricLine = (string | Record<string, unknown>)[];
interface Widget {
  type: 'metric';
  width: number;
  height: number;
  properties: Record<string, unknown>;
}

const CLOUDFRONT = (name: string, stat: string): MetricLine =>
  ['AWS/CloudFront', name, 'Region', 'Global', 'DistributionId', '${DistributionId}', { stat, region: 'us-east-1' }];

function widget(title: string, metrics: MetricLine[], extra: Record<string, unknown> = {}): Widget {
  return { type: 'metric', width: 12, height: 6, properties: { title, metrics, view: 'timeSeries', period: 300, region: 'us-east-1', ...extra } };
}

/** A CloudFront Function's metric (us-east-1, Region=Global); names as template.yaml gives them. */
const CF_FUNCTION = (fn: string, metric: string): MetricLine =>
  ['AWS/CloudFront', metric, 'Region', 'Global', 'FunctionName', `cfhls-\${StackUuid}-${fn}`, { stat: 'Sum', region: 'us-east-1', label: `${fn} ${metric}` }];

/** One line per edge Region for an EMF metric of origin-response (with extra dimensions). */
function perRegion(metric: string, stat: string, dims: string[] = []): MetricLine[] {
  return EDGE_REGIONS.map((region) => [METRIC_NAMESPACE, metric, 'Function', 'origin-response', ...dims, { stat, region, label: `${region}${dims.length ? ` ${dims.at(-1)}` : ''}` }]);
}

/** One line per edge Region for a Lambda metric of an edge function's replicas (`us-east-1.<name>`). */
function edgeLambda(metric: string, fn: 'OriginResponseName' | 'ViewerRequestName'): MetricLine[] {
  return EDGE_REGIONS.map((region) => ['AWS/Lambda', metric, 'FunctionName', `us-east-1.\${${fn}}`, { stat: 'Sum', region, label: `${region} ${metric}` }]);
}

/** The dashboard's widgets, top to bottom: what viewers see, the edge functions, the playlists, the signer. */
export function dashboardWidgets(): Widget[] {
  return [
    widget('CloudFront: error rates (%)', [CLOUDFRONT('5xxErrorRate', 'Average'), CLOUDFRONT('4xxErrorRate', 'Average'), CLOUDFRONT('503ErrorRate', 'Average'), CLOUDFRONT('502ErrorRate', 'Average')]),
    widget('CloudFront: requests', [CLOUDFRONT('Requests', 'Sum')]),
    widget('Lambda@Edge as CloudFront counts it (all Regions)', [CLOUDFRONT('LambdaExecutionError', 'Sum'), CLOUDFRONT('LambdaValidationError', 'Sum'), CLOUDFRONT('LambdaLimitExceededErrors', 'Sum')]),
    widget('CloudFront: origin latency (ms) and cache hit rate (%)', [CLOUDFRONT('OriginLatency', 'p90'), CLOUDFRONT('CacheHitRate', 'Average')]),
    widget('origin-response: errors and throttles by Region', [...edgeLambda('Errors', 'OriginResponseName'), ...edgeLambda('Throttles', 'OriginResponseName')]),
    widget('CloudFront Functions: errors and throttles (a failing function answers 503)', ['signer-headers', 'viewer-request'].flatMap((fn) =>
      ['FunctionExecutionErrors', 'FunctionValidationErrors', 'FunctionThrottles'].map((m) => CF_FUNCTION(fn, m)))),
    widget('viewer-request (Lambda@Edge): errors and throttles by Region', [...edgeLambda('Errors', 'ViewerRequestName'), ...edgeLambda('Throttles', 'ViewerRequestName')]),
    widget('Playlists rewritten by Region', perRegion(METRICS.playlists, 'Sum', ['Outcome', 'rewritten'])),
    widget('Playlists refused, skipped, failed by Region', [
      ...perRegion(METRICS.playlists, 'Sum', ['Outcome', 'refused']),
      ...perRegion(METRICS.playlists, 'Sum', ['Outcome', 'skipped']),
      ...perRegion(METRICS.playlists, 'Sum', ['Outcome', 'origin-error']),
      ...perRegion(METRICS.playlists, 'Sum', ['Outcome', 'error']),
    ]),
    widget('URIs credentialed and withheld', [...perRegion(METRICS.urisCredentialed, 'Sum'), ...perRegion(METRICS.urisWithheld, 'Sum')]),
    widget('Origin reads and instance-cache hits', [...perRegion(METRICS.originReads, 'Sum'), ...perRegion(METRICS.originCacheHits, 'Sum')]),
    widget('Rewrite and origin-read time (p99, ms)', [...perRegion(METRICS.rewriteMs, 'p99'), ...perRegion(METRICS.originReadMs, 'p99')]),
    widget('Rewritten playlist bytes, plain and encoded (average)', [...perRegion(METRICS.plainBytes, 'Average'), ...perRegion(METRICS.encodedBytes, 'Average')]),
    widget('Signer: requests by outcome', ['signed', 'unauthenticated', 'forbidden', 'bad-request', 'throttled', 'error'].map((o) =>
      [METRIC_NAMESPACE, METRICS.signerRequests, 'Function', 'sign-url', 'Outcome', o, { stat: 'Sum', label: o }])),
    widget('Signer: Lambda errors, throttles, duration and signing time p99', [
      ['AWS/Lambda', 'Errors', 'FunctionName', '${SignerName}', { stat: 'Sum' }],
      ['AWS/Lambda', 'Throttles', 'FunctionName', '${SignerName}', { stat: 'Sum' }],
      ['AWS/Lambda', 'Duration', 'FunctionName', '${SignerName}', { stat: 'p99', yAxis: 'right' }],
      [METRIC_NAMESPACE, METRICS.signerMs, 'Function', 'sign-url', 'Outcome', 'signed', { stat: 'p99', yAxis: 'right', label: 'signed in (ms)' }],
    ]),
  ];
}

/** The DashboardBody text for the template's !Sub (placeholders ${DistributionId}, ... and no other `${`). */
export function dashboardBody(): string {
  return JSON.stringify({ widgets: dashboardWidgets() });
}
