/**
 * Chromium's own HLS player (`<video src="...m3u8">`, no player library, no Media Source) plays the MPEG-TS
 * stream (AES-128, key rotation), the sample and the fMP4 multivariant stream from one signed master URL. Chromium 156 answers canPlayType('application/vnd.apple.mpegurl') itself;
 * the test asserts that first so a Chromium without native HLS fails with that evidence, not a timeout.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchChromium, playUntil, recordRequests, settle } from './helpers/browser.js';
import { rawParam, startE2eEdge } from './helpers/edge.js';
import type { E2eEdge, StreamName } from './helpers/edge.js';
import { startStaticServer } from './helpers/static-server.js';
import type { StaticServer } from './helpers/static-server.js';

const PLAY_SECONDS = 3.5;

let env: E2eEdge;
let pages: StaticServer;
let browser: Browser;
const results: string[] = [];

beforeAll(async () => {
  [env, pages, browser] = await Promise.all([startE2eEdge(inject('streamsDir')), startStaticServer(), launchChromium()]);
});

afterAll(async () => {
  await browser?.close();
  await pages?.close();
  await env?.close();
  console.log(`Chromium native HLS (target ${PLAY_SECONDS} s):\n${results.join('\n')}`);
});

describe('Chromium native HLS player', () => {
  it('says it can play HLS natively', async () => {
    const page = await browser.newPage();
    try {
      await page.setContent('<video></video>');
      const answer = await page.evaluate(() => ({
        mpegurl: document.querySelector('video')!.canPlayType('application/vnd.apple.mpegurl'),
        version: navigator.userAgent,
      }));
      results.push(`  canPlayType('application/vnd.apple.mpegurl') = "${answer.mpegurl}" (${browser.version()})`);
      expect(answer.mpegurl, `Chromium ${browser.version()} has no native HLS player`).toMatch(/^(maybe|probably)$/);
    } finally {
      await page.close();
    }
  });

  // Not `byterange`: Chromium 156's native player cannot play that single-file fMP4 even unsigned from a plain
  // static server (it requests main.mp4 with `Range: bytes=0-`, ignoring EXT-X-BYTERANGE, then MediaError 4).
  it.each<StreamName>(['ts-aes', 'sample', 'fmp4-multi'])('plays %s from one signed master URL', async (stream) => {
    const master = env.signMaster(stream);
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      const log = recordRequests(page, env.url, rawParam(master, 'Signature')!);
      const edgeSeq = env.edge.requests.at(-1)?.seq ?? 0;
      const played = await playUntil(page, `${pages.url}/pages/native.html?src=${encodeURIComponent(master)}`, log, {
        minSeconds: PLAY_SECONDS,
        timeoutMs: 40_000,
      });
      await settle(page, log);
      // The native player's fetches may not all reach the page's request events; the edge's log sees every one.
      const seen = env.edge.requests.filter((e) => e.seq > edgeSeq && e.path.startsWith(`/${stream}/`));
      const detail = `\npage saw:\n${log.summary()}\nedge saw:\n${seen.map((e) => `${e.path} ${e.status} ${e.credentials}`).join('\n')}`;
      expect(played.currentTime, detail).toBeGreaterThanOrEqual(PLAY_SECONDS);
      expect(played.errors, detail).toEqual([]);
      expect(seen.filter((e) => !e.signed || e.status >= 300).map((e) => `${e.path} ${e.status}`), detail).toEqual([]);
      expect(log.unsigned().map((r) => r.path), detail).toEqual([]);
      expect(log.failed().map((r) => `${r.path} ${r.failure ?? r.status}`), detail).toEqual([]);
      results.push(`  native ${stream}: played ${played.currentTime.toFixed(2)} s (wall ${played.wallSeconds.toFixed(1)} s); `
        + `edge served ${seen.length} requests (all signed, 2xx), page saw ${log.media.length}`);
    } finally {
      await context.close();
    }
  });
});
