/**
 * The cache key, what reaches the origin, and the cache store, per CloudFront's cache and origin request
 * policies. A cache-key mistake (credentials missing from the key of a rewritten playlist) shows up here the
 * way it would in production: one viewer receives another's response.
 */
import { isSignedParam, joinQuery, splitQuery } from '../../cloudfront/index.js';
import type { CachePolicy, NameSelection, OriginRequestPolicy } from '../template/policies.js';
import { normalizedAcceptEncoding } from './accept-encoding.js';
import { RequestCollapser } from './collapse.js';

function selects(sel: NameSelection, name: string): boolean {
  switch (sel.behavior) {
    case 'none': return false;
    case 'all': return true;
    case 'whitelist': return sel.names.includes(name);
    case 'allExcept': return !sel.names.includes(name);
  }
}

/**
 * The query string the origin (and origin-request / origin-response functions) see: the params in the cache
 * key plus those the origin request policy adds, in the viewer's order, raw bytes.
 * `stripSigned`: the behavior is restricted (trusted key groups), so the signing params never reach the origin.
 */
export function originQuery(query: string, cache: CachePolicy, originRequestPolicy: OriginRequestPolicy | undefined, stripSigned: boolean): string {
  return joinQuery(
    splitQuery(query).filter((param) => !(stripSigned && isSignedParam(param.name))
      && (selects(cache.queryStrings, param.name) || (originRequestPolicy !== undefined && selects(originRequestPolicy.queryStrings, param.name)))),
  );
}

/** What identifies a cached object. */
export interface CacheKeyInput {
  host: string;
  uri: string;
  query: string;
  /** Lowercase header name -> value. */
  headers: Record<string, string | undefined>;
  cookies: Record<string, string>;
}

/** The cache key per the cache policy (host, path, selected query strings, headers and cookies). */
export function cacheKey(input: CacheKeyInput, policy: CachePolicy, stripSigned: boolean): string {
  const queryPart = splitQuery(input.query)
    .filter((param) => !(stripSigned && isSignedParam(param.name)) && selects(policy.queryStrings, param.name))
    .map((param) => (param.value === undefined ? param.name : `${param.name}=${param.value}`))
    .sort();
  const headerPart = policy.headers.map((name) => `${name}:${input.headers[name] ?? ''}`);
  const encoding = normalizedAcceptEncoding(policy, input.headers['accept-encoding']);
  if (encoding !== undefined) headerPart.push(`accept-encoding:${encoding}`);
  const cookiePart = Object.keys(input.cookies)
    .filter((name) => selects(policy.cookies, name))
    .sort()
    .map((name) => `${name}=${input.cookies[name]}`);
  return JSON.stringify([input.host, input.uri, queryPart, headerPart, cookiePart]);
}

/**
 * Seconds to keep a response, per CloudFront's rules: `s-maxage` or `max-age` clamped to [MinTTL, MaxTTL];
 * no directive -> DefaultTTL; `no-store`/`no-cache`/`private` -> MinTTL. 0 = do not store.
 */
export function ttlFor(policy: CachePolicy, cacheControl: string | undefined, status: number): number {
  if (policy.disabled || (status !== 200 && status !== 206)) return 0;
  const directives = (cacheControl ?? '').toLowerCase();
  if (/(?:^|,)\s*(?:no-store|no-cache|private)\b/.test(directives)) return policy.minTtl;
  const maxAge = /(?:^|,)\s*s-maxage\s*=\s*(\d+)/.exec(directives) ?? /(?:^|,)\s*max-age\s*=\s*(\d+)/.exec(directives);
  if (maxAge === null) return policy.defaultTtl;
  return Math.min(policy.maxTtl, Math.max(policy.minTtl, Number(maxAge[1])));
}

/** A stored response, exactly as the origin-facing functions left it. */
export interface CachedResponse {
  status: number;
  headers: Array<[string, string]>;
  body: Buffer;
}

/** In-memory cache bounded by entry count (oldest evicted first). */
export class ResponseCache {
  private readonly entries = new Map<string, { response: CachedResponse; expiresAt: number }>();
  /** Misses in flight, by cache key: simultaneous ones share one origin request (collapse.ts). */
  readonly collapser = new RequestCollapser();
  constructor(private readonly maxEntries = 2000) {}

  get(key: string, now: number): CachedResponse | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    if (entry.expiresAt <= now) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.response;
  }

  set(key: string, response: CachedResponse, ttlSeconds: number, now: number): void {
    if (ttlSeconds <= 0) return;
    if (this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    this.entries.set(key, { response, expiresAt: now + ttlSeconds * 1000 });
  }

  get size(): number {
    return this.entries.size;
  }

  clear(): void {
    this.entries.clear();
  }
}
