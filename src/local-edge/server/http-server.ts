/** The local edge's HTTP server: host check, `/_local/*` pages, everything else through the pipeline. */
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { LocalEdgeConfigError } from '../../errors.js';
import { misdirected } from './host-check.js';
import { serveLocal } from './local-routes.js';
import type { LocalRoutes } from './local-routes.js';
import { handleRequest } from '../pipeline/pipeline.js';
import type { AccessLogEntry, LocalEdgeResponse, PipelineOptions } from '../pipeline/types.js';

/** Entries kept in the request log (oldest dropped first). */
const REQUEST_LOG_LIMIT = 5000;

/** What the server reads per request; `hostNames` and `routes` are filled in once the port is known. */
export interface EdgeServerState {
  pipeline: PipelineOptions;
  routes: LocalRoutes;
  /** Host names the edge answers to; empty (every request refused) until listening. */
  hostNames: Set<string>;
  onRequest?: ((entry: AccessLogEntry) => void) | undefined;
}

export function createEdgeServer(state: EdgeServerState): Server {
  let seq = 0;
  return createServer((req, res) => {
    const started = Date.now();
    const refused = misdirected(req.headers.host, req.url ?? '', state.hostNames);
    if (refused !== undefined) {
      res.writeHead(refused.status, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' }).end(`${refused.message}\n`);
      return;
    }
    const path = (req.url ?? '/').split('?')[0]!;
    if (path.startsWith('/_local/')) {
      serveLocal(path, req.url ?? '', res, state.routes);
      return;
    }
    void handleRequest(req, state.pipeline).then((response) => {
      const entry: AccessLogEntry = { seq: ++seq, time: new Date().toISOString(), ms: Date.now() - started, ...response.log };
      const { requests } = state.routes;
      requests.push(entry);
      if (requests.length > REQUEST_LOG_LIMIT) requests.splice(0, requests.length - REQUEST_LOG_LIMIT);
      state.onRequest?.(entry);
      send(req, res, response);
    });
  });
}

function send(req: IncomingMessage, res: ServerResponse, response: LocalEdgeResponse): void {
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of response.headers) {
    const previous = headers[name];
    headers[name] = previous === undefined ? value : Array.isArray(previous) ? [...previous, value] : [previous, value];
  }
  headers['Content-Length'] = String(response.body.length);
  res.writeHead(response.status, headers);
  res.end(req.method === 'HEAD' ? undefined : response.body);
}

/** Listens on host:port and returns the port; a failure is a {@link LocalEdgeConfigError}. */
export async function listen(server: Server, host: string, port: number): Promise<number> {
  try {
    await new Promise<void>((ok, fail) => {
      server.once('error', fail);
      server.listen(port, host, () => ok());
    });
  } catch (err) {
    throw new LocalEdgeConfigError(`cannot listen on ${host}:${port}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`, { cause: err });
  }
  return (server.address() as AddressInfo).port;
}

/** Drops open connections and stops listening. */
export async function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((ok) => server.close(() => ok()));
}
