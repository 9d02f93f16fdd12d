import { describe, expect, it } from 'vitest';
import { matchPathPattern, selectBehavior } from '../../src/local-edge/path-pattern.js';

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
