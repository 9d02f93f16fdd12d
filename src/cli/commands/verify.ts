/**
 * `cloudfront-hls verify <signed master URL>`: walks the playlist tree as a player would and checks that
 * everything a player needs is served with credentials, and that unsigned, tampered and expired requests are
 * refused. Works against the local edge and a real distribution. Never prints signatures or policies.
 */
import { UsageError } from '../../errors.js';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { readCredentials, withoutSignedParams } from '../../cloudfront/index.js';
import { signUrl } from '../../signer/index.js';
import type { CliIo, Command } from '../command.js';
import { printReport, progress, progressDone, Tally } from './verify-report.js';
import type { Fetched } from './verify-report.js';
import { uriPlaces } from '../../hls/index.js';
import type { UriKind } from '../../hls/index.js';

const HELP = `Usage: cloudfront-hls verify <signed master URL> [options]

Walks the whole playlist tree like a player: every URI place the rewriter gives credentials (variants,
renditions, I-frame and image playlists, keys, init segments, segments, LL-HLS parts, preload hints and
rendition reports, content steering, interstitial assets and asset lists, session data), then checks
that the same URLs without credentials are refused, that a tampered signature is refused and (with
--private-key) that an expired one is. Prints a table: kind, count, status, signed.
Exit status 0 only when everything a player needs is served signed and everything unsigned is refused.

Options:
  --sample N             fetch at most N segments per media playlist (first and last included; default: all)
  --origin-url URL       the origin's own base URL (e.g. https://BUCKET.s3.REGION.amazonaws.com): direct
                         access to the master's path there must be refused
  --private-key FILE     signing key, to check that an expired signature is refused
  --key-pair-id ID       its Key-Pair-Id (with --private-key)
  --timeout MS           per request (default 15000)
  --max-requests N       stop walking after N requests (default 5000)
  -h, --help             this help
`;

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

/** The URL without Expires/Policy/Signature/Key-Pair-Id/Hash-Algorithm, other bytes kept. */
export function withoutCredentials(url: string): string {
  const q = url.indexOf('?');
  if (q === -1) return url;
  const query = withoutSignedParams(url.slice(q + 1));
  return query === '' ? url.slice(0, q) : `${url.slice(0, q)}?${query}`;
}

function isSigned(url: string): boolean {
  const q = url.indexOf('?');
  const c = readCredentials(q === -1 ? '' : url.slice(q + 1));
  return c.Signature !== undefined && c['Key-Pair-Id'] !== undefined && (c.Policy !== undefined || c.Expires !== undefined);
}

/** Flips one character of the Signature value (stays valid URL-safe base64). */
export function tamperSignature(url: string): string {
  return url.replace(/([?&]Signature=)([^&]*)/, (_m, head: string, sig: string) => {
    const i = Math.floor(sig.length / 2);
    const c = sig[i] === 'A' ? 'B' : 'A';
    return `${head}${sig.slice(0, i)}${c}${sig.slice(i + 1)}`;
  });
}

async function get(url: string, timeoutMs: number, range?: string, keepBody = false): Promise<Fetched> {
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

/** The command line, checked. */
interface VerifyArgs {
  master: string;
  sample: number;
  timeout: number;
  maxRequests: number;
  originUrl?: string;
  /** Both or neither: a signing key and its Key-Pair-Id, for the expired-signature check. */
  signingKey?: { file: string; keyPairId: string };
}

function parseVerifyArgs(argv: string[]): VerifyArgs {
  const { values, positionals } = parseArgs({
    args: argv,
    strict: true,
    allowPositionals: true,
    options: {
      sample: { type: 'string' },
      'origin-url': { type: 'string' },
      'private-key': { type: 'string' },
      'key-pair-id': { type: 'string' },
      timeout: { type: 'string' },
      'max-requests': { type: 'string' },
    },
  });
  if (positionals.length !== 1) throw new UsageError('give exactly one signed master URL');
  const master = positionals[0]!;
  if (!/^https?:\/\//.test(master)) throw new UsageError('the master URL must be an absolute http(s) URL');
  if (!isSigned(master)) throw new UsageError('the master URL carries no signature (Policy or Expires, Signature, Key-Pair-Id)');
  const sample = values.sample === undefined ? Infinity : Number(values.sample);
  if (!(sample >= 1)) throw new UsageError('--sample must be a positive number');
  const timeout = values.timeout === undefined ? 15000 : Number(values.timeout);
  const maxRequests = values['max-requests'] === undefined ? 5000 : Number(values['max-requests']);
  if ((values['private-key'] === undefined) !== (values['key-pair-id'] === undefined)) throw new UsageError('--private-key and --key-pair-id go together');
  return {
    master,
    sample,
    timeout,
    maxRequests,
    ...(values['origin-url'] !== undefined && { originUrl: values['origin-url'] }),
    ...(values['private-key'] !== undefined && { signingKey: { file: values['private-key'], keyPairId: values['key-pair-id']! } }),
  };
}

interface WalkItem {
  kind: WalkKind;
  url: string;
  range?: string;
}

/** State of one walk of the playlist tree. */
interface Walk {
  args: VerifyArgs;
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
  if (!text.replace(/^\uFEFF/, '').startsWith('#EXTM3U')) {
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
  const isPlaylist = PLAYLIST_KINDS.includes(item.kind);
  const f = await get(item.url, walk.args.timeout, item.range, isPlaylist);
  const signed = isSigned(item.url);
  const ok = (f.status === 200 || (item.range !== undefined && f.status === 206)) && signed;
  walk.tally.record(item.kind, f, signed, ok);
  if (!walk.samples.has(item.kind) && signed) walk.samples.set(item.kind, item.url);
  progress(walk.io, walk.requests, walk.planned);
  if (!isPlaylist || f.body === undefined || f.status !== 200) return;
  queueChildren(walk, item, f.body);
}

/** Walks the tree from the master, six requests at a time. */
async function walkTree(args: VerifyArgs, io: CliIo, tally: Tally): Promise<Walk> {
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

/** Each kind's URL without credentials, and the master with a tampered signature, must be refused (403). */
async function checkRefusals(walk: Walk): Promise<void> {
  const { args, tally } = walk;
  for (const url of walk.samples.values()) {
    const f = await get(withoutCredentials(url), args.timeout);
    tally.record('unsigned copies', f, false, f.status === 403);
  }
  const tampered = await get(tamperSignature(args.master), args.timeout);
  tally.record('tampered signature', tampered, true, tampered.status === 403);
}

/** With a signing key: the master signed with an expiry in the past must be refused. */
async function checkExpired(args: VerifyArgs, tally: Tally): Promise<void> {
  if (args.signingKey === undefined) {
    const r = tally.row('expired signature');
    r.note = 'skipped (needs --private-key and --key-pair-id)';
    return;
  }
  const now = Math.floor(Date.now() / 1000);
  const expiredUrl = signUrl({
    url: withoutCredentials(args.master),
    keyPairId: args.signingKey.keyPairId,
    privateKey: readFileSync(args.signingKey.file, 'utf8'),
    expires: now - 60,
    notBefore: now - 3600,
    now: (now - 3600) * 1000,
  });
  const f = await get(expiredUrl, args.timeout);
  tally.record('expired signature', f, true, f.status === 403);
}

/** With --origin-url: the master's path fetched from the origin directly must be refused. */
async function checkOriginDirect(args: VerifyArgs, tally: Tally): Promise<void> {
  if (args.originUrl === undefined) return;
  const path = new URL(args.master).pathname;
  const f = await get(`${args.originUrl.replace(/\/$/, '')}${path}`, args.timeout);
  tally.record('origin direct access', f, false, f.status === 401 || f.status === 403);
}

export const verifyCommand: Command = {
  name: 'verify',
  summary: 'Walk a signed master playlist like a player and check what is served and what is refused',
  help: HELP,
  async run(argv: string[], io: CliIo): Promise<number> {
    const args = parseVerifyArgs(argv);
    const tally = new Tally();
    const walk = await walkTree(args, io, tally);
    await checkRefusals(walk);
    await checkExpired(args, tally);
    await checkOriginDirect(args, tally);
    if (walk.truncated) tally.row('master').note = `walk stopped at --max-requests ${args.maxRequests}`;
    return printReport(io, tally, walk.truncated) ? 0 : 1;
  },
};
