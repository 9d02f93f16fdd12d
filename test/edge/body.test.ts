import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeBody, rewriteInChunks, splittable } from '../../src/edge/body.js';
import { rewritePlaylistDetailed } from '../../src/rewriter/index.js';
import { mediaPlaylist } from './playlists.js';

const CREDS = 'Policy=eyJTdGF0ZW1lbnQiOltdfQ__&Signature=abc~def-ghi_&Key-Pair-Id=K2JCJMDEHXQW5F';
const OPTIONS = { url: `https://d111111abcdef8.cloudfront.net/movies/42/720p/index.m3u8?${CREDS}` };

/** Lines a rewriter must treat one by one: URIs (relative, absolute, other hosts), tags with URIs, blanks, CRLF. */
const LINE = fc.constantFrom(
  '#EXTINF:6.000,', 'seg.ts', 'a/b.ts?x=1', 'https://d111111abcdef8.cloudfront.net/movies/42/x.ts',
  'https://cdn.thirdparty.example/y.ts', '#EXT-X-MAP:URI="init.mp4"', '#EXT-X-KEY:METHOD=AES-128,URI="k.bin"',
  '#EXT-X-PART:DURATION=1,URI="p.m4s"', '', '  seg2.ts  ', '# comment', 'seg3.ts#frag', '#EXT-X-PREFETCH:pre.ts',
  'skd://key', 'seg.ts?Policy=old&Signature=old', '\u00e9t\u00e9.ts', '\ud83c\udfa5.ts',
);

describe('rewriting in chunks', () => {
  it('gives exactly the whole-text result for any chunk size on playlists without EXT-X-DEFINE', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(LINE, fc.constantFrom('\n', '\r\n')), { maxLength: 60 }), fc.integer({ min: 1, max: 200 }), fc.boolean(), (lines, chunk, bom) => {
        const text = `${bom ? '\uFEFF' : ''}#EXTM3U\n${lines.map(([l, eol]) => l + eol).join('')}`;
        expect(splittable(text)).toBe(true);
        const whole = rewritePlaylistDetailed(text, OPTIONS);
        const parts = [...rewriteInChunks(text, OPTIONS, chunk)];
        expect(parts.map((p) => p.text).join('')).toBe(whole.text);
        expect(parts.reduce((n, p) => n + p.rewritten, 0)).toBe(whole.rewritten);
        expect(parts.reduce((n, p) => n + p.untouched, 0)).toBe(whole.untouched);
      }),
      { numRuns: 300 },
    );
  });

  it('splits only at line feeds', () => {
    const parts = [...rewriteInChunks(mediaPlaylist(50), OPTIONS, 64)];
    expect(parts.length).toBeGreaterThan(10);
    for (const p of parts.slice(0, -1)) expect(p.text.endsWith('\n')).toBe(true);
  });

  it('yields the whole text once when the chunk size is infinite', () => {
    const text = mediaPlaylist(50);
    const parts = [...rewriteInChunks(text, OPTIONS, Number.POSITIVE_INFINITY)];
    expect(parts).toHaveLength(1);
    expect(parts[0]!.text).toBe(rewritePlaylistDetailed(text, OPTIONS).text);
  });

  it('is not used for playlists with EXT-X-DEFINE (variables cross lines) or a BOM after the start', () => {
    expect(splittable('#EXTM3U\n#EXT-X-DEFINE:NAME="a",VALUE="b"\n{$a}.ts\n')).toBe(false);
    expect(splittable('#EXTM3U\n\uFEFFseg.ts\n')).toBe(false);
    expect(splittable('\uFEFF#EXTM3U\nseg.ts\n')).toBe(true);
  });
});

describe('encodeBody', () => {
  it('joins the parts into a text body when the viewer accepts no coding and they fit', async () => {
    const out = await encodeBody(['ab', 'cd', 'é'], { text: 6 });
    expect(out).toEqual({ encoding: 'identity', body: 'abcdé', plainBytes: 6 });
  });

  it.each([
    ['br', brotliDecompressSync],
    ['gzip', gunzipSync],
  ] as const)('encodes every part incrementally with %s when the viewer accepts it, even a small body', async (coding, decode) => {
    const parts = Array.from({ length: 200 }, (_, i) => `segment_${i}.ts?${CREDS}\n`);
    const out = await encodeBody(parts, { text: 1_000_000, encoded: { coding, base64: 100_000 } });
    expect(out.encoding).toBe(coding);
    if (out.encoding !== coding) return;
    expect(decode(Buffer.from(out.body, 'base64')).toString('utf8')).toBe(parts.join(''));
    expect(out.plainBytes).toBe(Buffer.byteLength(parts.join('')));
    expect(out.encodedBytes).toBe(Buffer.from(out.body, 'base64').length);
    expect(out.encodedBytes * 20).toBeLessThan(out.plainBytes);
  });

  it('reports too-large with the full text size when no coding is accepted', async () => {
    const out = await encodeBody(['x'.repeat(600), 'y'.repeat(600), 'z'], { text: 1000 });
    expect(out).toEqual({ encoding: 'too-large', plainBytes: 1201 });
  });

  it('reports too-large with both sizes when even the encoded body is over its limit', async () => {
    const random = Array.from({ length: 50 }, (_, i) => `${Math.random().toString(36).slice(2)}${i}\n`.repeat(3));
    const out = await encodeBody(random, { text: 100, encoded: { coding: 'gzip', base64: 64 } });
    expect(out.encoding).toBe('too-large');
    if (out.encoding !== 'too-large') return;
    expect(out.plainBytes).toBe(Buffer.byteLength(random.join('')));
    expect(out.encodedBytes).toBeGreaterThan(48);
  });
});
