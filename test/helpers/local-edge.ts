/** The local edge as most of its tests run it: one instance per suite, on a free port of 127.0.0.1. */
import { afterAll, beforeAll } from 'vitest';
import { startLocalEdge } from '../../src/local-edge/index.js';
import type { LocalEdge, LocalEdgeOptions } from '../../src/local-edge/index.js';
import { ensureBuilt } from './build.js';

/**
 * Registers hooks that start the local edge with `options` (building the edge bundles first if they are
 * missing) before the suite's tests, and close it after them. Returns the running edge: call it inside a hook
 * or a test.
 *
 * @example const edge = startLocalEdgeForSuite(); it('serves the master', async () => { await fetch(edge().sign('/master.m3u8')); });
 */
export function startLocalEdgeForSuite(options: LocalEdgeOptions = {}): () => LocalEdge {
  let edge: LocalEdge | undefined;
  beforeAll(async () => {
    ensureBuilt();
    edge = await startLocalEdge({ port: 0, ...options });
  }, 60_000);
  afterAll(async () => {
    await edge?.close();
  });
  return () => {
    if (edge === undefined) throw new Error('the local edge is not running: call this inside a hook or a test');
    return edge;
  };
}
