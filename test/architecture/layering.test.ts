/**
 * The layering of docs/architecture.md ("Layers"), checked: which folder of src/ may import which, and no circle of
 * files anywhere in src/. A new upward import, an import between folders the table does not allow, or a new circle
 * fails here with the files that make it.
 */
import { describe, expect, it } from 'vitest';
import { circles, importGraph, layerOf, sourceFiles } from './imports.js';
import type { ImportEdge } from './imports.js';

/**
 * Each layer with the layers it may import, lowest first: a layer may import only layers listed above it, so the
 * table itself has no circle. A layer is a folder of src/, or a file at its top.
 */
const ALLOWED: ReadonlyArray<readonly [string, readonly string[]]> = [
  ['errors.ts', []],
  ['cloudfront', ['errors.ts']],
  ['hls', ['errors.ts']],
  ['metrics', []],
  // The rewriter's post-condition: it shares the HLS grammar's tag table, and nothing of the rewriter's code.
  ['checker', ['errors.ts', 'cloudfront', 'hls']],
  ['rewriter', ['errors.ts', 'cloudfront', 'hls', 'checker']],
  ['signer', ['errors.ts', 'cloudfront']],
  ['edge', ['errors.ts', 'cloudfront', 'hls', 'checker', 'rewriter', 'metrics']],
  ['cloudfront-functions', ['cloudfront']],
  ['service', ['errors.ts', 'cloudfront', 'signer']],
  ['functions', ['edge', 'service', 'cloudfront-functions', 'metrics']],
  ['index.ts', ['errors.ts', 'cloudfront', 'rewriter', 'signer']],
  // The emulator reaches the product through the built bundles (files, not imports) and the public modules.
  ['local-edge', ['errors.ts', 'cloudfront', 'signer', 'service']],
  ['cli', ['errors.ts', 'cloudfront', 'hls', 'rewriter', 'signer', 'service', 'local-edge']],
];

/**
 * Circles that stand today in code another change is reworking; each must still exist (a stale entry fails), so
 * the list only ever shrinks.
 */
const KNOWN_CIRCLES: string[][] = [];

/**
 * The local edge's folders, lowest first: a folder may import only folders before it. Its top files (index.ts,
 * runtime.ts) wire them all. It reaches the rest of src/ only through each folder's index.ts (the public modules)
 * and errors.ts; the product's code it runs is the built bundles, loaded as files.
 */
const LOCAL_EDGE_FOLDERS = ['template', 'function-runtime', 'origins', 'pipeline', 'server'];

function localEdgeViolations(edges: readonly ImportEdge[]): string[] {
  const folderOf = (file: string): string | undefined => (file.startsWith('src/local-edge/') ? file.split('/')[2] : undefined);
  const rank = (file: string): number => LOCAL_EDGE_FOLDERS.indexOf(folderOf(file) ?? '');
  return edges.filter(({ from, to }) => {
    if (!from.startsWith('src/local-edge/')) return false;
    if (!to.startsWith('src/local-edge/')) return !(to === 'src/errors.ts' || /^src\/[a-z-]+\/index\.ts$/.test(to));
    if (rank(from) === -1) return false;
    return folderOf(from) !== folderOf(to) && rank(to) >= rank(from);
  }).map(({ from, to }) => `${from} -> ${to}`);
}

/** The imports that break the table: into a layer not allowed, or into a folder that is not a layer. */
function layeringViolations(edges: readonly ImportEdge[]): string[] {
  const allowed = new Map(ALLOWED.map(([layer, below]) => [layer, new Set(below)]));
  return edges
    .filter(({ from, to }) => layerOf(from) !== layerOf(to))
    .filter(({ from, to }) => !allowed.get(layerOf(from))?.has(layerOf(to)))
    .map(({ from, to }) => `${from} -> ${to}`);
}

describe('the layering of src/', () => {
  const files = sourceFiles('src');
  const edges = importGraph(files);

  it('names every layer of src/ in the table', () => {
    const layers = new Set(files.map(layerOf));
    expect([...layers].filter((l) => !ALLOWED.some(([name]) => name === l))).toEqual([]);
  });

  it('lets a layer import only layers below it in the table, so the table has no circle', () => {
    const upward = ALLOWED.flatMap(([layer, below], i) =>
      below.filter((b) => ALLOWED.findIndex(([name]) => name === b) >= i).map((b) => `${layer} -> ${b}`));
    expect(upward).toEqual([]);
  });

  it('has no import the table does not allow', () => {
    expect(edges.length).toBeGreaterThan(100);
    expect(layeringViolations(edges)).toEqual([]);
  });

  it('keeps the local edge\'s folders in order and lets it reach the product only through public modules', () => {
    expect(localEdgeViolations(edges)).toEqual([]);
  });

  it('has no circle of files that import each other, other than the known ones', () => {
    const found = circles(edges).map((c) => c.join(' <-> '));
    const known = KNOWN_CIRCLES.map((c) => c.join(' <-> '));
    expect(found.filter((c) => !known.includes(c))).toEqual([]);
    expect(known.filter((c) => !found.includes(c)), 'a known circle is gone: strike it from KNOWN_CIRCLES').toEqual([]);
  });

  it('catches an upward import and a circle in a graph that has them', () => {
    const bad: ImportEdge[] = [
      { from: 'src/signer/sign.ts', to: 'src/edge/response.ts' },
      { from: 'src/edge/response.ts', to: 'src/edge/body.ts' },
      { from: 'src/edge/body.ts', to: 'src/edge/response.ts' },
    ];
    expect(layeringViolations(bad)).toEqual(['src/signer/sign.ts -> src/edge/response.ts']);
    expect(circles(bad)).toEqual([['src/edge/body.ts', 'src/edge/response.ts']]);
    expect(localEdgeViolations([
      { from: 'src/local-edge/template/model.ts', to: 'src/local-edge/pipeline/types.ts' },
      { from: 'src/local-edge/pipeline/cache.ts', to: 'src/edge/origin-cache.ts' },
      { from: 'src/local-edge/server/http-server.ts', to: 'src/local-edge/pipeline/pipeline.ts' },
    ])).toEqual(['src/local-edge/template/model.ts -> src/local-edge/pipeline/types.ts', 'src/local-edge/pipeline/cache.ts -> src/edge/origin-cache.ts']);
  });
});
