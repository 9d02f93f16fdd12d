import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalEdge } from '../../src/local-edge/index.js';
import type { LocalEdge } from '../../src/local-edge/index.js';
import { ensureBuilt } from '../helpers/build.js';
import { EVENT_BUCKET, startCountingProxy, startS3rver } from '../helpers/s3.js';
import type { CountingProxy, RealS3 } from '../helpers/s3.js';

// The origin cache seen from outside: the local edge against an S3 origin (s3rver behind a proxy that counts every
// request). CloudFront's own read of a playlist gives origin-response the object's ETag; a warm origin-response that
// already holds those bytes does not read S3 again.

const KEY = 'movies/7/index.m3u8';
const playlist = (first: number): string => `#EXTM3U\n#EXT-X-TARGETDURATION:4\n#EXTINF:4,\nseg${first}.ts\n#EXTINF:4,\nseg${first + 1}.ts\n#EXT-X-ENDLIST\n`;

describe('the local edge with an S3 origin and a warm origin-response', () => {
  let s3: RealS3;
  let proxy: CountingProxy;
  let edge: LocalEdge;
  // CloudFront's reads (the local edge's S3 client, path style) and origin-response's (virtual-hosted, as in AWS).
  const gets = (): number => proxy.seen.filter((r) => [`GET /${EVENT_BUCKET}/${KEY}`, `GET /${KEY}`].includes(r.split('?', 1)[0]!)).length;

  beforeAll(async () => {
    ensureBuilt();
    s3 = await startS3rver();
    await s3.put(KEY, playlist(0));
    proxy = await startCountingProxy(s3.endpoint);
    edge = await startLocalEdge({ port: 0, origin: `s3://${EVENT_BUCKET}`, s3Endpoint: proxy.endpoint });
  }, 60_000);
  afterAll(async () => {
    await edge?.close();
    await proxy?.close();
    await s3?.close();
  });

  it('reads a playlist N + 1 times from S3 for N viewers, not 2N', async () => {
    const viewers = 6;
    for (let i = 0; i < viewers; i++) {
      const res = await fetch(edge.sign(`/${KEY}`, { expires: Math.floor(Date.now() / 1000) + 3600 + i }));
      expect(res.status).toBe(200);
      expect(res.headers.get('x-cfhls-rewrite')).toBe('rewritten');
      expect(await res.text()).toMatch(/^seg0\.ts\?Policy=/m);
    }
    expect(gets()).toBe(viewers + 1);
  });

  it('serves a changed object fresh to credentials the edge has not cached yet', async () => {
    const before = gets();
    await s3.put(KEY, playlist(100));
    // Credentials no viewer used before: a cache miss (the playlist cache key holds the credentials).
    const url = edge.sign(`/${KEY}`, { expires: Math.floor(Date.now() / 1000) + 7200 });
    const text = await (await fetch(url)).text();
    expect(text).toMatch(/^seg100\.ts\?Policy=/m);
    expect(text).not.toContain('seg0.ts');
    expect(gets()).toBe(before + 2); // CloudFront's read with the new ETag, then the function's
    // The same credentials again: a finished playlist stays fresh at the edge, no read at all.
    await (await fetch(url)).text();
    expect(gets()).toBe(before + 2);
    // Other credentials: CloudFront reads, the warm function does not.
    await (await fetch(edge.sign(`/${KEY}`, { expires: Math.floor(Date.now() / 1000) + 7201 }))).text();
    expect(gets()).toBe(before + 3);
  });
});
