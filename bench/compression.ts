/**
 * Compressed playlists: what origin-response sends a viewer for a rewritten 1,000-segment VOD playlist, per
 * Accept-Encoding, with the same code the handler runs (rewriteInChunks + encodeBody). Prints bytes on the wire
 * against identity (target: at most 1/20) and the time encoding adds next to the rewrite time, on this machine
 * and scaled to the origin-response function's 512 MB (Lambda gives 1 vCPU at 1,769 MB, CPU in proportion:
 * https://docs.aws.amazon.com/lambda/latest/dg/configuration-memory.html).
 */
import { encodeBody, rewriteInChunks } from '../src/edge/body.js';
import type { BodyLimits } from '../src/edge/body.js';
import { BENCH_HOST, benchCredentials, vodPlaylist } from './generate.js';
import { fmt, median, table, target } from './stats.js';
import type { BenchOptions } from './stats.js';

const LIMIT = 1_048_576;
/** template.yaml, OriginResponseFunction MemorySize. */
export const ORIGIN_RESPONSE_MEMORY_MB = 512;
const FULL_VCPU_MB = 1_769;

/**
 * CPU milliseconds (user + system, every thread) of one call of `fn`. Not wall time: zlib streams compress on
 * libuv's thread pool, which overlaps with this thread here but not on a function with a fraction of a vCPU.
 */
async function timed<T>(fn: () => Promise<T> | T): Promise<{ ms: number; value: T }> {
  const t0 = process.cpuUsage();
  const value = await fn();
  const d = process.cpuUsage(t0);
  return { ms: (d.user + d.system) / 1000, value };
}

export async function run(opts: BenchOptions): Promise<{ lines: string[] }> {
  const reps = opts.quick ? 5 : 31;
  const url = `https://${BENCH_HOST}/movies/42/1080p/index.m3u8?${benchCredentials()}`;
  const text = vodPlaylist(1_000);
  const rewrite = (): string[] => [...rewriteInChunks(text, { url })].map((r) => r.text);
  const parts = rewrite();
  const cases: Array<[string, BodyLimits]> = [
    ['identity (no Accept-Encoding)', { text: LIMIT }],
    ['br (Accept-Encoding: br, gzip)', { text: LIMIT, encoded: { coding: 'br', base64: LIMIT } }],
    ['gzip (Accept-Encoding: gzip)', { text: LIMIT, encoded: { coding: 'gzip', base64: LIMIT } }],
  ];
  // Rewrite and encoding are timed apart (the handler runs them interleaved, chunk by chunk), in rounds so that
  // a noisy neighbour slows every case alike.
  const rewriteMs: number[] = [];
  const encodeMs = cases.map(() => [] as number[]);
  const bytes = cases.map(() => 0);
  for (let i = -1; i < reps; i++) {
    const r = await timed(rewrite);
    if (i >= 0) rewriteMs.push(r.ms);
    for (const [c, [, limits]] of cases.entries()) {
      const e = await timed(() => encodeBody(parts, limits));
      if (e.value.encoding === 'too-large') throw new Error('1,000-segment playlist did not fit 1 MB');
      bytes[c] = e.value.encoding === 'identity' ? e.value.plainBytes : e.value.encodedBytes;
      if (i >= 0) encodeMs[c]!.push(e.ms);
    }
  }
  const rewriteMedian = median(rewriteMs);
  const base = median(encodeMs[0]!);
  const figures = new Map(cases.map(([name], c) => [name, { bytes: bytes[c]!, bodyMs: median(encodeMs[c]!), ms: median(encodeMs[c]!) - base }]));
  const identity = figures.get(cases[0]![0])!;
  const scale = FULL_VCPU_MB / ORIGIN_RESPONSE_MEMORY_MB;
  const rows = [...figures].map(([name, f]) => [
    name,
    fmt.kb(f.bytes),
    `1/${(identity.bytes / f.bytes).toFixed(1)}`,
    fmt.ms(rewriteMedian),
    fmt.ms(f.bodyMs),
    fmt.ms(f.ms),
    fmt.ms(f.ms * scale),
  ]);
  const lines = [
    `VOD 1,000 segments, ~${benchCredentials().length}-byte credentials on every URI; medians of ${reps}; times are CPU time; "encoding adds" is `
      + `the body's time less the identity body's; "at ${ORIGIN_RESPONSE_MEMORY_MB} MB" scales this machine's one core by ${FULL_VCPU_MB}/${ORIGIN_RESPONSE_MEMORY_MB}:`,
    table(['Accept-Encoding', 'on the wire', 'of identity', 'rewrite', 'body', 'encoding adds', `adds at ${ORIGIN_RESPONSE_MEMORY_MB} MB`], rows),
    'body = building the generated body from the rewritten text (identity: joining it; else compressing and base64); '
      + 'a negative "adds" means encoding cost less CPU than the plain body it replaces.',
  ];
  for (const [name, f] of [...figures].slice(1)) {
    lines.push(target(f.bytes * 20 <= identity.bytes, `${name.split(' ')[0]}: 1,000-segment playlist on the wire is 1/${(identity.bytes / f.bytes).toFixed(1)} of identity (target: at most 1/20)`));
  }
  return { lines };
}
