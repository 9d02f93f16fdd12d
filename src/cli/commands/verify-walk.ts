/**
 * The walk of `cloudfront-hls verify`: fetches the playlist tree from the master as a player would, every URI
 * place of the HLS grammar (segments optionally sampled), and tallies what each request got.
 */
import { credentialKind, readCredentials, splitUrl } from '../../cloudfront/index.js';
import { isPlaylist, uriPlaces } from '../../hls/index.js';
import type { UriKind } from '../../hls/index.js';
import type { CliIo } from '../command.js';
import { progress, progressDone } from './verify-report.js';
import type { Fetched, Tally } from './verify-report.js';

/** What the walk fetched: the master, or a URI kind of the playlist grammar. */
export type WalkKind = UriKind | 'master';
/** Kinds that are playlists, fetched and walked in turn (rendition reports name variants already walked). */
const PLAYLIST_KINDS: readonly WalkKind[] = ['master', 'variant', 'rendition', 'iframe-playlist', 'image-playlist', 'interstitial-asset'];

/** A URI a player would fetch, as written in the playlist, with its kind and optional byte range. */
export interface PlaylistUri {
  kind: UriKind;
  uri: string;
  /** `Range` header value for EXT-X-BYTERANGE / BYTERANGE. */
  range?: string;
}

function byteRange(spec: string | undefined, lastEnd: { value: number }): string | undefined {
  if (spec === undefined) return undefined;
  const [lenS, offS] = spec.split('@');
  const len = Number(lenS);
  const off = offS === undefined ? lastEnd.value : Number(offS);
  lastEnd.value = off + len;
  return `bytes=${off}-${off + len - 1}`;
}

/**
 * Every URI of one playlist a player may fetch, in order: every place of the shared HLS grammar (the same
 * places the rewriter gives credentials). Keys with METHOD=NONE and non-HTTP URIs (`skd:`, `data:`) are skipped.
 */
export function playlistUris(text: string): PlaylistUri[] {
  const out: PlaylistUri[] = [];
  const lastEnd = { value: 0 };
  for (const place of uriPlaces(text)) {
    if (place.attributes?.METHOD === 'NONE') continue;
    const uri = place.uri.trim();
    if (/^[a-z][a-z0-9+.-]*:/i.test(uri) && !/^https?:/i.test(uri)) continue; // skd:, data:, ...
    const range = place.kind === 'segment'
      ? byteRange(place.byteRange, lastEnd)
      : place.kind === 'map' ? byteRange(place.attributes?.BYTERANGE, { value: 0 }) : undefined;
    out.push(range ? { kind: place.kind, uri, range } : { kind: place.kind, uri });
  }
  return out;
}

/** The URL carries a signature, a Key-Pair-Id and a policy or expiry (custom or canned credentials). */
export function isSigned(url: string): boolean {
  return credentialKind(readCredentials(splitUrl(url).query)) !== 'none';
}

/** One GET as a player sends it (no redirects followed); a network failure is status 0 with its reason. */
export async function get(url: string, timeoutMs: number, range?: string, keepBody = false): Promise<Fetched> {
  try {
    const res = await fetch(url, { headers: range ? { Range: range } : {}, signal: AbortSignal.timeout(timeoutMs), redirect: 'manual' });
    const body = Buffer.from(await res.arrayBuffer());
    const code = res.status === 403 ? /<Code>([^<]+)<\/Code>/.exec(body.toString('utf8', 0, 400))?.[1] : undefined;
    return { status: res.status, ...(keepBody ? { body } : {}), ...(code ? { errorCode: code } : {}) };
  } catch (err) {
    // fetch() wraps the real reason (ECONNREFUSED, ENOTFOUND, a timeout) in err.cause.
    const cause = (err as { cause?: { code?: unknown; message?: unknown } } | undefined)?.cause;
    const reason = err instanceof Error && err.name === 'TimeoutError' ? 'timeout'
      : typeof cause?.code === 'string' ? cause.code
        : typeof cause?.message === 'string' ? cause.message
          : err instanceof Error ? err.message : 'fetch failed';
    return { status: 0, errorCode: reason };
  }
}

/** What bounds a walk: where it starts, how many segments per playlist, per-request timeout, total requests. */
export interface WalkLimits {
  master: string;
  sample: number;
  timeout: number;
  maxRequests: number;
}

interface WalkItem {
  kind: WalkKind;
  url: string;
  range?: string;
}

/** State of one walk of the playlist tree. */
export interface Walk {
  args: WalkLimits;
  io: CliIo;
  tally: Tally;
  queue: WalkItem[];
  seen: Set<string>;
  /** One signed URL per kind, for the refusal checks. */
  samples: Map<WalkKind, string>;
  requests: number;
  planned: number;
  truncated: boolean;
}

/** The segments and parts to fetch: all, or with --sample N the first N-1 and the last. */
function sampledSegments(children: PlaylistUri[], sample: number): Set<PlaylistUri> {
  const segs = children.filter((c) => c.kind === 'segment' || c.kind === 'part');
  if (!Number.isFinite(sample) || segs.length <= sample) return new Set(segs);
  return new Set(sample === 1 ? segs.slice(0, 1) : [...segs.slice(0, sample - 1), segs[segs.length - 1]!]);
}

/** Parses a fetched playlist and queues what a player would fetch from it. */
function queueChildren(walk: Walk, item: WalkItem, body: Buffer): void {
  const text = body.toString('utf8');
  if (!isPlaylist(text)) {
    const r = walk.tally.row(item.kind);
    r.ok = false;
    r.note = 'not a playlist';
    return;
  }
  const children = playlistUris(text);
  const keepSegs = sampledSegments(children, walk.args.sample);
  for (const c of children) {
    if ((c.kind === 'segment' || c.kind === 'part') && !keepSegs.has(c)) continue;
    const url = new URL(c.uri, item.url).href;
    walk.queue.push(c.range ? { kind: c.kind, url, range: c.range } : { kind: c.kind, url });
    walk.planned++;
  }
}

/** Fetches one queued URL (once per URL+range), records it, and queues a playlist's children. */
async function visit(walk: Walk, item: WalkItem): Promise<void> {
  const key = `${item.url} ${item.range ?? ''}`;
  if (walk.seen.has(key)) return;
  walk.seen.add(key);
  if (walk.requests >= walk.args.maxRequests) {
    walk.truncated = true;
    return;
  }
  walk.requests++;
  const expectsPlaylist = PLAYLIST_KINDS.includes(item.kind);
  const f = await get(item.url, walk.args.timeout, item.range, expectsPlaylist);
  const signed = isSigned(item.url);
  const ok = (f.status === 200 || (item.range !== undefined && f.status === 206)) && signed;
  walk.tally.record(item.kind, f, signed, ok);
  if (!walk.samples.has(item.kind) && signed) walk.samples.set(item.kind, item.url);
  progress(walk.io, walk.requests, walk.planned);
  if (!expectsPlaylist || f.body === undefined || f.status !== 200) return;
  queueChildren(walk, item, f.body);
}

/** Walks the tree from the master, six requests at a time. */
export async function walkTree(args: WalkLimits, io: CliIo, tally: Tally): Promise<Walk> {
  const walk: Walk = {
    args,
    io,
    tally,
    queue: [{ kind: 'master', url: args.master }],
    seen: new Set(),
    samples: new Map(),
    requests: 0,
    planned: 1,
    truncated: false,
  };
  while (walk.queue.length > 0) {
    const batch = walk.queue.splice(0, 6);
    await Promise.all(batch.map((item) => visit(walk, item)));
  }
  progressDone(io, walk.requests);
  return walk;
}
