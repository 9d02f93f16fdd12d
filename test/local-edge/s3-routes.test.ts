import { describe, expect, it } from 'vitest';
import { localS3Target, routeS3Bucket } from '../../src/local-edge/function-runtime/s3-routes.js';

describe('the local edge\'s S3 routes (the bundle always addresses S3 itself)', () => {
  const routes = new Map([['media', new URL('http://127.0.0.1:9000')]]);

  it.each([
    ['media.s3.us-east-1.amazonaws.com', '/movies/42/master.m3u8'],
    ['media.s3.amazonaws.com', '/k.m3u8'],
    ['s3.eu-west-1.amazonaws.com', '/media/k.m3u8'],
    ['MEDIA.S3.US-EAST-1.AMAZONAWS.COM', '/k.m3u8'],
  ])('sends a read of a routed bucket on %s%s to its local endpoint', (host, path) => {
    expect(localS3Target(routes, host, path)).toBe(routes.get('media'));
  });

  it.each([
    ['other.s3.us-east-1.amazonaws.com', '/k.m3u8'],
    ['s3.us-east-1.amazonaws.com', '/other/k.m3u8'],
    ['media.example.com', '/k.m3u8'],
    ['secretsmanager.us-east-1.amazonaws.com', '/media/k'],
  ])('leaves %s%s alone', (host, path) => {
    expect(localS3Target(routes, host, path)).toBeUndefined();
  });

  it('stops routing a bucket when its origin closes, unless another route replaced it', () => {
    const first = routeS3Bucket('closing-bucket', 'http://127.0.0.1:1');
    const second = routeS3Bucket('closing-bucket', 'http://127.0.0.1:2');
    const table = (globalThis as Record<symbol, Map<string, URL>>)[Symbol.for('cloudfront-hls.local-edge.s3-routes')]!;
    first();
    expect(table.get('closing-bucket')?.port).toBe('2');
    second();
    // Nothing routes the bucket now: a request for it would go to S3 itself.
    expect(table.has('closing-bucket')).toBe(false);
  });
});
