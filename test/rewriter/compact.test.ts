import { describe, expect, it } from 'vitest';
import { rewritePlaylist, rewritePlaylistDetailed, rewritePlaylistInChunks } from '../../src/rewriter/index.js';
import { MASTER, mediaPlaylist } from '../edge/playlists.js';

const C = 'Policy=eyJTdGF0ZW1lbnQiOltdfQ__&Signature=abc~def-ghi_&Key-Pair-Id=K2JCJMDEHXQW5F';
const URL_ = `https://d111111abcdef8.cloudfront.net/movies/42/720p/index.m3u8?${C}`;
const COMPACT = { url: URL_, compact: true };

const MEDIA = [
  '#EXTM3U',
  '#EXT-X-VERSION:6',
  '#EXT-X-TARGETDURATION:6',
  '#EXT-X-KEY:METHOD=AES-128,URI="keys/k1.bin?v=2"',
  '#EXT-X-MAP:URI="init.mp4"',
  '#EXTINF:6.000,',
  'seg0.ts',
  '#EXTINF:6.000,',
  'seg1.ts?token=a#t=3',
  '#EXTINF:6.000,',
  'https://cdn.thirdparty.example/seg2.ts',
  '#EXT-X-PREFETCH:seg3.ts',
  '#EXT-X-ENDLIST',
  '',
].join('\n');

describe('the compact form (rewriter option compact: true)', () => {
  it('defines the credentials once after #EXTM3U, raises the version to 8 and refers to them from every rewritten URI', () => {
    const out = rewritePlaylistDetailed(MEDIA, COMPACT);
    expect(out.compact).toBe('applied');
    expect(out.rewritten).toBe(5);
    expect(out.text).toBe([
      '#EXTM3U',
      `#EXT-X-DEFINE:NAME="cfhls",VALUE="${C}"`,
      '#EXT-X-VERSION:8',
      '#EXT-X-TARGETDURATION:6',
      '#EXT-X-KEY:METHOD=AES-128,URI="keys/k1.bin?v=2&{$cfhls}"',
      '#EXT-X-MAP:URI="init.mp4?{$cfhls}"',
      '#EXTINF:6.000,',
      'seg0.ts?{$cfhls}',
      '#EXTINF:6.000,',
      'seg1.ts?token=a&{$cfhls}#t=3',
      '#EXTINF:6.000,',
      'https://cdn.thirdparty.example/seg2.ts',
      // legacy EXT-X-PREFETCH is neither a URI line nor a quoted-string: no substitution, credentials stay in full
      `#EXT-X-PREFETCH:seg3.ts?${C}`,
      '#EXT-X-ENDLIST',
      '',
    ].join('\n'));
  });

  it('substitutes back to exactly the full rewrite (RFC 8216bis 4.3 variable substitution)', () => {
    const full = rewritePlaylist(MEDIA, { url: URL_ });
    const substituted = rewritePlaylist(MEDIA, COMPACT)
      .split('\n')
      .filter((l) => !l.startsWith('#EXT-X-DEFINE:'))
      .map((l) => l.split('{$cfhls}').join(C))
      .join('\n');
    expect(substituted).toBe(full.replace('#EXT-X-VERSION:6', '#EXT-X-VERSION:8'));
  });

  it('inserts EXT-X-VERSION:8 when the playlist has none, keeps a higher one, and keeps CRLF line endings', () => {
    const noVersion = '#EXTM3U\r\n#EXT-X-TARGETDURATION:6\r\n#EXTINF:6,\r\na.ts\r\n';
    expect(rewritePlaylist(noVersion, COMPACT)).toBe(
      `#EXTM3U\r\n#EXT-X-VERSION:8\r\n#EXT-X-DEFINE:NAME="cfhls",VALUE="${C}"\r\n#EXT-X-TARGETDURATION:6\r\n#EXTINF:6,\r\na.ts?{$cfhls}\r\n`,
    );
    const v9 = '#EXTM3U\n#EXT-X-TARGETDURATION:6\n#EXT-X-VERSION:9\n#EXTINF:6,\na.ts\n';
    expect(rewritePlaylist(v9, COMPACT)).toContain('\n#EXT-X-VERSION:9\n');
  });

  it('leaves multivariant playlists and a taken variable name in the full form, saying why', () => {
    const master = rewritePlaylistDetailed(MASTER, COMPACT);
    expect(master.compact).toBe('not-a-media-playlist');
    expect(master.text).toBe(rewritePlaylist(MASTER, { url: URL_ }));
    const taken = MEDIA.replace('#EXT-X-TARGETDURATION:6', '#EXT-X-TARGETDURATION:6\n#EXT-X-DEFINE:NAME="cfhls",VALUE="x"');
    expect(rewritePlaylistDetailed(taken, COMPACT).compact).toBe('variable-name-taken');
    expect(rewritePlaylistDetailed(MEDIA, { url: URL_ }).compact).toBeUndefined();
  });

  it('is the same in chunks, and adds only `?{$cfhls}` per URI to a 100k-segment playlist', () => {
    const text = mediaPlaylist(100_000);
    const rewrite = rewritePlaylistInChunks(text, COMPACT, 4096);
    const compact = [...rewrite.chunks()].join('');
    expect(compact).toBe(rewritePlaylist(text, COMPACT));
    expect(rewrite.summary()).toMatchObject({ compact: 'applied', rewritten: 100_000 });
    const header = `#EXT-X-DEFINE:NAME="cfhls",VALUE="${C}"\n#EXT-X-VERSION:8\n`;
    expect(compact.length).toBe(text.length + header.length - '#EXT-X-VERSION:3\n'.length + 100_000 * '?{$cfhls}'.length);
  });
});
