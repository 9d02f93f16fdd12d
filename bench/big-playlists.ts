/**
 * Big playlists: VOD media playlists of 1k / 20k / 100k segments with ~640-byte credentials on every URI, against
 * the 1 MB Lambda@Edge generated-response limit of origin events. Prints rewritten size, gzip size, ratio and time
 * (level 1 and zlib's default 6), the compact EXT-X-DEFINE form's sizes, and the peak RSS of a fresh node process
 * running the origin-response bundle on the largest playlist (S3 answered by a local HTTP server on 127.0.0.1).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { gzipSync } from 'node:zlib';
import { rewritePlaylistDetailed } from '../src/rewriter/index.js';
import { CFHLS_HEADERS } from '../src/cloudfront/index.js';
import { buildFunction, ROOT } from './bundle.js';
import { BENCH_HOST, benchCredentials, vodPlaylist } from './generate.js';
import { childEnv, fmt, median, table, target } from './stats.js';
import type { BenchOptions } from './stats.js';

/** Lambda@Edge limit on a generated response in an origin event (headers + body, base64 text when gzipped). */
export const GENERATED_RESPONSE_LIMIT = 1_048_576;
/** The memory a viewer-trigger-sized function gets; the issue's budget for the largest case. */
export const MEMORY_BUDGET_BYTES = 128 * 1_048_576;

const CHILD = join(ROOT, 'bench', 'big-playlist-child.mjs');
const PLAYLIST_PATH = '/movies/42/1080p/index.m3u8';

/** Playlist sizes (segments) of a run. */
export function bigSizes({ quick }: BenchOptions): number[] {
  return quick ? [1_000, 5_000] : [1_000, 20_000, 100_000];
}

/** `Policy-PREFIX=..&Signature-PREFIX=..&Key-Pair-Id-PREFIX=..`: what viewer-request hands origin-response. */
export function suffixedBenchQuery(): string {
  return benchCredentials()
    .split('&')
    .map((p) => p.replace('=', '-PREFIX='))
    .join('&');
}

/** What the child process reports. */
export interface ChildReport {
  status: string;
  rewrite: string;
  contentEncoding: string;
  bodyEncoding: string | undefined;
  bodyChars: number;
  ms: number;
  /** CPU time (user + system, all threads) the handler call took. */
  cpuMs: number;
  rssBeforeBytes: number;
  /** Peak RSS since the child's exec (VmHWM on Linux). */
  peakRssBytes: number;
  /** getrusage ru_maxrss: on Linux it includes the parent's size at spawn, kept across execve. */
  maxRssBytes: number;
}

export interface MemoryRun {
  child: ChildReport;
  /** The child's stdout: the handler's JSON log lines, then the report line. */
  stdout: string;
  /** The response body as the handler returned it (base64 text when gzipped). */
  body: string;
  stderr: string;
}

export interface MemoryOptions {
  segments: number;
  /** Path of the origin-response bundle (dist/functions/lambda-edge-origin-response/index.mjs or a fresh build). */
  bundle: string;
  /** `--max-old-space-size` for the child (MB): the runtime then enforces the heap bound. */
  maxOldSpaceMb?: number;
  /** The viewer's Accept-Encoding as CloudFront forwards it; null for none. Default `gzip`. */
  acceptEncoding?: string | null;
  /** Sets the `x-cfhls-compact: define` origin custom header. */
  compact?: boolean;
  /** Playlist text to serve instead of the generated VOD playlist. */
  playlist?: string;
}

type Header = Array<{ key: string; value: string }>;
interface EventShape {
  Records: Array<{
    cf: {
      config: { distributionDomainName: string };
      request: { uri: string; querystring: string; headers: Record<string, Header>; origin: { s3: { customHeaders: Record<string, Header> } } };
    };
  }>;
}

/**
 * Runs the origin-response bundle in a fresh node process on one big playlist (S3 GetObject answered by a local
 * HTTP server on 127.0.0.1, to which the child routes its HTTPS requests: bench/fake-s3-route.mjs) and returns its peak RSS and answer.
 */
export async function measureHandlerMemory(opts: MemoryOptions): Promise<MemoryRun> {
  const playlist = Buffer.from(opts.playlist ?? vodPlaylist(opts.segments));
  const server = createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'application/vnd.apple.mpegurl', 'content-length': playlist.length, etag: '"big"' });
    res.end(req.method === 'HEAD' ? undefined : playlist);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const dir = mkdtempSync(join(tmpdir(), 'cfhls-big-'));
  try {
    const port = (server.address() as AddressInfo).port;
    const event = JSON.parse(readFileSync(join(ROOT, 'events', 'origin-response', 's3-playlist-200.json'), 'utf8')) as EventShape;
    const cf = event.Records[0]!.cf;
    cf.config.distributionDomainName = BENCH_HOST;
    cf.request.uri = PLAYLIST_PATH;
    cf.request.querystring = suffixedBenchQuery();
    const accept = opts.acceptEncoding === undefined ? 'gzip' : opts.acceptEncoding;
    if (accept === null) delete cf.request.headers['accept-encoding'];
    else cf.request.headers['accept-encoding'] = [{ key: 'Accept-Encoding', value: accept }];
    const custom = cf.request.origin.s3.customHeaders;
    if (opts.compact) custom[CFHLS_HEADERS.compact.toLowerCase()] = [{ key: CFHLS_HEADERS.compact, value: 'define' }];
    const eventFile = join(dir, 'event.json');
    const bodyFile = join(dir, 'body.txt');
    writeFileSync(eventFile, JSON.stringify(event));
    const flags = opts.maxOldSpaceMb === undefined ? [] : [`--max-old-space-size=${opts.maxOldSpaceMb}`];
    const { stdout, stderr, code } = await new Promise<{ stdout: string; stderr: string; code: number | null }>((resolve, reject) => {
      const child = spawn(process.execPath, [...flags, CHILD, opts.bundle, eventFile, bodyFile, `http://127.0.0.1:${port}`], { env: childEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      let err = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.stderr.on('data', (d: Buffer) => (err += d.toString()));
      const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
      child.on('error', reject);
      child.on('close', (c) => {
        clearTimeout(timer);
        resolve({ stdout: out, stderr: err, code: c });
      });
    });
    const line = stdout.split('\n').find((l) => l.startsWith('CFHLS_BIG '));
    if (code !== 0 || line === undefined) {
      throw new Error(`big-playlist child failed (exit ${code}): ${stderr.trim().split('\n').slice(-5).join(' | ')}`);
    }
    return { child: JSON.parse(line.slice('CFHLS_BIG '.length)) as ChildReport, body: readFileSync(bodyFile, 'utf8'), stdout, stderr };
  } finally {
    server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Median milliseconds of `fn` over `reps` runs (after one warm-up run). */
function timeMs(fn: () => unknown, reps: number): number {
  fn();
  const samples: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    fn();
    samples.push(performance.now() - t0);
  }
  return median(samples);
}

const base64Length = (bytes: number): number => 4 * Math.ceil(bytes / 3);
/** MB from 1 MB up, KB below (so small gzip bodies do not print as 0.00 MB). */
const size = (bytes: number): string => (bytes >= 1_048_576 ? fmt.mb(bytes) : fmt.kb(bytes));

export interface BigPlaylistSection {
  lines: string[];
}

/**
 * The origin-response bundle to run: dist/functions/lambda-edge-origin-response/index.mjs (npm run bench builds it) unless
 * `fresh` is set or it is missing, in which case it is bundled with the build options into `tmp`.
 */
export async function originResponseBundle(fresh: boolean, tmp: string): Promise<string> {
  const dist = join(ROOT, 'dist', 'functions', 'lambda-edge-origin-response', 'index.mjs');
  if (!fresh && existsSync(dist)) return dist;
  return (await buildFunction('lambda-edge-origin-response', tmp)).file;
}

/** Runs the section. */
export async function run(opts: BenchOptions & { freshBundles?: boolean }): Promise<BigPlaylistSection> {
  const cacheDir = join(ROOT, 'node_modules', '.cache');
  mkdirSync(cacheDir, { recursive: true });
  const tmp = mkdtempSync(join(cacheDir, 'cfhls-big-'));
  try {
    const bundle = await originResponseBundle(opts.freshBundles ?? false, tmp);
    return await runWith({ ...opts, bundle });
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

async function runWith(opts: BenchOptions & { bundle: string }): Promise<BigPlaylistSection> {
  const reps = opts.quick ? 3 : 5;
  const credentials = benchCredentials();
  const url = `https://${BENCH_HOST}${PLAYLIST_PATH}?${credentials}`;
  const sizeRows: string[][] = [];
  const gzipRows: string[][] = [];
  const compactRows: string[][] = [];
  let largest = { segments: 0, fitsLevel1: false };
  for (const segments of bigSizes(opts)) {
    const origin = vodPlaylist(segments);
    const rewritten = rewritePlaylistDetailed(origin, { url }).text;
    const bytes = Buffer.from(rewritten, 'utf8');
    const name = `VOD ${segments.toLocaleString('en-US')} segments`;
    sizeRows.push([name, size(origin.length), size(bytes.length), `${fmt.ms(timeMs(() => rewritePlaylistDetailed(origin, { url }), reps))}`]);
    for (const level of [1, 6]) {
      const gz = gzipSync(bytes, { level });
      const ms = timeMs(() => gzipSync(bytes, { level }), reps);
      const b64 = base64Length(gz.length);
      gzipRows.push([name, String(level), size(gz.length), size(b64), `${(bytes.length / gz.length).toFixed(0)}:1`, fmt.ms(ms),
        b64 <= GENERATED_RESPONSE_LIMIT ? 'yes' : 'NO']);
      if (level === 1) largest = { segments, fitsLevel1: b64 <= GENERATED_RESPONSE_LIMIT };
    }
    const compact = rewritePlaylistDetailed(origin, { url, compact: true }).text;
    const compactGz = gzipSync(Buffer.from(compact, 'utf8'), { level: 1 });
    compactRows.push([name, size(Buffer.byteLength(compact)), size(base64Length(compactGz.length)),
      fmt.ms(timeMs(() => rewritePlaylistDetailed(origin, { url, compact: true }), reps)),
      Buffer.byteLength(compact) <= GENERATED_RESPONSE_LIMIT ? 'yes' : 'NO']);
  }

  const memSegments = bigSizes(opts).at(-1)!;
  const baseline = await measureHandlerMemory({ segments: 10, bundle: opts.bundle });
  const mem = await measureHandlerMemory({ segments: memSegments, bundle: opts.bundle });
  const capped = await measureHandlerMemory({ segments: memSegments, bundle: opts.bundle, maxOldSpaceMb: 128 });
  const noGzip = await measureHandlerMemory({ segments: memSegments, bundle: opts.bundle, acceptEncoding: null });
  const compact = await measureHandlerMemory({ segments: memSegments, bundle: opts.bundle, compact: true });
  const compactNoGzip = await measureHandlerMemory({ segments: memSegments, bundle: opts.bundle, compact: true, acceptEncoding: null });
  const memRow = (what: string, r: MemoryRun): string[] => [what, `${r.child.status}${r.child.contentEncoding ? ` ${r.child.contentEncoding}` : ''}`,
    size(r.child.bodyChars), size(r.child.rssBeforeBytes), size(r.child.peakRssBytes), fmt.ms(r.child.ms)];
  const label = `VOD ${memSegments.toLocaleString('en-US')}`;

  return {
    lines: [
      `credentials: ${credentials.length} bytes on every URI (custom policy with an IP condition, RSA-2048 signature)`,
      '',
      table(['playlist', 'origin', 'rewritten', 'rewrite time'], sizeRows),
      '',
      'gzip of the rewritten playlist (body sent as base64; the 1 MB limit counts the base64 text):',
      table(['playlist', 'level', 'gzip', 'as base64', 'ratio', 'gzip time', 'fits 1 MB'], gzipRows),
      '',
      `compact form (${CFHLS_HEADERS.compact.toLowerCase()}: define; EXT-X-DEFINE once, {$cfhls} per URI), then gzip level 1:`,
      table(['playlist', 'compact', 'gzip as base64', 'compact rewrite time', 'fits 1 MB ungzipped'], compactRows),
      '',
      'origin-response bundle in a fresh node process, S3 on 127.0.0.1, Accept-Encoding: gzip unless said (peak RSS = VmHWM):',
      table(['run', 'answer', 'body', 'RSS before call', 'peak RSS', 'handler time'], [
        memRow('VOD 10 segments (baseline)', baseline),
        memRow(label, mem),
        memRow(`${label}, --max-old-space-size=128`, capped),
        memRow(`${label}, no Accept-Encoding`, noGzip),
        memRow(`${label}, ${CFHLS_HEADERS.compact.toLowerCase()}: define`, compact),
        memRow(`${label}, compact, no Accept-Encoding`, compactNoGzip),
      ]),
      '',
      target(largest.fitsLevel1, `VOD ${largest.segments.toLocaleString('en-US')} segments gzipped fits the 1 MB generated-response limit`),
      target(mem.child.peakRssBytes < MEMORY_BUDGET_BYTES, `${label} segments: peak RSS ${size(mem.child.peakRssBytes)} (budget < 128 MB)`),
    ],
  };
}
