/**
 * The negative control of docs/live.md, "Why playlists are cached by credential": a burst of 1,000 simultaneous
 * playlist requests over 50 credential sets against a slow origin, through the local edge (which collapses
 * simultaneous misses with the same cache key as CloudFront does). Under the old Managed-CachingDisabled key
 * viewers receive each other's credentials; under PlaylistCachePolicy never. Loopback only, bounded in count and
 * time.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalEdge } from '../../src/local-edge/index.js';
import type { LocalEdge } from '../../src/local-edge/index.js';
import { ensureBuilt } from '../helpers/build.js';
import { startLiveOrigin } from '../../bench/live-origin.js';
import type { LiveOrigin } from '../../bench/live-origin.js';

const ROOT = join(import.meta.dirname, '..', '..');
const REQUESTS = 1_000;
const CREDENTIAL_SETS = 50;
const PATH = '/live/index.m3u8';
const signatureOf = (text: string): string | undefined => /[?&]Signature=([^&#"\s]+)/.exec(text)?.[1];

/** The real template with the playlist behavior put back on Managed-CachingDisabled, as it was before. */
function cachingDisabledTemplate(dir: string): string {
  const text = readFileSync(join(ROOT, 'template.yaml'), 'utf8');
  const old = text.replace("          - PathPattern: '*.m3u8'\n            TargetOriginId: MediaOrigin\n            ViewerProtocolPolicy: redirect-to-https\n            AllowedMethods: [GET, HEAD, OPTIONS] # OPTIONS: CORS preflights, as on segments\n            CachedMethods: [GET, HEAD]\n            Compress: true\n            CachePolicyId: !Ref PlaylistCachePolicy",
    "          - PathPattern: '*.m3u8'\n            TargetOriginId: MediaOrigin\n            ViewerProtocolPolicy: redirect-to-https\n            AllowedMethods: [GET, HEAD, OPTIONS] # OPTIONS: CORS preflights, as on segments\n            CachedMethods: [GET, HEAD]\n            Compress: true\n            CachePolicyId: 4135ea2d-6df8-44a3-9df3-4b5a84be39ad");
  if (old === text) throw new Error('the playlist behavior of template.yaml changed: update this test');
  const file = join(dir, 'template.yaml');
  writeFileSync(file, old);
  return file;
}

interface Burst {
  foreign: number;
  failed: number;
  /** Requests that went to the origin and ran origin-response. */
  leaders: number;
  collapsed: number;
  ms: number;
}

/** 1,000 simultaneous GETs of one live playlist, request i holding credential set i mod 50. */
async function burst(edge: LocalEdge): Promise<Burst> {
  const now = Math.floor(Date.now() / 1000);
  const urls = Array.from({ length: CREDENTIAL_SETS }, (_, s) => edge.sign(PATH, { expires: now + 3_600 + s }));
  const before = { ...edge.cache.collapser.stats };
  const started = performance.now();
  const results = await Promise.all(Array.from({ length: REQUESTS }, async (_, i) => {
    const own = urls[i % CREDENTIAL_SETS]!;
    const res = await fetch(own);
    const body = await res.text();
    return { ok: res.status === 200, foreign: res.status === 200 && signatureOf(body) !== signatureOf(own) };
  }));
  const stats = edge.cache.collapser.stats;
  return {
    foreign: results.filter((r) => r.foreign).length,
    failed: results.filter((r) => !r.ok).length,
    leaders: stats.leaders - before.leaders,
    collapsed: stats.joined - before.joined,
    ms: Math.round(performance.now() - started),
  };
}

describe(`a burst of ${REQUESTS} playlist requests over ${CREDENTIAL_SETS} credential sets, slow origin`, () => {
  let origin: LiveOrigin;
  let dir: string;
  beforeAll(async () => {
    ensureBuilt();
    origin = await startLiveOrigin({ delayMs: 400, segmentSeconds: 4 });
    dir = mkdtempSync(join(tmpdir(), 'cfhls-collapse-'));
  });
  afterAll(async () => {
    await origin?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('hands viewers each other\'s credentials under the old CachingDisabled key (negative control)', async () => {
    const edge = await startLocalEdge({ port: 0, template: cachingDisabledTemplate(dir), origin: origin.url });
    try {
      const result = await burst(edge);
      expect(result.failed).toBe(0);
      // Every waiting viewer gets the leader's playlist: most of them hold other credentials.
      expect(result.collapsed).toBeGreaterThan(0);
      expect(result.foreign).toBeGreaterThan(0);
    } finally {
      await edge.close();
    }
  }, 60_000);

  it('never hands a viewer another\'s credentials under PlaylistCachePolicy, and still collapses', async () => {
    const edge = await startLocalEdge({ port: 0, origin: origin.url });
    try {
      const result = await burst(edge);
      expect(result.failed).toBe(0);
      expect(result.foreign).toBe(0);
      // One origin request and one origin-response run per credential set at least; the rest joined one in
      // flight or were served from the cache under their own key.
      expect(result.leaders).toBeGreaterThanOrEqual(CREDENTIAL_SETS);
      expect(result.leaders).toBeLessThan(REQUESTS);
      expect(edge.requests.filter((r) => r.path === PATH && r.cache === 'Miss').length).toBe(result.leaders);
    } finally {
      await edge.close();
    }
  }, 60_000);
});
