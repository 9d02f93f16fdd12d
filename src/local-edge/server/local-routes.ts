/** The local edge's own pages below `/_local/`: player, hls.js, request log, dev token, dev OIDC issuer. */
import { readFileSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import type { AccessLogEntry } from '../pipeline/types.js';
import { PLAYER_HTML } from './player-page.js';
import type { DevIssuer, LocalSignerInfo } from '../function-runtime/signer-endpoint.js';

export interface LocalRoutes {
  requests: AccessLogEntry[];
  /** Path of hls.min.js on disk. */
  hlsJsFile: string;
  issuer: DevIssuer | undefined;
  signer: LocalSignerInfo | undefined;
}

/** Answers one `/_local/*` request (404 for unknown paths). */
export function serveLocal(path: string, rawUrl: string, res: ServerResponse, routes: LocalRoutes): void {
  const { issuer, signer } = routes;
  const json = (value: unknown): void => void res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' }).end(JSON.stringify(value));
  if (issuer !== undefined && path === '/_local/oidc/.well-known/jwks.json') {
    json(issuer.jwks);
  } else if (issuer !== undefined && path === '/_local/oidc/.well-known/openid-configuration') {
    json({ issuer: issuer.issuer, jwks_uri: issuer.jwksUrl, id_token_signing_alg_values_supported: ['ES256'], response_types_supported: ['id_token'], subject_types_supported: ['public'] });
  } else if (signer !== undefined && path === '/_local/dev-token') {
    // Loopback-only dev convenience for the player page's "sign" button; the same token is printed at startup.
    json({ token: signer.token, signUrl: signer.signUrl, contentParam: signer.contentParam, titles: Object.keys(signer.titles ?? {}) });
  } else if (path === '/_local/player.html') {
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' }).end(PLAYER_HTML);
  } else if (path === '/_local/hls.min.js') {
    res.writeHead(200, { 'Content-Type': 'text/javascript; charset=utf-8' }).end(readFileSync(routes.hlsJsFile));
  } else if (path === '/_local/log') {
    const after = Number(new URLSearchParams(rawUrl.split('?')[1] ?? '').get('after') ?? '0');
    res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' }).end(JSON.stringify(routes.requests.filter((entry) => entry.seq > after)));
  } else {
    res.writeHead(404, { 'Content-Type': 'text/plain' }).end('Not Found\n');
  }
}
