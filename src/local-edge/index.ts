/**
 * The local edge: a stand-in for the CloudFront distribution in template.yaml, on 127.0.0.1.
 *
 * @example
 * const edge = await startLocalEdge({ port: 0 });          // sample stream, ephemeral key pair
 * const url = edge.sign('/master.m3u8');                    // signed master URL (custom policy for /*)
 * await fetch(url);                                         // 200, rewritten playlist
 * const r = await fetch(`${edge.signer!.signUrl}?content=sample`, { headers: { authorization: `Bearer ${edge.signer!.token}` } });
 * await edge.close();
 */
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { KeyObject } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { generateKeyPair, signUrl } from '../signer/index.js';
import type { SignOptions } from '../signer/index.js';
import { ResponseCache } from './cache.js';
import { randomKeyPairId } from './dev-keys.js';
import { LocalEdgeConfigError } from './errors.js';
import { loadFunction } from './events.js';
import type { LoadedFunction } from './events.js';
import { startFolderOrigin, startS3Origin } from './origin.js';
import type { Origin } from './origin.js';
import { edgeHostNames, misdirected } from './host-check.js';
import { handleRequest } from './pipeline.js';
import type { AccessLogEntry } from './pipeline.js';
import { PLAYER_HTML } from './player-page.js';
import { compileCloudFrontFunction } from './cf-function.js';
import type { CompiledCloudFrontFunction } from './cf-function.js';
import type { FunctionUrlRuntime } from './function-url.js';
import { createDevIssuer, createLocalSigner, discoverTitles, masterPlaylistOf } from './signer.js';
import type { DevIssuer, LocalSignerInfo } from './signer.js';
import type { ServiceLogRecord } from '../service/service.js';
import { loadTemplate } from './template.js';
import type { DistributionModel } from './template.js';

export { loadTemplate, modelTemplate, bundleFor } from './template.js';
export type { DistributionModel, BehaviorModel, OriginModel, EdgeFunctionAssociation, EdgeEventType } from './template.js';
export { matchPathPattern, selectBehavior } from './path-pattern.js';
export { cacheKey, originQuery, ttlFor, ResponseCache } from './cache.js';
export type { AccessLogEntry } from './pipeline.js';
export { ensureDevKeys } from './dev-keys.js';
export { LocalEdgeConfigError } from './errors.js';
export { discoverTitles } from './signer.js';
export type { LocalSignerInfo, MintTokenOptions } from './signer.js';

export interface LocalEdgeOptions {
  /** Project root (template.yaml, dist/functions, sample/). Default: found from this module's location. */
  root?: string;
  /** Template file. Default `<root>/template.yaml`. */
  template?: string;
  /** Template parameter overrides. */
  parameters?: Record<string, string>;
  /** A folder (custom origin over loopback HTTP) or `s3://BUCKET`. Default `<root>/sample`. */
  origin?: string;
  /** For `s3://`: an existing S3-compatible endpoint; without it a local S3 server is started and seeded. */
  s3Endpoint?: string;
  /** For `s3://` without an endpoint: the folder uploaded into the bucket. Default `<root>/sample`. */
  s3Seed?: string;
  /** Default 0 (any free port). */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Trusted keys (Key-Pair-Id -> public key PEM or KeyObject). Default: a fresh key pair, see `sign`. */
  keys?: Record<string, string | KeyObject>;
  /** Private key and its id, so `sign()` works with caller-provided keys. */
  signingKey?: { keyPairId: string; privateKeyPem: string };
  /** Called for every viewer request (not for /_local/*). */
  onRequest?: (entry: AccessLogEntry) => void;
  /**
   * Clock for signature checks and the cache (epoch ms). Default Date.now. The signer at `/api/*` and its JWT
   * checks use the system clock, as in Lambda.
   */
  now?: () => number;
  /** Lifetime of the dev viewer token (default 43200 s = 12 h). */
  devTokenTtlSeconds?: number;
  /** The signer's one log record per request (safe fields only). Default: dropped. */
  onSignerLog?: (record: ServiceLogRecord) => void;
}

export interface LocalEdge {
  /** `http://127.0.0.1:PORT` (no trailing slash). */
  url: string;
  port: number;
  /** `url` + `/_local/player.html`. */
  playerUrl: string;
  model: DistributionModel;
  origin: string;
  /** Every viewer request so far (paths and flags only). */
  requests: AccessLogEntry[];
  cache: ResponseCache;
  /** Startup notes: behaviors the local edge does not serve, and why. */
  notes: string[];
  /** Key-Pair-Id of the signing key (`signingKey` or the generated one). */
  keyPairId: string;
  /**
   * The signer behind the template's function URL behavior (`/api/*`), with a dev viewer token; undefined when
   * the template has no such behavior.
   */
  signer: LocalSignerInfo | undefined;
  /**
   * Signs a path (or absolute URL on this edge) with the signing key: custom policy, Resource = its folder + `*`
   * unless given, expiring in an hour unless given.
   */
  sign(pathOrUrl: string, options?: Partial<Omit<SignOptions, 'url' | 'keyPairId' | 'privateKey'>>): string;
  close(): Promise<void>;
}

/** The package root: the nearest folder above this module with our package.json. */
export function projectRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'cloudfront-hls') return dir;
    const up = dirname(dir);
    if (up === dir) return process.cwd();
    dir = up;
  }
}

/** Starts the local edge. Startup errors (template, missing bundles, origin) are {@link LocalEdgeConfigError}. */
export async function startLocalEdge(options: LocalEdgeOptions = {}): Promise<LocalEdge> {
  const root = resolve(options.root ?? projectRoot());
  const model = loadTemplate(resolve(options.template ?? join(root, 'template.yaml')), { parameters: options.parameters ?? {} });
  const now = options.now ?? Date.now;

  let signing = options.signingKey;
  let keys = options.keys;
  if (keys === undefined) {
    if (signing === undefined) {
      const pair = generateKeyPair({ type: 'rsa' });
      signing = { keyPairId: randomKeyPairId(), privateKeyPem: pair.privateKeyPem };
      keys = { [signing.keyPairId]: pair.publicKeyPem };
    } else {
      throw new LocalEdgeConfigError('signingKey given without keys (the public keys the edge trusts)');
    }
  }
  if (Object.keys(keys).length === 0) throw new LocalEdgeConfigError('no trusted public keys');

  const functions = new Map<string, LoadedFunction>();
  const notes: string[] = [];
  const cfFunctions = new Map<string, CompiledCloudFrontFunction>();
  const urlOrigins = new Map<string, { behavior: string; fn: NonNullable<DistributionModel['origins'][number]['function']> }>();
  for (const b of model.behaviors) {
    for (const f of b.functions) {
      if (!functions.has(f.functionId)) functions.set(f.functionId, await loadFunction(root, f.functionId, f.bundle));
    }
    for (const f of b.cloudFrontFunctions) if (!cfFunctions.has(f.functionId)) cfFunctions.set(f.functionId, compileCloudFrontFunction(f));
    if (b.origin.kind === 'lambda-url') {
      const where = `behavior ${b.pathPattern} -> origin ${b.origin.id}`;
      if (b.origin.function === undefined) throw new LocalEdgeConfigError(`${where}: the function behind the function URL (${b.origin.functionId ?? '?'}) is not in the template, so the local edge cannot run it`);
      if (b.functions.length > 0) throw new LocalEdgeConfigError(`${where}: Lambda@Edge functions on a function URL behavior are not modeled by the local edge`);
      // Signer answers are per viewer and marked no-store; caching them is not modeled (and would be a bug).
      if (!b.cachePolicy.disabled) throw new LocalEdgeConfigError(`${where}: only CachingDisabled is modeled on a function URL behavior`);
      if (!urlOrigins.has(b.origin.id)) urlOrigins.set(b.origin.id, { behavior: b.pathPattern, fn: b.origin.function });
    }
  }

  const originSpec = options.origin ?? join(root, 'sample');
  let origin: Origin;
  if (originSpec.startsWith('s3://')) {
    const bucket = originSpec.slice(5).replace(/\/.*$/, '');
    if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket)) throw new LocalEdgeConfigError(`--origin ${originSpec}: not a valid bucket name`);
    const s3 = { bucket, seed: options.s3Seed ?? join(root, 'sample'), ...(options.s3Endpoint !== undefined ? { endpoint: options.s3Endpoint } : {}) };
    origin = await startS3Origin(s3);
  } else {
    origin = await startFolderOrigin(originSpec);
  }

  // Content ids for the signer: every folder of the origin holding a master playlist (the root is one).
  const master = urlOrigins.size > 0 ? masterPlaylistOf([...urlOrigins.values()][0]!.fn) : 'master.m3u8';
  const titleFolder = originSpec.startsWith('s3://') ? (options.s3Endpoint === undefined ? options.s3Seed ?? join(root, 'sample') : undefined) : originSpec;
  const titles = titleFolder === undefined ? undefined : discoverTitles(titleFolder, master);

  const functionUrls = new Map<string, FunctionUrlRuntime>();
  let issuer: DevIssuer | undefined;
  let signerInfo: LocalSignerInfo | undefined;
  const hlsJs = createRequire(import.meta.url).resolve('hls.js/dist/hls.min.js');
  const cache = new ResponseCache();
  const requests: AccessLogEntry[] = [];
  let seq = 0;
  let domainName = '127.0.0.1';
  // Filled once the port is known; until then every request is refused.
  let hostNames = new Set<string>();
  const server = createServer((req, res) => {
    const started = Date.now();
    const refused = misdirected(req.headers.host, req.url ?? '', hostNames);
    if (refused !== undefined) {
      res.writeHead(refused.status, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' }).end(`${refused.message}\n`);
      return;
    }
    const path = (req.url ?? '/').split('?')[0]!;
    if (path.startsWith('/_local/')) {
      serveLocal(path, req.url ?? '', res, requests, hlsJs, issuer, signerInfo);
      return;
    }
    void handleRequest(req, { model, origin, functions, cloudFrontFunctions: cfFunctions, keys: keys!, cache, domainName: () => domainName, now, functionUrls }).then((r) => {
      const entry: AccessLogEntry = { seq: ++seq, time: new Date().toISOString(), ms: Date.now() - started, ...r.log };
      requests.push(entry);
      if (requests.length > 5000) requests.splice(0, requests.length - 5000);
      options.onRequest?.(entry);
      const headers: Record<string, string | string[]> = {};
      for (const [k, v] of r.headers) {
        const prev = headers[k];
        headers[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
      }
      headers['Content-Length'] = String(r.body.length);
      res.writeHead(r.status, headers);
      res.end(req.method === 'HEAD' ? undefined : r.body);
    });
  });
  const host = options.host ?? '127.0.0.1';
  try {
    await new Promise<void>((ok, fail) => {
      server.once('error', fail);
      server.listen(options.port ?? 0, host, () => ok());
    });
  } catch (err) {
    await origin.close();
    throw new LocalEdgeConfigError(`cannot listen on ${host}:${options.port ?? 0}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`, { cause: err });
  }
  const port = (server.address() as AddressInfo).port;
  domainName = `${host}:${port}`;
  hostNames = edgeHostNames(host, port);
  const url = `http://${domainName}`;
  try {
    if (urlOrigins.size > 0) {
      issuer = await createDevIssuer(url);
      for (const [originId, { behavior, fn }] of urlOrigins) {
        const signer = await createLocalSigner({
          fn,
          issuer,
          edgeUrl: url,
          signingKey: signing,
          titles,
          tokenTtlSeconds: options.devTokenTtlSeconds ?? 43_200,
          ...(options.onSignerLog !== undefined && { log: options.onSignerLog }),
        });
        functionUrls.set(originId, { functionId: fn.functionId, handler: signer.handler, cloudFrontFunctions: cfFunctions, timeoutMs: 10_000 });
        signerInfo ??= signer.info;
        if (signing === undefined) notes.push(`behavior ${behavior}: the signer has no private key (the edge was given public keys only), so it answers 500`);
        if (titles === undefined) notes.push(`behavior ${behavior}: titles in an external S3 bucket are not listed; the signer maps content id X to /X/${master} and the dev token is entitled to nothing (mint one with entitlements)`);
        else if (Object.keys(titles).length === 0) notes.push(`behavior ${behavior}: the origin has no folder with ${master}, so the signer knows no titles`);
      }
    }
  } catch (err) {
    server.closeAllConnections();
    await new Promise<void>((ok) => server.close(() => ok()));
    await origin.close();
    throw err;
  }
  let closed = false;
  return {
    url,
    port,
    playerUrl: `${url}/_local/player.html`,
    model,
    origin: origin.describe(),
    requests,
    cache,
    notes,
    keyPairId: signing?.keyPairId ?? Object.keys(keys)[0]!,
    signer: signerInfo,
    sign(pathOrUrl, opts = {}) {
      if (signing === undefined) throw new LocalEdgeConfigError('sign() needs the signingKey option (the edge was given only public keys)');
      const target = /^https?:\/\//.test(pathOrUrl) ? pathOrUrl : `${url}${pathOrUrl.startsWith('/') ? '' : '/'}${pathOrUrl}`;
      return signUrl({ expires: Math.floor(now() / 1000) + 3600, now: now(), ...opts, url: target, keyPairId: signing.keyPairId, privateKey: signing.privateKeyPem });
    },
    async close() {
      if (closed) return;
      closed = true;
      server.closeAllConnections();
      await new Promise<void>((ok) => server.close(() => ok()));
      await origin.close();
    },
  };
}

function serveLocal(
  path: string,
  rawUrl: string,
  res: import('node:http').ServerResponse,
  requests: AccessLogEntry[],
  hlsJs: string,
  issuer: DevIssuer | undefined,
  signer: LocalSignerInfo | undefined,
): void {
  const json = (v: unknown): void => void res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' }).end(JSON.stringify(v));
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
    res.writeHead(200, { 'Content-Type': 'text/javascript; charset=utf-8' }).end(readFileSync(hlsJs));
  } else if (path === '/_local/log') {
    const after = Number(new URLSearchParams(rawUrl.split('?')[1] ?? '').get('after') ?? '0');
    res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' }).end(JSON.stringify(requests.filter((e) => e.seq > after)));
  } else {
    res.writeHead(404, { 'Content-Type': 'text/plain' }).end('Not Found\n');
  }
}
