import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CloudFrontResponseEvent } from 'aws-lambda';
import { handler as viewerRequest } from '../../src/edge/viewer-request.js';
import { handler as originResponse } from '../../src/edge/origin-response.js';
import { setLogSink } from '../../src/edge/log.js';
import { bodyText, loadEvent } from '../helpers/events.js';
import { atEndpoint, s3Error, s3Object, startFaultyS3, useCredentials } from '../helpers/s3.js';
import type { FaultyS3 } from '../helpers/s3.js';

// In-process soak: many handler invocations with varied events, as one warm Lambda@Edge container would see
// them. Zero thrown errors, every response of the expected shape, and no heap growth beyond a generous bound.
// Default 20,000 invocations; CFHLS_SOAK=1 runs 1,000,000 (CFHLS_SOAK_INVOCATIONS overrides).

const SOAK = process.env.CFHLS_SOAK === '1';
const INVOCATIONS = Number(process.env.CFHLS_SOAK_INVOCATIONS ?? (SOAK ? 1_000_000 : 20_000));
/** Retained heap may grow this much over a run (caches, JIT, the test server's request log which we reset). */
const HEAP_GROWTH_LIMIT_MB = 32;

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
let s3: FaultyS3;
let restoreEnv: () => void;
let restoreSink: (line: string) => void;
let logLines = 0;
let rewrittenCount = 0;

function media(i: number): string {
  let text = `#EXTM3U\n#EXT-X-TARGETDURATION:4\n#EXT-X-MEDIA-SEQUENCE:${i}\n#EXT-X-KEY:METHOD=AES-128,URI="k${i % 7}.key"\n`;
  for (let s = 0; s < 30; s++) text += `#EXTINF:4,\nseg${i + s}.ts\n`;
  return text;
}

const vrEvents = ['with-credentials', 'without-credentials', 'duplicated-params', 'viewer-sent-suffixed', 'canned-policy', 'with-credentials-sha256']
  .map((n) => loadEvent(`viewer-request/${n}`));
const orEvents = ['s3-playlist-200', 's3-segment-200', 's3-404', 's3-canned-policy', 's3-signed-cookie']
  .map((n) => loadEvent(`origin-response/${n}`));

beforeAll(async () => {
  s3 = await startFaultyS3();
  restoreEnv = useCredentials();
  for (const e of orEvents) atEndpoint(e, s3.endpoint);
  restoreSink = setLogSink(() => {
    logLines++;
  });
});
afterAll(async () => {
  setLogSink(restoreSink);
  restoreEnv();
  await s3.close();
});

/** One invocation of kind `i % 8`; returns a description of a wrong result, or undefined. */
async function invoke(i: number): Promise<string | undefined> {
  const kind = i % 8;
  if (kind < 3) {
    const event = structuredClone(vrEvents[i % vrEvents.length]!);
    event.Records[0]!.cf.request.querystring += `&n=${i}`;
    const request = await viewerRequest(event);
    return typeof request.querystring === 'string' ? undefined : 'viewer-request lost its query string';
  }
  const event = structuredClone(orEvents[i % orEvents.length]!) as CloudFrontResponseEvent;
  const isPlaylist = event.Records[0]!.cf.request.uri.endsWith('.m3u8') && event.Records[0]!.cf.response.status === '200';
  // Failures: throttling (retried once after a pause, so only every 25th of them) and AccessDenied.
  s3.otherwise = kind !== 7 ? s3Object(kind === 6 ? 'not a playlist' : media(i))
    : (i >> 3) % 25 === 0 ? s3Error('SlowDown', 503) : s3Error('AccessDenied', 403);
  const response = await originResponse(event);
  if (!['200', '403', '404', '503'].includes(response.status)) return `origin-response answered ${response.status}`;
  if (response.headers['x-cfhls-rewrite']?.[0]?.value === 'rewritten') {
    rewrittenCount++;
    if (!isPlaylist || !(response.body !== undefined && bodyText(response).includes(`seg${i}.ts?Policy=`))) return 'rewritten playlist without credentials';
  }
  return undefined;
}

function heapMb(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed / 1_048_576;
}

describe(`in-process load: ${INVOCATIONS.toLocaleString('en')} handler invocations`, () => {
  it('throws nothing, answers every invocation correctly, and does not grow the heap', async () => {
    // Warm up: module-scope clients, JIT, caches.
    for (let i = 0; i < 2_000; i++) await invoke(i);
    s3.requests.length = 0;
    const before = heapMb();
    const started = performance.now();
    let errors = 0;
    let wrong = 0;
    let firstProblem: string | undefined;
    for (let i = 0; i < INVOCATIONS; i++) {
      try {
        const problem = await invoke(i);
        if (problem !== undefined) {
          wrong++;
          firstProblem ??= problem;
        }
      } catch (err) {
        errors++;
        firstProblem ??= String(err);
      }
      if (i % 5_000 === 4_999) s3.requests.length = 0; // the test server records every request; the function does not
    }
    const seconds = (performance.now() - started) / 1000;
    const after = heapMb();
    console.log(`in-process: ${INVOCATIONS} invocations in ${seconds.toFixed(1)} s (${Math.round(INVOCATIONS / seconds)}/s), `
      + `heap ${before.toFixed(1)} -> ${after.toFixed(1)} MB, ${errors} errors, ${wrong} wrong, ${rewrittenCount} rewritten, ${logLines} log lines`);
    expect(firstProblem).toBeUndefined();
    expect(rewrittenCount).toBeGreaterThan(INVOCATIONS / 20); // the run did rewrite playlists
    expect(errors).toBe(0);
    expect(wrong).toBe(0);
    expect(after - before).toBeLessThan(HEAP_GROWTH_LIMIT_MB);
  }, SOAK ? 3_600_000 : 60_000);
});
