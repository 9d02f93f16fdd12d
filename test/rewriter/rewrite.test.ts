import { describe, expect, it } from 'vitest';
import { InvalidOptionError, NotAPlaylistError } from '../../src/errors.js';
import {
  assertPlaylist,
  isPlaylist,
  parseAttributeListForTest,
  rewritePlaylist,
  rewritePlaylistDetailed,
} from './exports.js';

const CREDS = 'Policy=P~1&Signature=S~2&Key-Pair-Id=K3';
const URL_SIGNED = `https://d111.cloudfront.net/movies/42/master.m3u8?${CREDS}`;

describe('rewritePlaylist', () => {
  it('takes credentials from the URL query byte for byte, never re-encoding ~ or %', () => {
    const url = 'https://d111.cloudfront.net/m/master.m3u8?Policy=a~b%2Fc_&Signature=x~y-&Key-Pair-Id=K';
    expect(rewritePlaylist('#EXTM3U\nseg.ts\n', { url })).toBe(
      '#EXTM3U\nseg.ts?Policy=a~b%2Fc_&Signature=x~y-&Key-Pair-Id=K\n',
    );
  });

  it('reads suffixed credentials when a credential suffix is given, and appends them under their real names', () => {
    const url = 'https://d111.cloudfront.net/m/a.m3u8?Policy-PREFIX=P&Signature-PREFIX=S&Key-Pair-Id-PREFIX=K&Hash-Algorithm-PREFIX=SHA256';
    expect(rewritePlaylist('#EXTM3U\nseg.ts\n', { url, credentialSuffix: '-PREFIX' })).toBe(
      '#EXTM3U\nseg.ts?Policy=P&Signature=S&Key-Pair-Id=K&Hash-Algorithm=SHA256\n',
    );
  });

  it('reads the credentials from the URL only, under their suffixed names when a suffix is given', () => {
    const out = rewritePlaylist('#EXTM3U\nseg.ts\n', {
      url: 'https://d111.cloudfront.net/m/a.m3u8?Policy=X&Policy-PREFIX=P&Signature-PREFIX=S&Key-Pair-Id-PREFIX=K',
      credentialSuffix: '-PREFIX',
    });
    expect(out).toBe('#EXTM3U\nseg.ts?Policy=P&Signature=S&Key-Pair-Id=K\n');
  });

  it('refuses a canned-policy URL with an error that says why', () => {
    const url = 'https://d111.cloudfront.net/m/a.m3u8?Expires=1700000000&Signature=S&Key-Pair-Id=K';
    expect(() => rewritePlaylist('#EXTM3U\nseg.ts\n', { url })).toThrow(InvalidOptionError);
    expect(() => rewritePlaylist('#EXTM3U\nseg.ts\n', { url })).toThrow(/canned policy/);
  });

  it('refuses a URL without credentials', () => {
    expect(() => rewritePlaylist('#EXTM3U\nseg.ts\n', { url: 'https://d111.cloudfront.net/a.m3u8' })).toThrow(/no complete/);
  });

  it('refuses a URL with a half set of credentials', () => {
    const url = 'https://d111.cloudfront.net/a.m3u8?Policy=P&Signature=S';
    expect(rewritePlaylistDetailed('#EXTM3U\nseg.ts\n', { url }).skipped).toBe('no-credentials');
  });

  it('ignores a credential sent twice, since it is ambiguous which one CloudFront checked', () => {
    const url = 'https://d111.cloudfront.net/a.m3u8?Policy=P&Signature=S&Signature=T&Key-Pair-Id=K';
    expect(rewritePlaylistDetailed('#EXTM3U\nseg.ts\n', { url }).skipped).toBe('no-credentials');
  });

  it('rejects a relative or non-http playlist URL', () => {
    expect(() => rewritePlaylist('#EXTM3U\n', { url: 'master.m3u8?Policy=P&Signature=S&Key-Pair-Id=K' })).toThrow(InvalidOptionError);
    expect(() => rewritePlaylist('#EXTM3U\n', { url: 'ftp://h/a.m3u8?Policy=P&Signature=S&Key-Pair-Id=K' })).toThrow(/http/);
  });

  it('counts rewritten and untouched URIs', () => {
    const text = '#EXTM3U\n#EXT-X-KEY:METHOD=SAMPLE-AES,URI="skd://k"\n#EXTINF:4,\na.ts\n#EXTINF:4,\nhttps://other.example/b.ts\n';
    const r = rewritePlaylistDetailed(text, { url: URL_SIGNED });
    expect(r).toMatchObject({ rewritten: 1, untouched: 2 });
    expect(r.skipped).toBeUndefined();
  });

  it('gives identical URIs identical rewrites (KEY and SESSION-KEY, PRELOAD-HINT and the later PART)', () => {
    const text = [
      '#EXTM3U',
      '#EXT-X-SESSION-KEY:METHOD=AES-128,URI="k.key"',
      '#EXT-X-KEY:METHOD=AES-128,URI="k.key"',
      '#EXT-X-PRELOAD-HINT:TYPE=PART,URI="p1.mp4"',
      '#EXT-X-PART:DURATION=1,URI="p1.mp4"',
      '',
    ].join('\n');
    const uris = [...rewritePlaylist(text, { url: URL_SIGNED }).matchAll(/URI="([^"]*)"/g)].map((m) => m[1]);
    expect(uris[0]).toBe(uris[1]);
    expect(uris[2]).toBe(uris[3]);
    expect(uris[0]).toBe(`k.key?${CREDS}`);
  });

  it('keeps an empty playlist and a playlist without a final newline byte for byte', () => {
    expect(rewritePlaylist('', { url: URL_SIGNED })).toBe('');
    expect(rewritePlaylist('#EXTM3U\nseg.ts', { url: URL_SIGNED })).toBe(`#EXTM3U\nseg.ts?${CREDS}`);
  });

  it('handles a lone CRLF-terminated URI line without touching the CR', () => {
    expect(rewritePlaylist('#EXTM3U\r\nseg.ts\r\n', { url: URL_SIGNED })).toBe(`#EXTM3U\r\nseg.ts?${CREDS}\r\n`);
  });

  it('uses http URIs on the same host only when the viewer itself uses http', () => {
    const url = `http://127.0.0.1:8080/m/master.m3u8?${CREDS}`;
    expect(rewritePlaylist('#EXTM3U\nhttp://127.0.0.1:8080/m/a.ts\nhttp://127.0.0.1:9090/m/a.ts\n', { url })).toBe(
      `#EXTM3U\nhttp://127.0.0.1:8080/m/a.ts?${CREDS}\nhttp://127.0.0.1:9090/m/a.ts\n`,
    );
  });

  it('matches allow-listed hosts with or without port', () => {
    const text = '#EXTM3U\nhttps://cdn.example.com/a.ts\nhttps://cdn2.example.com:8443/b.ts\n';
    const out = rewritePlaylist(text, { url: URL_SIGNED, allowHosts: [' CDN.example.com ', 'cdn2.example.com:8443'] });
    expect(out).toBe(`#EXTM3U\nhttps://cdn.example.com/a.ts?${CREDS}\nhttps://cdn2.example.com:8443/b.ts?${CREDS}\n`);
  });
});

describe('isPlaylist and assertPlaylist', () => {
  it('accepts text and bytes that start with #EXTM3U, with or without a BOM', () => {
    expect(isPlaylist('#EXTM3U\n')).toBe(true);
    expect(isPlaylist('#EXTM3U')).toBe(true);
    expect(isPlaylist(Buffer.from('\ufeff#EXTM3U\r\n'))).toBe(true);
  });

  it('rejects empty input, other text, look-alike tags, NUL bytes and invalid UTF-8', () => {
    expect(isPlaylist('')).toBe(false);
    expect(isPlaylist('<html>')).toBe(false);
    expect(isPlaylist('#EXTM3UX\n')).toBe(false);
    expect(isPlaylist('#EXTM3U\n\0\0')).toBe(false);
    expect(isPlaylist(new Uint8Array([0x23, 0x45, 0x58, 0x54, 0x4d, 0x33, 0x55, 0x0a, 0xff, 0xfe]))).toBe(false);
  });

  it('assertPlaylist throws a NotAPlaylistError naming the problem', () => {
    expect(() => assertPlaylist('')).toThrow(NotAPlaylistError);
    expect(() => assertPlaylist('')).toThrow(/empty/);
    expect(() => assertPlaylist(Buffer.from([0xff, 0xd8, 0xff]))).toThrow(/UTF-8/);
    expect(assertPlaylist(Buffer.from('#EXTM3U\n'))).toBe('#EXTM3U\n');
  });
});

describe('attribute list parsing (RFC 8216 4.2)', () => {
  it('keeps commas inside quoted strings and reports value offsets', () => {
    const line = 'A="x,y",URI="u.ts",B=1';
    const attrs = parseAttributeListForTest(line, 0);
    expect(attrs?.map((a) => [a.name, line.slice(a.valueStart, a.valueEnd)])).toEqual([
      ['A', '"x,y"'],
      ['URI', '"u.ts"'],
      ['B', '1'],
    ]);
  });

  it('gives up on an unterminated quoted string rather than guessing', () => {
    expect(parseAttributeListForTest('URI="open,B=1', 0)).toBeUndefined();
  });

  it('gives up on junk after a quoted string', () => {
    expect(parseAttributeListForTest('URI="a"junk,B=1', 0)).toBeUndefined();
  });
});

describe('credential bytes', () => {
  it('propagates nothing when a credential holds bytes that would break a quoted attribute or a line', () => {
    for (const bad of ['S",X="y', 'S,T', 'S T', 'S\nT', "S'T"]) {
      const url = `https://d111.cloudfront.net/a.m3u8?Policy=P&Signature=${bad}&Key-Pair-Id=K`;
      expect(rewritePlaylistDetailed('#EXTM3U\n#EXT-X-MAP:URI="i.mp4"\n', { url }).skipped, bad).toBe('no-credentials');
    }
  });

  it('substitutes a variable that carries stale credentials of its own, so they are replaced, not repeated', () => {
    const define = '#EXT-X-DEFINE:NAME="q",VALUE="?Policy=old&Signature-PREFIX=old&Key-Pair-Id=old&a=1"';
    // CloudFront's param names are case-sensitive: `signature` is not one, so this reference stays as written.
    const kept = '#EXT-X-DEFINE:NAME="k",VALUE="signature=x&b=2"';
    expect(rewritePlaylist(`#EXTM3U\n${define}\n${kept}\nseg.ts{$q}\nother.ts?{$k}\n`, { url: URL_SIGNED })).toBe(
      `#EXTM3U\n${define}\n${kept}\nseg.ts?a=1&${CREDS}\nother.ts?{$k}&${CREDS}\n`,
    );
  });

  it('propagates URL-safe base64 and percent-encoded credentials', () => {
    const url = 'https://d111.cloudfront.net/a.m3u8?Policy=P~_-.x&Signature=S%7Ea&Key-Pair-Id=K2AB';
    expect(rewritePlaylist('#EXTM3U\n#EXT-X-MAP:URI="i.mp4"\n', { url })).toBe(
      '#EXTM3U\n#EXT-X-MAP:URI="i.mp4?Policy=P~_-.x&Signature=S%7Ea&Key-Pair-Id=K2AB"\n',
    );
  });
});
