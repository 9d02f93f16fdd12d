/**
 * The signer service core, independent of Lambda event shapes: `GET <route>?<param>=<content id>` with a
 * bearer JWT returns `{ url, expiresAt }` for the title's signed master playlist, or a 302 to it with
 * `redirect=1`. Error bodies are fixed JSON that leak nothing (no token, key, policy or stack).
 */
import { isIP } from 'node:net';
import type { JWTPayload } from 'jose';
import { SIGNER_HEADERS } from '../cloudfront/signer-headers.js';
import { signDetailed } from '../signer/sign.js';
import type { Authenticator } from './auth.js';
import { assertNoNestedTitles } from './catalog.js';
import { isHostName } from './config.js';
import type { LocalSignerOptions, SignerConfig } from './config.js';
import { entitlementsFrom, isEntitled, isValidContentId } from './entitlement.js';
import type { PrivateKeyProvider } from './key-provider.js';
import { SharedSignatureMemo, sharedExpiry } from './shared.js';

/** A signed master playlist URL and its DateLessThan. */
type SignedMaster = { url: string; expiresAt: number };

/** An HTTP request as the service sees it; header names lowercase. */
export interface ServiceRequest {
  method: string;
  path: string;
  /** Decoded query parameters. */
  query: Record<string, string | undefined>;
  headers: Record<string, string | undefined>;
  /** The TCP peer (Lambda's requestContext.http.sourceIp). */
  sourceIp?: string;
}

/** The response to send. */
export interface ServiceResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** One log record per request: safe fields only. */
export interface ServiceLogRecord {
  status: number;
  outcome: string;
  contentId?: string;
  error?: string;
}

/** Dependencies of {@link createSignerService}. */
export interface SignerServiceDeps {
  config: SignerConfig;
  keys: PrivateKeyProvider;
  authenticate: Authenticator;
  /** Default: one JSON line on stdout. */
  log?: (record: ServiceLogRecord) => void;
  /** The local edge's own options; the deployed signer has none. */
  local?: LocalSignerOptions;
}

const REALM = 'Bearer realm="cloudfront-hls"';

function json(status: number, body: unknown, headers: Record<string, string> = {}): ServiceResponse {
  return { status, headers: { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers }, body: JSON.stringify(body) };
}

/**
 * The viewer's address: `x-cfhls-viewer-ip` (set from `event.viewer.ip` by the SignerViewerFunction, which
 * overwrites any viewer-sent value), else CloudFront's `cloudfront-viewer-address` (`ip:port`), else the TCP
 * peer (behind CloudFront that is CloudFront itself, so binding needs one of the first two).
 */
export function clientIpOf(req: ServiceRequest): string | undefined {
  const fromFunction = req.headers[VIEWER_IP_HEADER]?.trim();
  if (fromFunction !== undefined && isIP(fromFunction) !== 0) return fromFunction;
  const viewer = req.headers['cloudfront-viewer-address'];
  if (viewer !== undefined) {
    const ip = viewer.slice(0, viewer.lastIndexOf(':')).replace(/^\[|\]$/g, '');
    if (isIP(ip) !== 0) return ip;
  }
  return req.sourceIp !== undefined && isIP(req.sourceIp) !== 0 ? req.sourceIp : undefined;
}

/*
 * Behind the distribution (template.yaml), origin access control re-signs each request to the function URL with
 * SigV4, replacing the viewer's Authorization, and the function URL sees its own Host. The viewer-request
 * CloudFront Function SignerViewerFunction therefore copies the Authorization and writes the distribution's own
 * domain (its event context, never the viewer's Host) into the headers below, always overwriting (or deleting)
 * whatever a viewer sent under those names, and the IAM-authenticated function URL accepts only this
 * distribution: in that deployment a viewer cannot choose their values. Reached some other way (an API Gateway,
 * a local server), a caller can set them: the token is verified all the same, and the host only matters when
 * CFHLS_DISTRIBUTION_DOMAIN is unset, so set it for such deployments.
 */
const AUTHORIZATION_HEADER = SIGNER_HEADERS.authorization;
const VIEWER_HOST_HEADER = SIGNER_HEADERS.viewerHost;
const VIEWER_IP_HEADER = SIGNER_HEADERS.viewerIp;
/** A loopback host with an optional port; accepted only with `local.loopbackHttp` (the local edge). */
const LOOPBACK_HOST = /^(?:127\.0\.0\.1|localhost|\[::1\])(?::\d{1,5})?$/;

/**
 * The viewer's Authorization value: the CloudFront Function's copy when present, else the header itself unless it
 * is origin access control's SigV4 signature (then the viewer sent none: 401 without `error=`, RFC 6750 §3.1).
 */
export function authorizationOf(req: ServiceRequest): string | undefined {
  const copy = req.headers[AUTHORIZATION_HEADER];
  if (copy !== undefined) return copy;
  const own = req.headers.authorization;
  return own !== undefined && /^AWS4-HMAC-SHA256 /.test(own) ? undefined : own;
}

/**
 * The host of signed URLs: CFHLS_DISTRIBUTION_DOMAIN, else the distribution's domain from `x-cfhls-viewer-host`
 * (lowercased, an explicit `:443` dropped). `undefined` when neither yields a valid host name.
 */
export function mediaHostOf(config: SignerConfig, req: ServiceRequest, local: LocalSignerOptions = {}): string | undefined {
  if (config.distributionDomain !== undefined) return config.distributionDomain;
  const host = req.headers[VIEWER_HOST_HEADER]?.trim().toLowerCase().replace(/:443$/, '');
  if (host === undefined) return undefined;
  if (local.loopbackHttp === true && LOOPBACK_HOST.test(host)) return host;
  return isHostName(host) ? host : undefined;
}

/**
 * The IpAddress condition for a caller: its exact IPv4 address (an IPv4-mapped IPv6 address counts as IPv4), or
 * undefined for an IPv6 caller. CloudFront matches IpAddress against IPv4 only: "if you're using a custom policy
 * that includes the IpAddress parameter ... don't enable IPv6" (CloudFront API reference, DistributionConfig
 * IsIPV6Enabled, https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_DistributionConfig.html), so a URL
 * bound to an IPv6 block would be refused for that viewer.
 */
function bindCidr(ip: string): string | undefined {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip)?.[1];
  if (mapped !== undefined && isIP(mapped) === 4) return `${mapped}/32`;
  return isIP(ip) === 4 ? `${ip}/32` : undefined;
}

function corsHeaders(config: SignerConfig, origin: string | undefined): Record<string, string> {
  if (origin === undefined || config.corsOrigins.length === 0) return {};
  if (config.corsOrigins === '*') return { 'access-control-allow-origin': '*' };
  if (!config.corsOrigins.includes(origin)) return { vary: 'Origin' };
  return { 'access-control-allow-origin': origin, vary: 'Origin' };
}

/** What to answer and how to log it: the response, its outcome and safe log fields. */
interface Answer {
  res: ServiceResponse;
  outcome: string;
  extra?: Omit<ServiceLogRecord, 'status' | 'outcome'>;
}

function answer(res: ServiceResponse, outcome: string, extra: Answer['extra'] = {}): Answer {
  return { res, outcome, extra };
}

/** 404 off the route, 204 to a CORS preflight, 405 to other methods than GET and HEAD; else `undefined`. */
function routeAnswer(config: SignerConfig, req: ServiceRequest, cors: Record<string, string>): Answer | undefined {
  const path = req.path.length > 1 ? req.path.replace(/\/+$/, '') : req.path;
  if (path !== config.routePath) return answer(json(404, { error: 'not_found' }), 'not-found');
  const method = req.method.toUpperCase();
  if (method === 'OPTIONS') {
    const preflight: Record<string, string> = cors['access-control-allow-origin'] !== undefined
      ? { 'access-control-allow-methods': 'GET, OPTIONS', 'access-control-allow-headers': 'authorization', 'access-control-max-age': '600' }
      : {};
    return answer({ status: 204, headers: preflight, body: '' }, 'preflight');
  }
  if (method !== 'GET' && method !== 'HEAD') return answer(json(405, { error: 'method_not_allowed' }, { allow: 'GET, HEAD, OPTIONS' }), 'method');
  return undefined;
}

function authFailure(reason: 'missing' | 'invalid' | 'unavailable'): Answer {
  if (reason === 'unavailable') return answer(json(503, { error: 'unavailable' }, { 'retry-after': '5' }), 'jwks-unavailable');
  const challenge = reason === 'missing' ? REALM : `${REALM}, error="invalid_token"`;
  return answer(json(401, { error: 'unauthorized' }, { 'www-authenticate': challenge }), `auth-${reason}`);
}

/** The requested title's folder, if its content id is valid, the viewer is entitled to it and it is known. */
function titleFor(config: SignerConfig, titles: LocalSignerOptions['titles'], req: ServiceRequest, claims: JWTPayload): { contentId: string; folder: string } | Answer {
  const invalid = { error: 'invalid_request', message: `query parameter "${config.contentParam}" must be a valid content id` };
  const contentId = req.query[config.contentParam];
  if (contentId === undefined || !isValidContentId(contentId)) return answer(json(400, invalid), 'bad-content-id');
  if (!isEntitled(entitlementsFrom(claims, config.entitlementClaim), contentId)) {
    return answer(json(403, { error: 'forbidden' }), 'not-entitled', { contentId });
  }
  // Checked after entitlement, so a viewer cannot probe the catalog for titles they may not watch.
  const folder = titles === undefined ? `${config.contentPrefix}${contentId}/` : Object.hasOwn(titles, contentId) ? titles[contentId] : undefined;
  if (folder === undefined) return answer(json(400, invalid), 'unknown-content-id', { contentId });
  return { contentId, folder };
}

/** The media host of the signed URL and, with `bindClientIp`, the caller's IpAddress condition. */
function signingTarget(config: SignerConfig, local: LocalSignerOptions, req: ServiceRequest, contentId: string): { host: string; ipAddress?: string } | Answer {
  const host = mediaHostOf(config, req, local);
  if (host === undefined) {
    // A deployment problem, not the viewer's: no CFHLS_DISTRIBUTION_DOMAIN and no usable x-cfhls-viewer-host.
    return answer(json(500, { error: 'internal_error' }), 'no-media-host', { contentId, error: `CFHLS_DISTRIBUTION_DOMAIN is unset and ${VIEWER_HOST_HEADER} is missing or not a host name` });
  }
  if (!config.bindClientIp) return { host };
  const ip = clientIpOf(req);
  if (ip === undefined) return answer(json(500, { error: 'internal_error' }), 'no-client-ip', { contentId });
  const ipAddress = bindCidr(ip);
  if (ipAddress === undefined) {
    // Refused, not signed unbound: the operator asked for IP binding, and an unbound URL would drop it silently.
    const message = 'signed URLs here are bound to the viewer\'s IPv4 address, and this request came over IPv6; connect over IPv4';
    return answer(json(403, { error: 'ipv6_not_supported', message }), 'ipv6-viewer', { contentId });
  }
  return { host, ipAddress };
}

/** Signs the title's master playlist with a custom policy for its whole folder, expiring at `expires`. */
async function signMaster(config: SignerConfig, keys: PrivateKeyProvider, scheme: 'http' | 'https', host: string, titleFolder: string, ipAddress: string | undefined, expires: number): Promise<{ url: string; expiresAt: number }> {
  const key = await keys.getKey();
  const folder = `${scheme}://${host}${titleFolder}`;
  const url = `${folder}${config.masterPlaylist}`;
  const d = signDetailed({
    url,
    resource: `${folder}*`,
    keyPairId: config.keyPairId,
    privateKey: key,
    expires,
    hashAlgorithm: config.hashAlgorithm,
    ...(ipAddress !== undefined && { ipAddress }),
  });
  return { url: `${url}?${d.params.map(([n, v]) => `${n}=${v}`).join('&')}`, expiresAt: d.expiresAt };
}

/**
 * The signed URL for an entitled viewer: their own, or with shared credentials the title's for this window (no
 * IpAddress condition, memoised so every viewer of the window gets the same bytes).
 */
function signFor(deps: SignerServiceDeps, memo: SharedSignatureMemo<SignedMaster>, scheme: 'http' | 'https', host: string, folder: string, ipAddress: string | undefined): Promise<SignedMaster> {
  const { config, keys } = deps;
  const nowS = Math.floor(Date.now() / 1000);
  const window = config.sharedWindowSeconds ?? 0;
  if (window === 0) return signMaster(config, keys, scheme, host, folder, ipAddress, nowS + config.ttlSeconds);
  const expires = sharedExpiry(nowS, config.ttlSeconds, window);
  const key = JSON.stringify([scheme, host, folder, expires, config.keyPairId, config.hashAlgorithm]);
  return memo.get(key, nowS, () => signMaster(config, keys, scheme, host, folder, undefined, expires));
}

/** Authenticates, authorizes and signs: the signed URL as JSON, or a 302 to it with `redirect=1`. */
async function signAnswer(deps: SignerServiceDeps, memo: SharedSignatureMemo<SignedMaster>, req: ServiceRequest): Promise<Answer> {
  const { config, authenticate, local = {} } = deps;
  const auth = await authenticate(authorizationOf(req));
  if (!auth.ok) return authFailure(auth.reason);
  const title = titleFor(config, local.titles, req, auth.claims);
  if ('res' in title) return title;
  const { contentId } = title;
  // Shared credentials carry no IpAddress condition: one URL serves every viewer of the window.
  const target = signingTarget((config.sharedWindowSeconds ?? 0) > 0 ? { ...config, bindClientIp: false } : config, local, req, contentId);
  if ('res' in target) return target;

  let signed: SignedMaster;
  try {
    signed = await signFor(deps, memo, local.loopbackHttp === true ? 'http' : 'https', target.host, title.folder, target.ipAddress);
  } catch (err) {
    // The message names the key source or the failed check, never key material.
    return answer(json(500, { error: 'internal_error' }), 'sign-failed', { contentId, error: err instanceof Error ? `${err.name}: ${err.message}` : 'unknown' });
  }
  const redirect = req.query.redirect;
  if (redirect === '1' || redirect === 'true') {
    return answer({ status: 302, headers: { location: signed.url, 'cache-control': 'no-store' }, body: '' }, 'redirect', { contentId });
  }
  return answer(json(200, signed), 'signed', { contentId });
}

/**
 * Creates the request handler.
 *
 * @example
 * const handle = createSignerService({ config, keys, authenticate });
 * const res = await handle({ method: 'GET', path: '/api/sign', query: { content: 'movies/42' }, headers });
 */
export function createSignerService(deps: SignerServiceDeps): (req: ServiceRequest) => Promise<ServiceResponse> {
  const { config } = deps;
  if (deps.local?.titles !== undefined) assertNoNestedTitles(deps.local.titles);
  const log = deps.log ?? ((r: ServiceLogRecord) => console.log(JSON.stringify({ component: 'sign-url', ...r })));
  const memo = new SharedSignatureMemo<SignedMaster>();

  return async (req) => {
    const cors = corsHeaders(config, req.headers.origin);
    const { res, outcome, extra } = routeAnswer(config, req, cors) ?? (await signAnswer(deps, memo, req));
    log({ status: res.status, outcome, ...extra });
    return { ...res, headers: { ...res.headers, ...cors } };
  };
}
