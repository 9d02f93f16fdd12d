/**
 * The signer endpoint behind `/api/*`, served for real: the sign-url bundle's own wiring (src/service/lambda.ts)
 * in-process with the configuration template.yaml gives the function, except what only exists in AWS:
 * the private key (the edge's own dev key, injected instead of Secrets Manager / SSM) and the JWT issuer (a dev
 * OIDC issuer whose JWKS the edge serves at /_local/oidc/.well-known/jwks.json, fetched over HTTP by the
 * service's real authenticator). Media URLs are signed for the local edge's own http://127.0.0.1:PORT.
 */
import { ConfigError, KeySourceError } from '../../errors.js';
import { existsSync, readdirSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { basename, join } from 'node:path';
import { SignJWT, exportJWK, generateKeyPair as generateJwtKeyPair } from 'jose';
import type { JWK } from 'jose';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { assertNoNestedTitles, createSignerHandler, isValidContentId } from '../../service/index.js';
import type { PrivateKeyProvider, ServiceLogRecord, SignerHandler } from '../../service/index.js';
import { loadPrivateKey } from '../../signer/index.js';
import { LocalEdgeConfigError } from '../../errors.js';
import type { OriginFunctionModel } from '../template/model.js';

/** The only function the local edge can run behind a function URL. */
export const SIGNER_ENTRY_POINT = 'src/functions/sign-url/index.ts';
/** Path of the dev issuer below the edge's URL. */
export const DEV_ISSUER_PATH = '/_local/oidc';
export const DEV_AUDIENCE = 'cloudfront-hls-local';

/** A dev OIDC issuer: an ES256 key pair whose public half the edge serves as a JWKS. */
export interface DevIssuer {
  /** `http://127.0.0.1:PORT/_local/oidc`. */
  issuer: string;
  jwksUrl: string;
  jwks: { keys: JWK[] };
  /** Signs a token with iss, aud, sub, iat and exp set (system clock, as the authenticator checks it). */
  mint(claims: Record<string, unknown>, token: { audience: string; expiresInSeconds: number; subject?: string }): Promise<string>;
}

/** Creates the dev issuer for an edge at `edgeUrl`; the edge serves {@link DevIssuer.jwks} at `jwksUrl`. */
export async function createDevIssuer(edgeUrl: string): Promise<DevIssuer> {
  const issuer = `${edgeUrl}${DEV_ISSUER_PATH}`;
  const pair = await generateJwtKeyPair('ES256', { extractable: true });
  const kid = `local-${randomBytes(6).toString('hex')}`;
  const jwk: JWK = { ...(await exportJWK(pair.publicKey)), kid, alg: 'ES256', use: 'sig' };
  return {
    issuer,
    jwksUrl: `${issuer}/.well-known/jwks.json`,
    jwks: { keys: [jwk] },
    async mint(claims, token) {
      const now = Math.floor(Date.now() / 1000);
      return new SignJWT(claims)
        .setProtectedHeader({ alg: 'ES256', kid, typ: 'JWT' })
        .setIssuer(issuer)
        .setAudience(token.audience)
        .setSubject(token.subject ?? 'dev-viewer')
        .setIssuedAt(now)
        .setExpirationTime(now + token.expiresInSeconds)
        .sign(pair.privateKey);
    },
  };
}

/** Options of {@link LocalSignerInfo.mintToken}. */
export interface MintTokenOptions {
  /** Content ids (or prefixes ending in `/`) in the entitlement claim. Default: every known title. */
  entitlements?: string[];
  /** Default: the edge's dev token lifetime. */
  expiresInSeconds?: number;
  /** Default `dev-viewer`. */
  subject?: string;
  /** Default {@link DEV_AUDIENCE}. */
  audience?: string;
}

/** What the local edge tells its users about the signer (never key material). */
export interface LocalSignerInfo {
  /** `http://127.0.0.1:PORT/api/sign` (the route path from the template's environment). */
  signUrl: string;
  /** Query parameter carrying the content id. */
  contentParam: string;
  /** The dev issuer (`iss`) and its JWKS. */
  issuer: string;
  jwksUrl: string;
  audience: string;
  entitlementClaim: string;
  /** Content id -> title folder, from the origin folder; undefined when unknown (external S3 endpoint). */
  titles: Readonly<Record<string, string>> | undefined;
  /** A dev viewer token entitled to every known title. */
  token: string;
  /** Mints another dev viewer token (different entitlements, audience, lifetime). */
  mintToken(options?: MintTokenOptions): Promise<string>;
}

export interface LocalSignerEndpoint {
  info: LocalSignerInfo;
  /** The Lambda handler: a function URL event (payload 2.0) in, a structured result out. */
  handler(event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2>;
}

export interface LocalSignerEndpointOptions {
  fn: OriginFunctionModel;
  issuer: DevIssuer;
  /** `http://127.0.0.1:PORT`. */
  edgeUrl: string;
  /** The edge's signing key; without it the signer answers 500 (its key source fails) and a note says why. */
  signingKey: { keyPairId: string; privateKeyPem: string } | undefined;
  titles: Record<string, string> | undefined;
  tokenTtlSeconds: number;
  log?: (record: ServiceLogRecord) => void;
}

/**
 * Titles in an origin folder: every folder (the root included) holding the master playlist. The root's id is
 * the folder's name (`sample`), a subfolder's its relative path (`movies/42`). Bounded walk: 4 levels, 500 folders.
 */
export function discoverTitles(dir: string, masterPlaylist: string): Record<string, string> {
  const titles: Record<string, string> = {};
  if (existsSync(join(dir, masterPlaylist))) {
    const name = basename(dir).replace(/[^A-Za-z0-9._-]/g, '-').replace(/^[^A-Za-z0-9]+/, '');
    titles[isValidContentId(name) ? name : 'title'] = '/';
  }
  let foldersLeft = 500;
  const walk = (rel: string, depth: number): void => {
    if (depth > 4) return;
    let entries: import('node:fs').Dirent[];
    try {
      entries = readdirSync(join(dir, rel), { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      if (!entry.isDirectory() || entry.name.startsWith('.') || entry.name === 'node_modules' || foldersLeft-- <= 0) continue;
      const id = rel === '' ? entry.name : `${rel}/${entry.name}`;
      if (!isValidContentId(id)) continue;
      if (existsSync(join(dir, id, masterPlaylist)) && !(id in titles)) titles[id] = `/${id}/`;
      walk(id, depth + 1);
    }
  };
  walk('', 1);
  return titles;
}

/** The master playlist name the signer will use, from the function's environment (default master.m3u8). */
export function masterPlaylistOf(fn: OriginFunctionModel): string {
  return fn.environment.CFHLS_MASTER_PLAYLIST?.trim() || 'master.m3u8';
}

/** Creates the signer endpoint for one function URL origin. Configuration problems are startup errors. */
export async function createLocalSignerEndpoint(options: LocalSignerEndpointOptions): Promise<LocalSignerEndpoint> {
  const { config, handler } = signerFor(options);

  const titleIds = Object.keys(options.titles ?? {});
  const mintToken = (mintOptions: MintTokenOptions = {}): Promise<string> =>
    options.issuer.mint(
      { [config.entitlementClaim]: mintOptions.entitlements ?? titleIds },
      { audience: DEV_AUDIENCE, expiresInSeconds: options.tokenTtlSeconds, ...mintOptions },
    );

  return {
    info: {
      signUrl: `${options.edgeUrl}${config.routePath}`,
      contentParam: config.contentParam,
      issuer: options.issuer.issuer,
      jwksUrl: options.issuer.jwksUrl,
      audience: DEV_AUDIENCE,
      entitlementClaim: config.entitlementClaim,
      titles: options.titles,
      token: await mintToken(),
      mintToken,
    },
    handler,
  };
}

/**
 * The signer's handler (src/service/lambda.ts, the sign-url bundle's wiring) with the template's environment, minus
 * what only exists in AWS: the key comes from the edge, the tokens from its dev issuer.
 */
function signerFor(options: LocalSignerEndpointOptions): SignerHandler {
  const { fn } = options;
  if (fn.entryPoint !== SIGNER_ENTRY_POINT) {
    throw new LocalEdgeConfigError(`${fn.functionId} (${fn.entryPoint}) is behind a function URL origin, but the local edge can run only the signer (${SIGNER_ENTRY_POINT}) there`);
  }
  // loadConfig validates the environment as at a cold start.
  const env: Record<string, string | undefined> = {
    ...fn.environment,
    CFHLS_KEY_PAIR_ID: options.signingKey?.keyPairId ?? 'KLOCALEDGENOKEY',
    // Placeholders that satisfy validation: the key itself is injected (devKeyProvider) and never fetched.
    CFHLS_PRIVATE_KEY_SOURCE: 'ssm',
    CFHLS_PRIVATE_KEY_ID: '/local-edge/dev-key',
    CFHLS_JWT_ISSUER: options.issuer.issuer,
    CFHLS_JWT_AUDIENCE: DEV_AUDIENCE,
    CFHLS_JWKS_URL: options.issuer.jwksUrl,
    // The media host comes from x-cfhls-viewer-host, which SignerViewerFunction sets to the distribution's
    // domain: here the edge's own 127.0.0.1:PORT.
    CFHLS_DISTRIBUTION_DOMAIN: undefined,
  };
  try {
    if (options.titles !== undefined) assertNoNestedTitles(options.titles);
  } catch (err) {
    if (err instanceof ConfigError) throw new LocalEdgeConfigError(`the origin's titles: ${err.message}`, { cause: err });
    throw err;
  }
  try {
    return createSignerHandler({
      env,
      keys: () => devKeyProvider(options.signingKey),
      log: options.log ?? (() => undefined),
      local: { loopbackHttp: true, ...(options.titles !== undefined && { titles: options.titles }) },
    });
  } catch (err) {
    if (err instanceof ConfigError) throw new LocalEdgeConfigError(`${fn.functionId}.Properties.Environment: ${err.message}`, { cause: err });
    throw err;
  }
}

/** The edge's own signing key in place of Secrets Manager / SSM; without one, every signing call fails (500). */
function devKeyProvider(signingKey: LocalSignerEndpointOptions['signingKey']): PrivateKeyProvider {
  let key: KeyObject | undefined;
  return {
    async getKey() {
      if (signingKey === undefined) throw new KeySourceError('the local edge has no private key (started with public keys only)');
      key ??= loadPrivateKey(signingKey.privateKeyPem);
      return key;
    },
  };
}
