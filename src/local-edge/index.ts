/**
 * The local edge: a stand-in for the CloudFront distribution in template.yaml, on 127.0.0.1.
 *
 * @example
 * const edge = await startLocalEdge({ port: 0 });          // sample stream, ephemeral key pair
 * const url = edge.sign('/master.m3u8');                    // signed master URL (custom policy for /*)
 * await fetch(url);                                         // 200, rewritten playlist
 * const signed = await fetch(`${edge.signer!.signUrl}?content=sample`, { headers: { authorization: `Bearer ${edge.signer!.token}` } });
 * await edge.close();
 */
import { existsSync, readFileSync } from 'node:fs';
import type { KeyObject } from 'node:crypto';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { signUrl } from '../signer/index.js';
import type { SignOptions } from '../signer/index.js';
import type { ServiceLogRecord } from '../service/index.js';
import { ResponseCache } from './pipeline/cache.js';
import { resolveEdgeKeys } from './function-runtime/edge-keys.js';
import type { SigningKey } from './function-runtime/edge-keys.js';
import { LocalEdgeConfigError } from '../errors.js';
import { edgeHostNames } from './server/host-check.js';
import { closeServer, createEdgeServer, listen } from './server/http-server.js';
import type { EdgeServerState } from './server/http-server.js';
import type { Origin } from './origins/origin.js';
import type { AccessLogEntry } from './pipeline/types.js';
import { loadEdgeFunctions, openOrigin, startSignerEndpoints } from './runtime.js';
import type { OriginSpec, SignerEndpoints } from './runtime.js';
import type { LocalSignerInfo } from './function-runtime/signer-endpoint.js';
import { loadTemplate } from './template/template.js';
import type { DistributionModel } from './template/model.js';

export { loadTemplate, modelTemplate, bundleFor } from './template/template.js';
export type { DistributionModel, BehaviorModel, OriginModel, EdgeFunctionAssociation, EdgeEventType } from './template/model.js';
export { matchPathPattern, selectBehavior } from './template/path-pattern.js';
export { cacheKey, originQuery, ttlFor, ResponseCache } from './pipeline/cache.js';
export type { AccessLogEntry } from './pipeline/types.js';
export { ensureDevKeys } from './function-runtime/dev-keys.js';
export type { SigningKey } from './function-runtime/edge-keys.js';
export { LocalEdgeConfigError, LocalEdgeFunctionError, LocalEdgeOriginError, LocalEdgeRequestError } from '../errors.js';
export { discoverTitles } from './function-runtime/signer-endpoint.js';
export type { LocalSignerInfo, MintTokenOptions } from './function-runtime/signer-endpoint.js';

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
  signingKey?: SigningKey;
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
  const { trusted, signingKey } = resolveEdgeKeys(options.keys, options.signingKey);
  const edgeFunctions = await loadEdgeFunctions(model, root);
  const originSpec: OriginSpec = { origin: options.origin ?? join(root, 'sample'), s3Endpoint: options.s3Endpoint, s3Seed: options.s3Seed ?? join(root, 'sample') };
  const origin = await openOrigin(originSpec);

  let domainName = '127.0.0.1';
  const cache = new ResponseCache();
  const state: EdgeServerState = {
    pipeline: {
      model, origin, functions: edgeFunctions.lambdaAtEdge, cloudFrontFunctions: edgeFunctions.cloudFrontFunctions,
      keys: trusted, cache, domainName: () => domainName, now, functionUrls: new Map(),
    },
    routes: { requests: [], hlsJsFile: createRequire(import.meta.url).resolve('hls.js/dist/hls.min.js'), issuer: undefined, signer: undefined },
    hostNames: new Set(),
    onRequest: options.onRequest,
  };
  const server = createEdgeServer(state);
  const host = options.host ?? '127.0.0.1';
  const port = await listen(server, host, options.port ?? 0).catch(async (err: unknown) => {
    await origin.close();
    throw err;
  });
  domainName = `${host}:${port}`;
  state.hostNames = edgeHostNames(host, port);
  const url = `http://${domainName}`;
  let signers: SignerEndpoints;
  try {
    signers = await startSignerEndpoints({
      functionUrlOrigins: edgeFunctions.functionUrlOrigins, cloudFrontFunctions: edgeFunctions.cloudFrontFunctions, originSpec,
      edgeUrl: url, signingKey, tokenTtlSeconds: options.devTokenTtlSeconds ?? 43_200, onSignerLog: options.onSignerLog,
    });
  } catch (err) {
    await closeServer(server);
    await origin.close();
    throw err;
  }
  state.pipeline.functionUrls = signers.functionUrls;
  state.routes = { ...state.routes, issuer: signers.issuer, signer: signers.info };
  return localEdgeHandle({ url, port, model, origin, cache, requests: state.routes.requests, notes: signers.notes, signer: signers.info, signingKey, trusted, now, close: () => closeServer(server) });
}

/** The {@link LocalEdge} a caller holds: its facts, `sign()` and an idempotent `close()`. */
function localEdgeHandle(edge: {
  url: string;
  port: number;
  model: DistributionModel;
  origin: Origin;
  cache: ResponseCache;
  requests: AccessLogEntry[];
  notes: string[];
  signer: LocalSignerInfo | undefined;
  signingKey: SigningKey | undefined;
  trusted: Record<string, string | KeyObject>;
  now: () => number;
  close: () => Promise<void>;
}): LocalEdge {
  const { url, signingKey, now } = edge;
  let closed = false;
  return {
    url,
    port: edge.port,
    playerUrl: `${url}/_local/player.html`,
    model: edge.model,
    origin: edge.origin.describe(),
    requests: edge.requests,
    cache: edge.cache,
    notes: edge.notes,
    keyPairId: signingKey?.keyPairId ?? Object.keys(edge.trusted)[0]!,
    signer: edge.signer,
    sign(pathOrUrl, signOptions = {}) {
      if (signingKey === undefined) throw new LocalEdgeConfigError('sign() needs the signingKey option (the edge was given only public keys)');
      const target = /^https?:\/\//.test(pathOrUrl) ? pathOrUrl : `${url}${pathOrUrl.startsWith('/') ? '' : '/'}${pathOrUrl}`;
      return signUrl({ expires: Math.floor(now() / 1000) + 3600, now: now(), ...signOptions, url: target, keyPairId: signingKey.keyPairId, privateKey: signingKey.privateKeyPem });
    },
    async close() {
      if (closed) return;
      closed = true;
      await edge.close();
      await edge.origin.close();
    },
  };
}
