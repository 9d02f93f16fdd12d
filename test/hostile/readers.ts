/**
 * The differential half of the hostile tests: how real readers see a rewritten playlist, independent of the
 * rewriter's own code. Two readers:
 *
 * - **hls.js** (the real 1.7 bundle from node_modules, run in Node with a loader that serves the playlist from
 *   memory): every string of its parsed model and every URL it asks its loader for. hls.js resolves URIs with
 *   url-toolkit, which passes anything that starts like a scheme (`[A-Za-z0-9+.-]+:`) through unresolved; the
 *   browser's XHR then resolves that against the page, so such strings are judged against PAGE_URL, and so are
 *   interstitial X-ASSET-URI values, which hls.js loads without a base URL.
 * - **WHATWG URL** against the playlist URL (browsers' native players, Shaka, video.js/VHS), with EXT-X-DEFINE
 *   variables substituted by a small independent substituter, both first-definition-wins (hls.js) and
 *   last-definition-wins, and QUERYPARAM filled from the playlist URL.
 *
 * A credential is any of the three credential values of oracle.ts's CREDS; wherever one appears, the URL it
 * travels in must resolve to the viewer's host or an allowed one, over https.
 */
import { VIEWER_BASE, CREDS, ALLOW_HOSTS, foreignCredentialProblem } from './oracle.js';

/** The page that embeds the player: another host, so URLs resolved against it are caught. */
export const PAGE_URL = 'https://player.example/watch/index.html';

const CREDENTIAL_VALUES = CREDS.split('&').map((pair) => pair.slice(pair.indexOf('=') + 1));
const ALLOWED_HOSTS = new Set<string>([new URL(VIEWER_BASE).host, ...ALLOW_HOSTS]);

/** True when `text` holds a credential value, raw or percent-encoded the way URL serializers may encode it. */
export function carriesCredential(text: string): boolean {
  return CREDENTIAL_VALUES.some((v) => text.includes(v) || text.includes(v.replaceAll('~', '%7E')));
}

/** url-toolkit's test for "this URL has a scheme, leave it alone" (url-toolkit 2.2.5 URL_REGEX, first group). */
const URL_TOOLKIT_SCHEME = /^[a-zA-Z0-9+\-.]+:/;

/** Where a browser sends a string hls.js hands it, or a description of why it is not a fetchable URL. */
function hostReached(text: string, playlistUrl: string): string {
  const trimmed = text.trim();
  const base = URL_TOOLKIT_SCHEME.test(trimmed) ? PAGE_URL : playlistUrl;
  return resolvedOrigin(trimmed, base) ?? 'unparsable';
}

/** `scheme://host` that WHATWG URL resolves `uri` to against `base`, or undefined when it does not parse (nothing is fetched). */
function resolvedOrigin(uri: string, base: string): string | undefined {
  try {
    const url = new URL(uri, base);
    return `${url.protocol}//${url.host}`;
  } catch {
    return undefined;
  }
}

/**
 * True when a credential in a URL reaching `origin` stays with the viewer: an https URL of an allowed host, or a
 * scheme XHR and fetch never send over the network (`seg-https:`, `skd:`), which reaches no host at all.
 */
function allowedOrigin(origin: string): boolean {
  if (origin === 'unparsable') return true;
  const scheme = origin.slice(0, origin.indexOf(':'));
  if (scheme !== 'http' && scheme !== 'https') return true;
  if (scheme !== 'https') return false;
  return ALLOWED_HOSTS.has(origin.slice('https://'.length));
}

type HlsModule = typeof import('hls.js');
let hlsModule: Promise<HlsModule['default']> | undefined;

/** The hls.js bundle, loaded once per test file with the two browser globals it reads at load time. */
function loadHls(): Promise<HlsModule['default']> {
  const g = globalThis as Record<string, unknown>;
  g.self ??= globalThis;
  g.location ??= { href: PAGE_URL };
  hlsModule ??= import('hls.js').then((m) => m.default);
  return hlsModule;
}

/** A media playlist served for every child playlist hls.js asks for, so it goes on to load a level. */
const CHILD_PLAYLIST = '#EXTM3U\n#EXT-X-TARGETDURATION:4\n#EXTINF:4,\nchild.ts\n#EXT-X-ENDLIST\n';

/** What hls.js saw: strings in its parsed model and URLs it requested, each with the origin a browser reaches. */
export interface HlsReading {
  requested: string[];
  strings: string[];
  /** X-ASSET-URI values: hls.js loads them without a base URL (interstitial-player.ts), so against the page. */
  againstPage: string[];
}

/**
 * Loads `text` as the playlist at `playlistUrl` into a real hls.js instance (no media element: it parses the playlist,
 * then loads one level) and collects what it read, once the first level is parsed, an error is reported, or 2 s pass.
 */
export function readWithHlsJs(text: string, playlistUrl: string): Promise<HlsReading> {
  return playWithHlsJs(playlistUrl, (url) => (url === playlistUrl ? text : CHILD_PLAYLIST), { untilFirstLevel: true });
}

/** What the in-memory origin answers for a URL: a playlist's text, a JSON document (steering, asset lists), or a refusal. */
export type Served = string | { json: unknown } | { status: number };

/** How long a session runs (`untilFirstLevel`: until the first level or error), and whether media is attached. */
export interface SessionOptions {
  untilFirstLevel?: boolean;
  windowMs?: number;
  /**
   * Attach a stand-in media element (a bare EventTarget; Node has no MediaSource, so nothing is buffered): hls.js
   * schedules interstitials only with one (interstitials-controller.ts 1.7.4, checkStart returns while `!this.media`).
   */
  media?: boolean;
}

/**
 * A session of the real hls.js against documents served from memory by `serve` (called with each URL hls.js asks for,
 * query included): multivariant and media playlists, a steering manifest, interstitial asset lists, asset playlists
 * and their segments (asset players are hls.js instances with the same config, so the same loader). Resolves after
 * `windowMs` (or per `untilFirstLevel`), with every URL requested and every string of the parsed models.
 */
export async function playWithHlsJs(entryUrl: string, serve: (url: string) => Served, options: SessionOptions = {}): Promise<HlsReading> {
  const Hls = await loadHls();
  const requested: string[] = [];
  const models: unknown[] = [];
  class MemoryLoader {
    context: unknown = null;
    stats = { aborted: false, loaded: 0, retry: 0, total: 0, chunkCount: 0, bwEstimate: 0, loading: { start: 0, first: 0, end: 0 },
      parsing: { start: 0, end: 0 }, buffering: { start: 0, first: 0, end: 0 } };
    load(context: { url: string }, _config: unknown, callbacks: { onSuccess: (...args: unknown[]) => void; onError: (...args: unknown[]) => void }): void {
      requested.push(context.url);
      this.context = context;
      const answer = serve(context.url);
      setTimeout(() => {
        try {
          if (typeof answer === 'object' && 'status' in answer) callbacks.onError({ code: answer.status, text: 'refused' }, context, null, this.stats);
          else callbacks.onSuccess({ url: context.url, data: typeof answer === 'string' ? answer : answer.json }, this.stats, context, null);
        } catch {
          // hls.js itself choked on this input: it reads no further
        }
      }, 0);
    }
    abort(): void {}
    destroy(): void {}
  }
  const hls = new Hls({ loader: MemoryLoader as never, debug: false, autoStartLoad: true });
  try {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, options.windowMs ?? 2_000);
      const done = () => {
        clearTimeout(timer);
        resolve();
      };
      hls.on(Hls.Events.MANIFEST_LOADED, (_e, data) => models.push(data));
      hls.on(Hls.Events.LEVEL_LOADED, (_e, data) => {
        models.push(data.details);
        if (options.untilFirstLevel === true) done();
      });
      hls.on(Hls.Events.ERROR, (_e, data) => {
        if (options.untilFirstLevel === true || data.fatal) done();
      });
      if (options.media === true) hls.attachMedia(new EventTarget() as HTMLMediaElement);
      hls.loadSource(entryUrl);
    });
  } finally {
    hls.destroy();
  }
  return { requested, ...collectStrings(models) };
}

/** Every string reachable from `roots`, including the `url` getters of fragments and parts. */
function collectStrings(roots: unknown[]): Pick<HlsReading, 'strings' | 'againstPage'> {
  const out: string[] = [];
  const againstPage: string[] = [];
  const seen = new Set<object>();
  const stack = [...roots];
  while (stack.length > 0) {
    const value = stack.pop();
    if (typeof value === 'string') {
      out.push(value);
      continue;
    }
    if (value === null || typeof value !== 'object' || seen.has(value)) continue;
    seen.add(value);
    if (value instanceof Map) {
      stack.push(...value.values());
      continue;
    }
    if (ArrayBuffer.isView(value)) continue;
    for (const [key, v] of Object.entries(value)) {
      if (key === 'X-ASSET-URI' && typeof v === 'string') againstPage.push(v);
      stack.push(v);
    }
    // Fragments, parts and keys compute their absolute URL lazily.
    for (const getter of ['url', 'uri']) {
      try {
        const v = (value as Record<string, unknown>)[getter];
        if (typeof v === 'string') out.push(v);
      } catch {
        // a getter that needs state this reading never built
      }
    }
  }
  return { strings: out, againstPage };
}

/**
 * Checks one rewritten playlist against hls.js: returns a description of the first credential that hls.js would
 * send to a host other than the viewer's or an allowed one, or undefined.
 */
export async function hlsJsLeak(output: string, playlistUrl: string): Promise<string | undefined> {
  return leakIn(await readWithHlsJs(output, playlistUrl), playlistUrl);
}

/** The first credential of a reading that a browser would send to a host other than an allowed one, or undefined. */
export function leakIn(reading: HlsReading, playlistUrl: string): string | undefined {
  for (const url of reading.requested) {
    if (!carriesCredential(url)) continue;
    const origin = hostReached(url, PAGE_URL);
    if (!allowedOrigin(origin)) return `hls.js requested ${JSON.stringify(url.slice(0, 200))} (reaches ${origin})`;
  }
  for (const s of reading.againstPage) {
    const origin = hostReached(s, PAGE_URL);
    if (carriesCredential(s) && !allowedOrigin(origin)) return `hls.js would load asset ${JSON.stringify(s.slice(0, 200))} (reaches ${origin})`;
  }
  for (const s of reading.strings) {
    // Strings of several words are source text hls.js keeps (the playlist, a tag's attribute list), not URLs.
    if (!carriesCredential(s) || s === playlistUrl || /[\r\n]|="/.test(s)) continue;
    const origin = hostReached(s, playlistUrl);
    if (!allowedOrigin(origin)) return `hls.js parsed ${JSON.stringify(s.slice(0, 300))} (a browser reaches ${origin})`;
  }
  return undefined;
}

/** EXT-X-DEFINE lines, read with a plain regex (independent of the rewriter's attribute parser). */
const DEFINE_LINE = /^[ \t]*#EXT-X-DEFINE:(.*)$/;
const DEFINE_ATTRIBUTE = /(NAME|VALUE|QUERYPARAM)="([^"]*)"/g;

/**
 * `output` with `{$name}` references substituted the way a player would: NAME/VALUE definitions (the first or
 * the last of repeated ones, per `wins`) and QUERYPARAM from the playlist URL's query.
 */
export function substituteLikeAPlayer(output: string, playlistUrl: string, wins: 'first' | 'last'): string {
  const variables = new Map<string, string>();
  const query = new URL(playlistUrl).searchParams;
  for (const line of output.split(/\r?\n/)) {
    const m = DEFINE_LINE.exec(line);
    if (m === null) continue;
    const attrs = new Map<string, string>();
    for (const a of m[1]!.matchAll(DEFINE_ATTRIBUTE)) {
      if (wins === 'last' || !attrs.has(a[1]!)) attrs.set(a[1]!, a[2]!);
    }
    const name = attrs.get('NAME') ?? attrs.get('QUERYPARAM');
    const value = attrs.has('QUERYPARAM') ? query.get(attrs.get('QUERYPARAM')!) ?? undefined : attrs.get('VALUE');
    if (name === undefined || value === undefined) continue;
    if (wins === 'first' && variables.has(name)) continue;
    variables.set(name, value);
  }
  return output.replace(/\{\$([A-Za-z0-9_-]+)\}/g, (ref, name: string) => variables.get(name) ?? ref);
}

/** Each URI-ish piece of a line: a URI line as a whole, or the quoted values and the EXT-X-PREFETCH value of a tag. */
function piecesOf(line: string): string[] {
  if (!line.trimStart().startsWith('#')) return [line];
  if (line.startsWith('#EXT-X-PREFETCH:')) return [line.slice('#EXT-X-PREFETCH:'.length)];
  return line.split('"').filter((_, i) => i % 2 === 1);
}

/**
 * Checks one rewritten playlist with WHATWG URL against the playlist URL: the text as written (oracle.ts's strict
 * foreignCredentialProblem), then with variables substituted both ways a player might, where every piece that
 * carries a credential value (the rewriter's, or one copied in through QUERYPARAM) must reach an allowed host.
 * Returns the first problem, or undefined.
 */
export function whatwgLeak(output: string, playlistUrl: string): string | undefined {
  const literal = foreignCredentialProblem(output);
  if (literal !== undefined) return `as written: ${literal}`;
  for (const wins of ['first', 'last'] as const) {
    const text = substituteLikeAPlayer(output, playlistUrl, wins);
    for (const line of text.split(/\r?\n/)) {
      for (const piece of piecesOf(line)) {
        if (!carriesCredential(piece)) continue;
        const origin = resolvedOrigin(piece, playlistUrl);
        if (origin !== undefined && !allowedOrigin(origin)) return `${wins} definition wins: ${JSON.stringify(piece.slice(0, 200))} reaches ${origin}`;
      }
    }
  }
  return undefined;
}

/**
 * The playlist as ffmpeg (libavformat/hls.c, read_chomp_line) and ExoPlayer (HlsPlaylistParser's line reader) read
 * it: a line ends at LF, CR or CRLF, trailing whitespace is chomped, a line not starting with `#` is a URI, and a
 * tag's `URI="..."` values are URIs. Returns the first URI carrying a credential that resolves (WHATWG URL against
 * the playlist) to a host not allowed, or undefined. Real ffmpeg does the same: test/e2e/line-breaks.test.ts.
 */
export function lineReaderLeak(output: string, playlistUrl: string): string | undefined {
  for (const raw of output.split(/\r\n|\r|\n/)) {
    const line = raw.trimEnd();
    const uris = line.startsWith('#') ? [...line.matchAll(/URI="([^"]*)"/g)].map((m) => m[1]!) : line === '' ? [] : [line];
    for (const uri of uris) {
      if (!carriesCredential(uri)) continue;
      const origin = resolvedOrigin(uri, playlistUrl);
      if (origin !== undefined && !allowedOrigin(origin)) return `a CR/LF line reader sends ${JSON.stringify(uri.slice(0, 200))} to ${origin}`;
    }
  }
  return undefined;
}
