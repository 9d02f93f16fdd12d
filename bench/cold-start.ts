/**
 * Cold start: a fresh `node` process imports one bundle and serves the first recorded event; median of several.
 * origin-response's S3 GetObject goes to a local HTTP server on 127.0.0.1 (the child routes its HTTPS requests
 * there, bench/fake-s3-route.mjs), so the first call includes the real first-request work (signing, loading
 * node:https, connecting) but no internet. Then the CPU to load each edge bundle, origin-response paired with viewer-request
 * (issue 10's target: at most 1.3x).
 */
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { buildFunction, ROOT } from './bundle.js';
import { pairedImportCpu } from './import-cpu.js';
import { multivariantPlaylist } from './generate.js';
import { childEnv, fmt, median, table, target } from './stats.js';
import type { BenchOptions } from './stats.js';

/** Issue 6 budget: viewer-request loads and serves its first event in under 20 ms. */
export const VIEWER_REQUEST_COLD_START_BUDGET_MS = 20;
/** Issue 10 target: loading origin-response costs at most this many times the CPU of loading viewer-request. */
export const ORIGIN_RESPONSE_LOAD_CPU_RATIO = 1.3;

const CHILD = join(ROOT, 'bench', 'cold-start-child.mjs');

interface ChildTiming {
  bootMs: number;
  importMs: number;
  firstCallMs: number;
  wallMs: number;
  status: string;
  rewrite: string;
}

export interface ColdStartFigures {
  name: string;
  bundleBytes: number | undefined;
  runs: number;
  importMs: number;
  firstCallMs: number;
  /** import + first call: what the bundle adds to a cold invocation. */
  loadAndServeMs: number;
  /** spawn to exit, including node's own start-up. */
  wallMs: number;
  result: string;
}

export interface ColdStartSection {
  figures: ColdStartFigures[];
  lines: string[];
}

function runChild(bundle: string, eventFile: string, fakeS3: string | undefined): Promise<ChildTiming> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, [CHILD, bundle, eventFile, ...(fakeS3 === undefined ? [] : [fakeS3])], { env: childEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      const wallMs = performance.now() - t0;
      const line = out.split('\n').find((l) => l.startsWith('CFHLS_BENCH '));
      if (code !== 0 || line === undefined) {
        reject(new Error(`cold-start child for ${bundle} failed (exit ${code}): ${err.trim().split('\n').slice(-3).join(' | ')}`));
        return;
      }
      resolve({ ...(JSON.parse(line.slice('CFHLS_BENCH '.length)) as Omit<ChildTiming, 'wallMs'>), wallMs });
    });
  });
}

/** `fakeS3`: the endpoint that answers the bundle's S3 reads (origin-response only). */
async function measure(name: string, bundle: string, eventFile: string, runs: number, fakeS3?: string): Promise<ColdStartFigures> {
  const timings: ChildTiming[] = [];
  await runChild(bundle, eventFile, fakeS3); // page cache warm: measure loading, not the disk
  for (let i = 0; i < runs; i++) timings.push(await runChild(bundle, eventFile, fakeS3));
  const last = timings[timings.length - 1]!;
  return {
    name,
    bundleBytes: bundle === '-' ? undefined : statSync(bundle).size,
    runs,
    importMs: median(timings.map((t) => t.importMs)),
    firstCallMs: median(timings.map((t) => t.firstCallMs)),
    loadAndServeMs: median(timings.map((t) => t.importMs + t.firstCallMs)),
    wallMs: median(timings.map((t) => t.wallMs)),
    result: `${last.status}${last.rewrite ? ` (${last.rewrite})` : ''}`,
  };
}

/**
 * Runs the cold-start section. Uses dist/functions/<name>/index.mjs (npm run bench builds it first) unless
 * `freshBundles` is set or dist is missing, in which case it bundles into a temporary directory.
 */
export async function run(opts: BenchOptions & { freshBundles?: boolean }): Promise<ColdStartSection> {
  const runs = opts.quick ? 5 : 15;
  // Inside the project so that bare `@aws-sdk/*` imports of the external variant resolve to node_modules.
  const cacheDir = join(ROOT, 'node_modules', '.cache');
  mkdirSync(cacheDir, { recursive: true });
  const tmp = mkdtempSync(join(cacheDir, 'cfhls-bench-'));
  const server = createServer((req, res) => {
    // Answers every GetObject like S3 would for the master playlist.
    const body = Buffer.from(multivariantPlaylist());
    res.writeHead(200, { 'content-type': 'application/vnd.apple.mpegurl', 'content-length': body.length, etag: '"bench"' });
    res.end(req.method === 'HEAD' ? undefined : body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const port = (server.address() as AddressInfo).port;
    const dist = (n: string): string => join(ROOT, 'dist', 'functions', n, 'index.mjs');
    const useDist = !opts.freshBundles && existsSync(dist('lambda-edge-viewer-request')) && existsSync(dist('lambda-edge-origin-response'));
    const bundles = useDist
      ? { vr: dist('lambda-edge-viewer-request'), or: dist('lambda-edge-origin-response') }
      : {
          vr: (await buildFunction('lambda-edge-viewer-request', join(tmp, 'shipped'))).file,
          or: (await buildFunction('lambda-edge-origin-response', join(tmp, 'shipped'))).file,
        };

    const vrEvent = join(tmp, 'viewer-request.json');
    writeFileSync(vrEvent, readFileSync(join(ROOT, 'events', 'viewer-request', 'with-credentials.json')));
    const orEvent = join(tmp, 'origin-response.json');
    writeFileSync(orEvent, readFileSync(join(ROOT, 'events', 'origin-response', 's3-playlist-200.json')));

    const figures = [
      await measure('node start-up only (no bundle)', '-', vrEvent, runs),
      await measure('viewer-request', bundles.vr, vrEvent, runs),
      await measure('origin-response', bundles.or, orEvent, runs, `http://127.0.0.1:${port}`),
    ];
    const cpu = pairedImportCpu(bundles.or, bundles.vr, opts.quick ? 7 : 15);
    const rows = figures.map((f) => [
      f.name,
      f.bundleBytes === undefined ? '-' : fmt.kb(f.bundleBytes),
      fmt.ms(f.importMs),
      fmt.ms(f.firstCallMs),
      fmt.ms(f.loadAndServeMs),
      fmt.ms(f.wallMs),
      f.result,
    ]);
    const vr = figures[1]!;
    const lines = [
      `bundles: ${useDist ? 'dist/functions (npm run build)' : 'built fresh into a temp dir with the build options'}; median of ${runs} fresh processes (after one discarded run)`,
      `origin-response's S3 GetObject is answered by a local HTTP server on 127.0.0.1 (no internet); first call includes signing, loading node:https and connecting`,
      '',
      table(['bundle', 'size', 'import', 'first event', 'import + first', 'process wall', 'result'], rows),
      '',
      target(vr.loadAndServeMs < VIEWER_REQUEST_COLD_START_BUDGET_MS, `viewer-request cold start ${fmt.ms(vr.loadAndServeMs)} import + first event (budget < ${VIEWER_REQUEST_COLD_START_BUDGET_MS} ms)`),
      '',
      `CPU to load (user + system, median of ${cpu.pairs} pairs of fresh processes, origin-response then viewer-request or the reverse):`,
      `  whole process until the import is done: origin-response ${fmt.ms(cpu.a.processMs)}, viewer-request ${fmt.ms(cpu.b.processMs)}, ratio ${cpu.ratio.processMs.toFixed(2)}`,
      `  the import alone: origin-response ${fmt.ms(cpu.a.importMs)}, viewer-request ${fmt.ms(cpu.b.importMs)}, ratio ${cpu.ratio.importMs.toFixed(2)} (a few ms each: noisy)`,
      target(cpu.ratio.processMs <= ORIGIN_RESPONSE_LOAD_CPU_RATIO, `origin-response loads for ${cpu.ratio.processMs.toFixed(2)}x the CPU of viewer-request (target at most ${ORIGIN_RESPONSE_LOAD_CPU_RATIO}x; was ~2.7x with the S3 client bundled)`),
    ];
    return { figures, lines };
  } finally {
    server.close();
    rmSync(tmp, { recursive: true, force: true });
  }
}
