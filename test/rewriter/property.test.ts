import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { rewritePlaylistDetailed } from '../../src/rewriter/index.js';

// Property-based tests over generated playlists: the rewriter must be lossless outside URIs, idempotent,
// and must put credentials only on URIs that resolve to the viewer's host. A bare trailing '?' or '&' is
// left to the golden files: 'a.ts?' becomes 'a.ts?Policy=..', which stripping cannot tell from 'a.ts'.
const CREDS = 'Policy=P~q_&Signature=S~i-g&Key-Pair-Id=KID';
const URL_SIGNED = `https://d111.cloudfront.net/movies/42/master.m3u8?${CREDS}`;
const OPTIONS = { url: URL_SIGNED, steeringHosts: ['d111.cloudfront.net'] };

const segment = fc.stringMatching(/^[a-z0-9_.-]{1,12}$/);
const sameHostUri = fc.oneof(
  segment,
  segment.map((s) => `/movies/42/${s}`),
  segment.map((s) => `../${s}`),
  segment.map((s) => `https://d111.cloudfront.net/movies/${s}`),
  segment.map((s) => `//d111.cloudfront.net/${s}`),
);
const foreignUri = fc.oneof(
  segment.map((s) => `https://cdn.other.example/${s}`),
  segment.map((s) => `http://d111.cloudfront.net/${s}`),
  segment.map((s) => `skd://${s}`),
  segment.map((s) => `data:text/plain,${s}`),
);
const withQuery = (uri: fc.Arbitrary<string>) =>
  fc.tuple(uri, fc.constantFrom('', '?a=1', '?x=%7E~&y', '?z', '#frag', '?b=2#t=3')).map(([u, q]) => u + q);
const anyUri = fc.oneof(withQuery(sameHostUri), withQuery(foreignUri));

const uriTag = fc.tuple(
  fc.constantFrom('EXT-X-KEY:METHOD=AES-128,', 'EXT-X-MAP:', 'EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="a,b",', 'EXT-X-PART:DURATION=1,', 'EXT-X-SESSION-KEY:METHOD=AES-128,', 'EXT-X-RENDITION-REPORT:', 'EXT-X-I-FRAME-STREAM-INF:BANDWIDTH=1,'),
  anyUri,
  fc.constantFrom('', ',IV=0x1', ',NAME="x,URI=y"'),
).map(([head, uri, tail]) => `#${head}URI="${uri}"${tail}`);
const line = fc.oneof(
  uriTag,
  anyUri,
  anyUri.map((u) => `  ${u}\t`),
  fc.constantFrom('#EXTINF:4,', '#EXTINF:4,title, "x"', '# comment URI="c.ts"', '', '   ', '#EXT-X-UNKNOWN:URI="u.ts"', '#EXT-X-TARGETDURATION:4'),
  anyUri.map((u) => `#EXT-X-PREFETCH:${u}`),
  // Steering allowed to the viewer's own host (OPTIONS): a same-host manifest; foreign ones are refused (rewrite.test.ts).
  withQuery(sameHostUri).map((u) => `#EXT-X-CONTENT-STEERING:SERVER-URI="${u}",PATHWAY-ID="p"`),
);
const playlist = fc
  .tuple(fc.boolean(), fc.array(fc.tuple(line, fc.constantFrom('\n', '\r\n')), { maxLength: 40 }), fc.boolean())
  .map(([bom, lines, finalNewline]) => {
    let text = `${bom ? '\ufeff' : ''}#EXTM3U\n`;
    lines.forEach(([l, eol], i) => {
      text += l + (i === lines.length - 1 && !finalNewline ? '' : eol);
    });
    return text;
  });

function strip(text: string): string {
  return text.split(`&${CREDS}`).join('').split(`?${CREDS}`).join('');
}

describe('rewriter properties over generated playlists', () => {
  it('changes no byte outside URIs (removing the credentials gives back the input less any BOM)', () => {
    fc.assert(
      fc.property(playlist, (text) => {
        const out = rewritePlaylistDetailed(text, OPTIONS).text;
        expect(strip(out)).toBe(text.replace(/^\ufeff/, ''));
      }),
      { numRuns: 400 },
    );
  });

  it('is idempotent', () => {
    fc.assert(
      fc.property(playlist, (text) => {
        const once = rewritePlaylistDetailed(text, OPTIONS).text;
        expect(rewritePlaylistDetailed(once, OPTIONS).text).toBe(once);
      }),
      { numRuns: 400 },
    );
  });

  it('is idempotent on any query made of empty pieces, plain params and stale credentials', () => {
    // A query's own trailing '&'s ('x=1&&') and stale credentials in any place: the second rewrite must find the
    // first one's output unchanged ('a.ts?&' once lost its '&' on the second pass).
    const piece = fc.constantFrom('', 'x=1', 'y', 'Policy=old', 'Signature=old', 'Key-Pair-Id=K0');
    const query = fc.array(piece, { maxLength: 6 }).map((pieces) => pieces.join('&'));
    fc.assert(
      fc.property(query, (q) => {
        const text = `#EXTM3U\n#EXT-X-TARGETDURATION:4\n#EXTINF:4,\na.ts?${q}\n#EXT-X-ENDLIST\n`;
        const once = rewritePlaylistDetailed(text, OPTIONS).text;
        expect(once).toContain('a.ts?');
        expect(rewritePlaylistDetailed(once, OPTIONS).text).toBe(once);
      }),
      { numRuns: 400 },
    );
  });

  it('puts credentials only on https URIs of the viewer host, exactly once each, and counts them', () => {
    fc.assert(
      fc.property(playlist, (text) => {
        const { text: out, rewritten } = rewritePlaylistDetailed(text, OPTIONS);
        let seen = 0;
        for (const m of out.matchAll(/(?:URI="|PREFETCH:|^\s*)([^"\s]*Policy=[^"\s]*)/gm)) {
          const uri = m[1] ?? '';
          seen++;
          const resolved = new URL(uri, URL_SIGNED);
          expect(resolved.protocol).toBe('https:');
          expect(resolved.host).toBe('d111.cloudfront.net');
          expect(uri.split('Signature=').length - 1).toBe(1);
        }
        expect(seen).toBe(rewritten);
        expect(out.split(CREDS).length - 1).toBe(rewritten);
      }),
      { numRuns: 400 },
    );
  });

  it('never throws on arbitrary text, and either refuses it whole or never grows lines that hold no URI', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 400 }), (junk) => {
        const result = rewritePlaylistDetailed(`#EXTM3U\n${junk}`, OPTIONS);
        if (result.refused !== undefined) {
          expect(result.refused).not.toBe('failed-check');
          expect(result.text).toBe('');
        }
        else expect(strip(result.text)).toBe(`#EXTM3U\n${junk}`);
      }),
      { numRuns: 400 },
    );
  });
});
