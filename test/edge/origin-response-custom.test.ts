import { describe, expect, it } from 'vitest';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import type { CloudFrontResponseEvent } from 'aws-lambda';
import { handler } from '../../src/edge/origin-response.js';
import { freezeClock } from '../helpers/clock.js';
import { captureEdgeLogs } from '../helpers/edge-logs.js';
import { ORIGIN_TIMEOUT_MS } from '../../src/edge/config.js';
import { atLocalCustomOrigin, bodyText, loadEvent } from '../helpers/events.js';
import { playlistAnswer, startPlaylistOriginForSuite } from '../helpers/playlist-origin.js';
import { MASTER, expectRewrittenMaster, suffixedCreds } from './playlists.js';

const origin = startPlaylistOriginForSuite(playlistAnswer(MASTER));
const seen = origin.seen;
const logs = captureEdgeLogs();
freezeClock();

const cf = (e: CloudFrontResponseEvent) => e.Records[0]!.cf;

/** A recorded custom-origin event pointed at the local server. */
function localEvent(name: 'playlist-200' | 'segment-200' | '404' | 'canned-policy' | 'signed-cookie'): CloudFrontResponseEvent {
  return atLocalCustomOrigin(loadEvent(`origin-response/custom-${name}`), origin.port);
}

const creds = suffixedCreds(cf(loadEvent('origin-response/custom-playlist-200')).request.querystring);

describe('origin-response handler with a custom origin', () => {
  it('GETs the playlist from the origin with its custom headers and without the suffixed credentials', async () => {
    const event = localEvent('playlist-200');
    cf(event).request.querystring += '&lang=en';
    await handler(event);
    expect(seen).toHaveLength(1);
    expect(seen[0]!.url).toBe('/movies/42/master.m3u8?lang=en');
    expect(seen[0]!.headers['x-origin-verify']).toBe('origin-verify-7f3a');
    expect(seen[0]!.headers['accept-encoding']).toBe('identity');
  });

  it('prepends the origin path', async () => {
    const event = localEvent('playlist-200');
    cf(event).request.origin!.custom!.path = '/vod';
    await handler(event);
    expect(seen[0]!.url).toBe('/vod/movies/42/master.m3u8');
  });

  it('rewrites a 200 playlist with the viewer credentials and the distribution host', async () => {
    const response = await handler(localEvent('playlist-200'));
    expect(response.status).toBe('200');
    expectRewrittenMaster(bodyText(response), creds);
    expect(response.headers['content-type']?.[0]?.value).toBe('application/vnd.apple.mpegurl');
    expect(response.headers['x-cfhls-rewrite']?.[0]?.value).toBe('rewritten');
    for (const l of logs) {
      expect(l).not.toContain(creds.Policy);
      expect(l).not.toContain(creds.Signature);
    }
  });

  it('keeps a lower origin max-age and never exceeds the default', async () => {
    let response = await handler(localEvent('playlist-200')); // origin says max-age=60
    expect(response.headers['cache-control']?.[0]?.value).toBe('max-age=2, s-maxage=2');
    const event = localEvent('playlist-200');
    cf(event).response.headers['cache-control'] = [{ key: 'Cache-Control', value: 'no-cache' }];
    response = await handler(event);
    expect(response.headers['cache-control']?.[0]?.value).toBe('max-age=0, s-maxage=0');
  });

  it('decodes a gzipped origin body', async () => {
    origin.answer(playlistAnswer(gzipSync(MASTER), { 'content-encoding': 'gzip' }));
    const response = await handler(localEvent('playlist-200'));
    expectRewrittenMaster(bodyText(response), creds);
  });

  it('passes segments, 404s, signed-cookie viewers and canned policies through without calling the origin', async () => {
    for (const name of ['segment-200', '404', 'signed-cookie', 'canned-policy'] as const) {
      const event = localEvent(name);
      const before = structuredClone(cf(event).response);
      const response = await handler(event);
      if (name === 'canned-policy') {
        expect(response.headers['x-cfhls-rewrite']?.[0]?.value).toBe('skipped; reason=canned-policy');
        delete response.headers['x-cfhls-rewrite'];
      }
      expect(response, name).toEqual(before);
    }
    expect(seen).toHaveLength(0);
  });

  it('passes a body that is not a playlist through unchanged with a warning', async () => {
    origin.answer((res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<html>maintenance</html>'));
    const event = localEvent('playlist-200');
    const response = await handler(event);
    expect(response.status).toBe('200');
    expect(response.body).toBeUndefined();
    expect(response.headers['x-cfhls-rewrite']?.[0]?.value).toBe('skipped; reason=not-a-playlist');
    expect(logs.some((l) => l.includes('"level":"warn"') && l.includes('not a playlist'))).toBe(true);
  });

  it.each([
    [404, '404'],
    [410, '404'],
    [403, '403'],
    [429, '503'],
    [500, '503'],
    [503, '503'],
    [301, '502'],
  ])('maps an origin HTTP %i on the refetch to a generic %s', async (originStatus, status) => {
    origin.answer((res) => res.writeHead(originStatus, { 'content-type': 'text/html' }).end('<h1>nginx internal error at /srv/app.js:12</h1>'));
    const response = await handler(localEvent('playlist-200'));
    expect(response.status).toBe(status);
    expect(response.body).not.toContain('nginx');
    expect(response.body!.length).toBeLessThan(40);
    if (status === '503') expect(response.headers['retry-after']).toBeDefined();
  });

  it('answers 503 with Retry-After when the origin does not answer in time', async () => {
    origin.answer(() => {}); // never answers
    const started = performance.now();
    const response = await handler(localEvent('playlist-200'));
    expect(performance.now() - started).toBeLessThan(ORIGIN_TIMEOUT_MS + 2_000);
    expect(response.status).toBe('503');
    expect(response.headers['retry-after']?.[0]?.value).toMatch(/^\d+$/);
    expect(logs.some((l) => l.includes('OriginUnavailable'))).toBe(true);
  });

  it('answers 503 when nothing listens on the origin port', async () => {
    const event = localEvent('playlist-200');
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    cf(event).request.origin!.custom!.port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const response = await handler(event);
    expect(response.status).toBe('503');
    expect(response.body).toBe('Service Unavailable\n');
  });
});
