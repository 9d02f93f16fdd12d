/** Playlists and assertions shared by the origin-response tests (contract-level: no rewriter internals). */
import { expect } from 'vitest';

export const MASTER = [
  '#EXTM3U',
  '#EXT-X-VERSION:6',
  '#EXT-X-INDEPENDENT-SEGMENTS',
  '#EXT-X-SESSION-KEY:METHOD=SAMPLE-AES,URI="skd://key42",KEYFORMAT="com.apple.streamingkeydelivery",KEYFORMATVERSIONS="1"',
  '#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="aud",NAME="English",DEFAULT=YES,AUTOSELECT=YES,LANGUAGE="en",URI="audio/en.m3u8"',
  '#EXT-X-STREAM-INF:BANDWIDTH=2000000,RESOLUTION=1280x720,CODECS="avc1.64001f,mp4a.40.2",AUDIO="aud"',
  '720p/index.m3u8',
  '#EXT-X-STREAM-INF:BANDWIDTH=5000000,RESOLUTION=1920x1080,CODECS="avc1.640028,mp4a.40.2",AUDIO="aud"',
  'https://video.example.com/movies/42/1080p/index.m3u8',
  '#EXT-X-STREAM-INF:BANDWIDTH=800000,RESOLUTION=640x360,CODECS="avc1.4d401e,mp4a.40.2",AUDIO="aud"',
  'https://cdn.thirdparty.example/movies/42/360p/index.m3u8',
  '#EXT-X-I-FRAME-STREAM-INF:BANDWIDTH=200000,URI="720p/iframes.m3u8"',
  '',
].join('\n');

/** A VOD media playlist of `n` segments. */
export function mediaPlaylist(n: number, name: (i: number) => string = (i) => `seg${String(i).padStart(5, '0')}.ts`): string {
  const lines = ['#EXTM3U', '#EXT-X-VERSION:3', '#EXT-X-TARGETDURATION:6', '#EXT-X-PLAYLIST-TYPE:VOD', '#EXT-X-MEDIA-SEQUENCE:0'];
  for (let i = 0; i < n; i++) lines.push('#EXTINF:6.000,', name(i));
  lines.push('#EXT-X-ENDLIST', '');
  return lines.join('\n');
}

/** Raw values of `name` in a URI's query. */
function paramValues(uri: string, name: string): string[] {
  const q = uri.includes('?') ? uri.slice(uri.indexOf('?') + 1).split('#', 1)[0]! : '';
  return q.split('&').filter((p) => p.split('=', 1)[0] === name).map((p) => p.slice(name.length + 1));
}

export interface Creds { Policy: string; Signature: string; 'Key-Pair-Id': string }

/** Credentials (raw) an origin-response event carries under suffixed names. */
export function suffixedCreds(querystring: string): Creds {
  const get = (n: string): string => paramValues(`?${querystring}`, `${n}-PREFIX`)[0]!;
  return { Policy: get('Policy'), Signature: get('Signature'), 'Key-Pair-Id': get('Key-Pair-Id') };
}

/** Asserts the URI carries each credential exactly once, byte for byte, and no suffixed copy. */
export function expectCredentials(uri: string, creds: Creds): void {
  for (const [name, v] of Object.entries(creds)) expect(paramValues(uri, name), `${name} in ${uri}`).toEqual([v]);
  expect(uri).not.toContain('-PREFIX');
}

/** Asserts the URI carries no credential at all. */
export function expectNoCredentials(uri: string): void {
  for (const name of ['Policy', 'Signature', 'Key-Pair-Id', 'Expires']) expect(paramValues(uri, name), `${name} in ${uri}`).toEqual([]);
}

/** The URI on the line after `prefix`, or the URI="..." of the line that starts with `prefix`. */
export function uriOf(playlist: string, prefix: string): string {
  const lines = playlist.split(/\r?\n/);
  const i = lines.findIndex((l) => l.startsWith(prefix));
  expect(i, `line starting ${prefix}`).toBeGreaterThanOrEqual(0);
  const m = /(?:^|,)URI="([^"]*)"/.exec(lines[i]!.slice(lines[i]!.indexOf(':') + 1));
  return m ? m[1]! : lines[i + 1]!;
}

/** Asserts the rewritten master playlist follows the contract for the given credentials. */
export function expectRewrittenMaster(text: string, creds: Creds): void {
  expect(text.startsWith('#EXTM3U')).toBe(true);
  expect(text.split('\n').length).toBe(MASTER.split('\n').length);
  expectCredentials(uriOf(text, '#EXT-X-MEDIA:'), creds);
  expectCredentials(uriOf(text, '#EXT-X-STREAM-INF:BANDWIDTH=2000000'), creds);
  expectCredentials(uriOf(text, '#EXT-X-STREAM-INF:BANDWIDTH=5000000'), creds); // allow-listed host
  expectCredentials(uriOf(text, '#EXT-X-I-FRAME-STREAM-INF:'), creds);
  expect(uriOf(text, '#EXT-X-STREAM-INF:BANDWIDTH=800000')).toBe('https://cdn.thirdparty.example/movies/42/360p/index.m3u8');
  expect(uriOf(text, '#EXT-X-SESSION-KEY:')).toBe('skd://key42');
}
