/**
 * Timing helpers shared by the bench sections: warmup, repetitions, median. Ratios are only meaningful between
 * figures taken by {@link compare} in the same call (interleaved, same process, same heap state).
 */
import { performance } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

export interface BenchOptions {
  /** Small sizes and fewer repetitions (CI, under a minute in total). */
  quick: boolean;
}

/** Median of a non-empty list (sorted copy). */
export function median(values: readonly number[]): number {
  return percentile(values, 50);
}

/** Nearest-rank percentile (p in 0..100) of a non-empty list. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) throw new Error('percentile of an empty list');
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

/** Keeps a value alive so the JIT cannot drop the work that produced it. */
export let sink: unknown;
export function consume(value: unknown): void {
  sink = value;
}

/** Milliseconds per call of each function: median over repetitions, all measured interleaved. */
export type Comparison<K extends string> = Record<K, number>;

/**
 * Times several functions over the same input, interleaved (A B C A B C ...) so drift and GC pressure hit all of
 * them alike. Each repetition runs a function `inner` times, with `inner` chosen from a calibration run so one
 * repetition takes about `repMs`. Returns the median milliseconds per call.
 */
export function compare<K extends string>(
  fns: Record<K, () => unknown>,
  { reps, repMs, warmupMs }: { reps: number; repMs: number; warmupMs: number },
): Comparison<K> {
  const names = Object.keys(fns) as K[];
  const inner = {} as Record<K, number>;
  for (const name of names) {
    // Warmup: let the JIT settle before anything is recorded.
    const fn = fns[name];
    const end = performance.now() + warmupMs;
    let calls = 0;
    const t0 = performance.now();
    do {
      consume(fn());
      calls++;
    } while (performance.now() < end);
    const perCall = (performance.now() - t0) / calls;
    inner[name] = Math.max(1, Math.round(repMs / Math.max(perCall, 1e-6)));
  }
  const samples = {} as Record<K, number[]>;
  for (const name of names) samples[name] = [];
  for (let r = 0; r < reps; r++) {
    for (const name of names) {
      const fn = fns[name];
      const n = inner[name];
      const t0 = performance.now();
      for (let i = 0; i < n; i++) consume(fn());
      samples[name].push((performance.now() - t0) / n);
    }
  }
  const out = {} as Comparison<K>;
  for (const name of names) out[name] = median(samples[name]);
  return out;
}

/** `global.gc`, exposed at run time when the process was not started with --expose-gc. */
export function gcFunction(): (() => void) | undefined {
  const g = globalThis as { gc?: () => void };
  if (typeof g.gc === 'function') return g.gc;
  try {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as unknown;
    return typeof gc === 'function' ? (gc as () => void) : undefined;
  } catch {
    return undefined;
  }
}

/** Heap used in bytes after a full GC (when one can be forced). */
export function heapUsedAfterGc(): { bytes: number; gc: boolean } {
  const gc = gcFunction();
  if (gc) {
    gc();
    gc();
  }
  return { bytes: process.memoryUsage().heapUsed, gc: gc !== undefined };
}

// ---------------------------------------------------------------------------------------------- formatting

export const fmt = {
  ms: (v: number): string => `${v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v >= 1 ? v.toFixed(2) : v.toFixed(3)} ms`,
  us: (ms: number): string => `${(ms * 1000).toFixed(ms * 1000 >= 100 ? 0 : 2)} µs`,
  ns: (v: number): string => `${v.toFixed(v >= 100 ? 0 : 1)} ns`,
  mb: (bytes: number): string => `${(bytes / 1_048_576).toFixed(2)} MB`,
  kb: (bytes: number): string => `${(bytes / 1024).toFixed(1)} KB`,
  x: (v: number): string => `${v.toFixed(2)}x`,
  usd: (v: number): string => `$${v >= 100 ? v.toFixed(0) : v >= 1 ? v.toFixed(2) : v.toFixed(4)}`,
};

/** Prints a plain-text table with a header row; columns padded to their widest cell. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const all = [header, ...rows];
  const widths = header.map((_, c) => Math.max(...all.map((r) => (r[c] ?? '').length)));
  const line = (r: readonly string[]): string => r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** A target line the reader can grep: `PASS <what>` or `MISS <what>`. */
export function target(ok: boolean, what: string): string {
  return `${ok ? 'PASS' : 'MISS'} ${what}`;
}

/** A child environment with fake static credentials and no access to the user's AWS config. */
export function childEnv(): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'AKIDCFHLSBENCH000000',
    AWS_SECRET_ACCESS_KEY: 'cfhls-bench-not-a-secret',
    AWS_CONFIG_FILE: '/nonexistent/cfhls-bench/config',
    AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/cfhls-bench/credentials',
    AWS_EC2_METADATA_DISABLED: 'true',
    NODE_NO_WARNINGS: '1',
  };
}
