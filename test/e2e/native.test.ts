/**
 * Chromium's own HLS player (`<video src="...m3u8">`, no player library, no Media Source) plays the MPEG-TS
 * stream (AES-128, key rotation), the sample and the fMP4 multivariant stream from one signed master URL. Chromium 156 answers canPlayType('application/vnd.apple.mpegurl') itself;
 * the test asserts that first so a Chromium without native HLS fails with that evidence, not a timeout.
 */
import { describe, expect, it } from 'vitest';
import type { StreamName } from './helpers/edge.js';
import { expectSignedPlayback, playSignedMaster, startE2eServersForFile } from './helpers/session.js';

const PLAY_SECONDS = 3.5;

const servers = startE2eServersForFile(`Chromium native HLS (target ${PLAY_SECONDS} s)`, { players: true });
const { env, browser, results } = servers;

describe('Chromium native HLS player', () => {
  it('says it can play HLS natively', async () => {
    const page = await browser().newPage();
    try {
      await page.setContent('<video></video>');
      const answer = await page.evaluate(() => ({
        mpegurl: document.querySelector('video')!.canPlayType('application/vnd.apple.mpegurl'),
        version: navigator.userAgent,
      }));
      results.push(`  canPlayType('application/vnd.apple.mpegurl') = "${answer.mpegurl}" (${browser().version()})`);
      expect(answer.mpegurl, `Chromium ${browser().version()} has no native HLS player`).toMatch(/^(maybe|probably)$/);
    } finally {
      await page.close();
    }
  });

  // Not `byterange`: Chromium 156's native player cannot play that single-file fMP4 even unsigned from a plain
  // static server (it requests main.mp4 with `Range: bytes=0-`, ignoring EXT-X-BYTERANGE, then MediaError 4).
  it.each<StreamName>(['ts-aes', 'sample', 'fmp4-multi'])('plays %s from one signed master URL', async (stream) => {
    const playback = await playSignedMaster(servers, 'native', stream, env().signMaster(stream), PLAY_SECONDS);
    // The native player's fetches may not all reach the page's request events; the edge's log sees every one.
    expectSignedPlayback(playback, PLAY_SECONDS);
    const { played, log, edgeSaw } = playback;
    results.push(`  native ${stream}: played ${played.currentTime.toFixed(2)} s (wall ${played.wallSeconds.toFixed(1)} s); `
      + `edge served ${edgeSaw.length} requests (all signed, 2xx), page saw ${log.media.length}`);
  });
});
