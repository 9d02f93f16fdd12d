/**
 * origin-response writes one EMF record per call (src/edge/playlist-metrics.ts): the outcome the viewer was told,
 * what the origin read and the rewrite measured, and nothing viewer-specific.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import type { CloudFrontResponseEvent } from 'aws-lambda';
import { handler } from '../../src/edge/origin-response.js';
import { originCache } from '../../src/edge/origin-cache.js';
import { freezeClock } from '../helpers/clock.js';
import { captureEdgeLogs } from '../helpers/edge-logs.js';
import { captureMetrics, expectValidEmf } from '../helpers/emf.js';
import { atLocalCustomOrigin, loadEvent, withAcceptEncoding } from '../helpers/events.js';
import { playlistAnswer, startPlaylistOriginForSuite } from '../helpers/playlist-origin.js';
import { MASTER, suffixedCreds } from './playlists.js';

const origin = startPlaylistOriginForSuite(playlistAnswer(MASTER));
captureEdgeLogs();
const metrics = captureMetrics();
freezeClock();

beforeEach(() => {
  originCache.clear();
});

const event = (name: 'playlist-200' | 'canned-policy' | 'signed-cookie'): CloudFrontResponseEvent =>
  atLocalCustomOrigin(loadEvent(`origin-response/custom-${name}`), origin.port);

/** The one record of the call, checked against the spec. */
function record(): Record<string, unknown> {
  expect(metrics).toHaveLength(1);
  return expectValidEmf(metrics[0]!);
}

describe('origin-response metrics', () => {
  it('counts a rewritten playlist with its URIs, origin read, timings and sizes', async () => {
    await handler(withAcceptEncoding(event('playlist-200'), undefined));
    const r = record();
    expect(r).toMatchObject({ Function: 'origin-response', Outcome: 'rewritten', Playlists: 1, OriginReads: 1, ResponseBytesPlain: expect.any(Number) });
    expect(r.Reason).toBeUndefined();
    expect(r.OriginCacheHits).toBeUndefined();
    expect(r.UrisCredentialed).toBeGreaterThan(3);
    expect(r.UrisWithheld).toBe(0);
    expect(r.ResponseBytesEncoded).toBe(r.ResponseBytesPlain);
  });

  it('reports the encoded size when the viewer accepts compression', async () => {
    await handler(withAcceptEncoding(event('playlist-200'), 'gzip'));
    const r = record();
    expect(r.ResponseBytesEncoded as number).toBeLessThan(r.ResponseBytesPlain as number);
  });

  it('counts a second read of the same strong ETag as an origin-cache hit, not an origin read', async () => {
    origin.answer(playlistAnswer(MASTER, { etag: '"v1"' }));
    const first = event('playlist-200');
    first.Records[0]!.cf.response.headers.etag = [{ key: 'ETag', value: '"v1"' }];
    await handler(first);
    const second = event('playlist-200');
    second.Records[0]!.cf.response.headers.etag = [{ key: 'ETag', value: '"v1"' }];
    await handler(second);
    expect(metrics).toHaveLength(2);
    const hit = expectValidEmf(metrics[1]!);
    expect(hit).toMatchObject({ OriginCacheHits: 1, Outcome: 'rewritten' });
    expect(hit.OriginReads).toBeUndefined();
  });

  it('counts a canned policy as skipped with its reason, as the response header says', async () => {
    const response = await handler(event('canned-policy'));
    expect(response.headers['x-cfhls-rewrite']?.[0]?.value).toBe('skipped; reason=canned-policy');
    const r = record();
    expect(r).toMatchObject({ Outcome: 'skipped', Reason: 'canned-policy', Playlists: 1 });
    const directive = (r._aws as { CloudWatchMetrics: Array<{ Dimensions: string[][] }> }).CloudWatchMetrics[0]!;
    expect(directive.Dimensions).toEqual([['Function', 'Outcome'], ['Function', 'Outcome', 'Reason']]);
  });

  it('counts a refused playlist with its reason', async () => {
    origin.answer(playlistAnswer('#EXTM3U\n#EXT-X-DEFINE:QUERYPARAM="Policy"\n#EXTINF:4,\nhttps://elsewhere.example/{$Policy}/a.ts\n'));
    const response = await handler(event('playlist-200'));
    expect(response.status).toBe('502');
    expect(record()).toMatchObject({ Outcome: 'refused', Reason: 'credential-variable' });
  });

  it('counts an origin failure with its error code as the reason', async () => {
    origin.answer((res) => res.writeHead(404).end());
    await handler(event('playlist-200'));
    expect(record()).toMatchObject({ Outcome: 'origin-error', Reason: 'OriginNotFound' });
  });

  it('counts a playlist without credentials (signed cookies) as passed', async () => {
    await handler(event('signed-cookie'));
    expect(record()).toMatchObject({ Outcome: 'passed', Playlists: 1 });
  });

  it('counts an unexpected failure as error', async () => {
    await handler({ Records: [] } as unknown as CloudFrontResponseEvent);
    expect(record()).toMatchObject({ Outcome: 'error' });
  });

  it('never puts a URL, a host or a credential into a record', async () => {
    const e = event('playlist-200');
    const creds = suffixedCreds(e.Records[0]!.cf.request.querystring);
    await handler(e);
    const line = metrics[0]!;
    for (const secret of [creds.Policy, creds.Signature, creds['Key-Pair-Id'], 'm3u8', '127.0.0.1', 'cloudfront.net']) {
      expect(line).not.toContain(secret);
    }
  });
});
