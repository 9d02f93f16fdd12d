import { describe, expect, it } from 'vitest';
import { looksLikePlaylist } from '../../src/edge/origin-response.js';
import { acceptedCoding, generatedSize, maxAgeSeconds } from '../../src/edge/response.js';
import { classifyS3Error, parseS3Domain, s3Key, s3Url } from '../../src/edge/s3-get.js';

describe('S3 origin details', () => {
  it.each([
    ['my-bucket.s3.us-east-1.amazonaws.com', { bucket: 'my-bucket', region: 'us-east-1' }],
    ['my-bucket.s3.amazonaws.com', { bucket: 'my-bucket' }],
    ['my.dotted.bucket.s3.eu-west-1.amazonaws.com', { bucket: 'my.dotted.bucket', region: 'eu-west-1' }],
    ['legacy.s3-ap-southeast-2.amazonaws.com', { bucket: 'legacy', region: 'ap-southeast-2' }],
    ['b.s3-external-1.amazonaws.com', { bucket: 'b' }],
    ['b.s3.dualstack.us-west-2.amazonaws.com', { bucket: 'b', region: 'us-west-2' }],
    ['b.s3.cn-north-1.amazonaws.com.cn', { bucket: 'b', region: 'cn-north-1' }],
  ])('reads the bucket and region of %s', (domain, expected) => {
    expect(parseS3Domain(domain)).toEqual(expected);
  });

  it('rejects a domain name that is not S3', () => {
    expect(parseS3Domain('media.example.com')).toBeUndefined();
  });

  it('builds the key from the origin path and the decoded URI', () => {
    expect(s3Key('', '/movies/42/master.m3u8')).toBe('movies/42/master.m3u8');
    expect(s3Key('/lib', '/a%20b/%E2%82%AC.m3u8')).toBe('lib/a b/€.m3u8');
    expect(() => s3Key('', '/bad%E2.m3u8')).toThrow();
  });

  it.each([
    ['b', 'us-east-1', 'movies/42/master.m3u8', 'https://b.s3.us-east-1.amazonaws.com/movies/42/master.m3u8'],
    ['b', 'eu-west-1', 'a b/(1)*!\'.m3u8', "https://b.s3.eu-west-1.amazonaws.com/a%20b/%281%29%2A%21%27.m3u8"],
    ['my.dotted.bucket', 'eu-west-1', 'k.m3u8', 'https://s3.eu-west-1.amazonaws.com/my.dotted.bucket/k.m3u8'],
    ['b', 'cn-north-1', 'k.m3u8', 'https://b.s3.cn-north-1.amazonaws.com.cn/k.m3u8'],
  ])('builds the GetObject URL for bucket %s in %s, key %s', (bucket, region, key, url) => {
    expect(s3Url(bucket, region, key).href).toBe(url);
  });

  it.each([
    [{ name: 'NoSuchKey' }, 'OriginNotFound'],
    [{ name: 'NotFound', $metadata: { httpStatusCode: 404 } }, 'OriginNotFound'],
    [{ name: 'AccessDenied', $metadata: { httpStatusCode: 403 } }, 'OriginForbidden'],
    [{ name: 'SlowDown', $metadata: { httpStatusCode: 503 } }, 'OriginUnavailable'],
    [{ name: 'ThrottlingException' }, 'OriginUnavailable'],
    [{ name: 'TimeoutError' }, 'OriginUnavailable'],
    [{ name: 'Error', code: 'ECONNRESET' }, 'OriginUnavailable'],
    [{ name: 'InvalidRange', $metadata: { httpStatusCode: 416 } }, 'OriginError'],
  ])('classifies %o as %s', (err, code) => {
    expect(classifyS3Error(err).code).toBe(code);
  });
});

describe('response details', () => {
  it('recognizes playlists by .m3u8 URI or content type', () => {
    expect(looksLikePlaylist('/a/B.M3U8', undefined)).toBe(true);
    expect(looksLikePlaylist('/a/b', 'audio/mpegurl')).toBe(true);
    expect(looksLikePlaylist('/a/b', 'Application/X-MpegURL; charset=utf-8')).toBe(true);
    expect(looksLikePlaylist('/a/seg.ts', 'video/mp2t')).toBe(false);
    expect(looksLikePlaylist('/a/b.m3u8.ts', undefined)).toBe(false);
  });

  it('picks Brotli, then gzip, from CloudFront-normalized and raw Accept-Encoding; none means identity', () => {
    const h = (value: string) => ({ 'accept-encoding': [{ key: 'Accept-Encoding', value }] });
    expect(acceptedCoding(h('gzip'))).toBe('gzip');
    expect(acceptedCoding(h('br,gzip'))).toBe('br');
    expect(acceptedCoding(h('gzip, deflate, br'))).toBe('br');
    expect(acceptedCoding(h('deflate, GZIP;q=0.5'))).toBe('gzip');
    expect(acceptedCoding(h('br;q=0, gzip'))).toBe('gzip');
    expect(acceptedCoding(h('gzip;q=0, br'))).toBe('br');
    expect(acceptedCoding(h('*'))).toBe('br');
    expect(acceptedCoding(h('*, br;q=0'))).toBe('gzip');
    expect(acceptedCoding(h('identity'))).toBeUndefined();
    expect(acceptedCoding(h('gzip;q=0'))).toBeUndefined();
    expect(acceptedCoding({})).toBeUndefined();
  });

  it('bounds max-age by the default, the origin and the policy expiry (seconds, not milliseconds)', () => {
    const now = Date.UTC(2026, 10, 26) ;
    const nowS = now / 1000;
    expect(maxAgeSeconds(nowS + 3600, undefined, now)).toBe(2);
    expect(maxAgeSeconds(nowS + 1, undefined, now)).toBe(1);
    expect(maxAgeSeconds(nowS - 10, undefined, now)).toBe(0);
    expect(maxAgeSeconds(undefined, undefined, now)).toBe(0);
    expect(maxAgeSeconds(nowS + 3600, 'public, max-age=1', now)).toBe(1);
    expect(maxAgeSeconds(nowS + 3600, 'no-store', now)).toBe(0);
    expect(maxAgeSeconds(nowS + 3600, 's-maxage=0, max-age=3600', now)).toBe(2);
  });

  it('counts header lines and body toward the generated-response size', () => {
    expect(generatedSize({ a: [{ key: 'A', value: 'b' }] }, 'xyz€')).toBe('A: b\r\n'.length + 6);
  });
});
