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
  /** Add an IpAddress condition with the caller's address (/32 for IPv4, /64 for IPv6). */
  bindClientIp: boolean;
  /** Allowed CORS origins; `'*'` for any; empty for no CORS headers. */
  corsOrigins: string[] | '*';
  /**
   * Optional catalog: content id -> title folder path (starting and ending with `/`). When set, only these ids
   * are known (others get 400) and each signs its own folder instead of `contentPrefix + id + '/'`. Never read
   * from the environment; the local edge sets it from its origin folder (whose root is itself a title). No
   * title's folder may lie inside another's (createSignerService refuses such a catalog, see catalog.ts).
   */
  titles?: Readonly<Record<string, string>>;
  /**
   * Local edge only, never read from the environment: signed URLs use `http://` and the viewer host may be a
   * loopback address with a port (`127.0.0.1:8080`), as the local edge serves plain HTTP on 127.0.0.1.
   */
  loopbackHttp?: boolean;
}


type Env = Record<string, string | undefined>;

/** A DNS host name of at least two labels, lowercase, without scheme, port or path. */
export function isHostName(value: string): boolean {
  return value.length <= 253 && /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+$/.test(value);
}

/**
 * Reads and validates the signer configuration.
 *
 * @example
 * const config = loadConfig(process.env); // throws ConfigError naming e.g. CFHLS_KEY_PAIR_ID
 */
export function loadConfig(env: Env): SignerConfig {
  const problems: string[] = [];
  const get = (name: string): string | undefined => {
    const v = env[name]?.trim();
    return v === undefined || v === '' ? undefined : v;
  };
  const required = (name: string, hint: string): string => {
    const v = get(name);
    if (v === undefined) problems.push(`${name} is required (${hint})`);
    return v ?? '';
  };
  const integer = (name: string, def: number, min: number, max: number): number => {
    const v = get(name);
    if (v === undefined) return def;
    if (!/^\d+$/.test(v) || Number(v) < min || Number(v) > max) {
      problems.push(`${name} must be a whole number of seconds between ${min} and ${max}, not "${v}"`);
      return def;
    }
    return Number(v);
  };
  const bool = (name: string): boolean => {
    const v = get(name)?.toLowerCase();
    if (v === undefined || v === 'false' || v === '0' || v === 'no') return false;
    if (v === 'true' || v === '1' || v === 'yes') return true;
    problems.push(`${name} must be true or false, not "${v}"`);
    return false;
  };

  const distributionDomain = get('CFHLS_DISTRIBUTION_DOMAIN')?.toLowerCase();
  if (distributionDomain !== undefined && !isHostName(distributionDomain)) {
    problems.push(`CFHLS_DISTRIBUTION_DOMAIN must be a host name without scheme or path, not "${distributionDomain}"`);
  }
  const keyPairId = required('CFHLS_KEY_PAIR_ID', 'the CloudFront public key ID');
  if (keyPairId !== '' && !/^[A-Za-z0-9]{1,128}$/.test(keyPairId)) problems.push('CFHLS_KEY_PAIR_ID must be a CloudFront public key ID such as K2JCJMDEHXQW5F');
  const source = required('CFHLS_PRIVATE_KEY_SOURCE', 'secretsmanager or ssm').toLowerCase();
  if (source !== '' && source !== 'secretsmanager' && source !== 'ssm') problems.push(`CFHLS_PRIVATE_KEY_SOURCE must be secretsmanager or ssm, not "${source}"`);
  const keyId = required('CFHLS_PRIVATE_KEY_ID', 'secret name/ARN or SSM parameter name');
  if (get('CFHLS_PRIVATE_KEY') !== undefined) problems.push('CFHLS_PRIVATE_KEY is not supported: keep the key in Secrets Manager or SSM and set CFHLS_PRIVATE_KEY_ID');
  const maxAgeSeconds = integer('CFHLS_PRIVATE_KEY_MAX_AGE_SECONDS', 300, 0, 86_400);

  const issuer = required('CFHLS_JWT_ISSUER', 'the "iss" of accepted tokens, e.g. https://cognito-idp.<region>.amazonaws.com/<pool id>');
  const audienceRaw = required('CFHLS_JWT_AUDIENCE', 'accepted "aud" (or Cognito "client_id") values, comma-separated');
  const audience = audienceRaw.split(',').map((s) => s.trim()).filter((s) => s !== '');
  const jwksUrl = get('CFHLS_JWKS_URL') ?? (issuer === '' ? '' : `${issuer.replace(/\/+$/, '')}/.well-known/jwks.json`);
  if (jwksUrl !== '') {
    let u: URL | undefined;
    try {
      u = new URL(jwksUrl);
    } catch {
      problems.push(`CFHLS_JWKS_URL must be a URL, not "${jwksUrl}"`);
    }
    if (u && u.protocol !== 'https:' && !(u.protocol === 'http:' && (u.hostname === '127.0.0.1' || u.hostname === 'localhost'))) {
      problems.push('CFHLS_JWKS_URL must use https (http only for 127.0.0.1 or localhost)');
    }
  }
  const entitlementClaim = get('CFHLS_ENTITLEMENT_CLAIM') ?? 'entitlements';

  const routePath = get('CFHLS_ROUTE_PATH') ?? '/api/sign';
  if (!/^\/[A-Za-z0-9._~\-/]*$/.test(routePath)) problems.push(`CFHLS_ROUTE_PATH must be a path starting with /, not "${routePath}"`);
  const contentParam = get('CFHLS_CONTENT_PARAM') ?? 'content';
  if (!/^[A-Za-z0-9_.-]+$/.test(contentParam)) problems.push(`CFHLS_CONTENT_PARAM must be a plain parameter name, not "${contentParam}"`);
  const contentPrefix = get('CFHLS_CONTENT_PREFIX') ?? '/';
  if (!/^\/([A-Za-z0-9._~-]+\/)*$/.test(contentPrefix) || contentPrefix.includes('/../') || contentPrefix.includes('/./')) {
    problems.push(`CFHLS_CONTENT_PREFIX must start and end with / (e.g. /media/), not "${contentPrefix}"`);
  }
  const masterPlaylist = get('CFHLS_MASTER_PLAYLIST') ?? 'master.m3u8';
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(masterPlaylist)) problems.push(`CFHLS_MASTER_PLAYLIST must be a file name, not "${masterPlaylist}"`);
  // Default 6 h: long enough to finish a feature film with pauses; set minutes for live.
  const ttlSeconds = integer('CFHLS_TTL_SECONDS', 21_600, 60, 7 * 86_400);
  const hash = (get('CFHLS_HASH_ALGORITHM') ?? 'SHA1').toUpperCase().replace('-', '');
  if (hash !== 'SHA1' && hash !== 'SHA256') problems.push(`CFHLS_HASH_ALGORITHM must be SHA1 or SHA256, not "${hash}"`);
  const bindClientIp = bool('CFHLS_BIND_CLIENT_IP');
  const corsRaw = get('CFHLS_CORS_ORIGINS') ?? '';
  const corsOrigins = corsRaw === '*' ? '*' : corsRaw.split(',').map((s) => s.trim().replace(/\/+$/, '')).filter((s) => s !== '');
  if (corsOrigins !== '*') {
    for (const o of corsOrigins) if (!/^https?:\/\/[^/\s]+$/.test(o)) problems.push(`CFHLS_CORS_ORIGINS entry "${o}" must be an origin like https://player.example.com`);
  }

  if (problems.length > 0) throw new ConfigError(`invalid signer configuration: ${problems.join('; ')}`);
  return {
    ...(distributionDomain !== undefined && { distributionDomain }),
    keyPairId,
    privateKey: { source: source as PrivateKeySource, id: keyId, maxAgeSeconds },
    jwt: { issuer, audience, jwksUrl },
    entitlementClaim,
    routePath: routePath.length > 1 ? routePath.replace(/\/+$/, '') : routePath,
    contentParam,
    contentPrefix,
    masterPlaylist,
    ttlSeconds,
    hashAlgorithm: hash as HashAlgorithm,
    bindClientIp,
    corsOrigins,
  };
}
