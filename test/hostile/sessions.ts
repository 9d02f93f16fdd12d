/**
 * The edge in memory for test/hostile/players.test.ts: documents of one title served to the real hls.js, each
 * playlist rewritten for the URL hls.js asks for (as origin-response does), or written by a broken writer that shows
 * the harness can see a leak. JSON documents (steering manifests, interstitial asset lists) are served as they are:
 * origin-response rewrites only bodies that start with #EXTM3U (src/edge/origin-response.ts, isPlaylist).
 */
import { rewritePlaylistDetailed } from '../../src/rewriter/index.js';
import type { RewriteOptions } from '../../src/rewriter/index.js';
import { ALLOW_HOSTS, CREDS, VIEWER_URL } from './oracle.js';
import { leakIn, playWithHlsJs } from './readers.js';
import type { HlsReading, Served } from './readers.js';

export const TITLE = 'https://example.com/movies/42/';
export const OPTIONS = { allowHosts: [...ALLOW_HOSTS] };

/** Documents keyed by path under TITLE: playlists as text, JSON documents as `{ json }`. */
export type Documents = Record<string, string | { json: unknown }>;

/**
 * How the edge writes: the rewriter; a writer without the host rule or the reading rules (`broken`: credentials
 * after every URI line and every URI="..." and X-ASSET-LIST="..." value); or `broken-json`, which also writes them
 * after every asset URI of an interstitial asset list, as an edge that rewrote JSON would.
 */
export type Writer = 'rewriter' | 'broken' | 'broken-json';

export function brokenWriter(text: string): string {
  return text.split('\n').map((line) => (line.startsWith('#') ? line.replace(/(URI|X-ASSET-LIST)="([^"]*)"/g, `$1="$2?${CREDS}"`) : line === '' ? line : `${line}?${CREDS}`)).join('\n');
}

function brokenAssetList(json: unknown): unknown {
  const assets = (json as { ASSETS?: Array<{ URI: string }> }).ASSETS;
  if (!Array.isArray(assets)) return json;
  return { ...json as object, ASSETS: assets.map((a) => ({ ...a, URI: `${a.URI}?${CREDS}` })) };
}

/** The edge, in memory: each playlist of `documents` (by path under TITLE) rewritten for the URL requested. */
export function edge(documents: Documents, write: Writer, options: Partial<RewriteOptions> = {}) {
  return (url: string): Served => {
    const path = url.slice(0, url.indexOf('?') === -1 ? undefined : url.indexOf('?'));
    if (!path.startsWith(TITLE)) return { status: 404 };
    const doc = documents[path.slice(TITLE.length)];
    if (doc === undefined) return { status: 404 };
    if (typeof doc !== 'string') return write === 'broken-json' ? { json: brokenAssetList(doc.json) } : doc;
    if (write !== 'rewriter') return brokenWriter(doc);
    const out = rewritePlaylistDetailed(doc, { url, ...OPTIONS, ...options });
    return out.refused !== undefined ? { status: 502 } : out.text;
  };
}

/** A session of the real hls.js from the viewer's signed URL of master.m3u8 (with a media element for interstitials). */
export function play(documents: Documents, write: Writer, options: Partial<RewriteOptions> = {}, media = false): Promise<HlsReading> {
  return playWithHlsJs(VIEWER_URL, edge(documents, write, options), { windowMs: 1_500, media });
}

/** The first credential a session sends to a host not allowed, or undefined. */
export const session = (documents: Documents, write: Writer, options?: Partial<RewriteOptions>, media = false) =>
  play(documents, write, options, media).then((reading) => leakIn(reading, VIEWER_URL));

export const MEDIA = (lines: string) => `#EXTM3U\n#EXT-X-VERSION:11\n#EXT-X-TARGETDURATION:4\n${lines}\n#EXTINF:4,\nlast.ts\n#EXT-X-ENDLIST\n`;

/** A multivariant playlist with one variant, v1/index.m3u8, after `lines`. */
export const MASTER = (lines = '') => `#EXTM3U\n#EXT-X-VERSION:11\n${lines}#EXT-X-STREAM-INF:BANDWIDTH=1\nv1/index.m3u8\n`;

/**
 * A media playlist with a pre-roll interstitial (HLS Interstitials, RFC 8216bis appendix D) whose asset attribute is
 * `asset` (`X-ASSET-URI="..."` or `X-ASSET-LIST="..."`), after `defines`. Pre-roll: hls.js loads it at once.
 */
export const WITH_INTERSTITIAL = (asset: string, defines = '') =>
  MEDIA(`${defines}#EXT-X-PROGRAM-DATE-TIME:2024-01-01T00:00:00.000Z\n#EXT-X-DATERANGE:ID="ad",CLASS="com.apple.hls.interstitial",START-DATE="2024-01-01T00:00:00.000Z",DURATION=4,${asset},CUE="PRE"\n#EXTINF:4,\na.ts`);

/** An asset playlist of the interstitial: one segment, `segment`. */
export const ASSET = (segment: string) => `#EXTM3U\n#EXT-X-TARGETDURATION:4\n#EXTINF:4,\n${segment}\n#EXT-X-ENDLIST\n`;
