/**
 * Real players in headless Chromium (hls.js, Shaka Player, video.js/VHS) play every test stream through the
 * local edge from one signed master URL. Every request a page makes to the edge is recorded: each must carry
 * the viewer's own Policy/Signature/Key-Pair-Id and be answered 2xx, and playback must pass PLAY_SECONDS.
 */
import { describe, expect, it } from 'vitest';
import type { RecordedRequest } from './helpers/browser.js';
import { STREAMS } from './helpers/edge.js';
import type { StreamName } from './helpers/edge.js';
import { playSignedMaster, startE2eServersForFile } from './helpers/session.js';

const PLAY_SECONDS = 3.5;

const PLAYERS = [
  { page: 'hlsjs', name: 'hls.js' },
  { page: 'shaka', name: 'Shaka Player' },
  { page: 'videojs', name: 'video.js/VHS' },
] as const;

/** What each stream makes every player fetch, beyond playlists and segments. */
const MUST_FETCH: Record<StreamName, { what: string; test: (r: RecordedRequest) => boolean }> = {
  'sample': { what: 'the audio rendition init segment', test: (r) => r.path === '/sample/audio/init.mp4' },
  'ts-aes': { what: 'the first AES-128 key (URI with its own query)', test: (r) => r.path === '/ts-aes/keys/k1.bin' },
  'fmp4-multi': { what: 'the separate English audio rendition', test: (r) => r.path === '/fmp4-multi/a/en/init.mp4' },
  'byterange': { what: 'a byte range of the single file', test: (r) => r.path === '/byterange/v/main.mp4' && r.range !== undefined && r.status === 206 },
};

const servers = startE2eServersForFile(`players (target ${PLAY_SECONDS} s of playback)`, { players: true });
const { env, results } = servers;

for (const { page: pageName, name } of PLAYERS) describe(`${name} in headless Chromium`, () => {
  it.each(STREAMS.map((s) => s.name))('plays %s from one signed master URL with every request signed and answered 2xx', async (stream) => {
    const { played, log, edgeSaw } = await playSignedMaster(servers, pageName, stream, env().signMaster(stream), PLAY_SECONDS);
    const media = [...log.media];
    const detail = `\n${log.summary()}`;

    expect(played.currentTime, detail).toBeGreaterThanOrEqual(PLAY_SECONDS);
    expect(played.errors, detail).toEqual([]);
    expect(log.unsigned().map((r) => r.path), `unsigned or foreign-signed requests${detail}`).toEqual([]);
    expect(log.failed().map((r) => `${r.path} ${r.failure ?? r.status}`), `failed requests${detail}`).toEqual([]);
    expect(media.some(MUST_FETCH[stream].test), `${name} never fetched ${MUST_FETCH[stream].what}${detail}`).toBe(true);
    // The edge's own log agrees: nothing it answered for this stream during the test was refused.
    const refused = edgeSaw.filter((e) => e.status >= 400);
    expect(refused.map((e) => `${e.path} ${e.status} ${e.denied ?? ''}`)).toEqual([]);

    const kinds = { playlists: 0, segments: 0, other: 0 };
    for (const r of media) {
      if (r.path.endsWith('.m3u8')) kinds.playlists++;
      else if (/\.(ts|m4s|mp4|vtt)$/.test(r.path)) kinds.segments++;
      else kinds.other++;
    }
    results.push(`  ${name.padEnd(13)} ${stream.padEnd(11)} played ${played.currentTime.toFixed(2)} s (wall ${played.wallSeconds.toFixed(1)} s); `
      + `${media.length} requests (${kinds.playlists} playlists, ${kinds.segments} media/init, ${kinds.other} keys), all signed, all 2xx; `
      + `${JSON.stringify(played.info)}`);
  });
});
