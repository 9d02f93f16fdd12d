/**
 * A live HLS origin on 127.0.0.1 for the live bench and the collapsing test: one media playlist per title whose window moves
 * one segment per `segmentSeconds`, answered after `delayMs` (a slow packager), every GET counted.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface LiveOrigin {
  /** `http://127.0.0.1:PORT`. */
  url: string;
  /** GETs per path (CloudFront's reads and origin-response's own). */
  gets: Map<string, number>;
  close(): Promise<void>;
}

/** A live media playlist: 5 segments ending at `last`, no EXT-X-ENDLIST. */
export function livePlaylist(last: number, target: number): string {
  const lines = ['#EXTM3U', '#EXT-X-VERSION:3', `#EXT-X-TARGETDURATION:${target}`, `#EXT-X-MEDIA-SEQUENCE:${last - 4}`];
  for (let n = last - 4; n <= last; n++) lines.push(`#EXTINF:${target}.000,`, `seg${n}.ts`);
  return `${lines.join('\n')}\n`;
}

export async function startLiveOrigin(options: { delayMs: number; segmentSeconds: number; started?: number }): Promise<LiveOrigin> {
  const gets = new Map<string, number>();
  const started = options.started ?? Date.now();
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?', 1)[0]!;
    gets.set(path, (gets.get(path) ?? 0) + 1);
    setTimeout(() => {
      if (!path.endsWith('.m3u8')) {
        res.writeHead(404).end();
        return;
      }
      const last = 4 + Math.floor((Date.now() - started) / (options.segmentSeconds * 1000));
      const body = livePlaylist(last, options.segmentSeconds);
      // A strong validator per window, as packagers send: origin-response's second read is skipped when it matches.
      res.writeHead(200, { 'Content-Type': 'application/vnd.apple.mpegurl', ETag: `"w${last}"`, 'Content-Length': String(Buffer.byteLength(body)) });
      res.end(req.method === 'HEAD' ? undefined : body);
    }, options.delayMs);
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    gets,
    close: () => new Promise<void>((ok) => {
      server.closeAllConnections();
      server.close(() => ok());
    }),
  };
}
