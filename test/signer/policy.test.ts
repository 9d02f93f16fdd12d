import { describe, expect, it } from 'vitest';
import { folderResource, globMatch, ipInCidr, parsePolicy, resourceCovers } from '../../src/signer/index.js';

describe('globMatch', () => {
  it.each([
    ['a*c', 'abbbc', true],
    ['a*c', 'ac', true],
    ['a?c', 'abc', true],
    ['a?c', 'ac', false],
    ['*', '', true],
    ['a*b*c', 'aXbYbZc', true],
    ['a*b*c', 'aXbYbZ', false],
  ])('matches %s against %s: %s', (p, t, want) => {
    expect(globMatch(p, t)).toBe(want);
  });

  it('stays fast on a hostile pattern', () => {
    const start = performance.now();
    expect(globMatch(`${'*a'.repeat(50)}b`, 'a'.repeat(5000))).toBe(false);
    expect(performance.now() - start).toBeLessThan(500);
  });
});

describe('resourceCovers', () => {
  const folder = 'https://d111.cloudfront.net/movies/42/*';
  it.each([
    [folder, 'https://d111.cloudfront.net/movies/42/master.m3u8', true],
    [folder, 'https://d111.cloudfront.net/movies/42/v1/seg1.ts', true],
    [folder, 'https://d111.cloudfront.net/movies/42/v1/seg1.ts?x=1&y=2', true],
    [folder, 'https://d111.cloudfront.net/movies/43/master.m3u8', false],
    [folder, 'https://d111.cloudfront.net/movies/420/master.m3u8', false],
    [folder, 'http://d111.cloudfront.net/movies/42/master.m3u8', false],
    ['http*://d111.cloudfront.net/movies/42/*', 'http://d111.cloudfront.net/movies/42/a.ts', true],
    ['https://*.example.com/a/*', 'https://cdn.example.com/a/b', true],
    ['https://*.example.com/a/*', 'https://evil.com/x.example.com/a/b', false],
    ['https://d111.cloudfront.net/movies/42/master.m3u8', 'https://d111.cloudfront.net/movies/42/master.m3u8?x=1', false],
    ['https://d111.cloudfront.net/movies/42/master.m3u8?lang=*', 'https://d111.cloudfront.net/movies/42/master.m3u8?lang=en', true],
    ['https://d111.cloudfront.net/movies/4?/*', 'https://d111.cloudfront.net/movies/43/a.ts', true],
    ['https://D111.CloudFront.net/movies/42/*', 'https://d111.cloudfront.net/movies/42/a.ts', true],
    ['*', 'https://anything.example/x', true],
  ])('%s covers %s: %s', (r, u, want) => {
    expect(resourceCovers(r, u)).toBe(want);
  });
});

describe('folderResource', () => {
  it('is the folder of the URL plus *', () => {
    expect(folderResource('https://h/movies/42/master.m3u8?lang=en')).toBe('https://h/movies/42/*');
    expect(folderResource('https://h')).toBe('https://h/*');
    expect(folderResource('https://h/master.m3u8')).toBe('https://h/*');
  });
});

describe('parsePolicy', () => {
  it('reads every condition', () => {
    const p = parsePolicy(
      '{"Statement":[{"Resource":"https://h/*","Condition":{"DateLessThan":{"AWS:EpochTime":20},"DateGreaterThan":{"AWS:EpochTime":10},"IpAddress":{"AWS:SourceIp":"192.0.2.0/24"}}}]}',
    );
    expect(p).toEqual({ resource: 'https://h/*', dateLessThan: 20, dateGreaterThan: 10, ipAddress: '192.0.2.0/24' });
  });

  it.each([
    ['not JSON', '{'],
    ['two statements', '{"Statement":[{"Condition":{"DateLessThan":{"AWS:EpochTime":1}}},{"Condition":{"DateLessThan":{"AWS:EpochTime":1}}}]}'],
    ['no DateLessThan', '{"Statement":[{"Resource":"x","Condition":{}}]}'],
    ['a string epoch', '{"Statement":[{"Resource":"x","Condition":{"DateLessThan":{"AWS:EpochTime":"1"}}}]}'],
    ['an unknown condition', '{"Statement":[{"Resource":"x","Condition":{"DateLessThan":{"AWS:EpochTime":1},"Foo":{}}}]}'],
    ['a bad CIDR', '{"Statement":[{"Resource":"x","Condition":{"DateLessThan":{"AWS:EpochTime":1},"IpAddress":{"AWS:SourceIp":"1.2.3/8"}}}]}'],
  ])('refuses a policy with %s', (_, json) => {
    expect(() => parsePolicy(json)).toThrow();
  });
});

describe('ipInCidr', () => {
  it.each([
    ['192.0.2.7', '192.0.2.0/24', true],
    ['192.0.3.7', '192.0.2.0/24', false],
    ['192.0.2.7', '192.0.2.7/32', true],
    ['::ffff:192.0.2.7', '192.0.2.0/24', true],
    ['2001:db8::1', '2001:db8::/32', true],
    ['2001:db9::1', '2001:db8::/32', false],
    ['192.0.2.7', '2001:db8::/32', false],
    ['not-an-ip', '0.0.0.0/0', false],
  ])('%s in %s: %s', (ip, cidr, want) => {
    expect(ipInCidr(ip, cidr)).toBe(want);
  });
});

describe('folderResource with wildcard characters in the path', () => {
  it('refuses a URL whose folder holds * (it would widen the policy to other folders)', () => {
    expect(() => folderResource('https://h.example/a*b/x.m3u8')).toThrow(/wildcards/);
    expect(folderResource('https://h.example/a/x.m3u8?q=*')).toBe('https://h.example/a/*');
  });
});
