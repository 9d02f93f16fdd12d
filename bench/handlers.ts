/**
 * Edge handlers per call: viewer-request, and origin-response against S3 on loopback (a local HTTP server), so
 * the figure is this code's own time (event handling, signing, rewrite, headers), not the network's. Two cases
 * for origin-response: a warm instance whose origin cache holds the object (the event's ETag matches: no origin
 * read), and a read of S3 on every call (the ETag differs). p50/p99 over N calls, and heap used after a forced GC
 * before and after the loop (growth would mean a leak across invocations).
 */
import { performance } from 'node:perf_hooks';
import { readFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CloudFrontRequestEvent, CloudFrontResponseEvent } from 'aws-lambda';
import { handler as viewerRequest } from '../src/edge/viewer-request.js';
import { handler as originResponse } from '../src/edge/origin-response.js';
import { setLogSink } from '../src/edge/log.js';
import { setMetricSink } from '../src/metrics/emf.js';
import { CFHLS_HEADERS } from '../src/cloudfront/index.js';
import { atEndpoint, md5Etag, s3Object, startFaultyS3, useCredentials } from '../test/helpers/s3.js';
import { multivariantPlaylist, vodPlaylist } from './generate.js';
import { fmt, heapUsedAfterGc, percentile, table, target } from './stats.js';
import type { BenchOptions } from './stats.js';

const EVENTS = join(dirname(fileURLToPath(import.meta.url)), '..', 'events');
/** Heap growth over the loop above which the bench reports a MISS (a leak would grow with the call count). */
export const HEAP_GROWTH_LIMIT_BYTES = 1_048_576;
/** Issue 2: viewer-request "adds well under 1 ms". */
export const VIEWER_REQUEST_P99_TARGET_MS = 1;

function loadEvent<T>(name: string): T {
  return JSON.parse(readFileSync(join(EVENTS, `${name}.json`), 'utf8')) as T;
}

export interface HandlerFigures {
  name: string;
  calls: number;
  p50Ms: number;
  p99Ms: number;
  meanMs: number;
  heapBefore: number;
  heapAfter: number;
  /** Heap used after GC at 0, 25, 50, 75 and 100 % of the calls. */
  checkpoints: number[];
  gc: boolean;
}

export interface HandlersSection {
  figures: HandlerFigures[];
  lines: string[];
}

async function timeCalls(
  name: string,
  calls: number,
  makeEvent: () => unknown,
  call: (event: unknown) => Promise<unknown>,
  check: (result: unknown) => void,
  afterLoop: () => void = () => {},
): Promise<HandlerFigures> {
  // Warmup: one full round first. V8 keeps adding optimized code and feedback for thousands of calls (measured:
  // ~0.8 MB over the first 10k origin-response calls, then flat), which is warm-up, not a leak.
  for (let i = 0; i < calls; i++) check(await call(makeEvent()));
  // Everything the measured loop keeps (the timings array, the last response) exists before the first heap
  // sample, so growth means memory the handler itself keeps across invocations.
  const times = new Array<number>(calls).fill(0);
  let result: unknown;
  let event: unknown; // the handler writes the response (and its body) into the event
  afterLoop();
  const before = heapUsedAfterGc();
  const checkpoints: number[] = [before.bytes];
  let total = 0;
  for (let i = 0; i < calls; i++) {
    if (i > 0 && i % (calls / 4) === 0) {
      result = undefined;
      event = undefined;
      afterLoop();
      checkpoints.push(heapUsedAfterGc().bytes);
    }
    event = makeEvent(); // cloning the event is not part of the handler's time
    const t0 = performance.now();
    result = await call(event);
    const dt = performance.now() - t0;
    times[i] = dt;
    total += dt;
    if (i === 0) check(result);
  }
  result = undefined;
  event = undefined;
  afterLoop();
  const after = heapUsedAfterGc();
  checkpoints.push(after.bytes);
  return {
    checkpoints,
    name,
    calls,
    p50Ms: percentile(times, 50),
    p99Ms: percentile(times, 99),
    meanMs: total / calls,
    heapBefore: before.bytes,
    heapAfter: after.bytes,
    gc: before.gc,
  };
}

/** Runs the handlers section. */
export async function run(opts: BenchOptions): Promise<HandlersSection> {
  const calls = opts.quick ? 1_000 : 10_000;
  let logLines = 0;
  const previousSink = setLogSink(() => {
    logLines++; // the JSON line is still built and redacted; only the write to stdout is skipped
  });
  // The metric record of each call likewise: built, not written.
  const previousMetricSink = setMetricSink(() => {});
  const s3 = await startFaultyS3();
  const restoreEnv = useCredentials();
  try {
    const figures: HandlerFigures[] = [];

    const vrEvent = loadEvent<CloudFrontRequestEvent>('viewer-request/with-credentials');
    figures.push(await timeCalls(
      'viewer-request (with credentials)',
      calls,
      () => structuredClone(vrEvent),
      (e) => viewerRequest(e as CloudFrontRequestEvent),
      (r) => {
        if (!String((r as { querystring: string }).querystring).includes('Signature-PREFIX=')) throw new Error('viewer-request did not copy credentials');
      },
    ));

    const orEvent = atEndpoint(loadEvent<CloudFrontResponseEvent>('origin-response/s3-playlist-200'), s3.endpoint);
    // [name, uri, body, origin cache hit]: a hit when the event's ETag is the stored object's (warm instance).
    const bodies: Array<[string, string, string, boolean]> = [
      ['origin-response, multivariant (10 variants), origin cache hit', '/movies/42/master.m3u8', multivariantPlaylist(), true],
      ['origin-response, VOD 1,000 segments, origin cache hit', '/movies/42/1080p/index.m3u8', vodPlaylist(1_000), true],
      ['origin-response S3 read (loopback), VOD 1,000 segments', '/movies/42/1080p/index.m3u8', vodPlaylist(1_000), false],
    ];
    for (const [name, uri, text, hit] of bodies) {
      s3.otherwise = s3Object(text);
      const base = structuredClone(orEvent);
      base.Records[0]!.cf.request.uri = uri;
      base.Records[0]!.cf.response.headers.etag = [{ key: 'ETag', value: hit ? md5Etag(text) : '"another-version"' }];
      figures.push(await timeCalls(
        name,
        calls,
        () => structuredClone(base),
        (e) => originResponse(e as CloudFrontResponseEvent),
        (r) => {
          const headers = (r as { headers: Record<string, Array<{ value: string }>> }).headers;
          if (headers[CFHLS_HEADERS.rewrite.toLowerCase()]?.[0]?.value !== 'rewritten') throw new Error(`${name}: playlist was not rewritten`);
        },
        () => {
          s3.requests.length = 0; // the server records every request; that is not our heap
        },
      ));
      s3.requests.length = 0;
    }

    const rows = figures.map((f) => [
      f.name,
      String(f.calls),
      fmt.us(f.p50Ms),
      fmt.us(f.p99Ms),
      fmt.us(f.meanMs),
      fmt.mb(f.heapBefore),
      fmt.mb(f.heapAfter),
      `${((f.heapAfter - f.heapBefore) / 1024).toFixed(0)} KB`,
      `${((f.heapAfter - f.checkpoints[1]!) / 1024).toFixed(0)} KB`,
    ]);
    const lines = [
      `log lines built (redacted JSON, not written) during the section: ${logLines}`,
      `heap measured after ${figures[0]?.gc ? 'a forced full GC (global.gc)' : 'NO forced GC (gc unavailable; figures are noisy)'}, `
        + 'after one full warm-up round, at 0/25/50/75/100 % of the calls; "steady growth" = 100 % minus 25 %',
      '',
      table(['handler', 'calls', 'p50', 'p99', 'mean', 'heap before', 'heap after', 'growth', 'steady growth'], rows),
      '',
      ...figures.map((f) => `heap checkpoints, ${f.name}: ${f.checkpoints.map((b) => (b / 1024).toFixed(0)).join(' / ')} KB`),
      '',
    ];
    const vr = figures[0]!;
    lines.push(target(vr.p99Ms < VIEWER_REQUEST_P99_TARGET_MS, `viewer-request p99 ${fmt.us(vr.p99Ms)} (target well under 1 ms)`));
    for (const f of figures) {
      // A handler that keeps memory per invocation grows between every checkpoint; a one-time step after the first
      // forced GC (V8 refilling caches it drops on full GC) does not.
      const steady = f.heapAfter - f.checkpoints[1]!;
      lines.push(target(steady < HEAP_GROWTH_LIMIT_BYTES, `${f.name}: steady heap growth ${(steady / 1024).toFixed(0)} KB over the last ${f.calls * 0.75} calls (limit ${HEAP_GROWTH_LIMIT_BYTES / 1024} KB)`));
    }
    return { figures, lines };
  } finally {
    restoreEnv();
    await s3.close();
    setLogSink(previousSink);
    setMetricSink(previousMetricSink);
  }
}
