/**
 * Compressed playlists through the local edge: origin-response encodes them for the viewer's Accept-Encoding, and
 * the local edge compresses only where CloudFront would (never a body that already has a Content-Encoding).
 */
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { cloudFrontCoding } from '../../src/local-edge/pipeline/compression.js';
import { loadTemplate } from '../../src/local-edge/template/template.js';
import { startLocalEdgeForSuite } from '../helpers/local-edge.js';
import { rawRequest } from './raw-get.js';

const ROOT = join(import.meta.dirname, '..', '..');

describe('CloudFront compression as the local edge models it', () => {
  const model = loadTemplate(join(ROOT, 'template.yaml'), { parameters: { PublicKeyPem: '', JwtIssuer: 'https://auth.example.com/', JwtAudience: 'x' } });
  const playlists = model.behaviors.find((b) => b.pathPattern === '*.m3u8')!;
  const segments = model.behaviors.find((b) => b.isDefault)!;
  const text = { status: 200, headers: [['Content-Type', 'application/vnd.apple.mpegurl']] as Array<[string, string]>, body: Buffer.alloc(50_000, 'a') };

  it('on the playlist behavior compresses only what origin-response left unencoded', () => {
    expect(playlists.compress).toBe(true);
    expect(playlists.cachePolicy.disabled).toBe(false);
    expect(cloudFrontCoding(playlists, 'br, gzip', { ...text, headers: [...text.headers, ['Content-Encoding', 'br']] })).toBeUndefined();
    expect(cloudFrontCoding(playlists, 'br, gzip', text)).toBe('br');
  });

  it('compresses a compressible type on a caching behavior whose policy allows it, Brotli first', () => {
    expect(cloudFrontCoding(segments, 'gzip, br', text)).toBe('br');
    expect(cloudFrontCoding(segments, 'gzip', text)).toBe('gzip');
    expect(cloudFrontCoding(segments, undefined, text)).toBeUndefined();
    expect(cloudFrontCoding(segments, 'br', { ...text, headers: [['Content-Type', 'video/mp2t']] })).toBeUndefined();
    expect(cloudFrontCoding(segments, 'br', { ...text, body: Buffer.alloc(999, 'a') })).toBeUndefined();
    expect(cloudFrontCoding(segments, 'br', { ...text, headers: [...text.headers, ['Content-Encoding', 'gzip']] })).toBeUndefined();
    expect(cloudFrontCoding({ ...segments, compress: false }, 'br', text)).toBeUndefined();
  });
});

describe('a rewritten playlist on the wire', () => {
  const edge = startLocalEdgeForSuite();

  it.each([
    ['br, gzip', 'br', brotliDecompressSync],
    ['gzip', 'gzip', gunzipSync],
  ] as const)('is encoded by origin-response for Accept-Encoding: %s', async (accept, coding, decode) => {
    const res = await rawRequest(edge().sign('/v1/index.m3u8'), { 'Accept-Encoding': accept });
    expect(res.status).toBe(200);
    expect(res.headers['content-encoding']).toBe(coding);
    expect(res.headers.vary).toContain('Accept-Encoding');
    expect(res.headers['x-cfhls-rewrite']).toBe('rewritten');
    const text = decode(res.body).toString('utf8');
    expect(text).toMatch(/^#EXTM3U/);
    expect(text).toMatch(/seg0\.m4s\?Policy=.+&Signature=.+&Key-Pair-Id=/);
  });

  it('is plain text for a viewer that accepts no coding', async () => {
    const res = await rawRequest(edge().sign('/v1/index.m3u8'));
    expect(res.status).toBe(200);
    expect(res.headers['content-encoding']).toBeUndefined();
    expect(res.body.toString('utf8')).toMatch(/^#EXTM3U/);
  });
});
