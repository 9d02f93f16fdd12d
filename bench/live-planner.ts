/**
 * Planner figures for a live event in one Region, from the request model of docs/live.md and the default quotas:
 * how many playlist requests, origin-response invocations, concurrent executions and S3 GETs a viewer count
 * costs, per-viewer against shared credentials, HLS against LL-HLS, and the viewer count each mode reaches before
 * the first quota. Pure arithmetic: every input is printed next to the table.
 */

/** Default quotas (per account and Region), with where they are stated. */
export const QUOTAS = {
  /** Lambda concurrent executions: https://docs.aws.amazon.com/lambda/latest/dg/limits.html */
  concurrency: 1_000,
  /** Lambda@Edge requests per second per Region: https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/cloudfront-limits.html */
  edgeRequestsPerSecond: 10_000,
  /** S3 GET/HEAD per second per prefix: https://docs.aws.amazon.com/AmazonS3/latest/userguide/optimizing-performance.html */
  s3GetsPerSecond: 5_500,
} as const;

export interface LiveMode {
  name: string;
  /** Seconds between a viewer's playlist requests: the target duration (HLS) or the part target (LL-HLS). */
  reloadSeconds: number;
  /** Seconds a rewritten playlist stays fresh at the edge (half the target or part target, freshness.ts). */
  freshSeconds: number;
  shared: boolean;
}

export interface PlannerInputs {
  /** origin-response duration per run, ms (measured 11-28 ms per call, bench "handlers"; the upper end). */
  invocationMs: number;
  /** Edge locations whose regional edge cache runs in this Region (each keeps its own cache). */
  edgeLocations: number;
  /** Media playlists a viewer reloads at once (one video rendition and one audio rendition). */
  playlistsPerViewer: number;
  /** Renditions of the title (each is its own cache key per credential). */
  renditions: number;
  /**
   * S3 GETs per origin-response run: CloudFront's own, plus the function's second read when its instance does not
   * hold the bytes (10 % cold, as bench "edge-cost" assumes).
   */
  s3GetsPerRun: number;
}

export const DEFAULT_INPUTS: PlannerInputs = { invocationMs: 28, edgeLocations: 40, playlistsPerViewer: 2, renditions: 6, s3GetsPerRun: 1.1 };

export const MODES: readonly LiveMode[] = [
  { name: 'HLS, 2 s segments, per-viewer', reloadSeconds: 2, freshSeconds: 1, shared: false },
  { name: 'HLS, 2 s segments, shared', reloadSeconds: 2, freshSeconds: 1, shared: true },
  { name: 'LL-HLS, 0.5 s parts, per-viewer', reloadSeconds: 0.5, freshSeconds: 0.25, shared: false },
  { name: 'LL-HLS, 0.5 s parts, shared', reloadSeconds: 0.5, freshSeconds: 0.25, shared: true },
];

export interface PlannerRow {
  viewers: number;
  playlistRequestsPerSecond: number;
  invocationsPerSecond: number;
  concurrency: number;
  s3GetsPerSecond: number;
}

/**
 * One row. Per-viewer credentials: every request is its own cache key, so every request is a miss (a viewer
 * reloads no sooner than the playlist's freshness). Shared: one key per rendition per edge location per
 * freshness interval, whatever the audience (LL-HLS: each part is its own `_HLS_part` key, kept half a part).
 */
export function plannerRow(viewers: number, mode: LiveMode, inputs: PlannerInputs = DEFAULT_INPUTS): PlannerRow {
  const requests = (viewers * inputs.playlistsPerViewer) / mode.reloadSeconds;
  const sharedCap = (inputs.edgeLocations * inputs.renditions) / mode.freshSeconds;
  const invocations = mode.shared ? Math.min(requests, sharedCap) : requests;
  return {
    viewers,
    playlistRequestsPerSecond: requests,
    invocationsPerSecond: invocations,
    concurrency: (invocations * inputs.invocationMs) / 1000,
    s3GetsPerSecond: invocations * inputs.s3GetsPerRun,
  };
}

/** The viewer count at which the first quota is reached, and which one; Infinity when none ever is. */
export function viewerLimit(mode: LiveMode, inputs: PlannerInputs = DEFAULT_INPUTS, s3Origin = true): { viewers: number; quota: string } {
  const perViewer = plannerRow(1, { ...mode, shared: false }, inputs);
  if (mode.shared) {
    const capped = plannerRow(Number.MAX_SAFE_INTEGER, mode, inputs);
    const within = capped.invocationsPerSecond <= QUOTAS.edgeRequestsPerSecond && capped.concurrency <= QUOTAS.concurrency && (!s3Origin || capped.s3GetsPerSecond <= QUOTAS.s3GetsPerSecond);
    if (within) return { viewers: Number.POSITIVE_INFINITY, quota: 'none (independent of viewers)' };
  }
  const limits = [
    { quota: 'Lambda@Edge requests/s', viewers: QUOTAS.edgeRequestsPerSecond / perViewer.invocationsPerSecond },
    { quota: 'Lambda concurrency', viewers: QUOTAS.concurrency / perViewer.concurrency },
    ...(s3Origin ? [{ quota: 'S3 GET/s per prefix', viewers: QUOTAS.s3GetsPerSecond / perViewer.s3GetsPerSecond }] : []),
  ].sort((a, b) => a.viewers - b.viewers);
  return { viewers: Math.floor(limits[0]!.viewers), quota: limits[0]!.quota };
}

const n = (x: number): string => (Number.isFinite(x) ? Math.round(x).toLocaleString('en-US') : 'unbounded');

/** The printed table and its inputs. */
export function plannerLines(inputs: PlannerInputs = DEFAULT_INPUTS, audiences: readonly number[] = [1_000, 10_000, 100_000, 1_000_000]): string[] {
  const lines = [
    `inputs: ${inputs.playlistsPerViewer} media playlists per viewer, ${inputs.renditions} renditions, ${inputs.edgeLocations} edge locations in the Region, `
      + `${inputs.invocationMs} ms per origin-response run, ${inputs.s3GetsPerRun} S3 GETs per run; quotas: ${QUOTAS.edgeRequestsPerSecond.toLocaleString('en-US')} Lambda@Edge requests/s, `
      + `${QUOTAS.concurrency.toLocaleString('en-US')} concurrent executions, ${QUOTAS.s3GetsPerSecond.toLocaleString('en-US')} S3 GET/s per prefix`,
    '| mode | viewers | playlist req/s | origin-response runs/s | concurrency | S3 GET/s |',
    '| --- | --- | --- | --- | --- | --- |',
  ];
  for (const mode of MODES) {
    for (const viewers of audiences) {
      const r = plannerRow(viewers, mode, inputs);
      lines.push(`| ${mode.name} | ${n(viewers)} | ${n(r.playlistRequestsPerSecond)} | ${n(r.invocationsPerSecond)} | ${n(r.concurrency)} | ${n(r.s3GetsPerSecond)} |`);
    }
  }
  lines.push('', '| mode | viewers before the first quota, playlists in S3 | quota | with a custom origin (a packager) | quota |', '| --- | --- | --- | --- | --- |');
  for (const mode of MODES) {
    const s3 = viewerLimit(mode, inputs);
    const custom = viewerLimit(mode, inputs, false);
    lines.push(`| ${mode.name} | ${n(s3.viewers)} | ${s3.quota} | ${n(custom.viewers)} | ${custom.quota} |`);
  }
  return lines;
}
