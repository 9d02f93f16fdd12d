import { describe, expect, it } from 'vitest';
import { NotAPlaylistError } from '../../src/errors.js';
import { assertPlaylist, isPlaylist, rewritePlaylistDetailed } from '../../src/rewriter/index.js';
import { CREDS, VIEWER_URL, nonUriBytesProblem, timed } from './oracle.js';
import { HOSTILE_SHAPES } from '../../bench/linearity.js';

// Pathological inputs, each under a fixed budget. Budgets are about 10x (at least 2 s) the time measured on a
// shared, loaded 2-core machine, so they catch a hang or a quadratic blow-up without flaking; the printed times
// are the numbers to watch. The linear-time ratios (8n against n) are printed by the bench (bench/linearity.ts).

const MB = 1 << 20;
const rewrite = (text: string) => rewritePlaylistDetailed(text, { url: VIEWER_URL });

function underBudget(name: string, budgetMs: number, text: string): ReturnType<typeof rewrite> {
  const { ms, value } = timed(() => rewrite(text));
  console.log(`${name}: ${(text.length / MB).toFixed(2)} MB in ${ms.toFixed(1)} ms (budget ${budgetMs} ms)`);
  expect(ms).toBeLessThan(budgetMs);
  return value;
}

/** Best time of 5 runs of `fn`: noise from other processes only ever adds time. */
describe('the rewriter on pathological input', () => {
  it('rewrites a 1 MB URI line with no newline under its budget', () => {
    const out = underBudget('1 MB line, no newline', 2_000, `#EXTM3U\n${'a'.repeat(MB)}`);
    expect(out.rewritten).toBe(1);
  });

  it('passes a 1 MB tag line with no newline and no attribute through unchanged under its budget', () => {
    const text = `#EXTM3U\n#EXT-X-KEY:${'a'.repeat(MB)}`;
    expect(underBudget('1 MB tag line', 2_000, text).text).toBe(text);
  });

  it('leaves 100k unterminated quoted attributes (one line, and one per line) unchanged under its budget', () => {
    const oneLine = `#EXTM3U\n#EXT-X-KEY:${'URI="x,'.repeat(100_000)}`;
    expect(underBudget('100k unterminated quotes, one line', 2_000, oneLine).text).toBe(oneLine);
    const manyLines = `#EXTM3U\n${'#EXT-X-MAP:URI="x\n'.repeat(100_000)}`;
    expect(underBudget('100k unterminated quotes, 100k lines', 5_000, manyLines).text).toBe(manyLines);
  });

  it('handles 100k commas in an attribute list under its budget', () => {
    const bare = `#EXTM3U\n#EXT-X-MEDIA:${','.repeat(100_000)}URI="a.m3u8"\n`;
    expect(underBudget('100k bare commas', 2_000, bare).text).toBe(bare);
    const distinct = Array.from({ length: 100_000 }, (_, i) => `A${i}=1,`).join('');
    const attrs = `#EXTM3U\n#EXT-X-MEDIA:${distinct}URI="a.m3u8"\n`;
    const out = underBudget('100k distinct A<i>=1, attributes', 2_000, attrs);
    expect(out.rewritten).toBe(1);
    expect(nonUriBytesProblem(attrs, out.text)).toBeUndefined();
    // The same attribute 100k times: players disagree on which copy counts, so the URI gets no credentials.
    const repeated = `#EXTM3U\n#EXT-X-MEDIA:${'A=1,'.repeat(100_000)}URI="a.m3u8"\n`;
    const withheld = underBudget('100k repeated A=1, attributes', 2_000, repeated);
    expect(withheld.text).toBe(repeated);
    expect(withheld.withheld['duplicate-attribute']).toBe(1);
  });

  it('handles deeply repeated {$var} references, unclosed references and unknown names under its budget', () => {
    const define = `#EXT-X-DEFINE:NAME="v",VALUE="${'x'.repeat(100)}"`;
    const repeated = `#EXTM3U\n${define}\n${`${'{$v}'.repeat(100)}\n`.repeat(1_000)}`;
    underBudget('100k {$v} references over 1,000 lines', 3_000, repeated);
    const unclosed = `#EXTM3U\n${define}\n${'{$'.repeat(200_000)}\n`;
    expect(underBudget('200k unclosed {$', 2_000, unclosed).text).toBe(unclosed);
    const unknown = `#EXTM3U\n${define}\n${'{$w}'.repeat(200_000)}\n`;
    expect(underBudget('200k unknown {$w}', 2_000, unknown).text).toBe(unknown); // host unknown: no credentials
  });

  it('refuses text holding NUL bytes without throwing, and the edge refuses it as not a playlist', () => {
    const text = `#EXTM3U\n${'seg\0.ts\n'.repeat(100_000)}`;
    const out = underBudget('100k lines with NUL', 3_000, text);
    expect(out.refused).toBe('control-character');
    expect(out.text).toBe('');
    expect(isPlaylist(text)).toBe(false);
    expect(() => assertPlaylist(Buffer.from(text))).toThrow(NotAPlaylistError);
  });

  it('refuses invalid UTF-8 as not a playlist, and rewrites its lossy decoding without throwing', () => {
    const bytes = Buffer.concat([Buffer.from('#EXTM3U\n#EXTINF:4,\n'), Buffer.from([0xff, 0xfe, 0xc3, 0x28, 0xed, 0xa0, 0x80]), Buffer.from('.ts\n')]);
    expect(isPlaylist(bytes)).toBe(false);
    expect(() => assertPlaylist(bytes)).toThrow(NotAPlaylistError);
    const lossy = bytes.toString('utf8');
    const out = rewrite(lossy);
    expect(out.rewritten).toBe(1);
    expect(nonUriBytesProblem(lossy, out.text)).toBeUndefined();
  });

  it('rewrites a 50 MB media playlist under its budget, every segment carrying the credentials once', () => {
    const segment = '#EXTINF:6.000,\n#EXT-X-PROGRAM-DATE-TIME:2026-11-26T05:00:00.000Z\nhttps://example.com/movies/42/1080p/segment-000000.ts\n';
    const count = Math.ceil((50 * MB) / segment.length);
    const text = `#EXTM3U\n#EXT-X-TARGETDURATION:6\n${segment.repeat(count)}#EXT-X-ENDLIST\n`;
    const out = underBudget('50 MB media playlist', 40_000, text);
    expect(out.rewritten).toBe(count);
    expect(out.text.length).toBe(text.length + count * (CREDS.length + 1));
  }, 60_000);
});

describe('the rewriter stays linear on hostile shapes', () => {
  // 32n of each shape takes 0.7-2.3 s on a loaded 2-core machine; a quadratic scan would take 32x that (the
  // 8n / n ratios are figures of `npm run bench`, bench/linearity.ts, not a timed assertion here).
  for (const { name, n, make } of HOSTILE_SHAPES) {
    it(`rewrites 32x the ${name} under its budget`, () => {
      const out = underBudget(`32n ${name}`, 15_000, make(32 * n));
      expect(out.refused).toBeUndefined();
      expect(out.text.length).toBeGreaterThan(0);
    }, 60_000);
  }
});

describe('the rewriter with limits for hostile input', () => {
  const limits = { maxLineChars: 1_000, maxAttributes: 10, maxOutputChars: 100_000 };
  const limited = (text: string) => rewritePlaylistDetailed(text, { url: VIEWER_URL, limits });

  it('refuses a URI line or an #EXT-X- tag line past maxLineChars, and reads past long comments and #EXTINF titles', () => {
    expect(limited(`#EXTM3U\n${'a'.repeat(1_001)}\n`)).toMatchObject({ refused: 'line-too-long', text: '' });
    expect(limited(`#EXTM3U\n#EXT-X-MAP:URI="${'a'.repeat(1_000)}"\n`).refused).toBe('line-too-long');
    const ok = limited(`#EXTM3U\n# ${'c'.repeat(5_000)}\n#EXTINF:4,${'t'.repeat(5_000)}\n${'a'.repeat(1_000)}\n`);
    expect(ok.refused).toBeUndefined();
    expect(ok.rewritten).toBe(1);
  });

  it('refuses a URI-carrying or EXT-X-DEFINE tag with more than maxAttributes attributes', () => {
    const attrs = (n: number) => Array.from({ length: n }, (_, i) => `A${i}=1`).join(',');
    expect(limited(`#EXTM3U\n#EXT-X-MAP:${attrs(10)},URI="a.mp4"\n`).refused).toBe('too-many-attributes');
    expect(limited(`#EXTM3U\n#EXT-X-DEFINE:${attrs(11)}\n`).refused).toBe('too-many-attributes');
    expect(limited(`#EXTM3U\n#EXT-X-MAP:${attrs(9)},URI="a.mp4"\n`).refused).toBeUndefined();
  });

  it('stops at maxOutputChars: 16 MB of one-byte URI lines is refused after about the limit, not after 8M credentials', () => {
    const text = `#EXTM3U\n${'a\n'.repeat(8 * MB)}`;
    const { ms, value } = timed(() => rewritePlaylistDetailed(text, { url: VIEWER_URL, limits: { maxOutputChars: 20 * MB } }));
    console.log(`16 MB of one-byte URI lines with a 20 MB output limit: refused after ${value.rewritten} URIs in ${ms.toFixed(0)} ms`);
    expect(value.refused).toBe('output-too-large');
    expect(value.text).toBe('');
    expect(value.rewritten).toBeLessThan(8 * MB);
    expect(text.length + value.rewritten * (CREDS.length + 1)).toBeGreaterThan(20 * MB);
  });

  it('refuses a playlist whose text alone is past maxOutputChars before reading it', () => {
    expect(limited(`#EXTM3U\n${'#x\n'.repeat(40_000)}`).refused).toBe('output-too-large');
  });
});
