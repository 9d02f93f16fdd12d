/**
 * A small LL-HLS origin on 127.0.0.1 for tests (draft-pantos-hls-rfc8216bis): two renditions of one live title,
 * a part every `partSeconds`, 4 parts per segment. It honours blocking reload (`_HLS_msn`/`_HLS_part` hold the
 * answer until that part exists), delta updates (`_HLS_skip=YES` answers EXT-X-SKIP), and holds a request for the
 * preload-hinted part until the part is ready. Every request is recorded with its query.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export const PARTS_PER_SEGMENT = 4;
const WINDOW_SEGMENTS = 8;
/** Segments older than this (from the end) may be skipped in a delta update: 6 target durations. */
const SKIP_SEGMENTS = 3;

export interface LlhlsOrigin {
  url: string;
  /** Every request: path and raw query. */
  seen: Array<{ path: string; query: string }>;
  /** Parts completed so far (all renditions advance together). */
  partsDone(): number;
  close(): Promise<void>;
}

export interface LlhlsOptions {
  partSeconds: number;
  /** Parts already done when the origin starts (a live window to join). */
  startParts?: number;
  /**
   * Real fMP4 media for players: the init segment and one fragment per part, in order (a segment is its parts
   * end to end). Without it, parts and segments are short placeholder texts.
   */
  media?: { init: Buffer; parts: Buffer[] };
}

/** A multivariant playlist naming both renditions. */
export const LLHLS_MASTER = '#EXTM3U\n#EXT-X-VERSION:9\n#EXT-X-INDEPENDENT-SEGMENTS\n'
  + '#EXT-X-STREAM-INF:BANDWIDTH=300000,RESOLUTION=320x180\nv1/index.m3u8\n#EXT-X-STREAM-INF:BANDWIDTH=600000,RESOLUTION=320x180\nv2/index.m3u8\n';

/** The media playlist of `rendition` when `done` parts exist; `skip` answers a delta update. */
export function llhlsPlaylist(rendition: string, other: string, done: number, partSeconds: number, skip: boolean): string {
  const target = Math.ceil(partSeconds * PARTS_PER_SEGMENT);
  const msn = Math.floor(done / PARTS_PER_SEGMENT);
  const first = Math.max(0, msn - WINDOW_SEGMENTS);
  const lines = ['#EXTM3U', '#EXT-X-VERSION:9', `#EXT-X-TARGETDURATION:${target}`, `#EXT-X-PART-INF:PART-TARGET=${partSeconds}`,
    `#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,PART-HOLD-BACK=${(partSeconds * 3).toFixed(3)},CAN-SKIP-UNTIL=${SKIP_SEGMENTS * target}`,
    `#EXT-X-MEDIA-SEQUENCE:${first}`, '#EXT-X-MAP:URI="init.mp4"'];
  const skipped = skip ? Math.max(0, msn - first - SKIP_SEGMENTS) : 0;
  if (skipped > 0) lines.push(`#EXT-X-SKIP:SKIPPED-SEGMENTS=${skipped}`);
  for (let n = first + skipped; n < msn; n++) {
    // Parts are listed for the last segments only, as packagers do.
    if (n >= msn - 2) for (let p = 0; p < PARTS_PER_SEGMENT; p++) lines.push(`#EXT-X-PART:DURATION=${partSeconds},URI="${rendition}_${n}.${p}.m4s"${p === 0 ? ',INDEPENDENT=YES' : ''}`);
    lines.push(`#EXTINF:${(partSeconds * PARTS_PER_SEGMENT).toFixed(3)},`, `${rendition}_${n}.m4s`);
  }
  const partsOfCurrent = done % PARTS_PER_SEGMENT;
  for (let p = 0; p < partsOfCurrent; p++) lines.push(`#EXT-X-PART:DURATION=${partSeconds},URI="${rendition}_${msn}.${p}.m4s"${p === 0 ? ',INDEPENDENT=YES' : ''}`);
  lines.push(`#EXT-X-PRELOAD-HINT:TYPE=PART,URI="${rendition}_${msn}.${partsOfCurrent}.m4s"`);
  lines.push(`#EXT-X-RENDITION-REPORT:URI="../${other}/index.m3u8",LAST-MSN=${partsOfCurrent === 0 ? msn - 1 : msn},LAST-PART=${(partsOfCurrent + PARTS_PER_SEGMENT - 1) % PARTS_PER_SEGMENT}`);
  return `${lines.join('\n')}\n`;
}

/** Parts that must exist before `_HLS_msn=msn[&_HLS_part=part]` can be answered. */
function partsNeeded(msn: number, part: number | undefined): number {
  return part === undefined ? (msn + 1) * PARTS_PER_SEGMENT : msn * PARTS_PER_SEGMENT + part + 1;
}

export async function startLlhlsOrigin(options: LlhlsOptions): Promise<LlhlsOrigin> {
  const started = Date.now() - (options.startParts ?? PARTS_PER_SEGMENT * 3) * options.partSeconds * 1000;
  const done = () => Math.floor((Date.now() - started) / (options.partSeconds * 1000));
  const seen: LlhlsOrigin['seen'] = [];
  const whenDone = (parts: number, then: () => void): void => {
    const wait = started + parts * options.partSeconds * 1000 - Date.now();
    if (wait <= 0) then();
    else setTimeout(then, wait + 5);
  };
  const mediaBytes = (msn: number, part: number | undefined): Buffer | undefined => {
    const parts = options.media?.parts;
    if (parts === undefined) return undefined;
    const at = (i: number): Buffer => parts[i % parts.length]!;
    if (part !== undefined) return at(msn * PARTS_PER_SEGMENT + part);
    return Buffer.concat(Array.from({ length: PARTS_PER_SEGMENT }, (_, p) => at(msn * PARTS_PER_SEGMENT + p)));
  };
  const server = createServer((req, res) => {
    const [path = '/', query = ''] = (req.url ?? '/').split('?', 2);
    seen.push({ path, query });
    const params = new URLSearchParams(query);
    const playlist = /^\/live\/(v1|v2)\/index\.m3u8$/.exec(path);
    if (playlist !== null) {
      const rendition = playlist[1]!;
      const msn = params.get('_HLS_msn');
      const part = params.get('_HLS_part');
      const needed = msn === null ? 0 : partsNeeded(Number(msn), part === null ? undefined : Number(part));
      // Blocking reload: answer once the asked-for part exists (at most 3 target durations ahead, else 400).
      if (needed > done() + 3 * PARTS_PER_SEGMENT * 2) return void res.writeHead(400).end();
      whenDone(needed, () => {
        const body = llhlsPlaylist(rendition, rendition === 'v1' ? 'v2' : 'v1', done(), options.partSeconds, params.get('_HLS_skip') === 'YES');
        res.writeHead(200, { 'Content-Type': 'application/vnd.apple.mpegurl', 'Cache-Control': 'max-age=1' }).end(body);
      });
      return;
    }
    const media = /^\/live\/(v1|v2)\/(v1|v2)_(\d+)(?:\.(\d+))?\.m4s$/.exec(path);
    if (media !== null) {
      const msn = Number(media[3]);
      const part = media[4] === undefined ? undefined : Number(media[4]);
      // A preload-hinted part is requested before it exists: hold the request until it does.
      whenDone(partsNeeded(msn, part), () => res.writeHead(200, { 'Content-Type': 'video/iso.segment' }).end(mediaBytes(msn, part) ?? `media ${path}`));
      return;
    }
    if (path === '/live/master.m3u8') return void res.writeHead(200, { 'Content-Type': 'application/vnd.apple.mpegurl' }).end(LLHLS_MASTER);
    if (/^\/live\/(v1|v2)\/init\.mp4$/.test(path)) return void res.writeHead(200, { 'Content-Type': 'video/mp4' }).end(options.media?.init ?? 'init');
    res.writeHead(404).end();
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    partsDone: done,
    close: () => new Promise<void>((ok) => {
      server.closeAllConnections();
      server.close(() => ok());
    }),
  };
}
