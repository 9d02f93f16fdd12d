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
  ['rewriter', ['errors.ts', 'cloudfront', 'hls']],
  ['signer', ['errors.ts', 'cloudfront']],
  ['edge', ['errors.ts', 'cloudfront', 'hls', 'rewriter']],
  ['cloudfront-functions', ['cloudfront']],
  ['service', ['errors.ts', 'cloudfront', 'signer']],
  ['functions', ['edge', 'service', 'cloudfront-functions']],
  ['index.ts', ['errors.ts', 'cloudfront', 'rewriter', 'signer']],
  // The emulator reaches the product through the built bundles (files, not imports) and the public modules.
  ['local-edge', ['errors.ts', 'cloudfront', 'signer', 'service']],
  ['cli', ['errors.ts', 'cloudfront', 'hls', 'rewriter', 'signer', 'service', 'local-edge']],
];

/**
 * Circles that stand today in code another change is reworking; each must still exist (a stale entry fails), so
 * the list only ever shrinks.
 */
const KNOWN_CIRCLES: string[][] = [
  ['src/local-edge/pipeline/origin-fetch.ts', 'src/local-edge/pipeline/pipeline.ts'],
  ['src/local-edge/template/template-behaviors.ts', 'src/local-edge/template/template-functions.ts', 'src/local-edge/template/template-origins.ts', 'src/local-edge/template/template.ts'],
  ['src/rewriter/credentials.ts', 'src/rewriter/types.ts'],
];

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
  });
});
