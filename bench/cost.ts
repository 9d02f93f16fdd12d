/**
 * Lambda@Edge cost per million playlist fetches: this design (viewer-request + origin-response appending one
 * signature to every URI) versus re-signing every URI with RSA-2048 in origin-response, from times measured in
 * this run and AWS's published Lambda@Edge prices.
 */
import { fmt, table } from './stats.js';
import type { HandlerFigures } from './handlers.js';
import type { RewriterFigures } from './rewriter.js';

/**
 * AWS published Lambda@Edge prices, https://aws.amazon.com/lambda/pricing/ ("Lambda@Edge pricing"), as assumed on
 * 2026-11-26: $0.60 per 1M requests and $0.00005001 per GB-second, duration billed per invocation rounded up to
 * 1 ms (granularity since 2021-04-01, AWS What's New, 2021-03-31). No free tier applies to Lambda@Edge.
 */
export const PRICES = {
  source: 'https://aws.amazon.com/lambda/pricing/ (Lambda@Edge section)',
  assumedOn: '2026-11-26',
  perMillionRequests: 0.6,
  perGbSecond: 0.00005001,
  billingGranularityMs: 1,
} as const;

/** Memory sizes template.yaml gives the functions (viewer triggers are capped at 128 MB). */
export const MEMORY_MB = { viewerRequest: 128, originResponse: 512 } as const;

export interface CostInput {
  handlers: HandlerFigures[];
  rewriter: RewriterFigures[];
  rsaSignMs: number;
}

interface Invocation {
  memoryMb: number;
  ms: number;
}

/** Dollars per million fetches for a list of invocations per fetch. */
function perMillion(invocations: Invocation[]): { requests: number; gbSeconds: number; duration: number; total: number } {
  const requests = invocations.length * PRICES.perMillionRequests;
  let gbSeconds = 0;
  for (const inv of invocations) {
    const billedMs = Math.max(PRICES.billingGranularityMs, Math.ceil(inv.ms / PRICES.billingGranularityMs) * PRICES.billingGranularityMs);
    gbSeconds += 1_000_000 * (billedMs / 1000) * (inv.memoryMb / 1024);
  }
  const duration = gbSeconds * PRICES.perGbSecond;
  return { requests, gbSeconds, duration, total: requests + duration };
}

/** Builds the cost table lines. */
export function run({ handlers, rewriter, rsaSignMs }: CostInput): { lines: string[] } {
  const vr = handlers.find((h) => h.name.startsWith('viewer-request'));
  const cases: Array<{ label: string; handler: string; workload: string }> = [
    { label: 'multivariant, 10 variants', handler: 'origin-response, multivariant', workload: 'multivariant' },
    { label: 'VOD 1,000 segments', handler: 'origin-response, VOD 1,000', workload: 'VOD 1,000 segments' },
  ];
  const rows: string[][] = [];
  for (const c of cases) {
    const or = handlers.find((h) => h.name.startsWith(c.handler));
    const rw = rewriter.find((r) => r.workload.startsWith(c.workload));
    if (!vr || !or || !rw) continue;
    // This design: viewer-request on every fetch, origin-response on every fetch (playlists are not cached).
    const ours = perMillion([
      { memoryMb: MEMORY_MB.viewerRequest, ms: vr.meanMs },
      { memoryMb: MEMORY_MB.originResponse, ms: or.meanMs },
    ]);
    // Re-signing: no viewer-request needed, but one RSA signature per URI in origin-response (lower bound: the
    // rest of the handler as measured for ours, plus URIs x one signature).
    const resignMs = or.meanMs + rw.uris * rsaSignMs;
    const resign = perMillion([{ memoryMb: MEMORY_MB.originResponse, ms: resignMs }]);
    rows.push([
      c.label, 'this design', `${fmt.ms(vr.meanMs)} + ${fmt.ms(or.meanMs)}`, ours.gbSeconds.toFixed(0),
      fmt.usd(ours.requests), fmt.usd(ours.duration), fmt.usd(ours.total), '',
    ]);
    rows.push([
      '', `re-sign ${rw.uris} URIs`, fmt.ms(resignMs), resign.gbSeconds.toFixed(0),
      fmt.usd(resign.requests), fmt.usd(resign.duration), fmt.usd(resign.total), fmt.x(resign.total / ours.total),
    ]);
  }
  const perMs = perMillion([{ memoryMb: MEMORY_MB.originResponse, ms: 2 }]).duration - perMillion([{ memoryMb: MEMORY_MB.originResponse, ms: 1 }]).duration;
  return {
    lines: [
      `prices: Lambda@Edge $${PRICES.perMillionRequests} per 1M requests, $${PRICES.perGbSecond} per GB-second, billed per 1 ms `
        + `(${PRICES.source}, as assumed on ${PRICES.assumedOn})`,
      `memory: viewer-request ${MEMORY_MB.viewerRequest} MB, origin-response ${MEMORY_MB.originResponse} MB (template.yaml); `
        + 'durations are mean per call measured above on this machine, each invocation billed rounded up to 1 ms',
      '',
      table(['playlist', 'design', 'ms per fetch', 'GB-s / 1M', 'requests $', 'duration $', 'total $ / 1M fetches', 'cost factor'], rows),
      '',
      `not included (the same for both designs): the wait for the S3 GetObject, billed as duration: each 1 ms of it adds ${fmt.usd(perMs)} per 1M fetches at ${MEMORY_MB.originResponse} MB;`,
      'Lambda gives a function CPU in proportion to memory (a full vCPU at 1,769 MB), so at these sizes real durations are longer than',
      'measured here on a full core, for both designs; the re-signing figures also scale with the URI count, so long playlists hit the 30 s origin timeout.',
    ],
  };
}
