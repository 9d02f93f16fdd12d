import { describe, expect, it } from 'vitest';
import { cacheKey, originQuery, ResponseCache, ttlFor } from '../../src/local-edge/pipeline/cache.js';
import { withoutSignedParams } from '../../src/cloudfront/index.js';
import { MANAGED_CACHE_POLICIES } from '../../src/local-edge/template/policies.js';
import type { CachePolicy, OriginRequestPolicy } from '../../src/local-edge/template/policies.js';

const disabled = MANAGED_CACHE_POLICIES['4135ea2d-6df8-44a3-9df3-4b5a84be39ad']!;
const segments: CachePolicy = { name: 'segments', disabled: false, acceptEncodingGzip: true, acceptEncodingBrotli: true, minTtl: 0, defaultTtl: 86400, maxTtl: 31536000, queryStrings: { behavior: 'none', names: [] }, headers: [], cookies: { behavior: 'none', names: [] } };
const playlistOrp: OriginRequestPolicy = {
  name: 'playlists',
  queryStrings: { behavior: 'whitelist', names: ['Policy-PREFIX', 'Signature-PREFIX', 'Key-Pair-Id-PREFIX', 'Hash-Algorithm-PREFIX'] },
  headers: { behavior: 'none', names: [] },
  cookies: { behavior: 'none', names: [] },
};
const signedQuery = 'Policy=eyJ~a&Signature=s~1&Key-Pair-Id=K1&Policy-PREFIX=eyJ~a&Signature-PREFIX=s~1&Key-Pair-Id-PREFIX=K1&lang=en';

describe('what the origin sees', () => {
  it('strips every signing param and keeps other bytes exactly (no re-encoding of ~)', () => {
    expect(withoutSignedParams('a=1&Expires=9&Policy=x~y&Signature=s&Key-Pair-Id=K&Hash-Algorithm=SHA256&b=%7E~')).toBe('a=1&b=%7E~');
  });

  it('forwards only the suffixed credentials the playlist origin request policy names', () => {
    expect(originQuery(signedQuery, disabled, playlistOrp, true)).toBe('Policy-PREFIX=eyJ~a&Signature-PREFIX=s~1&Key-Pair-Id-PREFIX=K1');
  });

  it('forwards no query at all for segments (cache policy none, no origin request policy)', () => {
    expect(originQuery(signedQuery, segments, undefined, true)).toBe('');
  });

  it('never forwards the original signing params even when a policy forwards all query strings', () => {
    const all: CachePolicy = { ...segments, queryStrings: { behavior: 'all', names: [] } };
    expect(originQuery('Policy=p&Signature=s&Key-Pair-Id=K&x=1', all, undefined, true)).toBe('x=1');
  });
});

describe('the cache key', () => {
  const base = { host: 'd.example', uri: '/v1/seg0.m4s', headers: {}, cookies: {} };

  it('ignores credentials for segments, so two viewers share one cached segment', () => {
    expect(cacheKey({ ...base, query: 'Policy=A&Signature=A&Key-Pair-Id=K' }, segments, true))
      .toBe(cacheKey({ ...base, query: 'Policy=B&Signature=B&Key-Pair-Id=K' }, segments, true));
  });

  it('differs per viewer when a policy keys on the suffixed credentials', () => {
    const keyed: CachePolicy = { ...segments, queryStrings: { behavior: 'whitelist', names: ['Signature-PREFIX'] } };
    expect(cacheKey({ ...base, query: 'Signature-PREFIX=A' }, keyed, true)).not.toBe(cacheKey({ ...base, query: 'Signature-PREFIX=B' }, keyed, true));
  });

  it('includes whitelisted headers and cookies', () => {
    const p: CachePolicy = { ...segments, headers: ['origin'], cookies: { behavior: 'whitelist', names: ['lang'] } };
    const a = cacheKey({ ...base, query: '', headers: { origin: 'https://a' }, cookies: { lang: 'en', other: '1' } }, p, true);
    const b = cacheKey({ ...base, query: '', headers: { origin: 'https://b' }, cookies: { lang: 'en', other: '2' } }, p, true);
    const c = cacheKey({ ...base, query: '', headers: { origin: 'https://a' }, cookies: { lang: 'en', other: '3' } }, p, true);
    expect(a).not.toBe(b);
    expect(a).toBe(c);
  });
});

describe('TTLs and the store', () => {
  it('uses DefaultTTL without Cache-Control, clamps max-age, and stores nothing under CachingDisabled', () => {
    expect(ttlFor(segments, undefined, 200)).toBe(86400);
    expect(ttlFor({ ...segments, minTtl: 10 }, 'max-age=2', 200)).toBe(10);
    expect(ttlFor(segments, 'public, s-maxage=30, max-age=5', 200)).toBe(30);
    expect(ttlFor(segments, 'private, max-age=60', 200)).toBe(0);
    expect(ttlFor(disabled, 'max-age=60', 200)).toBe(0);
    expect(ttlFor(segments, undefined, 404)).toBe(0);
  });

  it('expires entries by the clock and evicts the oldest when full', () => {
    const cache = new ResponseCache(2);
    const r = { status: 200, headers: [], body: Buffer.from('x') };
    cache.set('a', r, 10, 0);
    expect(cache.get('a', 9_999)).toBe(r);
    expect(cache.get('a', 10_000)).toBeUndefined();
    cache.set('a', r, 10, 0);
    cache.set('b', r, 10, 0);
    cache.set('c', r, 10, 0);
    expect(cache.get('a', 1)).toBeUndefined();
    expect(cache.size).toBe(2);
  });
});
