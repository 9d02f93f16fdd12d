/**
 * The playlist origin-response answers after reading it from an S3 origin: rewritten, with the playlist content
 * type, a max-age no longer than the policy, Brotli or gzip per Accept-Encoding, and the 1 MB limit on generated
 * responses.
 */
import { describe, expect, it, vi } from 'vitest';
import { gunzipSync } from 'node:zlib';
import { randomBytes } from 'node:crypto';
import { handler } from '../../src/edge/origin-response.js';
import { originCache } from '../../src/edge/origin-cache.js';
import { bodyText, withAcceptEncoding } from '../helpers/events.js';
import { MASTER, expectCredentials, expectRewrittenMaster, mediaPlaylist, uriOf } from './playlists.js';
import { cf, creds, startScriptedS3ForFile } from './s3-origin.js';

const { s3, logs, event, serve, expectNoLeaks } = startScriptedS3ForFile();

describe('origin-response handler with an S3 origin', () => {
  it('rewrites a 200 playlist so every same-host URI carries the viewer credentials and third-party URIs do not', async () => {
    serve(MASTER);
    const response = await handler(event());
    expect(response.status).toBe('200');
    expect(response.bodyEncoding).toBe('base64');
    expect(response.headers['content-encoding']).toEqual([{ key: 'Content-Encoding', value: 'br' }]);
    expect(response.headers.vary).toEqual([{ key: 'Vary', value: 'Accept-Encoding' }]);
    expectRewrittenMaster(bodyText(response), creds);
    expect(response.headers['x-cfhls-rewrite']).toEqual([{ key: 'X-Cfhls-Rewrite', value: 'rewritten' }]);
    expectNoLeaks(response);
  });

  it('sets the playlist content type, a private max-age, and drops headers that describe the origin bytes', async () => {
    serve(MASTER);
    const recorded = event();
    const via = structuredClone(cf(recorded).request.headers.via);
    const response = await handler(recorded);
    expect(response.headers['content-type']).toEqual([{ key: 'Content-Type', value: 'application/vnd.apple.mpegurl' }]);
    expect(response.headers['cache-control']).toEqual([{ key: 'Cache-Control', value: 'max-age=2, s-maxage=2' }]);
    for (const stale of ['content-length', 'etag', 'last-modified', 'accept-ranges']) {
      expect(response.headers[stale], stale).toBeUndefined();
    }
    // The origin's Content-Encoding is gone; the one left describes the generated body.
    expect(response.headers['content-encoding']).toEqual([{ key: 'Content-Encoding', value: 'br' }]);
    expect(response.headers['x-amz-request-id']).toBeDefined();
    expect(response.headers.server).toEqual([{ key: 'Server', value: 'AmazonS3' }]);
    expect(cf(recorded).request.headers.via).toEqual(via);
  });

  it('lowers max-age so the cached playlist never outlives the policy DateLessThan', async () => {
    serve(MASTER);
    vi.setSystemTime(new Date('2026-12-31T23:59:59Z')); // DateLessThan is 2027-01-01T00:00:00Z
    let response = await handler(event());
    expect(response.headers['cache-control']?.[0]?.value).toBe('max-age=1, s-maxage=1');
    vi.setSystemTime(new Date('2027-01-01T00:00:30Z'));
    response = await handler(event());
    expect(response.headers['cache-control']?.[0]?.value).toBe('max-age=0, s-maxage=0');
  });

  it('derives max-age from the playlist: half the target duration when live, long when finished, never past DateLessThan', async () => {
    const live = '#EXTM3U\n#EXT-X-TARGETDURATION:1\n#EXT-X-MEDIA-SEQUENCE:9\n#EXTINF:1.0,\nseg9.ts\n';
    const cacheControl = async (body: string, at: string): Promise<string | undefined> => {
      serve(body);
      originCache.clear(); // one recorded event (one ETag) for several bodies
      vi.setSystemTime(new Date(at)); // DateLessThan is 2027-01-01T00:00:00Z
      return (await handler(event())).headers['cache-control']?.[0]?.value;
    };
    expect(await cacheControl(live, '2026-12-01T00:00:00Z')).toBe('max-age=0, s-maxage=0');
    expect(await cacheControl(live.replace('TARGETDURATION:1', 'TARGETDURATION:6'), '2026-12-01T00:00:00Z')).toBe('max-age=3, s-maxage=3');
    expect(await cacheControl(mediaPlaylist(3), '2026-12-01T00:00:00Z')).toBe('max-age=86400, s-maxage=86400');
    expect(await cacheControl(mediaPlaylist(3), '2026-12-31T23:00:00Z')).toBe('max-age=3600, s-maxage=3600');
  });

  it('rewrites a playlist served with another content type when the URI ends in .m3u8', async () => {
    serve(MASTER);
    const recorded = event();
    cf(recorded).response.headers['content-type'] = [{ key: 'Content-Type', value: 'binary/octet-stream' }];
    const response = await handler(recorded);
    expect(response.headers['content-type']?.[0]?.value).toBe('application/vnd.apple.mpegurl');
    expectRewrittenMaster(bodyText(response), creds);
  });

  it('rewrites a playlist with a playlist content type whatever its URI', async () => {
    serve(MASTER);
    const recorded = event();
    cf(recorded).request.uri = '/movies/42/master';
    cf(recorded).response.headers['content-type'] = [{ key: 'Content-Type', value: 'application/x-mpegURL; charset=utf-8' }];
    const response = await handler(recorded);
    expect(s3().requests[0]!.url).toBe('/movies/42/master');
    expectRewrittenMaster(bodyText(response), creds);
  });

  it('adds Accept-Encoding to the origin\'s own Vary instead of replacing it', async () => {
    serve(MASTER);
    const recorded = event();
    cf(recorded).response.headers.vary = [{ key: 'Vary', value: 'Origin, Access-Control-Request-Headers, Access-Control-Request-Method' }];
    const response = await handler(recorded);
    expect(response.headers.vary).toEqual([{ key: 'Vary', value: 'Origin, Access-Control-Request-Headers, Access-Control-Request-Method, Accept-Encoding' }]);
  });

  it('answers identity text, still with Vary, to a viewer that accepts no coding', async () => {
    serve(MASTER);
    const response = await handler(withAcceptEncoding(event(), 'identity'));
    expect(response.bodyEncoding).toBe('text');
    expect(response.headers['content-encoding']).toBeUndefined();
    expect(response.headers.vary).toEqual([{ key: 'Vary', value: 'Accept-Encoding' }]);
    expectRewrittenMaster(response.body!, creds);
  });

  it('gzips a rewritten playlist over 1 MB when the viewer accepts only gzip', async () => {
    const playlist = mediaPlaylist(3000);
    serve(playlist);
    const response = await handler(withAcceptEncoding(event(), 'gzip'));
    expect(response.status).toBe('200');
    expect(response.bodyEncoding).toBe('base64');
    expect(response.headers['content-encoding']).toEqual([{ key: 'Content-Encoding', value: 'gzip' }]);
    expect(response.body!.length).toBeLessThanOrEqual(1_048_576);
    const text = gunzipSync(Buffer.from(response.body!, 'base64')).toString('utf8');
    expect(text.length).toBeGreaterThan(1_048_576);
    expectCredentials(uriOf(text, '#EXTINF'), creds);
    expect(text.split('\n').length).toBe(playlist.split('\n').length);
    expectNoLeaks(response);
  });

  it('answers 502 and logs how to fix it when a rewritten playlist is over 1 MB and the viewer does not accept gzip', async () => {
    serve(mediaPlaylist(3000));
    const response = await handler(withAcceptEncoding(event(), undefined));
    expect(response.status).toBe('502');
    expect(response.body).toBe('Bad Gateway\n');
    expect(response.bodyEncoding).toBe('text');
    expect(response.headers['content-encoding']).toBeUndefined();
    const line = JSON.parse(logs.find((l) => l.includes('1 MB'))!) as { level: string; hint: string };
    expect(line.level).toBe('error');
    expect(line.hint).toMatch(/split the playlist/);
    expect(line.hint).toMatch(/gzip/);
    expectNoLeaks(response);
  });

  it('answers 502 when even the gzipped playlist is over 1 MB', async () => {
    const names = Array.from({ length: 30_000 }, () => `${randomBytes(40).toString('hex')}.ts`);
    serve(mediaPlaylist(names.length, (i) => names[i]!));
    const response = await handler(event());
    expect(response.status).toBe('502');
    expect(response.body).toBe('Bad Gateway\n');
    expect(response.headers['content-encoding']).toBeUndefined();
    expect(logs.some((l) => l.includes('split the playlist'))).toBe(true);
  });
});
