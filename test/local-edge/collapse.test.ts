import { describe, expect, it } from 'vitest';
import { normalizedAcceptEncoding } from '../../src/local-edge/pipeline/accept-encoding.js';
import { RequestCollapser } from '../../src/local-edge/pipeline/collapse.js';
import { parseHttpOrigin } from '../../src/local-edge/origins/http-origin.js';
import { LocalEdgeConfigError } from '../../src/errors.js';
import { MANAGED_CACHE_POLICIES } from '../../src/local-edge/template/policies.js';

describe('request collapsing', () => {
  it('runs one fetch for simultaneous callers with the same key and hands every one its answer', async () => {
    const collapser = new RequestCollapser();
    let runs = 0;
    const fetch = async (): Promise<string> => {
      const run = ++runs;
      await new Promise((ok) => setTimeout(ok, 20));
      return `answer ${run}`;
    };
    const answers = await Promise.all([collapser.run('a', fetch), collapser.run('a', fetch), collapser.run('b', fetch)]);
    expect(runs).toBe(2);
    expect(answers.map((a) => a.value)).toEqual(['answer 1', 'answer 1', 'answer 2']);
    expect(answers.map((a) => a.joined)).toEqual([false, true, false]);
    expect(collapser.stats).toEqual({ leaders: 2, joined: 1 });
    // Once settled, the next caller fetches again.
    expect((await collapser.run('a', fetch)).value).toBe('answer 3');
  });

  it('hands a failure to every waiting caller and forgets it', async () => {
    const collapser = new RequestCollapser();
    const failing = async (): Promise<never> => {
      await new Promise((ok) => setTimeout(ok, 5));
      throw new Error('origin down');
    };
    const settled = await Promise.allSettled([collapser.run('k', failing), collapser.run('k', failing)]);
    expect(settled.map((s) => s.status)).toEqual(['rejected', 'rejected']);
    expect((await collapser.run('k', async () => 'ok')).value).toBe('ok');
  });
});

describe('normalized Accept-Encoding', () => {
  const optimized = MANAGED_CACHE_POLICIES['658327ea-f89d-4fab-a63d-7e88639e58f6']!;
  const disabled = MANAGED_CACHE_POLICIES['4135ea2d-6df8-44a3-9df3-4b5a84be39ad']!;

  it('keeps only the codings the policy enables, br first, and refuses q=0', () => {
    expect(normalizedAcceptEncoding(optimized, 'gzip, deflate, br, zstd')).toBe('br,gzip');
    expect(normalizedAcceptEncoding(optimized, 'gzip;q=0.5')).toBe('gzip');
    expect(normalizedAcceptEncoding(optimized, 'br;q=0, gzip')).toBe('gzip');
    expect(normalizedAcceptEncoding(optimized, 'identity')).toBe('');
    expect(normalizedAcceptEncoding(optimized, undefined)).toBe('');
    expect(normalizedAcceptEncoding({ ...optimized, acceptEncodingBrotli: false }, 'br, gzip')).toBe('gzip');
    expect(normalizedAcceptEncoding(disabled, 'br, gzip')).toBeUndefined();
  });
});

describe('--origin http(s)://HOST[:PORT][/PATH]', () => {
  it('reads the protocol, host, port and origin path', () => {
    expect(parseHttpOrigin('http://127.0.0.1:9100/live/')).toEqual({ protocol: 'http', host: '127.0.0.1', port: 9100, path: '/live' });
    expect(parseHttpOrigin('https://packager.example.com')).toEqual({ protocol: 'https', host: 'packager.example.com', port: 443, path: '' });
    expect(parseHttpOrigin('http://[::1]:8000')).toMatchObject({ host: '::1', port: 8000 });
  });

  it('refuses anything CloudFront could not name as an origin', () => {
    for (const bad of ['ftp://host/', 'http://host/?a=1', 'http://host/#x', 'http://user:pw@host/', 'not a url']) {
      expect(() => parseHttpOrigin(bad), bad).toThrow(LocalEdgeConfigError);
    }
  });
});
