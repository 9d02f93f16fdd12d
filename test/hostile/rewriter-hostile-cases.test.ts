import { describe, expect, it } from 'vitest';
import { rewritePlaylistDetailed } from '../../src/rewriter/index.js';
import { CREDS, VIEWER_BASE, VIEWER_URL, foreignCredentialProblem, parse, withoutCredentials } from './oracle.js';

// Hand-picked hostile playlists found by the property tests, kept as named regressions.

const rewrite = (text: string, url = VIEWER_URL) => rewritePlaylistDetailed(text, { url });

/** URI spellings that WHATWG URL (browsers, Chromium's native player, Safari) resolves to evil.example. */
const DISGUISED_FOREIGN = [
  '/\\evil.example/a.ts',
  '\\\\evil.example/a.ts',
  '\\/evil.example/a.ts',
  '/\t/evil.example/a.ts',
  '/\r/evil.example/a.ts',
  ' //evil.example/a.ts',
  ' https://evil.example/a.ts',
  '\u0001https://evil.example/a.ts',
  'h\tttps://evil.example/a.ts',
];

describe('the rewriter against disguised foreign hosts', () => {
  for (const uri of DISGUISED_FOREIGN) {
    it(`puts no credentials on ${JSON.stringify(uri)}, which a browser resolves to evil.example (attribute and URI line)`, () => {
      expect(new URL(uri, VIEWER_BASE).host).toBe('evil.example'); // the premise
      for (const text of [`#EXTM3U\n#EXT-X-MAP:URI="${uri}"\n`, `#EXTM3U\n#EXTINF:4,\n${uri}\n`]) {
        const out = rewrite(text);
        expect(foreignCredentialProblem(out.text)).toBeUndefined();
        expect(out.text).not.toContain(CREDS);
      }
    });
  }

  it('puts no credentials on a URI whose viewer-controlled QUERYPARAM variable injects a second URI attribute', () => {
    const injected = encodeURIComponent('x",URI="https://evil.example/k');
    const text = '#EXTM3U\n#EXT-X-DEFINE:QUERYPARAM="q"\n#EXT-X-KEY:METHOD=AES-128,URI="key{$q}"\n#EXTINF:4,\na.ts\n';
    const out = rewrite(text, `${VIEWER_URL}&q=${injected}`).text;
    expect(foreignCredentialProblem(out)).toBeUndefined();
    // The viewer's bytes are never copied into the playlist: the reference stays for the player to resolve.
    expect(out).not.toContain('evil.example');
    expect(out.split('\n')[2]).toMatch(/^#EXT-X-KEY:METHOD=AES-128,URI="key\{\$q\}(\?[^"]*)?"$/);
  });

  it('adds no line to the playlist through a QUERYPARAM value holding a newline', () => {
    const injected = encodeURIComponent('\n#EXT-X-ENDLIST\nhttps://evil.example/x');
    const text = '#EXTM3U\n#EXT-X-DEFINE:QUERYPARAM="q"\n#EXTINF:4,\nseg{$q}.ts\n';
    const out = rewrite(text, `${VIEWER_URL}&q=${injected}`).text;
    expect(out.split('\n')).toHaveLength(text.split('\n').length);
    expect(out).not.toContain('evil.example');
  });
});

describe('the rewriter against variable tricks', () => {
  it('survives a 1 MB playlist that references a 500 KB variable 125,000 times (no throw, output at most doubled)', () => {
    const text = `#EXTM3U\n#EXT-X-DEFINE:NAME="v",VALUE="${'x'.repeat(500_000)}"\n${'{$v}'.repeat(125_000)}\n`;
    let out = '';
    expect(() => {
      out = rewrite(text).text;
    }).not.toThrow();
    expect(out.length).toBeLessThanOrEqual(2 * text.length + CREDS.length + 1);
  });

  it('keeps a 256 KB playlist of 2 KB variable references from expanding past twice its size', () => {
    const lines = `${'{$v}'.repeat(4)}\n`.repeat(15_000);
    const text = `#EXTM3U\n#EXT-X-DEFINE:NAME="v",VALUE="${'y'.repeat(2000)}"\n${lines}`;
    const start = performance.now();
    const out = rewrite(text);
    const ms = performance.now() - start;
    console.log(`variable amplification: ${text.length} bytes in, ${out.text.length} bytes out, ${ms.toFixed(0)} ms`);
    expect(out.text.length).toBeLessThanOrEqual(2 * text.length + out.rewritten * (CREDS.length + 1));
  });

  it('refuses a variable value that references a variable (hls.js substitutes it at definition time)', () => {
    const text = '#EXTM3U\n#EXT-X-DEFINE:NAME="a",VALUE="{$a}x"\n#EXTINF:4,\np/{$a}.ts\n';
    const out = rewrite(text);
    expect(out.refused).toBe('variable-definition');
    expect(out.text).toBe('');
  });
});

describe('the rewriter against whitespace players trim', () => {
  it('withholds credentials from a URI with Unicode whitespace (U+FEFF, U+00A0, U+3000) that some players trim and others keep', () => {
    for (const ws of ['\ufeff', '\u00a0', '\u3000']) {
      for (const text of [`#EXTM3U\n#EXTINF:4,\nseg.ts${ws}\n`, `#EXTM3U\n#EXTINF:4,\n${ws}seg.ts\n`, `#EXTM3U\n#EXT-X-MAP:URI="${ws}init.mp4"\n`]) {
        const out = rewrite(text);
        expect(out.text).toBe(text);
        expect(out.withheld).toEqual({ 'whitespace-or-control': 1 });
      }
    }
  });

  it('withholds credentials from a whole tag line behind U+00A0 or U+FEFF (a tag to hls.js, a URI line to ffmpeg)', () => {
    for (const ws of ['\u00a0', '\ufeff']) {
      const text = `#EXTM3U\n${ws}#EXT-X-KEY:METHOD=AES-128,URI="k.bin"\n#EXTINF:4,\na.ts\n`;
      const out = rewrite(text);
      expect(out.text).toBe(`#EXTM3U\n${ws}#EXT-X-KEY:METHOD=AES-128,URI="k.bin"\n#EXTINF:4,\na.ts?${CREDS}\n`);
      expect(out.withheld).toEqual({ 'whitespace-or-control': 1 });
    }
  });

  it('refuses a playlist holding a line terminator some players split at (U+2028, U+2029, U+0085, lone CR)', () => {
    for (const br of ['\u2028', '\u2029', '\u0085', '\r']) {
      const out = rewrite(`#EXTM3U\n#EXTINF:4,\nseg.ts${br}x\n`);
      expect(out.refused).toBe('control-character');
      expect(out.text).toBe('');
    }
  });

  it('keeps credentials on a URI line with ASCII spaces and tabs around it, which every reader trims alike', () => {
    const text = '#EXTM3U\n#EXTINF:4,\n \tseg.ts\t \n';
    const out = rewrite(text).text;
    expect(out).toBe(`#EXTM3U\n#EXTINF:4,\n \tseg.ts?${CREDS}\t \n`);
    expect(withoutCredentials(parse(out))).toEqual(withoutCredentials(parse(text)));
  });

  it('leaves a tag line with leading whitespace alone: players trim it and read a tag, not a URI', () => {
    const text = '#EXTM3U\n  #EXTINF:4,\nseg.ts\n';
    const out = rewrite(text).text;
    expect(out.split('\n')[1]).toBe('  #EXTINF:4,');
    expect(withoutCredentials(parse(out))).toEqual(withoutCredentials(parse(text)));
  });
});
