import { describe, expect, it } from 'vitest';
import { classifyLine, isMediaPlaylist, lineRanges, tagValue } from '../../src/hls/index.js';

describe('the one line classifier', () => {
  it('reads blank lines, comments, tags and URI lines the way players do (after trimming)', () => {
    expect(classifyLine('')).toEqual({ kind: 'blank', start: 0 });
    expect(classifyLine(' \t')).toMatchObject({ kind: 'blank' });
    expect(classifyLine('# a comment: with a colon')).toEqual({ kind: 'comment', start: 0 });
    expect(classifyLine('  #EXTINF:4,')).toEqual({ kind: 'tag', start: 2, tag: 'EXTINF', valueStart: 10 });
    expect(classifyLine('#EXT-X-ENDLIST')).toEqual({ kind: 'tag', start: 0, tag: 'EXT-X-ENDLIST' });
    expect(classifyLine('\u00a0seg.ts')).toEqual({ kind: 'uri', start: 1 });
    expect(classifyLine('xx#EXT-X-KEY:URI="k"yy', 2, 20)).toMatchObject({ kind: 'tag', tag: 'EXT-X-KEY', valueStart: 13 });
  });

  it('splits lines at LF and CRLF only, keeping every byte of a lone CR inside its line', () => {
    const text = 'a\r\nb\rc\n\nd';
    expect([...lineRanges(text)].map(([s, e]) => text.slice(s, e))).toEqual(['a', 'b\rc', '', 'd']);
  });

  it('finds a tag value only at the start of a line, not in a comment or a URI', () => {
    const text = '#EXTM3U\n# #EXT-X-TARGETDURATION:99\nseg#EXT-X-TARGETDURATION:98\n  #EXT-X-TARGETDURATION: 6 \r\n';
    expect(tagValue(text, 'EXT-X-TARGETDURATION')).toBe('6');
    expect(tagValue(text, 'EXT-X-ENDLIST')).toBeUndefined();
    expect(tagValue('#EXTM3U\n#EXT-X-ENDLIST', 'EXT-X-ENDLIST')).toBe('');
  });

  it('tells media playlists from multivariant ones by their tags, not by substrings', () => {
    expect(isMediaPlaylist('#EXTM3U\n#EXT-X-TARGETDURATION:4\n#EXTINF:4,\na.ts\n')).toBe(true);
    expect(isMediaPlaylist('#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1\nv.m3u8\n')).toBe(false);
    expect(isMediaPlaylist('#EXTM3U\n# see #EXT-X-TARGETDURATION:4\n#EXT-X-STREAM-INF:BANDWIDTH=1\nv.m3u8\n')).toBe(false);
  });
});
