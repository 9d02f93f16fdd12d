import { describe, expect, it } from 'vitest';
import { PassThrough } from 'node:stream';
import { main } from '../../src/cli/main.js';
import { tamperSignature, withoutCredentials } from '../../src/cli/commands/verify.js';
import { playlistUris } from '../../src/cli/commands/verify-walk.js';
import { ABSOLUTE_ONLY, URI_ATTRIBUTES } from '../../src/hls/index.js';
import { rewritePlaylistDetailed } from '../../src/rewriter/index.js';
import { startLocalEdgeForSuite } from '../helpers/local-edge.js';

function io() {
  let out = '';
  let err = '';
  return {
    io: { stdin: new PassThrough(), stdout: { write: (s: string | Uint8Array) => (out += String(s)) }, stderr: { write: (s: string | Uint8Array) => (err += String(s)) } },
    out: () => out,
    err: () => err,
  };
}

describe('verify: playlist walking helpers', () => {
  it('reads attribute lists with commas inside quoted strings', () => {
    expect(playlistUris('#EXTM3U\n#EXT-X-MEDIA:TYPE=AUDIO,NAME="a,b",URI="x.m3u8?a=1,2",DEFAULT=YES\n')).toEqual([{ kind: 'rendition', uri: 'x.m3u8?a=1,2' }]);
  });

  it('walks every URI place the rewriter gives credentials, from the same tag table', () => {
    const lines = ['#EXTM3U'];
    for (const [tag, kinds] of URI_ATTRIBUTES) {
      // Places some player resolves against the page get credentials only as absolute URLs (ABSOLUTE_ONLY).
      const value = (name: string) => `${ABSOLUTE_ONLY.has(kinds.get(name)!) ? 'https://d.example/' : ''}${tag.toLowerCase()}-${name.toLowerCase()}.x`;
      lines.push(`#${tag}:${[...kinds.keys()].map((name) => `${name}="${value(name)}"`).join(',')}`);
    }
    lines.push('#EXT-X-PREFETCH:prefetch.ts', '#EXT-X-STREAM-INF:BANDWIDTH=1', 'variant.m3u8', '#EXTINF:4,', 'segment.ts', '');
    const playlist = lines.join('\n');
    const walked = playlistUris(playlist);
    const rewrite = rewritePlaylistDetailed(playlist, { url: 'https://d.example/m.m3u8?Policy=P&Signature=S&Key-Pair-Id=K', steeringHosts: ['d.example'] });
    expect(walked).toHaveLength(rewrite.rewritten);
    expect(new Set(walked.map((w) => w.kind))).toEqual(new Set([
      'rendition', 'iframe-playlist', 'image-playlist', 'key', 'map', 'session-data', 'part', 'preload-hint', 'rendition-report',
      'steering-manifest', 'interstitial-asset', 'interstitial-asset-list', 'daterange-uri', 'prefetch', 'variant', 'segment',
    ]));
  });

  it('finds variants, renditions, I-frame playlists, keys, maps and byte-range segments, and skips skd: keys', () => {
    const master = '#EXTM3U\n#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="a",URI="audio.m3u8"\n#EXT-X-STREAM-INF:BANDWIDTH=1\nv1.m3u8\n#EXT-X-I-FRAME-STREAM-INF:BANDWIDTH=1,URI="if.m3u8"\n';
    expect(playlistUris(master)).toEqual([
      { kind: 'rendition', uri: 'audio.m3u8' },
      { kind: 'variant', uri: 'v1.m3u8' },
      { kind: 'iframe-playlist', uri: 'if.m3u8' },
    ]);
    const media = '#EXTM3U\r\n#EXT-X-KEY:METHOD=SAMPLE-AES,URI="skd://k"\r\n#EXT-X-KEY:METHOD=AES-128,URI="k.bin"\r\n#EXT-X-MAP:URI="init.mp4",BYTERANGE="100@0"\r\n#EXTINF:2,\r\n#EXT-X-BYTERANGE:50@100\r\nall.mp4\r\n#EXTINF:2,\r\n#EXT-X-BYTERANGE:70\r\nall.mp4\r\n';
    expect(playlistUris(media)).toEqual([
      { kind: 'key', uri: 'k.bin' },
      { kind: 'map', uri: 'init.mp4', range: 'bytes=0-99' },
      { kind: 'segment', uri: 'all.mp4', range: 'bytes=100-149' },
      { kind: 'segment', uri: 'all.mp4', range: 'bytes=150-219' },
    ]);
  });

  it('removes only the signing params and tampers only the signature', () => {
    expect(withoutCredentials('https://d/x.m3u8?a=1&Policy=p~&Signature=s&Key-Pair-Id=K&b=2')).toBe('https://d/x.m3u8?a=1&b=2');
    expect(withoutCredentials('https://d/x.m3u8?Policy=p&Signature=s&Key-Pair-Id=K')).toBe('https://d/x.m3u8');
    const t = tamperSignature('https://d/x?Policy=p&Signature=abcdef&Key-Pair-Id=K');
    expect(t).toMatch(/^https:\/\/d\/x\?Policy=p&Signature=abc[AB]ef&Key-Pair-Id=K$/);
    expect(t).not.toContain('Signature=abcdef');
  });
});

describe('the verify and serve commands against the local edge', () => {
  const edge = startLocalEdgeForSuite();

  it('verify exits 0 on the sample and never prints the signature', async () => {
    const master = edge().sign('/master.m3u8');
    const t = io();
    const code = await main(['verify', master, '--sample', '2'], t.io);
    expect(t.out()).toMatch(/^master\s+1\s+200\s+1\/1\s+ok$/m);
    expect(t.out()).toMatch(/^unsigned copies\s+7\s+403 MissingKey/m);
    expect(t.out()).toMatch(/^tampered signature\s+1\s+403 AccessDenied/m);
    expect(t.out()).not.toContain(/Signature=([^&]+)/.exec(master)![1]!);
    expect(code).toBe(0);
  });

  it('verify exits 1 when the master is refused (a Key-Pair-Id the edge does not trust)', async () => {
    const t = io();
    const untrusted = edge().sign('/master.m3u8').replace(/Key-Pair-Id=[^&]+/, 'Key-Pair-Id=KUNTRUSTED0000');
    expect(await main(['verify', untrusted], t.io)).toBe(1);
    expect(t.out()).toMatch(/^master\s+1\s+403 \S+\s+1\/1\s+FAIL$/m);
    expect(t.out()).toMatch(/^result: FAILED/m);
  });

  it('serve prints the listening address, a signed URL, an unsigned URL and the player, and stops on SIGINT', async () => {
    const t = io();
    const running = main(['serve', '--port', '0', '--quiet'], t.io);
    for (let i = 0; i < 100 && !t.out().includes('Ctrl-C'); i++) await new Promise((r) => setTimeout(r, 50));
    const listening = /^listening (http:\/\/127\.0\.0\.1:\d+)$/m.exec(t.out());
    expect(listening).not.toBeNull();
    const signed = /^signed master URL .*: (\S+)$/m.exec(t.out())![1]!;
    const unsigned = /^unsigned URL .*: (\S+)$/m.exec(t.out())![1]!;
    expect((await fetch(signed)).status).toBe(200);
    expect((await fetch(unsigned)).status).toBe(403);
    expect(t.out()).toMatch(/^player: http:\/\/127\.0\.0\.1:\d+\/_local\/player\.html#src=/m);
    process.emit('SIGINT');
    expect(await running).toBe(0);
    await expect(fetch(signed)).rejects.toThrow();
  });
});
