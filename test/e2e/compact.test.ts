/**
 * The compact playlist form (template parameter CompactPlaylists=define: origin header x-cfhls-compact) through
 * the local edge: media playlists carry the credentials once in EXT-X-DEFINE and `{$cfhls}` in every URI, and
 * the player must substitute the variable (RFC 8216bis 4.3) to send signed requests. Every request the page
 * makes must carry the viewer's own credentials and be answered 2xx. The results feed docs/big-playlists.md, "Player support for the compact form".
 */
import { describe, expect, it } from 'vitest';
import { rawParam } from './helpers/edge.js';
import type { StreamName } from './helpers/edge.js';
import { ffmpegRead } from './helpers/ffmpeg.js';
import { expectSignedPlayback, playSignedMaster, startE2eServersForFile, unsignedOrRefused } from './helpers/session.js';

const PLAY_SECONDS = 3.5;
const STREAMS: StreamName[] = ['ts-aes', 'fmp4-multi'];
const PLAYERS = [
  { page: 'hlsjs', name: 'hls.js' },
  { page: 'shaka', name: 'Shaka Player' },
  { page: 'videojs', name: 'video.js/VHS' },
  { page: 'native', name: 'Chromium native' },
] as const;

const servers = startE2eServersForFile('compact form (x-cfhls-compact: define)', { players: true, edge: { parameters: { CompactPlaylists: 'define' } } });
const { env, results } = servers;

/** The first URI line of a playlist. */
function firstUri(text: string): string {
  return text.split(/\r?\n/).find((l) => l !== '' && !l.startsWith('#'))!;
}

describe('the local edge with CompactPlaylists=define', () => {
  it.each(STREAMS)('serves the %s media playlists in the compact form and the multivariant playlist in full', async (stream) => {
    const master = env().signMaster(stream);
    const signature = rawParam(master, 'Signature')!;
    const masterText = await (await fetch(master)).text();
    expect(masterText).not.toContain('EXT-X-DEFINE');
    const variant = firstUri(masterText);
    expect(rawParam(variant, 'Signature')).toBe(signature);
    const response = await fetch(new URL(variant, master));
    expect(response.status).toBe(200);
    const media = await response.text();
    const lines = media.split(/\r?\n/);
    expect(lines[0]).toBe('#EXTM3U');
    expect(lines[1]).toMatch(/^#EXT-X-DEFINE:NAME="cfhls",VALUE="Policy=[^"]+&Signature=[^"]+&Key-Pair-Id=[^"]+"$/);
    expect(lines[1]).toContain(signature);
    expect(media).toMatch(/^#EXT-X-VERSION:(8|9|\d\d)$/m);
    const uris = lines.filter((l) => l !== '' && !l.startsWith('#'));
    expect(uris.length).toBeGreaterThan(0);
    for (const uri of uris) expect(uri).toMatch(/[?&]\{\$cfhls\}$/);
    expect(media.split(signature).length - 1).toBe(1); // the signature once, in the DEFINE
  });
});

for (const { page: pageName, name } of PLAYERS) describe(`${name} in headless Chromium, compact form`, () => {
  it.each(STREAMS)('plays %s with every request carrying the viewer\'s own credentials and answered 2xx', async (stream) => {
    const playback = await playSignedMaster(servers, pageName, stream, env().signMaster(stream), PLAY_SECONDS);
    const { played, edgeSaw } = playback;
    results.push(`  ${name.padEnd(15)} ${stream.padEnd(10)} played ${played.currentTime.toFixed(2)} s; errors ${JSON.stringify(played.errors)}; `
      + `edge: ${edgeSaw.length} requests, ${unsignedOrRefused(playback).length} unsigned or refused`);
    expectSignedPlayback(playback, PLAY_SECONDS);
  });
});

// ffmpeg 5.1 (Debian 12) has no EXT-X-DEFINE support: it requests `{$cfhls}` literally and the edge refuses it.
// Recorded as observed so the support table stays true; if this starts failing, ffmpeg learned variable
// substitution: update docs/big-playlists.md, "Player support for the compact form", and turn this into a playback assertion.
describe('ffmpeg, compact form', () => {
  it.each(STREAMS)('cannot read %s: its unsubstituted {$cfhls} requests are refused by the edge', async (stream) => {
    const edgeSeq = env().edge.requests.at(-1)?.seq ?? 0;
    const result = await ffmpegRead(env().signMaster(stream));
    const seen = env().edge.requests.filter((e) => e.seq > edgeSeq && e.path.startsWith(`/${stream}/`));
    const refused = seen.filter((e) => !e.signed || e.status >= 300);
    results.push(`  ffmpeg          ${stream.padEnd(10)} exit ${result.code}; edge: ${seen.length} requests, ${refused.length} unsigned or refused`);
    expect(result.code).not.toBe(0);
    expect(refused.length).toBeGreaterThan(0);
    expect(refused.every((e) => e.status === 403)).toBe(true);
  });
});
