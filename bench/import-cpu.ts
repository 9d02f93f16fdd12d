/**
 * CPU time to load a bundle in a fresh node process, measured for two bundles pair by pair (A B, B A, A B, ...),
 * so that a machine whose speed drifts during the run moves both figures of a pair alike (as `farm-bench --vs`
 * does). Two figures per process, both user + system CPU from the process's own accounting: the `import()` alone,
 * and the whole process up to the end of the import (node's start-up included, which is what a cold start pays).
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from './bundle.js';
import { childEnv, median } from './stats.js';

const CHILD = join(ROOT, 'bench', 'import-cpu-child.mjs');

export interface ImportCpu {
  /** CPU ms of the import alone. */
  importMs: number;
  /** CPU ms of the whole process until the import finished. */
  processMs: number;
}

/** Import CPU figures of one fresh process loading `bundle`. */
export function importCpu(bundle: string): ImportCpu {
  const out = execFileSync(process.execPath, [CHILD, bundle], { env: childEnv(), encoding: 'utf8', timeout: 20_000 });
  const m = /CFHLS_IMPORT_CPU_US (\d+) (\d+)/.exec(out);
  if (m === null) throw new Error(`no import CPU figure from ${bundle}`);
  return { importMs: Number(m[1]) / 1000, processMs: Number(m[2]) / 1000 };
}

export interface PairedImportCpu {
  pairs: number;
  a: ImportCpu;
  b: ImportCpu;
  /** Medians of the per-pair ratios A/B. */
  ratio: ImportCpu;
}

/** Medians of `pairs` paired measurements of `a` and `b` (after one discarded pair), and of the ratios A/B. */
export function pairedImportCpu(a: string, b: string, pairs: number): PairedImportCpu {
  importCpu(a);
  importCpu(b);
  const as: ImportCpu[] = [];
  const bs: ImportCpu[] = [];
  for (let i = 0; i < pairs; i++) {
    if (i % 2 === 0) {
      as.push(importCpu(a));
      bs.push(importCpu(b));
    } else {
      bs.push(importCpu(b));
      as.push(importCpu(a));
    }
  }
  const med = (list: ImportCpu[]): ImportCpu => ({ importMs: median(list.map((x) => x.importMs)), processMs: median(list.map((x) => x.processMs)) });
  return {
    pairs,
    a: med(as),
    b: med(bs),
    ratio: {
      importMs: median(as.map((x, i) => x.importMs / bs[i]!.importMs)),
      processMs: median(as.map((x, i) => x.processMs / bs[i]!.processMs)),
    },
  };
}
