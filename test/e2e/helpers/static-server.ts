/**
 * A tiny 127.0.0.1 server for the player pages (test/e2e/pages) and the players' own JS from node_modules.
 * It is a different origin from the local edge on purpose: the players then fetch media cross-origin, as a
 * real site does, so the distribution's CORS response headers policy is exercised too.
 */
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join } from 'node:path';
import { ROOT } from './env.js';

/** URL path -> file under the repository root. Nothing else is served. */
const VENDOR: Record<string, string> = {
  '/vendor/hls.min.js': 'node_modules/hls.js/dist/hls.min.js',
  '/vendor/shaka-player.compiled.js': 'node_modules/shaka-player/dist/shaka-player.compiled.js',
  '/vendor/video.min.js': 'node_modules/video.js/dist/video.min.js',
  '/vendor/video-js.min.css': 'node_modules/video.js/dist/video-js.min.css',
};

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};

export interface StaticServer {
  /** `http://127.0.0.1:PORT` */
  url: string;
  close(): Promise<void>;
}

function resolveFile(path: string): string | undefined {
  const vendor = VENDOR[path];
  if (vendor !== undefined) return join(ROOT, vendor);
  const m = /^\/pages\/([a-z0-9-]+\.(?:html|js))$/.exec(path);
  if (m?.[1] !== undefined) return join(ROOT, 'test', 'e2e', 'pages', m[1]);
  return undefined;
}

/** Starts the page server on a free port. */
export async function startStaticServer(): Promise<StaticServer> {
  for (const file of Object.values(VENDOR)) {
    if (!existsSync(join(ROOT, file))) throw new Error(`player file missing: ${file} (run npm ci)`);
  }
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const file = resolveFile(path);
    if (req.method !== 'GET' || file === undefined || !existsSync(file)) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    res.writeHead(200, {
      'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
      'content-length': statSync(file).size,
      'cache-control': 'no-store',
    });
    createReadStream(file).pipe(res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
