/**
 * Two viewers with different credentials (different keys of the key group, different policies) fetch the same
 * playlists, interleaved and concurrently, over and over: each response must carry only the requester's own
 * credentials. This is where a cache key that ignores the suffixed params would hand viewer A's signed URIs to
 * viewer B. Then the same with two real hls.js players at the same time in separate browser contexts.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchChromium, playUntil, recordRequests, settle } from './helpers/browser.js';
import { rawParam, startE2eEdge } from './helpers/edge.js';
import { ROOT } from './helpers/env.js';
import type { E2eEdge } from './helpers/edge.js';
import { childUris } from './helpers/playlist.js';
import { startE2eServersForFile } from './helpers/session.js';
import { startStaticServer } from './helpers/static-server.js';
import type { StaticServer } from './helpers/static-server.js';

const { env, results } = startE2eServersForFile('isolation');

interface Creds { Policy: string; Signature: string; 'Key-Pair-Id': string }

function credsOf(url: string): Creds {
  return { Policy: rawParam(url, 'Policy')!, Signature: rawParam(url, 'Signature')!, 'Key-Pair-Id': rawParam(url, 'Key-Pair-Id')! };
}

/** Every credential value in a playlist's child URIs, per param name. */
function credentialsIn(text: string): Array<Partial<Creds>> {
  return childUris(text).map((c) => {
    const out: Partial<Creds> = {};
    for (const name of ['Policy', 'Signature', 'Key-Pair-Id'] as const) {
      const v = rawParam(c.uri, name);
      if (v !== undefined) out[name] = v;
    }
    return out;
  });
}

/**
 * Viewers A and B fetch every playlist of one title (each through the URIs rewritten for them), five rounds,
 * A and B alternating on each URL and all at once. Returns how many responses were checked and every
 * response that carried the other viewer's credentials or a child URI with credentials not the requester's.
 */
async function crossViewerFetches(edge: E2eEdge): Promise<{ checked: number; uris: number; playlists: number; leaks: string[] }> {
  const masterA = edge.signMaster('fmp4-multi', edge.viewerA);
  // B: another key of the key group, a different expiry and an IP condition, so every credential param differs.
  const masterB = edge.signMaster('fmp4-multi', edge.viewerB, { expires: Math.floor(Date.now() / 1000) + 1800, ipAddress: '127.0.0.0/8' });
  const a = credsOf(masterA);
  const b = credsOf(masterB);
  for (const name of ['Policy', 'Signature', 'Key-Pair-Id'] as const) expect(a[name]).not.toBe(b[name]);

  // The playlist URLs each viewer's player would request: the master, then every child playlist as rewritten for it.
  const tree = async (master: string): Promise<string[]> => {
    const text = await (await fetch(master)).text();
    return [master, ...childUris(text).filter((c) => c.kind !== 'map').map((c) => new URL(c.uri, master).href)];
  };
  const urlsA = await tree(masterA);
  const urlsB = await tree(masterB);
  expect(urlsA.map((u) => new URL(u).pathname)).toEqual(urlsB.map((u) => new URL(u).pathname));
  expect(urlsA.length).toBeGreaterThan(5);

  let checked = 0;
  let uris = 0;
  const leaks: string[] = [];
  const check = async (who: string, url: string, own: Creds, other: Creds): Promise<void> => {
    const res = await fetch(url);
    const text = await res.text();
    const path = new URL(url).pathname;
    expect(res.status, path).toBe(200);
    if (Object.values(other).some((v) => text.includes(v))) leaks.push(`${who} got the other viewer's credentials in ${path}`);
    const found = credentialsIn(text);
    if (found.some((c) => c.Policy !== own.Policy || c.Signature !== own.Signature || c['Key-Pair-Id'] !== own['Key-Pair-Id'])) {
      leaks.push(`${who} got child URIs without its own credentials in ${path}`);
    }
    uris += found.length;
    checked++;
  };
  for (let round = 0; round < 5; round++) {
    await Promise.all(urlsA.flatMap((ua, i) => [check('A', ua, a, b), check('B', urlsB[i]!, b, a)]));
  }
  return { checked, uris, playlists: urlsA.length, leaks };
}

describe('two viewers with different credentials', () => {
  it('never receive each other\'s credentials in the same playlists, fetched interleaved and concurrently', async () => {
    const { checked, uris, playlists, leaks } = await crossViewerFetches(env());
    expect(leaks).toEqual([]);
    expect(checked).toBe(playlists * 2 * 5);
    expect(uris).toBeGreaterThan(checked);
    results.push(`  fetch: ${checked} playlist responses (${playlists} playlists x 2 viewers x 5 rounds, concurrent), ${uris} child URIs, each with only its viewer's credentials`);
  });

  it('would be caught receiving each other\'s credentials if playlists were cached under a key without them (control)', async () => {
    // The mistake the design warns about: playlists cached under a key without the suffixed params. The playlist
    // behavior is put on SegmentCachePolicy (query strings not in the key): origin-response's s-maxage lets
    // CloudFront store the rewritten playlist there, so the check must find the leak.
    const dir = mkdtempSync(join(tmpdir(), 'cfhls-e2e-template-'));
    try {
      const template = readFileSync(join(ROOT, 'template.yaml'), 'utf8');
      const playlistBehavior = /(PathPattern: '\*\.m3u8'[\s\S]*?CachePolicyId: )!Ref PlaylistCachePolicy/;
      expect(template).toMatch(playlistBehavior);
      writeFileSync(join(dir, 'key.yaml'), template.replace(playlistBehavior, '$1!Ref SegmentCachePolicy'));
      const leaky = await startE2eEdge(inject('streamsDir'), { template: join(dir, 'key.yaml') });
      let found: number;
      try {
        found = (await crossViewerFetches(leaky)).leaks.length;
      } finally {
        await leaky.close();
      }
      expect(found, 'a cache that stores playlists under a key without credentials must be caught leaking').toBeGreaterThan(0);
      results.push(`  control: playlist behavior on SegmentCachePolicy (no credentials in the key) -> the same check finds ${found} leaking responses`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  describe('as two hls.js players at the same time', () => {
    let pages: StaticServer;
    let browser: Browser;
    beforeAll(async () => {
      [pages, browser] = await Promise.all([startStaticServer(), launchChromium()]);
    });
    afterAll(async () => {
      await browser?.close();
      await pages?.close();
    });

    it('each request of each player carries that player\'s own signature', async () => {
      const viewers = [
        { name: 'A', master: env().signMaster('sample', env().viewerA) },
        { name: 'B', master: env().signMaster('sample', env().viewerB, { expires: Math.floor(Date.now() / 1000) + 1800 }) },
      ];
      const contexts = await Promise.all(viewers.map(() => browser.newContext()));
      try {
        const runs = await Promise.all(viewers.map(async (v, i) => {
          const page = await contexts[i]!.newPage();
          const log = recordRequests(page, env().url, rawParam(v.master, 'Signature')!);
          const played = await playUntil(page, `${pages.url}/pages/hlsjs.html?src=${encodeURIComponent(v.master)}`, log, { minSeconds: 3, timeoutMs: 40_000 });
          await settle(page, log);
          return { v, log, played };
        }));
        for (const { v, log, played } of runs) {
          expect(played.currentTime).toBeGreaterThanOrEqual(3);
          expect(log.unsigned().map((r) => r.path), `viewer ${v.name}:\n${log.summary()}`).toEqual([]);
          expect(log.failed().map((r) => r.path), `viewer ${v.name}:\n${log.summary()}`).toEqual([]);
          results.push(`  hls.js viewer ${v.name}: played ${played.currentTime.toFixed(2)} s, ${log.media.length} requests, every one with viewer ${v.name}'s own signature`);
        }
      } finally {
        await Promise.all(contexts.map((c) => c.close()));
      }
    });
  });
});
