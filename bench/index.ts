/**
 * `npm run bench [-- --quick] [-- --fresh-bundles] [-- --only=rewriter,handlers,cold-start,cost,edge-cost,signer,big-playlists,compression,live]`
 *
 * Runs every section in one process and prints figures. Ratios are measured in the same run; targets are printed
 * as PASS/MISS lines and never fail the run (timings are not assertions). Exit code 1 only when a section crashes.
 */
import { existsSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT } from './bundle.js';
import * as bigPlaylists from './big-playlists.js';
import * as coldStart from './cold-start.js';
import * as compression from './compression.js';
import * as cost from './cost.js';
import * as edgeCost from './edge-cost.js';
import * as handlers from './handlers.js';
import * as linearity from './linearity.js';
import * as live from './live.js';
import * as rewriter from './rewriter.js';
import type { HandlerFigures } from './handlers.js';
import type { RewriterFigures } from './rewriter.js';

const SECTIONS = ['rewriter', 'handlers', 'cold-start', 'cost', 'edge-cost', 'signer', 'big-playlists', 'compression', 'live'] as const;
type Section = (typeof SECTIONS)[number];

function parseArgs(argv: string[]): { quick: boolean; freshBundles: boolean; only: Set<Section> } {
  const only = new Set<Section>(SECTIONS);
  let quick = false;
  let freshBundles = false;
  for (const arg of argv) {
    if (arg === '--quick') quick = true;
    else if (arg === '--fresh-bundles') freshBundles = true;
    else if (arg.startsWith('--only=')) {
      only.clear();
      for (const name of arg.slice('--only='.length).split(',')) {
        if (!(SECTIONS as readonly string[]).includes(name)) throw new Error(`unknown section ${name}; sections: ${SECTIONS.join(', ')}`);
        only.add(name as Section);
      }
    } else {
      throw new Error(`unknown argument ${arg}; usage: bench/index.ts [--quick] [--fresh-bundles] [--only=${SECTIONS.join(',')}]`);
    }
  }
  return { quick, freshBundles, only };
}

function print(lines: readonly string[]): void {
  process.stdout.write(`${lines.join('\n')}\n`);
}

async function main(): Promise<number> {
  const { quick, freshBundles, only } = parseArgs(process.argv.slice(2));
  const started = Date.now();
  print([
    `# cloudfront-hls bench${quick ? ' (--quick: small sizes)' : ''}`,
    `machine: ${availableParallelism()} CPUs (nproc), ${cpus()[0]?.model ?? 'unknown CPU'}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM, `
      + `node ${process.version}, ${process.platform}/${process.arch}, ${new Date().toISOString().slice(0, 10)}, `
      + `load average ${loadavg().map((l) => l.toFixed(2)).join(' ')} at start`,
  ]);
  let failed = false;
  let rewriterFigures: RewriterFigures[] = [];
  let rsaSignMs: number | undefined;
  let handlerFigures: HandlerFigures[] = [];

  const section = async (name: Section, title: string, body: () => Promise<readonly string[] | undefined>): Promise<void> => {
    if (!only.has(name)) return;
    print(['', `## ${title}`, '']);
    const t0 = Date.now();
    try {
      const lines = await body();
      if (lines) print(lines);
      print([`(section took ${((Date.now() - t0) / 1000).toFixed(1)} s)`]);
    } catch (err) {
      failed = true;
      print([`ERROR in section ${name}: ${err instanceof Error ? err.message : String(err)}`]);
    }
  };

  await section('rewriter', 'rewriter', async () => {
    const r = await rewriter.run({ quick });
    rewriterFigures = r.figures;
    rsaSignMs = r.rsaSignMs;
    return [...r.lines, '', ...linearity.run({ quick })];
  });
  await section('handlers', 'handlers (per call)', async () => {
    const r = await handlers.run({ quick });
    handlerFigures = r.figures;
    return r.lines;
  });
  await section('cold-start', 'cold start', async () => (await coldStart.run({ quick, freshBundles })).lines);
  await section('cost', 'cost per million playlist fetches', async () => {
    if (rsaSignMs === undefined || handlerFigures.length === 0) return ['skipped: needs the rewriter and handlers sections'];
    return cost.run({ handlers: handlerFigures, rewriter: rewriterFigures, rsaSignMs }).lines;
  });
  await section('edge-cost', 'edge economics per million playlist requests (before/after, both viewer-request kinds)', async () => {
    if (handlerFigures.length === 0) return ['skipped: needs the handlers section'];
    return edgeCost.run(handlerFigures).lines;
  });
  await section('signer', 'signer', async () => {
    // bench/signer.ts is written by the signing helper; include it when it is there.
    const file = join(ROOT, 'bench', 'signer.ts');
    if (!existsSync(file)) return ['skipped: bench/signer.ts is not there yet'];
    const mod = (await import(pathToFileURL(file).href)) as { run?: (o: { quick: boolean }) => unknown };
    if (typeof mod.run !== 'function') throw new Error('bench/signer.ts does not export run({ quick })');
    const out = await mod.run({ quick });
    if (typeof out === 'string') return [out];
    if (Array.isArray(out)) return out.map(String);
    const lines = (out as { lines?: unknown } | undefined)?.lines;
    return Array.isArray(lines) ? lines.map(String) : undefined;
  });

  await section('big-playlists', 'big playlists (1 MB generated-response limit, memory)', async () =>
    (await bigPlaylists.run({ quick, freshBundles })).lines);
  await section('compression', 'compressed playlists (origin-response encoding)', async () => (await compression.run({ quick })).lines);
  await section('live', 'live events: what a Region carries, and the local edge under one live title', async () => (await live.run({ quick })).lines);

  print(['', `total: ${((Date.now() - started) / 1000).toFixed(1)} s`]);
  return failed ? 1 : 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`bench: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 2;
  },
);
