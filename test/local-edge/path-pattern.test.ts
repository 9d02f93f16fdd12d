import { describe, expect, it } from 'vitest';
import { matchPathPattern, normalizeRequestPath, selectBehavior } from '../../src/local-edge/template/path-pattern.js';

describe('CloudFront path patterns', () => {
  it('matches *.m3u8 against playlists in any folder and nothing else', () => {
    expect(matchPathPattern('*.m3u8', '/master.m3u8')).toBe(true);
    expect(matchPathPattern('*.m3u8', '/movies/42/v1/index.m3u8')).toBe(true);
    expect(matchPathPattern('*.m3u8', '/movies/42/v1/seg0.ts')).toBe(false);
    expect(matchPathPattern('*.m3u8', '/a.m3u8.bak')).toBe(false);
  });

  it('treats a pattern without a leading slash like one with it', () => {
    expect(matchPathPattern('api/*', '/api/sign')).toBe(true);
    expect(matchPathPattern('/api/*', '/api/sign')).toBe(true);
    expect(matchPathPattern('/api/*', '/media/api/sign')).toBe(false);
  });

  it('is case-sensitive and matches exactly one character with ?', () => {
    expect(matchPathPattern('*.M3U8', '/master.m3u8')).toBe(false);
    expect(matchPathPattern('/v?/index.m3u8', '/v1/index.m3u8')).toBe(true);
    expect(matchPathPattern('/v?/index.m3u8', '/v10/index.m3u8')).toBe(false);
  });

  it('lets * span slashes, as CloudFront does', () => {
    expect(matchPathPattern('/images/*.jpg', '/images/a/b/c.jpg')).toBe(true);
  });

  it('stays fast on a hostile pattern and path', () => {
    const started = performance.now();
    expect(matchPathPattern('*a*a*a*a*a*a*b', `/${'a'.repeat(5000)}`)).toBe(false);
    expect(performance.now() - started).toBeLessThan(500);
  });

  it('picks the first matching behavior in order and falls back to the default', () => {
    const behaviors = [
      { pathPattern: '/api/*', isDefault: false, name: 'api' },
      { pathPattern: '*.m3u8', isDefault: false, name: 'playlists' },
      { pathPattern: '*', isDefault: true, name: 'default' },
    ];
    expect(selectBehavior(behaviors, '/api/x.m3u8').name).toBe('api');
    expect(selectBehavior(behaviors, '/t/master.m3u8').name).toBe('playlists');
    expect(selectBehavior(behaviors, '/t/seg0.ts').name).toBe('default');
  });
});

describe('the path CloudFront matches behaviors against (RFC 3986 normalization)', () => {
  // [raw path, normalized path, whether a browser's URL parser resolves the raw path to the same path]
  it.each([
    ['/movies/42/v1/seg0.ts', '/movies/42/v1/seg0.ts', true],
    ['/movies/42/../43/v1/seg0.ts', '/movies/43/v1/seg0.ts', true],
    ['/movies/42/%2e%2e/43/v1/seg0.ts', '/movies/43/v1/seg0.ts', true],
    ['/movies/42/%2E%2E/43/v1/seg0.ts', '/movies/43/v1/seg0.ts', true],
    ['/movies/42/.%2E/43/v1/seg0.ts', '/movies/43/v1/seg0.ts', true],
    // %2F is reserved: it stays encoded, so "..%2F43" is an ordinary segment.
    ['/movies/42/%2E%2E%2F43/v1/seg0.ts', '/movies/42/..%2F43/v1/seg0.ts', false],
    ['//api//sign', '/api/sign', false],
    ['/%61pi/sign', '/api/sign', false],
    ['/a/./b/.', '/a/b/', true],
    ['/a/..', '/', true],
    ['/../../x', '/x', true],
    ['/a/.../b', '/a/.../b', true],
    ['/a%20b/%7e', '/a%20b/~', false],
  ] as const)('%s is matched as %s', (raw, normalized, sameInBrowsers) => {
    expect(normalizeRequestPath(raw)).toBe(normalized);
    expect(new URL(`http://h${raw}`).pathname === normalized).toBe(sameInBrowsers);
  });
});
