/**
 * CloudFront cache, origin request and response headers policies as plain data: the managed ones the local
 * edge knows by id, and custom ones read from template resources.
 */
import { asMap } from './cfn-yaml.js';
import { LocalEdgeConfigError } from './errors.js';

/** Which query strings / cookies a policy names: CloudFront's `*Behavior` plus the list. */
export interface NameSelection {
  behavior: 'none' | 'whitelist' | 'allExcept' | 'all';
  names: string[];
}

export interface CachePolicy {
  name: string;
  /** CachingDisabled (or all TTLs 0): nothing is stored. */
  disabled: boolean;
  /** EnableAcceptEncodingGzip / EnableAcceptEncodingBrotli: CloudFront may compress (with Compress: true). */
  acceptEncodingGzip: boolean;
  acceptEncodingBrotli: boolean;
  minTtl: number;
  defaultTtl: number;
  maxTtl: number;
  queryStrings: NameSelection;
  headers: string[];
  cookies: NameSelection;
}

export interface OriginRequestPolicy {
  name: string;
  queryStrings: NameSelection;
  /** Lowercase header names; `allViewer` forwards every viewer header. */
  headers: { behavior: 'none' | 'whitelist' | 'allViewer' | 'allViewerAndWhitelistCloudFront' | 'allExcept'; names: string[] };
  cookies: NameSelection;
}

export interface CorsConfig {
  allowOrigins: string[];
  allowHeaders: string[];
  allowMethods: string[];
  exposeHeaders: string[];
  allowCredentials: boolean;
  maxAgeSec: number | undefined;
  originOverride: boolean;
}

export interface ResponseHeadersPolicy {
  name: string;
  cors: CorsConfig | undefined;
  /** Custom and security headers to add: lowercase name, value, override. */
  add: Array<{ name: string; value: string; override: boolean }>;
  remove: string[];
}

const NONE: NameSelection = { behavior: 'none', names: [] };
const ALL: NameSelection = { behavior: 'all', names: [] };

/** Managed cache policies (AWS documentation, "Use managed cache policies"). */
export const MANAGED_CACHE_POLICIES: Record<string, CachePolicy> = {
  '4135ea2d-6df8-44a3-9df3-4b5a84be39ad': { name: 'Managed-CachingDisabled', disabled: true, acceptEncodingGzip: false, acceptEncodingBrotli: false, minTtl: 0, defaultTtl: 0, maxTtl: 0, queryStrings: NONE, headers: [], cookies: NONE },
  '658327ea-f89d-4fab-a63d-7e88639e58f6': { name: 'Managed-CachingOptimized', disabled: false, acceptEncodingGzip: true, acceptEncodingBrotli: true, minTtl: 1, defaultTtl: 86400, maxTtl: 31536000, queryStrings: NONE, headers: [], cookies: NONE },
  'b2884449-e4de-46a7-ac36-70bc7f1ddd6d': { name: 'Managed-CachingOptimizedForUncompressedObjects', disabled: false, acceptEncodingGzip: false, acceptEncodingBrotli: false, minTtl: 1, defaultTtl: 86400, maxTtl: 31536000, queryStrings: NONE, headers: [], cookies: NONE },
};

/** Managed origin request policies. */
export const MANAGED_ORIGIN_REQUEST_POLICIES: Record<string, OriginRequestPolicy> = {
  '216adef6-5c7f-47e4-b989-5492eafa07d3': { name: 'Managed-AllViewer', queryStrings: ALL, headers: { behavior: 'allViewer', names: [] }, cookies: ALL },
  'b689b0a8-53d0-40ab-baf2-68738e2966ac': { name: 'Managed-AllViewerExceptHostHeader', queryStrings: ALL, headers: { behavior: 'allExcept', names: ['host'] }, cookies: ALL },
  '88a5eaf4-2fd4-4709-b370-b4c650ea3fcf': { name: 'Managed-CORS-S3Origin', queryStrings: NONE, headers: { behavior: 'whitelist', names: ['origin', 'access-control-request-headers', 'access-control-request-method'] }, cookies: NONE },
  '59781a5b-3903-41f3-afcb-af62929ccde1': { name: 'Managed-CORS-CustomOrigin', queryStrings: NONE, headers: { behavior: 'whitelist', names: ['origin'] }, cookies: NONE },
};

const ANY_CORS: CorsConfig = { allowOrigins: ['*'], allowHeaders: ['*'], allowMethods: ['GET', 'HEAD', 'OPTIONS'], exposeHeaders: ['*'], allowCredentials: false, maxAgeSec: undefined, originOverride: false };

/** Managed response headers policies. */
export const MANAGED_RESPONSE_HEADERS_POLICIES: Record<string, ResponseHeadersPolicy> = {
  '60669652-455b-4ae9-85a4-c4c02393f86c': { name: 'Managed-SimpleCORS', cors: { ...ANY_CORS, allowHeaders: [], exposeHeaders: [] }, add: [], remove: [] },
  '5cc3b908-e619-4b99-88e5-2cf7f45965bd': { name: 'Managed-CORS-With-Preflight', cors: ANY_CORS, add: [], remove: [] },
};

function num(v: unknown, where: string, fallback?: number): number {
  if (v === undefined && fallback !== undefined) return fallback;
  const n = typeof v === 'string' ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isFinite(n)) throw new LocalEdgeConfigError(`${where} must be a number`);
  return n;
}

function items(v: unknown): string[] {
  const list = Array.isArray(v) ? v : Array.isArray(asMap(v).Items) ? (asMap(v).Items as unknown[]) : [];
  return list.map(String);
}

function selection(cfg: unknown, field: string, where: string, allowed: readonly string[]): NameSelection {
  const c = asMap(cfg);
  const raw = c[field];
  if (raw === undefined) return NONE;
  const behavior = String(raw);
  if (!allowed.includes(behavior)) throw new LocalEdgeConfigError(`${where}.${field} "${behavior}" is not modeled by the local edge (expected ${allowed.join(', ')})`);
  const names = items(c.QueryStrings ?? c.Cookies ?? c.Headers);
  return { behavior: behavior as NameSelection['behavior'], names };
}

/** Reads an `AWS::CloudFront::CachePolicy` resource. */
export function cachePolicyFromResource(id: string, props: Record<string, unknown>): CachePolicy {
  const where = `${id} (AWS::CloudFront::CachePolicy).CachePolicyConfig`;
  const cfg = asMap(props.CachePolicyConfig);
  const p = asMap(cfg.ParametersInCacheKeyAndForwardedToOrigin);
  const minTtl = num(cfg.MinTTL, `${where}.MinTTL`);
  const defaultTtl = num(cfg.DefaultTTL, `${where}.DefaultTTL`, Math.max(minTtl, 86400));
  const maxTtl = num(cfg.MaxTTL, `${where}.MaxTTL`, Math.max(defaultTtl, 31536000));
  const headersCfg = asMap(p.HeadersConfig);
  const hb = String(headersCfg.HeaderBehavior ?? 'none');
  if (hb !== 'none' && hb !== 'whitelist') throw new LocalEdgeConfigError(`${where}.ParametersInCacheKeyAndForwardedToOrigin.HeadersConfig.HeaderBehavior "${hb}" is not modeled`);
  return {
    name: String(cfg.Name ?? id),
    disabled: maxTtl === 0,
    acceptEncodingGzip: p.EnableAcceptEncodingGzip === true || p.EnableAcceptEncodingGzip === 'true',
    acceptEncodingBrotli: p.EnableAcceptEncodingBrotli === true || p.EnableAcceptEncodingBrotli === 'true',
    minTtl,
    defaultTtl,
    maxTtl,
    queryStrings: selection(p.QueryStringsConfig, 'QueryStringBehavior', `${where}.ParametersInCacheKeyAndForwardedToOrigin.QueryStringsConfig`, ['none', 'whitelist', 'allExcept', 'all']),
    headers: hb === 'whitelist' ? items(headersCfg.Headers).map((h) => h.toLowerCase()) : [],
    cookies: selection(p.CookiesConfig, 'CookieBehavior', `${where}.ParametersInCacheKeyAndForwardedToOrigin.CookiesConfig`, ['none', 'whitelist', 'allExcept', 'all']),
  };
}

/** Reads an `AWS::CloudFront::OriginRequestPolicy` resource. */
export function originRequestPolicyFromResource(id: string, props: Record<string, unknown>): OriginRequestPolicy {
  const where = `${id} (AWS::CloudFront::OriginRequestPolicy).OriginRequestPolicyConfig`;
  const cfg = asMap(props.OriginRequestPolicyConfig);
  const headersCfg = asMap(cfg.HeadersConfig);
  const hb = String(headersCfg.HeaderBehavior ?? 'none');
  const allowedHeaders = ['none', 'whitelist', 'allViewer', 'allViewerAndWhitelistCloudFront', 'allExcept'];
  if (!allowedHeaders.includes(hb)) throw new LocalEdgeConfigError(`${where}.HeadersConfig.HeaderBehavior "${hb}" is not modeled`);
  return {
    name: String(cfg.Name ?? id),
    queryStrings: selection(cfg.QueryStringsConfig, 'QueryStringBehavior', `${where}.QueryStringsConfig`, ['none', 'whitelist', 'allExcept', 'all']),
    headers: { behavior: hb as OriginRequestPolicy['headers']['behavior'], names: items(headersCfg.Headers).map((h) => h.toLowerCase()) },
    cookies: selection(cfg.CookiesConfig, 'CookieBehavior', `${where}.CookiesConfig`, ['none', 'whitelist', 'allExcept', 'all']),
  };
}

/** Reads an `AWS::CloudFront::ResponseHeadersPolicy` resource (CORS, custom, security and remove headers). */
export function responseHeadersPolicyFromResource(id: string, props: Record<string, unknown>): ResponseHeadersPolicy {
  const where = `${id} (AWS::CloudFront::ResponseHeadersPolicy).ResponseHeadersPolicyConfig`;
  const cfg = asMap(props.ResponseHeadersPolicyConfig);
  const c = asMap(cfg.CorsConfig);
  const cors: CorsConfig | undefined = cfg.CorsConfig === undefined
    ? undefined
    : {
        allowOrigins: items(c.AccessControlAllowOrigins),
        allowHeaders: items(c.AccessControlAllowHeaders),
        allowMethods: items(c.AccessControlAllowMethods),
        exposeHeaders: items(c.AccessControlExposeHeaders),
        allowCredentials: c.AccessControlAllowCredentials === true || c.AccessControlAllowCredentials === 'true',
        maxAgeSec: c.AccessControlMaxAgeSec === undefined ? undefined : num(c.AccessControlMaxAgeSec, `${where}.CorsConfig.AccessControlMaxAgeSec`),
        originOverride: c.OriginOverride === true || c.OriginOverride === 'true',
      };
  const add: ResponseHeadersPolicy['add'] = [];
  for (const raw of (asMap(cfg.CustomHeadersConfig).Items as unknown[] | undefined) ?? []) {
    const h = asMap(raw);
    add.push({ name: String(h.Header).toLowerCase(), value: String(h.Value), override: h.Override === true || h.Override === 'true' });
  }
  const sec = asMap(cfg.SecurityHeadersConfig);
  const secHeader = (key: string, name: string, value: (v: Record<string, unknown>) => string): void => {
    if (sec[key] === undefined) return;
    const v = asMap(sec[key]);
    add.push({ name, value: value(v), override: v.Override === true || v.Override === 'true' });
  };
  secHeader('ContentTypeOptions', 'x-content-type-options', () => 'nosniff');
  secHeader('FrameOptions', 'x-frame-options', (v) => String(v.FrameOption));
  secHeader('ReferrerPolicy', 'referrer-policy', (v) => String(v.ReferrerPolicy));
  secHeader('ContentSecurityPolicy', 'content-security-policy', (v) => String(v.ContentSecurityPolicy));
  secHeader('StrictTransportSecurity', 'strict-transport-security', (v) =>
    [`max-age=${String(v.AccessControlMaxAgeSec)}`, v.IncludeSubdomains === true ? 'includeSubDomains' : '', v.Preload === true ? 'preload' : ''].filter(Boolean).join('; '));
  secHeader('XSSProtection', 'x-xss-protection', (v) => (v.Protection === true ? `1${v.ModeBlock === true ? '; mode=block' : ''}` : '0'));
  const timing = asMap(cfg.ServerTimingHeadersConfig);
  if (timing.Enabled === true || timing.Enabled === 'true') throw new LocalEdgeConfigError(`${where}.ServerTimingHeadersConfig is not modeled by the local edge`);
  const remove = ((asMap(cfg.RemoveHeadersConfig).Items as unknown[] | undefined) ?? []).map((h) => String(asMap(h).Header).toLowerCase());
  return { name: String(cfg.Name ?? id), cors, add, remove };
}
