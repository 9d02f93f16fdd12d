import { describe, expect, it } from 'vitest';
import { FINISHED_MAX_AGE_SECONDS, playlistMaxAgeLimit } from '../../src/edge/freshness.js';
import { DEFAULT_MAX_AGE_SECONDS } from '../../src/edge/config.js';
import { maxAgeSeconds } from '../../src/edge/response.js';

const live = (target: number, extra = '') => `#EXTM3U\n#EXT-X-VERSION:6\n#EXT-X-TARGETDURATION:${target}\n${extra}#EXT-X-MEDIA-SEQUENCE:7\n#EXTINF:${target},\nseg7.ts\n`;

describe('max-age derived from the playlist', () => {
  it('is at most half the target duration for a live media playlist (RFC 8216 6.3.4 reload rules)', () => {
    expect(playlistMaxAgeLimit(live(1))).toBe(0);
    expect(playlistMaxAgeLimit(live(2))).toBe(1);
    expect(playlistMaxAgeLimit(live(6))).toBe(3);
    expect(playlistMaxAgeLimit(live(10).replaceAll('\n', '\r\n'))).toBe(5);
    expect(playlistMaxAgeLimit(live(6, '#EXT-X-PLAYLIST-TYPE:EVENT\n'))).toBe(3);
  });

  it('is at most half the part target for a low-latency playlist', () => {
    expect(playlistMaxAgeLimit(live(4, '#EXT-X-PART-INF:PART-TARGET=1.0\n'))).toBe(0);
    expect(playlistMaxAgeLimit(live(4, '#EXT-X-PART-INF:PART-TARGET=2.5\n'))).toBe(1);
  });

  it('is long for a finished playlist: EXT-X-ENDLIST or PLAYLIST-TYPE:VOD', () => {
    expect(playlistMaxAgeLimit(`${live(6)}#EXT-X-ENDLIST\n`)).toBe(FINISHED_MAX_AGE_SECONDS);
    expect(playlistMaxAgeLimit(live(6, '#EXT-X-PLAYLIST-TYPE:VOD\n'))).toBe(FINISHED_MAX_AGE_SECONDS);
    expect(FINISHED_MAX_AGE_SECONDS).toBeGreaterThan(600);
  });

  it('keeps the default for a multivariant playlist and ignores tags that are not at a line start', () => {
    expect(playlistMaxAgeLimit('#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1\nv.m3u8\n')).toBe(DEFAULT_MAX_AGE_SECONDS);
    expect(playlistMaxAgeLimit(`${live(6)}#EXT-X-DATERANGE:ID="a",X-NOTE="#EXT-X-ENDLIST"\n`)).toBe(3);
  });

  it('never passes the policy expiry nor the origin\'s own max-age, for live and for VOD', () => {
    const now = Date.UTC(2026, 10, 26);
    const nowS = now / 1000;
    const vod = playlistMaxAgeLimit(`${live(6)}#EXT-X-ENDLIST\n`);
    expect(maxAgeSeconds(nowS + 6 * 3600, undefined, now, vod)).toBe(Math.min(FINISHED_MAX_AGE_SECONDS , 6 * 3600));
    expect(maxAgeSeconds(nowS + 120, undefined, now, vod)).toBe(120);
    expect(maxAgeSeconds(nowS + 3600, 'max-age=30', now, vod)).toBe(30);
    expect(maxAgeSeconds(nowS + 3600, undefined, now, playlistMaxAgeLimit(live(1)))).toBe(0);
    expect(maxAgeSeconds(nowS + 1, undefined, now, playlistMaxAgeLimit(live(10)))).toBe(1);
  });
});
