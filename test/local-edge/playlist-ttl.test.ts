/**
 * Rewritten playlists in the local edge's cache: kept under the viewer's own credentials for origin-response's
 * s-maxage (half the target duration for a live playlist) and no longer, per PlaylistCachePolicy's TTLs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalEdge } from '../../src/local-edge/index.js';
import type { LocalEdge } from '../../src/local-edge/index.js';
import { startLiveOrigin } from '../../bench/live-origin.js';
import type { LiveOrigin } from '../../bench/live-origin.js';
import { ensureBuilt } from '../helpers/build.js';

const PATH = '/live/index.m3u8';

describe('a live playlist in the local edge cache', () => {
  let origin: LiveOrigin;
  let edge: LocalEdge;
  let offsetMs = 0;
  beforeAll(async () => {
    ensureBuilt();
    origin = await startLiveOrigin({ delayMs: 0, segmentSeconds: 6 });
    // The edge's clock (cache and signature checks) can be moved on; the functions keep the real one.
    edge = await startLocalEdge({ port: 0, origin: origin.url, now: () => Date.now() + offsetMs });
  }, 60_000);
  afterAll(async () => {
    await edge?.close();
    await origin?.close();
  });

  const get = async (url: string) => {
    const res = await fetch(url);
    await res.text();
    return { cacheControl: res.headers.get('cache-control'), cache: edge.requests.at(-1)!.cache };
  };

  it('is kept for half the target duration under the same credentials, and only under them', async () => {
    const now = Math.floor(Date.now() / 1000);
    const mine = edge.sign(PATH, { expires: now + 3_600 });
    const other = edge.sign(PATH, { expires: now + 3_601 });
    const first = await get(mine);
    expect(first).toEqual({ cacheControl: 'max-age=3, s-maxage=3', cache: 'Miss' });
    expect((await get(mine)).cache).toBe('Hit');
    expect((await get(other)).cache).toBe('Miss');
    offsetMs = 3_100; // past s-maxage
    expect((await get(mine)).cache).toBe('Miss');
    offsetMs = 0;
  });

  it('is kept no longer than its credentials, which CloudFront refuses before the cache once expired', async () => {
    const soon = edge.sign(PATH, { expires: Math.floor(Date.now() / 1000) + 2 });
    const first = await get(soon);
    expect(first.cacheControl).toMatch(/^max-age=[0-2], s-maxage=[0-2]$/);
    expect(first.cache).toBe('Miss');
    offsetMs = 2_100;
    const late = await fetch(soon);
    expect(late.status).toBe(403);
    expect(await late.text()).toContain('AccessDenied');
    offsetMs = 0;
  });
});
