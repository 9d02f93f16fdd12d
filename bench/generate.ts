/**
 * Generated playlists for the benchmarks: VOD media playlists of any length, a 10-variant multivariant playlist
 * and an LL-HLS playlist with parts, plus realistic custom-policy credentials (~600 bytes of query, signed with a
 * real RSA-2048 key so the Signature has its true length).
 */
import { createSign, generateKeyPairSync } from 'node:crypto';
import type { KeyObject } from 'node:crypto';

export const BENCH_HOST = 'd111111abcdef8.cloudfront.net';
export const BENCH_TITLE = `https://${BENCH_HOST}/movies/42`;
export const KEY_PAIR_ID = 'K2JCJMDEHXQW5F';

/** CloudFront's URL-safe base64 (`+`->`-`, `=`->`_`, `/`->`~`). */
export function cloudFrontBase64(bytes: Buffer): string {
  return bytes.toString('base64').replace(/\+/g, '-').replace(/=/g, '_').replace(/\//g, '~');
}

let key: KeyObject | undefined;
/** One RSA-2048 private key per process (generation takes ~100 ms). */
export function benchPrivateKey(): KeyObject {
  key ??= generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  return key;
}

/** RSA-SHA1 signature of `data`, as CloudFront signs policies (SHA-1 is CloudFront's default). */
export function signPolicy(data: string, privateKey: KeyObject = benchPrivateKey()): string {
  return cloudFrontBase64(createSign('RSA-SHA1').update(data).sign(privateKey));
}

/** Custom policy for the whole title folder with an expiry and an IP condition, like a real signer issues. */
export function benchPolicy(resource = `${BENCH_TITLE}/*`): string {
  return JSON.stringify({
    Statement: [
      {
        Resource: resource,
        Condition: {
          DateLessThan: { 'AWS:EpochTime': 1798761600 },
          IpAddress: { 'AWS:SourceIp': '203.0.113.0/24' },
        },
      },
    ],
  });
}

let credentials: string | undefined;
/** `Policy=..&Signature=..&Key-Pair-Id=..`: raw query bytes, about 600 bytes. */
export function benchCredentials(): string {
  if (credentials === undefined) {
    const policy = benchPolicy();
    credentials = `Policy=${cloudFrontBase64(Buffer.from(policy))}&Signature=${signPolicy(policy)}&Key-Pair-Id=${KEY_PAIR_ID}`;
  }
  return credentials;
}

/** A playlist to benchmark and the signed URL a viewer fetched it with. */
export interface Workload {
  name: string;
  text: string;
  url: string;
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

/** VOD media playlist (fMP4, one AES-128 key, 6.006 s segments) with `segments` relative segment URIs. */
export function vodPlaylist(segments: number): string {
  const width = Math.max(6, String(segments).length);
  const lines = [
    '#EXTM3U',
    '#EXT-X-VERSION:7',
    '#EXT-X-TARGETDURATION:7',
    '#EXT-X-MEDIA-SEQUENCE:0',
    '#EXT-X-PLAYLIST-TYPE:VOD',
    '#EXT-X-INDEPENDENT-SEGMENTS',
    '#EXT-X-KEY:METHOD=AES-128,URI="keys/key-0001.bin",IV=0x00000000000000000000000000000001',
    '#EXT-X-MAP:URI="1080p/init.mp4"',
  ];
  for (let i = 0; i < segments; i++) {
    lines.push('#EXTINF:6.006,', `1080p/segment_${pad(i, width)}.m4s`);
  }
  lines.push('#EXT-X-ENDLIST', '');
  return lines.join('\n');
}

/** Multivariant playlist: 10 video variants, 2 audio and 2 subtitle renditions, 3 I-frame playlists. */
export function multivariantPlaylist(): string {
  const ladder: Array<[number, string, number]> = [
    [145_000, '416x234', 15], [365_000, '480x270', 24], [730_000, '640x360', 24], [1_100_000, '768x432', 30],
    [2_000_000, '960x540', 30], [3_000_000, '1280x720', 30], [4_500_000, '1280x720', 60], [6_000_000, '1920x1080', 30],
    [7_800_000, '1920x1080', 60], [12_000_000, '3840x2160', 30],
  ];
  const lines = [
    '#EXTM3U',
    '#EXT-X-VERSION:7',
    '#EXT-X-INDEPENDENT-SEGMENTS',
    '#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="aac",LANGUAGE="en",NAME="English",DEFAULT=YES,AUTOSELECT=YES,CHANNELS="2",URI="audio/en/index.m3u8"',
    '#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="aac",LANGUAGE="fr",NAME="Français",DEFAULT=NO,AUTOSELECT=YES,CHANNELS="2",URI="audio/fr/index.m3u8"',
    '#EXT-X-MEDIA:TYPE=SUBTITLES,GROUP-ID="subs",LANGUAGE="en",NAME="English",DEFAULT=NO,AUTOSELECT=YES,FORCED=NO,URI="subs/en/index.m3u8"',
    '#EXT-X-MEDIA:TYPE=SUBTITLES,GROUP-ID="subs",LANGUAGE="fr",NAME="Français",DEFAULT=NO,AUTOSELECT=YES,FORCED=NO,URI="subs/fr/index.m3u8"',
  ];
  for (const [bandwidth, resolution, fps] of ladder) {
    const height = resolution.split('x')[1];
    lines.push(
      `#EXT-X-STREAM-INF:BANDWIDTH=${bandwidth},AVERAGE-BANDWIDTH=${Math.round(bandwidth * 0.8)},CODECS="avc1.640028,mp4a.40.2",RESOLUTION=${resolution},FRAME-RATE=${fps}.000,AUDIO="aac",SUBTITLES="subs",CLOSED-CAPTIONS=NONE`,
      `video/${height}p${fps}/index.m3u8`,
    );
  }
  for (const [bandwidth, resolution] of [[90_000, '640x360'], [200_000, '1280x720'], [400_000, '1920x1080']] as const) {
    lines.push(`#EXT-X-I-FRAME-STREAM-INF:BANDWIDTH=${bandwidth},CODECS="avc1.640028",RESOLUTION=${resolution},URI="iframes/${resolution.split('x')[1]}p/index.m3u8"`);
  }
  lines.push('');
  return lines.join('\n');
}

/**
 * LL-HLS media playlist (RFC 8216bis appendix B shape): 4 s segments of four 1 s parts. Every segment keeps its
 * parts, which is heavier than the spec's "last three target durations": a worst case for attribute parsing.
 */
export function llHlsPlaylist(segments: number): string {
  const first = 1000;
  const lines = [
    '#EXTM3U',
    '#EXT-X-VERSION:9',
    '#EXT-X-TARGETDURATION:4',
    '#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,PART-HOLD-BACK=3.0,CAN-SKIP-UNTIL=24.0',
    '#EXT-X-PART-INF:PART-TARGET=1.0',
    `#EXT-X-MEDIA-SEQUENCE:${first}`,
    '#EXT-X-MAP:URI="init.mp4"',
  ];
  const start = Date.UTC(2026, 10, 26, 4, 0, 0);
  for (let s = first; s < first + segments; s++) {
    lines.push(`#EXT-X-PROGRAM-DATE-TIME:${new Date(start + (s - first) * 4000).toISOString()}`);
    for (let p = 0; p < 4; p++) {
      lines.push(`#EXT-X-PART:DURATION=1.00000,URI="seg${s}.part${p}.m4s"${p === 0 ? ',INDEPENDENT=YES' : ''}`);
    }
    lines.push('#EXTINF:4.00000,', `seg${s}.m4s`);
  }
  const next = first + segments;
  lines.push(
    `#EXT-X-PRELOAD-HINT:TYPE=PART,URI="seg${next}.part0.m4s"`,
    `#EXT-X-RENDITION-REPORT:URI="../720p/live.m3u8",LAST-MSN=${next - 1},LAST-PART=3`,
    `#EXT-X-RENDITION-REPORT:URI="../480p/live.m3u8",LAST-MSN=${next - 1},LAST-PART=3`,
    '',
  );
  return lines.join('\n');
}

/** The viewer's signed URL for a playlist of the bench title. */
export function signedUrl(path: string): string {
  return `${BENCH_TITLE}/${path}?${benchCredentials()}`;
}

/** The workloads of a bench run: 1k, 20k (and 100k unless quick) VOD, multivariant, LL-HLS. */
export function workloads({ quick }: { quick: boolean }): Workload[] {
  const vodSizes = quick ? [1_000, 5_000] : [1_000, 20_000, 100_000];
  return [
    ...vodSizes.map((n) => ({ name: `VOD ${n.toLocaleString('en-US')} segments`, text: vodPlaylist(n), url: signedUrl('1080p/index.m3u8') })),
    { name: 'multivariant, 10 variants', text: multivariantPlaylist(), url: signedUrl('master.m3u8') },
    { name: `LL-HLS ${quick ? 250 : 2_000} segments x 4 parts`, text: llHlsPlaylist(quick ? 250 : 2_000), url: signedUrl('720p/live.m3u8') },
  ];
}
