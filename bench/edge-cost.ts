/**
 * Edge economics per million playlist requests: requests and GB-seconds of each function and origin GETs, before
 * (S3 client, every origin-response reads the playlist again) and after (origin cache, light bundle), for both
 * viewer-request kinds. Handler times are this run's (bench handlers section); everything else is an assumption
 * printed with the table. Playlists are not cached by CloudFront (rewritten per viewer), so every playlist
 * request runs viewer-request and origin-response.
 */
import { fmt, table } from './stats.js';
import type { HandlerFigures } from './handlers.js';
import { PRICES as LAMBDA_EDGE } from './cost.js';

/** Public prices, as assumed on 2026-12-01 (us-east-1 / North America where they differ by region). */
export const PRICES = {
  lambdaEdge: LAMBDA_EDGE,
  /** https://aws.amazon.com/cloudfront/pricing/ ("CloudFront Functions"): $0.10 per 1M invocations, no duration charge. */
  cloudFrontFunctionPerMillion: 0.1,
  /** https://aws.amazon.com/s3/pricing/ (S3 Standard, GET): $0.0004 per 1,000 requests. */
  s3GetPerMillion: 0.4,
} as const;

/** Assumptions of the table (see docs/benchmarks.md, "What it costs"). */
export const ASSUMPTIONS = {
  /** Wait for the function's own origin read: regional edge cache to the bucket's region (issue 10: 100-300 ms). */
  originRoundTripMs: 100,
  /** Share of origin-response calls that run on a warm instance already holding the playlist's bytes. */
  warmHitRatio: 0.9,
  /** Lambda gives a function one vCPU at 1,769 MB, and CPU in proportion below that. */
  fullCpuMb: 1769,
  memoryMb: { viewerRequest: 128, originResponse: 512 },
} as const;

interface Row {
  scenario: string;
  vrKind: 'Lambda@Edge' | 'CloudFront Function';
  vrMs: number;
  orMs: number;
  originGets: number;
}

const gbSeconds = (ms: number, memoryMb: number): number => 1_000_000 * (Math.max(1, Math.ceil(ms)) / 1000) * (memoryMb / 1024);

/** Handler CPU time (measured on a full core) stretched to the CPU share a function of `memoryMb` gets. */
const atMemory = (fullCoreMs: number, memoryMb: number): number => fullCoreMs * Math.max(1, ASSUMPTIONS.fullCpuMb / memoryMb);

function dollars(r: Row): { vr: number; or: number; gets: number; total: number; vrGbS: number; orGbS: number } {
  const { memoryMb } = ASSUMPTIONS;
  const vrGbS = r.vrKind === 'Lambda@Edge' ? gbSeconds(r.vrMs, memoryMb.viewerRequest) : 0;
  const vr = r.vrKind === 'Lambda@Edge' ? PRICES.lambdaEdge.perMillionRequests + vrGbS * PRICES.lambdaEdge.perGbSecond : PRICES.cloudFrontFunctionPerMillion;
  const orGbS = gbSeconds(r.orMs, memoryMb.originResponse);
  const or = PRICES.lambdaEdge.perMillionRequests + orGbS * PRICES.lambdaEdge.perGbSecond;
  const gets = r.originGets * PRICES.s3GetPerMillion;
  return { vr, or, gets, total: vr + or + gets, vrGbS, orGbS };
}

/** Builds the section's lines from the handlers section's figures. */
export function run(handlers: HandlerFigures[]): { lines: string[] } {
  const find = (prefix: string): HandlerFigures | undefined => handlers.find((h) => h.name.startsWith(prefix));
  const vr = find('viewer-request');
  const cases = [
    { label: 'multivariant (10 variants)', hit: find('origin-response, multivariant') },
    { label: 'VOD 1,000 segments', hit: find('origin-response, VOD 1,000') },
  ];
  if (vr === undefined || cases.some((c) => c.hit === undefined)) return { lines: ['skipped: needs the handlers section'] };
  const { originRoundTripMs: rtt, warmHitRatio: hit, memoryMb } = ASSUMPTIONS;
  const vrMs = atMemory(vr.meanMs, memoryMb.viewerRequest);
  const rows: Row[] = [];
  for (const c of cases) {
    const cpu = atMemory(c.hit!.meanMs, memoryMb.originResponse);
    // Before: every origin-response waits for its own read of the playlist (two origin GETs per request).
    rows.push({ scenario: `${c.label}, before`, vrKind: 'Lambda@Edge', vrMs, orMs: cpu + rtt, originGets: 2 });
    // After: a warm hit skips the read; a miss waits for it as before.
    for (const vrKind of ['Lambda@Edge', 'CloudFront Function'] as const) {
      rows.push({ scenario: `${c.label}, after`, vrKind, vrMs, orMs: cpu + (1 - hit) * rtt, originGets: 1 + (1 - hit) });
    }
  }
  const body = rows.map((r) => {
    const d = dollars(r);
    return [
      r.scenario, r.vrKind, r.vrKind === 'Lambda@Edge' ? `${fmt.ms(r.vrMs)} / ${d.vrGbS.toFixed(0)}` : 'no duration charge',
      `${fmt.ms(r.orMs)} / ${d.orGbS.toFixed(0)}`, (r.originGets * 1e6).toLocaleString('en'),
      fmt.usd(d.vr), fmt.usd(d.or), fmt.usd(d.gets), fmt.usd(d.total),
    ];
  });
  // Memory: CPU-bound time costs the same GB-seconds at any size below a full vCPU; waiting costs in proportion.
  const vod = cases[1]!.hit!;
  const memRows = [256, 512, 1024].map((mb) => {
    const ms = atMemory(vod.meanMs, mb) + (1 - hit) * rtt;
    const cost = PRICES.lambdaEdge.perMillionRequests + gbSeconds(ms, mb) * PRICES.lambdaEdge.perGbSecond;
    return [`${mb} MB`, fmt.ms(ms), fmt.usd(cost)];
  });
  return {
    lines: [
      `prices: Lambda@Edge $${PRICES.lambdaEdge.perMillionRequests} per 1M requests + $${PRICES.lambdaEdge.perGbSecond} per GB-s billed per 1 ms (${PRICES.lambdaEdge.source}); `
        + `CloudFront Functions $${PRICES.cloudFrontFunctionPerMillion} per 1M (https://aws.amazon.com/cloudfront/pricing/); S3 GET $${PRICES.s3GetPerMillion} per 1M (https://aws.amazon.com/s3/pricing/)`,
      `assumptions: origin round trip ${rtt} ms (billed while origin-response waits), warm-instance hit ratio ${hit}, memory viewer-request ${memoryMb.viewerRequest} MB and `
        + `origin-response ${memoryMb.originResponse} MB (template.yaml); handler CPU measured above on a full core, stretched by ${ASSUMPTIONS.fullCpuMb}/memory (Lambda's CPU share)`,
      'not included: cold starts (origin-response now loads for about the CPU of viewer-request, was ~2.7x), CloudFront request and transfer charges (the same in every row)',
      '',
      table(['per 1M playlist requests', 'viewer-request', 'VR ms / GB-s', 'OR ms / GB-s', 'origin GETs', 'VR $', 'OR $', 'GETs $', 'total $'], body),
      '',
      'origin-response memory, VOD 1,000 segments after (CPU-bound time costs the same GB-s at any size under a vCPU; waiting costs in proportion):',
      table(['memory', 'ms per call', '$ per 1M'], memRows),
    ],
  };
}
