/**
 * Section "live": the planner table (bench/live-planner.ts), then a measured run of the local edge: simulated
 * viewers of one live title reload its media playlist once per target duration against a slow live origin on
 * 127.0.0.1, with per-viewer credentials and with shared credentials, at two audience sizes. It counts origin GETs
 * and origin-response runs per freshness interval: with shared credentials they stop depending on the viewer count.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { startLocalEdge } from '../src/local-edge/index.js';
import { ROOT } from './bundle.js';
import { startLiveOrigin } from './live-origin.js';
import { plannerLines } from './live-planner.js';

const PATH = '/live/index.m3u8';
const TARGET_SECONDS = 4;
/** origin-response's max-age for this playlist: half the target duration (src/edge/freshness.ts). */
const FRESH_SECONDS = TARGET_SECONDS / 2;
const signatureOf = (text: string): string | undefined => /[?&]Signature=([^&#"\s]+)/.exec(text)?.[1];

export interface LiveRun {
  viewers: number;
  shared: boolean;
  seconds: number;
  requests: number;
  failed: number;
  foreign: number;
  originGets: number;
  originResponseRuns: number;
  collapsed: number;
  hits: number;
}

/** `viewers` players reloading the playlist every target duration for `seconds`, starts spread over one target. */
export async function measure(viewers: number, shared: boolean, seconds: number): Promise<LiveRun> {
  // The edge functions run in this process and write a JSON log line and a metric record per playlist to stdout:
  // not bench output.
  const write = process.stdout.write.bind(process.stdout) as (chunk: unknown, ...rest: unknown[]) => boolean;
  process.stdout.write = ((chunk: unknown, ...rest: unknown[]) =>
    (typeof chunk === 'string' && (chunk.startsWith('{"level":') || chunk.startsWith('{"_aws":')) ? true : write(chunk, ...rest))) as typeof process.stdout.write;
  try {
    return await measureQuietly(viewers, shared, seconds);
  } finally {
    process.stdout.write = write as typeof process.stdout.write;
  }
}

async function measureQuietly(viewers: number, shared: boolean, seconds: number): Promise<LiveRun> {
  const origin = await startLiveOrigin({ delayMs: 50, segmentSeconds: TARGET_SECONDS });
  const edge = await startLocalEdge({ port: 0, origin: origin.url });
  try {
    const now = Math.floor(Date.now() / 1000);
    // Shared: the one URL the signer hands every viewer of the window; per viewer: each signed at its own moment.
    const urls = Array.from({ length: viewers }, (_, v) => edge.sign(PATH, { expires: now + 3_600 + (shared ? 0 : v) }));
    const run: LiveRun = { viewers, shared, seconds, requests: 0, failed: 0, foreign: 0, originGets: 0, originResponseRuns: 0, collapsed: 0, hits: 0 };
    const deadline = Date.now() + seconds * 1000;
    const sleep = (ms: number) => new Promise((ok) => setTimeout(ok, ms));
    await Promise.all(urls.map(async (url) => {
      await sleep(Math.min(Math.random() * TARGET_SECONDS * 1000, deadline - Date.now()));
      while (Date.now() < deadline) {
        const started = Date.now();
        const res = await fetch(url);
        const body = await res.text();
        run.requests++;
        if (res.status !== 200) run.failed++;
        else if (signatureOf(body) !== signatureOf(url)) run.foreign++;
        await sleep(Math.max(0, Math.min(TARGET_SECONDS * 1000 - (Date.now() - started), deadline - Date.now())));
      }
    }));
    // Every request here is for PATH; the access log keeps only the latest entries, the collapser counts them all.
    const { leaders, joined } = edge.cache.collapser.stats;
    run.originResponseRuns = leaders;
    run.collapsed = joined;
    run.hits = run.requests - leaders - joined;
    run.originGets = origin.gets.get(PATH) ?? 0;
    return run;
  } finally {
    await edge.close();
    await origin.close();
  }
}

const perInterval = (x: number, seconds: number): string => (x / (seconds / FRESH_SECONDS)).toFixed(1);

/** The local edge runs dist/functions: build them when they are missing (`npm run bench` builds first). */
function ensureBuilt(): void {
  if (['viewer-request', 'origin-response'].every((f) => existsSync(join(ROOT, 'dist', 'functions', f, 'index.mjs')))) return;
  execFileSync(process.execPath, [join(ROOT, 'scripts', 'build.mjs'), '--quiet'], { cwd: ROOT, stdio: 'inherit' });
}

export async function run(options: { quick: boolean }): Promise<{ lines: string[]; runs: LiveRun[] }> {
  ensureBuilt();
  const lines = ['### planner (one Region, default quotas)', '', ...plannerLines(), ''];
  const seconds = options.quick ? 4 : Number(process.env.CFHLS_LIVE_SECONDS ?? 30);
  const audiences = options.quick ? [40, 160] : [250, 1_000];
  lines.push(`### measured: the local edge, one live title (target duration ${TARGET_SECONDS} s, playlist fresh ${FRESH_SECONDS} s at the edge), ${seconds} s per run, origin answering after 50 ms`, '',
    '| credentials | viewers | playlist requests | failed | foreign credentials | origin-response runs | per freshness interval | origin GETs | per freshness interval | collapsed | cache hits |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  const runs: LiveRun[] = [];
  for (const shared of [false, true]) {
    for (const viewers of audiences) {
      const r = await measure(viewers, shared, seconds);
      runs.push(r);
      lines.push(`| ${shared ? 'shared' : 'per viewer'} | ${viewers} | ${r.requests} | ${r.failed} | ${r.foreign} | ${r.originResponseRuns} | ${perInterval(r.originResponseRuns, seconds)} | ${r.originGets} | ${perInterval(r.originGets, seconds)} | ${r.collapsed} | ${r.hits} |`);
    }
  }
  const ratio = (shared: boolean): number => {
    const [small, large] = runs.filter((r) => r.shared === shared);
    return large!.originResponseRuns / Math.max(1, small!.originResponseRuns);
  };
  const growth = audiences[1]! / audiences[0]!;
  lines.push('', `origin-response runs at ${growth}x the viewers: per viewer ${ratio(false).toFixed(2)}x, shared ${ratio(true).toFixed(2)}x`);
  lines.push(`${ratio(true) < 1.5 ? 'PASS' : 'MISS'} shared credentials: origin-response runs do not grow with the audience (target < 1.5x at ${growth}x the viewers)`);
  return { lines, runs };
}
