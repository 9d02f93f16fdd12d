/**
 * Signer service configuration from environment variables, validated once at cold start.
 * Every problem is reported at once, each naming its variable. Documented in docs/signing.md, "Signer service".
 */
import { ConfigError } from '../errors.js';
import type { HashAlgorithm } from '../signer/sign.js';

/** Where the private key lives. */
export type PrivateKeySource = 'secretsmanager' | 'ssm';

/** The validated configuration of the signer service. */
export interface SignerConfig {
  /**
   * Host name viewers use for media (the distribution's domain or an alternate domain name). Absent: each
   * request's `x-cfhls-viewer-host` header, set by the distribution's CloudFront Function to the distribution's
   * own domain, names it.
   */
  distributionDomain?: string;
  /** CloudFront public key ID (member of the distribution's trusted key group). */
  keyPairId: string;
  privateKey: { source: PrivateKeySource; id: string; maxAgeSeconds: number };
  jwt: { issuer: string; audience: string[]; jwksUrl: string };
  /** JWT claim listing the content ids or path prefixes (ending in `/`) the viewer may watch. */
  entitlementClaim: string;
  /** Path of the endpoint (`/api/sign`). */
  routePath: string;
  /** Query parameter carrying the content id (`content`). */
  contentParam: string;
  /** Path under which title folders live, starting and ending with `/` (`/`). */
  contentPrefix: string;
  /** File name of the multivariant playlist in a title folder (`master.m3u8`). */
  masterPlaylist: string;
  /** Lifetime of a signed URL in seconds. */
  ttlSeconds: number;
  hashAlgorithm: HashAlgorithm;
  /** Add an IpAddress condition with the caller's IPv4 address (/32); IPv6 callers are refused (CloudFront matches IPv4 only). */
  bindClientIp: boolean;
  /**
   * Shared credentials (docs/live.md): > 0 gives every entitled viewer of a title the same URL per window of this
   * many seconds (no IpAddress condition, DateLessThan rounded up to the window's end). 0 or absent: per viewer.
   */
  sharedWindowSeconds?: number;
  /** Allowed CORS origins; `'*'` for any; empty for no CORS headers. */
  corsOrigins: string[] | '*';
}

/**
 * What only the local edge sets, never read from the environment and apart from the deployed configuration
 * (createSignerService's `local`).
 */
export interface LocalSignerOptions {
  /**
   * A catalog: content id -> title folder path (starting and ending with `/`). When set, only these ids are known
   * (others get 400) and each signs its own folder instead of `contentPrefix + id + '/'`; the local edge sets it
   * from its origin folder (whose root is itself a title). No title's folder may lie inside another's
   * (createSignerService refuses such a catalog, see catalog.ts).
   */
  titles?: Readonly<Record<string, string>>;
  /**
   * Signed URLs use `http://` and the viewer host may be a loopback address with a port (`127.0.0.1:8080`), as the
   * local edge serves plain HTTP on 127.0.0.1.
   */
  loopbackHttp?: boolean;
}


type Env = Record<string, string | undefined>;

/** A DNS host name of at least two labels, lowercase, without scheme, port or path. */
export function isHostName(value: string): boolean {
  return value.length <= 253 && /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+$/.test(value);
}

/** Reads variables of `env`, collecting every problem instead of stopping at the first. */
class EnvReader {
  readonly problems: string[] = [];

  constructor(private readonly env: Env) {}

  /** The trimmed value; `undefined` when unset or empty. */
  get(name: string): string | undefined {
    const v = this.env[name]?.trim();
    return v === undefined || v === '' ? undefined : v;
  }

  required(name: string, hint: string): string {
    const v = this.get(name);
    if (v === undefined) this.problems.push(`${name} is required (${hint})`);
    return v ?? '';
  }

  integer(name: string, def: number, min: number, max: number): number {
    const v = this.get(name);
    if (v === undefined) return def;
    if (!/^\d+$/.test(v) || Number(v) < min || Number(v) > max) {
      this.problems.push(`${name} must be a whole number of seconds between ${min} and ${max}, not "${v}"`);
      return def;
    }
    return Number(v);
  }

  bool(name: string): boolean {
    const v = this.get(name)?.toLowerCase();
    if (v === undefined || v === 'false' || v === '0' || v === 'no') return false;
    if (v === 'true' || v === '1' || v === 'yes') return true;
    this.problems.push(`${name} must be true or false, not "${v}"`);
    return false;
  }
}

function readDistributionDomain(r: EnvReader): string | undefined {
  const distributionDomain = r.get('CFHLS_DISTRIBUTION_DOMAIN')?.toLowerCase();
  if (distributionDomain !== undefined && !isHostName(distributionDomain)) {
    r.problems.push(`CFHLS_DISTRIBUTION_DOMAIN must be a host name without scheme or path, not "${distributionDomain}"`);
  }
  return distributionDomain;
}

function readKeyConfig(r: EnvReader): Pick<SignerConfig, 'keyPairId' | 'privateKey'> {
  const keyPairId = r.required('CFHLS_KEY_PAIR_ID', 'the CloudFront public key ID');
  if (keyPairId !== '' && !/^[A-Za-z0-9]{1,128}$/.test(keyPairId)) r.problems.push('CFHLS_KEY_PAIR_ID must be a CloudFront public key ID such as K2JCJMDEHXQW5F');
  const source = r.required('CFHLS_PRIVATE_KEY_SOURCE', 'secretsmanager or ssm').toLowerCase();
  if (source !== '' && source !== 'secretsmanager' && source !== 'ssm') r.problems.push(`CFHLS_PRIVATE_KEY_SOURCE must be secretsmanager or ssm, not "${source}"`);
  const keyId = r.required('CFHLS_PRIVATE_KEY_ID', 'secret name/ARN or SSM parameter name');
  if (r.get('CFHLS_PRIVATE_KEY') !== undefined) r.problems.push('CFHLS_PRIVATE_KEY is not supported: keep the key in Secrets Manager or SSM and set CFHLS_PRIVATE_KEY_ID');
  const maxAgeSeconds = r.integer('CFHLS_PRIVATE_KEY_MAX_AGE_SECONDS', 300, 0, 86_400);
  return { keyPairId, privateKey: { source: source as PrivateKeySource, id: keyId, maxAgeSeconds } };
}

function readJwtConfig(r: EnvReader): Pick<SignerConfig, 'jwt' | 'entitlementClaim'> {
  const issuer = r.required('CFHLS_JWT_ISSUER', 'the "iss" of accepted tokens, e.g. https://cognito-idp.<region>.amazonaws.com/<pool id>');
  const audienceRaw = r.required('CFHLS_JWT_AUDIENCE', 'accepted "aud" (or Cognito "client_id") values, comma-separated');
  const audience = audienceRaw.split(',').map((s) => s.trim()).filter((s) => s !== '');
  const jwksUrl = r.get('CFHLS_JWKS_URL') ?? (issuer === '' ? '' : `${issuer.replace(/\/+$/, '')}/.well-known/jwks.json`);
  if (jwksUrl !== '') checkJwksUrl(r, jwksUrl);
  const entitlementClaim = r.get('CFHLS_ENTITLEMENT_CLAIM') ?? 'entitlements';
  return { jwt: { issuer, audience, jwksUrl }, entitlementClaim };
}

function checkJwksUrl(r: EnvReader, jwksUrl: string): void {
  let u: URL | undefined;
  try {
    u = new URL(jwksUrl);
  } catch {
    r.problems.push(`CFHLS_JWKS_URL must be a URL, not "${jwksUrl}"`);
  }
  if (u && u.protocol !== 'https:' && !(u.protocol === 'http:' && (u.hostname === '127.0.0.1' || u.hostname === 'localhost'))) {
    r.problems.push('CFHLS_JWKS_URL must use https (http only for 127.0.0.1 or localhost)');
  }
}

function readRouteConfig(r: EnvReader): Pick<SignerConfig, 'routePath' | 'contentParam' | 'contentPrefix' | 'masterPlaylist'> {
  const routePath = r.get('CFHLS_ROUTE_PATH') ?? '/api/sign';
  if (!/^\/[A-Za-z0-9._~\-/]*$/.test(routePath)) r.problems.push(`CFHLS_ROUTE_PATH must be a path starting with /, not "${routePath}"`);
  const contentParam = r.get('CFHLS_CONTENT_PARAM') ?? 'content';
  if (!/^[A-Za-z0-9_.-]+$/.test(contentParam)) r.problems.push(`CFHLS_CONTENT_PARAM must be a plain parameter name, not "${contentParam}"`);
  const contentPrefix = r.get('CFHLS_CONTENT_PREFIX') ?? '/';
  if (!/^\/([A-Za-z0-9._~-]+\/)*$/.test(contentPrefix) || contentPrefix.includes('/../') || contentPrefix.includes('/./')) {
    r.problems.push(`CFHLS_CONTENT_PREFIX must start and end with / (e.g. /media/), not "${contentPrefix}"`);
  }
  const masterPlaylist = r.get('CFHLS_MASTER_PLAYLIST') ?? 'master.m3u8';
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(masterPlaylist)) r.problems.push(`CFHLS_MASTER_PLAYLIST must be a file name, not "${masterPlaylist}"`);
  return { routePath: routePath.length > 1 ? routePath.replace(/\/+$/, '') : routePath, contentParam, contentPrefix, masterPlaylist };
}

function readSigningConfig(r: EnvReader): Pick<SignerConfig, 'ttlSeconds' | 'hashAlgorithm' | 'bindClientIp' | 'sharedWindowSeconds'> {
  // Default 6 h: long enough to finish a feature film with pauses; set minutes for live.
  const ttlSeconds = r.integer('CFHLS_TTL_SECONDS', 21_600, 60, 7 * 86_400);
  const hash = (r.get('CFHLS_HASH_ALGORITHM') ?? 'SHA1').toUpperCase().replace('-', '');
  if (hash !== 'SHA1' && hash !== 'SHA256') r.problems.push(`CFHLS_HASH_ALGORITHM must be SHA1 or SHA256, not "${hash}"`);
  const bindClientIp = r.bool('CFHLS_BIND_CLIENT_IP');
  const sharedWindowSeconds = r.integer('CFHLS_SHARED_WINDOW_SECONDS', 0, 0, 86_400);
  return { ttlSeconds, hashAlgorithm: hash as HashAlgorithm, bindClientIp, sharedWindowSeconds };
}

function readCorsOrigins(r: EnvReader): SignerConfig['corsOrigins'] {
  const corsRaw = r.get('CFHLS_CORS_ORIGINS') ?? '';
  const corsOrigins = corsRaw === '*' ? '*' : corsRaw.split(',').map((s) => s.trim().replace(/\/+$/, '')).filter((s) => s !== '');
  if (corsOrigins !== '*') {
    for (const o of corsOrigins) if (!/^https?:\/\/[^/\s]+$/.test(o)) r.problems.push(`CFHLS_CORS_ORIGINS entry "${o}" must be an origin like https://player.example.com`);
  }
  return corsOrigins;
}

/**
 * Reads and validates the signer configuration.
 *
 * @example
 * const config = loadConfig(process.env); // throws ConfigError naming e.g. CFHLS_KEY_PAIR_ID
 */
export function loadConfig(env: Env): SignerConfig {
  const r = new EnvReader(env);
  // Read in this order, so the problems are listed in it.
  const distributionDomain = readDistributionDomain(r);
  const key = readKeyConfig(r);
  const jwt = readJwtConfig(r);
  const route = readRouteConfig(r);
  const signing = readSigningConfig(r);
  const corsOrigins = readCorsOrigins(r);
  if (r.problems.length > 0) throw new ConfigError(`invalid signer configuration: ${r.problems.join('; ')}`);
  return {
    ...(distributionDomain !== undefined && { distributionDomain }),
    ...key,
    ...jwt,
    ...route,
    ...signing,
    corsOrigins,
  };
}
