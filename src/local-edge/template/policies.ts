/**
 * CloudFront cache, origin request and response headers policies as plain data: the managed ones the local
 * edge knows by id, and custom ones read from template resources.
 */
import { asMap } from './cfn-yaml.js';
import { LocalEdgeConfigError } from '../../errors.js';

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

function num(value: unknown, where: string, fallback?: number): number {
  if (value === undefined && fallback !== undefined) return fallback;
  const parsed = typeof value === 'string' ? Number(value) : value;
  if (typeof parsed !== 'number' || !Number.isFinite(parsed)) throw new LocalEdgeConfigError(`${where} must be a number`);
  return parsed;
}

function items(value: unknown): string[] {
  const list = Array.isArray(value) ? value : Array.isArray(asMap(value).Items) ? (asMap(value).Items as unknown[]) : [];
  return list.map(String);
}

function selection(config: unknown, field: string, where: string, allowed: readonly string[]): NameSelection {
  const fields = asMap(config);
  const raw = fields[field];
  if (raw === undefined) return NONE;
  const behavior = String(raw);
  if (!allowed.includes(behavior)) throw new LocalEdgeConfigError(`${where}.${field} "${behavior}" is not modeled by the local edge (expected ${allowed.join(', ')})`);
  const names = items(fields.QueryStrings ?? fields.Cookies ?? fields.Headers);
  return { behavior: behavior as NameSelection['behavior'], names };
}

/** Reads an `AWS::CloudFront::CachePolicy` resource. */
export function cachePolicyFromResource(id: string, props: Record<string, unknown>): CachePolicy {
  const where = `${id} (AWS::CloudFront::CachePolicy).CachePolicyConfig`;
  const config = asMap(props.CachePolicyConfig);
  const parameters = asMap(config.ParametersInCacheKeyAndForwardedToOrigin);
  const minTtl = num(config.MinTTL, `${where}.MinTTL`);
  const defaultTtl = num(config.DefaultTTL, `${where}.DefaultTTL`, Math.max(minTtl, 86400));
  const maxTtl = num(config.MaxTTL, `${where}.MaxTTL`, Math.max(defaultTtl, 31536000));
  const headersCfg = asMap(parameters.HeadersConfig);
  const headerBehavior = String(headersCfg.HeaderBehavior ?? 'none');
  if (headerBehavior !== 'none' && headerBehavior !== 'whitelist') throw new LocalEdgeConfigError(`${where}.ParametersInCacheKeyAndForwardedToOrigin.HeadersConfig.HeaderBehavior "${headerBehavior}" is not modeled`);
  return {
    name: String(config.Name ?? id),
    disabled: maxTtl === 0,
    acceptEncodingGzip: parameters.EnableAcceptEncodingGzip === true || parameters.EnableAcceptEncodingGzip === 'true',
    acceptEncodingBrotli: parameters.EnableAcceptEncodingBrotli === true || parameters.EnableAcceptEncodingBrotli === 'true',
    minTtl,
    defaultTtl,
    maxTtl,
    queryStrings: selection(parameters.QueryStringsConfig, 'QueryStringBehavior', `${where}.ParametersInCacheKeyAndForwardedToOrigin.QueryStringsConfig`, ['none', 'whitelist', 'allExcept', 'all']),
    headers: headerBehavior === 'whitelist' ? items(headersCfg.Headers).map((name) => name.toLowerCase()) : [],
    cookies: selection(parameters.CookiesConfig, 'CookieBehavior', `${where}.ParametersInCacheKeyAndForwardedToOrigin.CookiesConfig`, ['none', 'whitelist', 'allExcept', 'all']),
  };
}

/** Reads an `AWS::CloudFront::OriginRequestPolicy` resource. */
export function originRequestPolicyFromResource(id: string, props: Record<string, unknown>): OriginRequestPolicy {
  const where = `${id} (AWS::CloudFront::OriginRequestPolicy).OriginRequestPolicyConfig`;
  const config = asMap(props.OriginRequestPolicyConfig);
  const headersCfg = asMap(config.HeadersConfig);
  const headerBehavior = String(headersCfg.HeaderBehavior ?? 'none');
  const allowedHeaders = ['none', 'whitelist', 'allViewer', 'allViewerAndWhitelistCloudFront', 'allExcept'];
  if (!allowedHeaders.includes(headerBehavior)) throw new LocalEdgeConfigError(`${where}.HeadersConfig.HeaderBehavior "${headerBehavior}" is not modeled`);
  return {
    name: String(config.Name ?? id),
    queryStrings: selection(config.QueryStringsConfig, 'QueryStringBehavior', `${where}.QueryStringsConfig`, ['none', 'whitelist', 'allExcept', 'all']),
    headers: { behavior: headerBehavior as OriginRequestPolicy['headers']['behavior'], names: items(headersCfg.Headers).map((name) => name.toLowerCase()) },
    cookies: selection(config.CookiesConfig, 'CookieBehavior', `${where}.CookiesConfig`, ['none', 'whitelist', 'allExcept', 'all']),
  };
}

/** Reads an `AWS::CloudFront::ResponseHeadersPolicy` resource (CORS, custom, security and remove headers). */
export function responseHeadersPolicyFromResource(id: string, props: Record<string, unknown>): ResponseHeadersPolicy {
  const where = `${id} (AWS::CloudFront::ResponseHeadersPolicy).ResponseHeadersPolicyConfig`;
  const config = asMap(props.ResponseHeadersPolicyConfig);
  const corsFields = asMap(config.CorsConfig);
  const cors: CorsConfig | undefined = config.CorsConfig === undefined
    ? undefined
    : {
        allowOrigins: items(corsFields.AccessControlAllowOrigins),
        allowHeaders: items(corsFields.AccessControlAllowHeaders),
        allowMethods: items(corsFields.AccessControlAllowMethods),
        exposeHeaders: items(corsFields.AccessControlExposeHeaders),
        allowCredentials: corsFields.AccessControlAllowCredentials === true || corsFields.AccessControlAllowCredentials === 'true',
        maxAgeSec: corsFields.AccessControlMaxAgeSec === undefined ? undefined : num(corsFields.AccessControlMaxAgeSec, `${where}.CorsConfig.AccessControlMaxAgeSec`),
        originOverride: corsFields.OriginOverride === true || corsFields.OriginOverride === 'true',
      };
  const add: ResponseHeadersPolicy['add'] = [];
  for (const raw of (asMap(config.CustomHeadersConfig).Items as unknown[] | undefined) ?? []) {
    const header = asMap(raw);
    add.push({ name: String(header.Header).toLowerCase(), value: String(header.Value), override: header.Override === true || header.Override === 'true' });
  }
  const security = asMap(config.SecurityHeadersConfig);
  const securityHeader = (key: string, name: string, value: (setting: Record<string, unknown>) => string): void => {
    if (security[key] === undefined) return;
    const setting = asMap(security[key]);
    add.push({ name, value: value(setting), override: setting.Override === true || setting.Override === 'true' });
  };
  securityHeader('ContentTypeOptions', 'x-content-type-options', () => 'nosniff');
  securityHeader('FrameOptions', 'x-frame-options', (setting) => String(setting.FrameOption));
  securityHeader('ReferrerPolicy', 'referrer-policy', (setting) => String(setting.ReferrerPolicy));
  securityHeader('ContentSecurityPolicy', 'content-security-policy', (setting) => String(setting.ContentSecurityPolicy));
  securityHeader('StrictTransportSecurity', 'strict-transport-security', (setting) =>
    [`max-age=${String(setting.AccessControlMaxAgeSec)}`, setting.IncludeSubdomains === true ? 'includeSubDomains' : '', setting.Preload === true ? 'preload' : ''].filter(Boolean).join('; '));
  securityHeader('XSSProtection', 'x-xss-protection', (setting) => (setting.Protection === true ? `1${setting.ModeBlock === true ? '; mode=block' : ''}` : '0'));
  const timing = asMap(config.ServerTimingHeadersConfig);
  if (timing.Enabled === true || timing.Enabled === 'true') throw new LocalEdgeConfigError(`${where}.ServerTimingHeadersConfig is not modeled by the local edge`);
  const remove = ((asMap(config.RemoveHeadersConfig).Items as unknown[] | undefined) ?? []).map((header) => String(asMap(header).Header).toLowerCase());
  return { name: String(config.Name ?? id), cors, add, remove };
}
