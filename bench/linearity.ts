/**
 * Linear time on hostile shapes: the rewriter's time for 8n against n (linear gives 8x, quadratic 64x), on the
 * shapes an attacker controls (many URI lines, many attribute lists, one huge attribute line, one huge URI, many
 * variable references). A figure, not a unit test: the ratio of two timings is noisy on a shared machine.
 * test/hostile/pathological.test.ts rewrites 32n of each shape under a budget a quadratic scan could not meet.
 */
import { rewritePlaylistDetailed } from '../src/rewriter/index.js';
import { signedUrl } from './generate.js';
import { fmt, table, target } from './stats.js';
import type { BenchOptions } from './stats.js';

/** Linear gives 8, quadratic 64: below 32 leaves room for GC of large strings. */
export const TARGET_LINEAR_RATIO = 32;

/** A hostile playlist shape: its name, the n at which the rewrite takes tens of milliseconds, and the text for n. */
export interface HostileShape {
  name: string;
  n: number;
  make(n: number): string;
}

export const HOSTILE_SHAPES: readonly HostileShape[] = [
  { name: 'URI lines', n: 15_000, make: (n) => `#EXTM3U\n${'#EXTINF:4,\nseg.ts?a=1#t\n'.repeat(n)}` },
  { name: 'attribute lists', n: 10_000, make: (n) => `#EXTM3U\n${'#EXT-X-KEY:METHOD=AES-128,URI="k.key",IV=0x1\n'.repeat(n)}` },
  { name: 'one long attribute line', n: 100_000, make: (n) => `#EXTM3U\n#EXT-X-MEDIA:${'A="q,q",'.repeat(n)}URI="a.m3u8"\n` },
  { name: 'one long URI', n: 250_000, make: (n) => `#EXTM3U\n${'a/'.repeat(n * 4)}x.ts?${'p&'.repeat(n * 4)}\n` },
  { name: 'variables', n: 15_000, make: (n) => `#EXTM3U\n#EXT-X-DEFINE:NAME="v",VALUE="p"\n${'{$v}/{$u}/s.ts\n'.repeat(n)}` },
];

function bestOf(runs: number, fn: () => unknown): number {
  let best = Infinity;
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    fn();
    best = Math.min(best, performance.now() - start);
  }
  return best;
}

/** The table and one PASS/MISS line per shape. */
export function run(opts: BenchOptions): string[] {
  const url = signedUrl('linear/index.m3u8');
  const rewrite = (text: string) => rewritePlaylistDetailed(text, { url });
  const runs = opts.quick ? 3 : 5;
  const rows: string[][] = [];
  const verdicts: string[] = [];
  for (const { name, n, make } of HOSTILE_SHAPES) {
    const small = make(n);
    const large = make(8 * n);
    rewrite(small); // warm up the JIT
    const tSmall = bestOf(runs, () => rewrite(small));
    const tLarge = bestOf(runs, () => rewrite(large));
    const ratio = tLarge / tSmall;
    rows.push([name, fmt.mb(small.length), fmt.ms(tSmall), fmt.ms(tLarge), fmt.x(ratio)]);
    verdicts.push(target(ratio < TARGET_LINEAR_RATIO, `linear time, ${name}: 8n takes ${fmt.x(ratio)} the time of n (target < ${TARGET_LINEAR_RATIO}x; linear 8x)`));
  }
  return [
    `linear time on hostile shapes (best of ${runs} runs each):`,
    '',
    table(['shape', 'n in', 'n', '8n', '8n / n'], rows),
    '',
    ...verdicts,
  ];
}
