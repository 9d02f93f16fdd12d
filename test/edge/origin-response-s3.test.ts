import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { gunzipSync, gzipSync } from 'node:zlib';
import { randomBytes } from 'node:crypto';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { mockClient } from 'aws-sdk-client-mock';
import { GetObjectCommand, NoSuchKey, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import type { GetObjectCommandOutput } from '@aws-sdk/client-s3';
import type { CloudFrontResponseEvent } from 'aws-lambda';
import { handler } from '../../src/edge/origin-response.js';
import type { EdgeResponse } from '../../src/edge/origin-response.js';
import { setLogSink } from '../../src/edge/log.js';
import { bodyText, loadEvent } from '../helpers/events.js';
import { MASTER, expectCredentials, expectRewrittenMaster, mediaPlaylist, suffixedCreds, uriOf } from './playlists.js';

const s3 = mockClient(S3Client);
let logs: string[] = [];
let restoreSink: (line: string) => void;

/** A GetObject output whose Body behaves like the SDK's stream mixin. */
function object(body: string | Buffer, extra: Partial<GetObjectCommandOutput> = {}): GetObjectCommandOutput {
  const bytes = typeof body === 'string' ? Buffer.from(body) : body;
  return {
    $metadata: { httpStatusCode: 200 },
    ContentLength: bytes.length,
    Body: { transformToByteArray: async () => new Uint8Array(bytes) } as unknown as GetObjectCommandOutput['Body'],
    ...extra,
  };
}

function s3Error(name: string, status: number, message = `${name} from S3 with secret detail arn:aws:s3:::cfhls-media`): S3ServiceException {
  return new S3ServiceException({ name, $fault: status >= 500 ? 'server' : 'client', $metadata: { httpStatusCode: status }, message });
}

const cf = (e: CloudFrontResponseEvent) => e.Records[0]!.cf;
const creds = suffixedCreds(cf(loadEvent('origin-response/s3-playlist-200')).request.querystring);

/** Asserts nothing secret or internal reached the viewer or the logs. */
function expectNoLeaks(response: EdgeResponse): void {
  const viewer = JSON.stringify(response);
  for (const secret of [creds.Policy, creds.Signature]) {
    for (const line of logs) expect(line).not.toContain(secret);
    if (response.body !== undefined && response.headers['x-cfhls-rewrite']?.[0]?.value !== 'rewritten') {
      expect(viewer).not.toContain(secret);
    }
  }
  expect(viewer).not.toMatch(/\bat .+\(.*:\d+:\d+\)|arn:aws|secret detail|S3ServiceException/);
}

beforeEach(() => {
  s3.reset();
  logs = [];
  restoreSink = setLogSink((line) => logs.push(line));
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(new Date('2026-11-26T05:00:00Z'));
});
afterEach(() => {
  setLogSink(restoreSink);
  vi.useRealTimers();
});

describe('origin-response handler with an S3 origin', () => {
  it('fetches the playlist with GetObject using the bucket, region and key from the event', async () => {
    s3.on(GetObjectCommand).resolves(object(MASTER));
    await handler(loadEvent('origin-response/s3-playlist-200'));
    expect(s3).toReceiveCommandTimes(GetObjectCommand, 1);
    expect(s3).toReceiveCommandWith(GetObjectCommand, { Bucket: 'cfhls-media-123456789012', Key: 'movies/42/master.m3u8' });
    const client = s3.call(0).thisValue as S3Client;
    expect(await client.config.region()).toBe('us-east-1');
  });

  it('retains nothing per call: 4,000 fetches leave the heap where it was (no timer or signal outlives a call)', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const heap = (): number => {
      gc();
      gc();
      return process.memoryUsage().heapUsed;
    };
    s3.on(GetObjectCommand).callsFake(async () => object(MASTER));
    setLogSink(() => undefined); // this file's sink keeps every line; afterEach restores the real one
    const event = loadEvent('origin-response/s3-playlist-200');
    for (let i = 0; i < 500; i++) await handler(structuredClone(event)); // warm-up: clients, JIT, caches
    s3.resetHistory(); // the mock records every call; a real client does not
    const before = heap();
    for (let i = 0; i < 4_000; i++) await handler(structuredClone(event));
    s3.resetHistory();
    // A pending 7 s AbortSignal.timeout per call once held ~1 KB each: 4 MB here.
    expect(heap() - before).toBeLessThan(1_500_000);
  });

  it('rewrites a 200 playlist so every same-host URI carries the viewer credentials and third-party URIs do not', async () => {
    s3.on(GetObjectCommand).resolves(object(MASTER));
    const response = await handler(loadEvent('origin-response/s3-playlist-200'));
    expect(response.status).toBe('200');
    expect(response.bodyEncoding).toBe('base64');
    expect(response.headers['content-encoding']).toEqual([{ key: 'Content-Encoding', value: 'br' }]);
    expect(response.headers['vary']).toEqual([{ key: 'Vary', value: 'Accept-Encoding' }]);
    expectRewrittenMaster(bodyText(response), creds);
    expect(response.headers['x-cfhls-rewrite']).toEqual([{ key: 'X-Cfhls-Rewrite', value: 'rewritten' }]);
    expectNoLeaks(response);
  });

  it('sets the playlist content type, a private max-age, and drops headers that describe the origin bytes', async () => {
    s3.on(GetObjectCommand).resolves(object(MASTER));
    const event = loadEvent('origin-response/s3-playlist-200');
    const via = structuredClone(cf(event).request.headers.via);
    const response = await handler(event);
    expect(response.headers['content-type']).toEqual([{ key: 'Content-Type', value: 'application/vnd.apple.mpegurl' }]);
    expect(response.headers['cache-control']).toEqual([{ key: 'Cache-Control', value: 'private, max-age=2' }]);
    for (const stale of ['content-length', 'etag', 'last-modified', 'accept-ranges']) {
      expect(response.headers[stale], stale).toBeUndefined();
    }
    // The origin's Content-Encoding is gone; the one left describes the generated body.
    expect(response.headers['content-encoding']).toEqual([{ key: 'Content-Encoding', value: 'br' }]);
    expect(response.headers['x-amz-request-id']).toBeDefined();
    expect(response.headers.server).toEqual([{ key: 'Server', value: 'AmazonS3' }]);
    expect(cf(event).request.headers.via).toEqual(via);
  });

  it('lowers max-age so the cached playlist never outlives the policy DateLessThan', async () => {
    s3.on(GetObjectCommand).resolves(object(MASTER));
    vi.setSystemTime(new Date('2026-12-31T23:59:59Z')); // DateLessThan is 2027-01-01T00:00:00Z
    let response = await handler(loadEvent('origin-response/s3-playlist-200'));
    expect(response.headers['cache-control']?.[0]?.value).toBe('private, max-age=1');
    vi.setSystemTime(new Date('2027-01-01T00:00:30Z'));
    response = await handler(loadEvent('origin-response/s3-playlist-200'));
    expect(response.headers['cache-control']?.[0]?.value).toBe('private, max-age=0');
  });

  it('derives max-age from the playlist: half the target duration when live, long when finished, never past DateLessThan', async () => {
    const live = '#EXTM3U\n#EXT-X-TARGETDURATION:1\n#EXT-X-MEDIA-SEQUENCE:9\n#EXTINF:1.0,\nseg9.ts\n';
    const cacheControl = async (body: string, at: string): Promise<string | undefined> => {
      s3.on(GetObjectCommand).resolves(object(body));
      vi.setSystemTime(new Date(at)); // DateLessThan is 2027-01-01T00:00:00Z
      return (await handler(loadEvent('origin-response/s3-playlist-200'))).headers['cache-control']?.[0]?.value;
    };
    expect(await cacheControl(live, '2026-12-01T00:00:00Z')).toBe('private, max-age=0');
    expect(await cacheControl(live.replace('TARGETDURATION:1', 'TARGETDURATION:6'), '2026-12-01T00:00:00Z')).toBe('private, max-age=3');
    expect(await cacheControl(mediaPlaylist(3), '2026-12-01T00:00:00Z')).toBe('private, max-age=86400');
    expect(await cacheControl(mediaPlaylist(3), '2026-12-31T23:00:00Z')).toBe('private, max-age=3600');
  });

  it('rewrites a playlist served with another content type when the URI ends in .m3u8', async () => {
    s3.on(GetObjectCommand).resolves(object(MASTER));
    const event = loadEvent('origin-response/s3-playlist-200');
    cf(event).response.headers['content-type'] = [{ key: 'Content-Type', value: 'binary/octet-stream' }];
    const response = await handler(event);
    expect(response.headers['content-type']?.[0]?.value).toBe('application/vnd.apple.mpegurl');
    expectRewrittenMaster(bodyText(response), creds);
  });

  it('rewrites a playlist with a playlist content type whatever its URI', async () => {
    s3.on(GetObjectCommand).resolves(object(MASTER));
    const event = loadEvent('origin-response/s3-playlist-200');
    cf(event).request.uri = '/movies/42/master';
    cf(event).response.headers['content-type'] = [{ key: 'Content-Type', value: 'application/x-mpegURL; charset=utf-8' }];
    const response = await handler(event);
    expect(s3).toReceiveCommandWith(GetObjectCommand, { Key: 'movies/42/master' });
    expectRewrittenMaster(bodyText(response), creds);
  });

  it('decodes the URI and prepends the origin path to build the key', async () => {
    s3.on(GetObjectCommand).resolves(object(MASTER));
    const event = loadEvent('origin-response/s3-playlist-200');
    const origin = cf(event).request.origin!.s3!;
    origin.path = '/library';
    cf(event).request.uri = '/movies/42/my%20master.m3u8';
    await handler(event);
    expect(s3).toReceiveCommandWith(GetObjectCommand, { Bucket: 'cfhls-media-123456789012', Key: 'library/movies/42/my master.m3u8' });
  });

  it('reads a bucket whose name has dots from a legacy global S3 domain name', async () => {
    s3.on(GetObjectCommand).resolves(object(MASTER));
    const event = loadEvent('origin-response/s3-playlist-200');
    cf(event).request.origin!.s3!.domainName = 'media.example.com.s3.amazonaws.com';
    await handler(event);
    expect(s3).toReceiveCommandWith(GetObjectCommand, { Bucket: 'media.example.com' });
  });

  it('uses the x-cfhls-s3-endpoint origin header as a path-style endpoint (local edge)', async () => {
    s3.on(GetObjectCommand).resolves(object(MASTER));
    const event = loadEvent('origin-response/s3-playlist-200');
    cf(event).request.origin!.s3!.customHeaders['x-cfhls-s3-endpoint'] = [{ key: 'X-Cfhls-S3-Endpoint', value: 'http://127.0.0.1:9000' }];
    await handler(event);
    const client = s3.call(0).thisValue as S3Client;
    expect(client.config.forcePathStyle).toBe(true);
    const endpoint = await client.config.endpoint!();
    expect(`${endpoint.protocol}//${endpoint.hostname}:${endpoint.port}`).toBe('http://127.0.0.1:9000');
  });

  it('reuses one S3 client per region across invocations', async () => {
    s3.on(GetObjectCommand).resolves(object(MASTER));
    await handler(loadEvent('origin-response/s3-playlist-200'));
    await handler(loadEvent('origin-response/s3-playlist-200'));
    const other = loadEvent('origin-response/s3-playlist-200');
    cf(other).request.origin!.s3!.region = 'eu-west-1';
    cf(other).request.origin!.s3!.domainName = 'cfhls-media-123456789012.s3.eu-west-1.amazonaws.com';
    await handler(other);
    const clients = s3.calls().map((c) => c.thisValue);
    expect(clients[0]).toBe(clients[1]);
    expect(clients[2]).not.toBe(clients[0]);
    expect(await (clients[2] as S3Client).config.region()).toBe('eu-west-1');
  });

  it('decodes an object stored gzipped before rewriting it', async () => {
    s3.on(GetObjectCommand).resolves(object(gzipSync(MASTER), { ContentEncoding: 'gzip' }));
    const event = loadEvent('origin-response/s3-playlist-200');
    cf(event).response.headers['content-encoding'] = [{ key: 'Content-Encoding', value: 'gzip' }];
    const response = await handler(event);
    expectRewrittenMaster(bodyText(response), creds);
    // Re-encoded for the viewer (Brotli), not the origin's gzip passed along.
    expect(response.headers['content-encoding']).toEqual([{ key: 'Content-Encoding', value: 'br' }]);
  });

  it('adds Accept-Encoding to the origin\'s own Vary instead of replacing it', async () => {
    s3.on(GetObjectCommand).resolves(object(MASTER));
    const event = loadEvent('origin-response/s3-playlist-200');
    cf(event).response.headers['vary'] = [{ key: 'Vary', value: 'Origin, Access-Control-Request-Headers, Access-Control-Request-Method' }];
    const response = await handler(event);
    expect(response.headers['vary']).toEqual([{ key: 'Vary', value: 'Origin, Access-Control-Request-Headers, Access-Control-Request-Method, Accept-Encoding' }]);
  });

  it('answers identity text, still with Vary, to a viewer that accepts no coding', async () => {
    s3.on(GetObjectCommand).resolves(object(MASTER));
    const event = loadEvent('origin-response/s3-playlist-200');
    cf(event).request.headers['accept-encoding'] = [{ key: 'Accept-Encoding', value: 'identity' }];
    const response = await handler(event);
    expect(response.bodyEncoding).toBe('text');
    expect(response.headers['content-encoding']).toBeUndefined();
    expect(response.headers['vary']).toEqual([{ key: 'Vary', value: 'Accept-Encoding' }]);
    expectRewrittenMaster(response.body!, creds);
  });

  it('passes a 200 segment through untouched without fetching anything', async () => {
    const event = loadEvent('origin-response/s3-segment-200');
    const before = structuredClone(cf(event).response);
    const response = await handler(event);
    expect(response).toEqual(before);
    expect(s3).toReceiveCommandTimes(GetObjectCommand, 0);
  });

  it('passes a 404 from the origin through untouched', async () => {
    const event = loadEvent('origin-response/s3-404');
    const before = structuredClone(cf(event).response);
    expect(await handler(event)).toEqual(before);
    expect(s3).toReceiveCommandTimes(GetObjectCommand, 0);
  });

  it('passes a playlist requested by a signed-cookie viewer through untouched', async () => {
    const event = loadEvent('origin-response/s3-signed-cookie');
    const before = structuredClone(cf(event).response);
    expect(await handler(event)).toEqual(before);
    expect(s3).toReceiveCommandTimes(GetObjectCommand, 0);
  });

  it('passes a HEAD request through untouched', async () => {
    const event = loadEvent('origin-response/s3-playlist-200');
    (cf(event).request as { method: string }).method = 'HEAD';
    const before = structuredClone(cf(event).response);
    expect(await handler(event)).toEqual(before);
  });

  it('leaves a canned-policy playlist unchanged with a warning log and a header saying why', async () => {
    const event = loadEvent('origin-response/s3-canned-policy');
    const response = await handler(event);
    expect(response.status).toBe('200');
    expect(response.body).toBeUndefined();
    expect(response.headers['x-cfhls-rewrite']).toEqual([{ key: 'X-Cfhls-Rewrite', value: 'skipped; reason=canned-policy' }]);
    expect(response.headers['content-length']).toBeDefined();
    expect(s3).toReceiveCommandTimes(GetObjectCommand, 0);
    const line = JSON.parse(logs.find((l) => l.includes('canned'))!) as { level: string };
    expect(line.level).toBe('warn');
    for (const l of logs) expect(l).not.toContain(suffixedCreds(cf(event).request.querystring.replace('Expires', 'Policy')).Signature);
  });

  it('passes a body that is not a playlist through unchanged with a warning log', async () => {
    s3.on(GetObjectCommand).resolves(object(Buffer.from([0x47, 0x40, 0x11, 0x10, 0x00, 0xff, 0xfe])));
    const event = loadEvent('origin-response/s3-playlist-200');
    const response = await handler(event);
    expect(response.status).toBe('200');
    expect(response.body).toBeUndefined();
    expect(response.headers['content-length']).toEqual(cf(loadEvent('origin-response/s3-playlist-200')).response.headers['content-length']);
    expect(response.headers['x-cfhls-rewrite']?.[0]?.value).toBe('skipped; reason=not-a-playlist');
    expect(logs.some((l) => (JSON.parse(l) as { level: string }).level === 'warn')).toBe(true);
  });

  it.each([
    ['NoSuchKey', () => new NoSuchKey({ message: 'The specified key does not exist.', $metadata: { httpStatusCode: 404 } }), '404', 'Not Found'],
    ['AccessDenied', () => s3Error('AccessDenied', 403), '403', 'Forbidden'],
    ['SlowDown (throttling)', () => s3Error('SlowDown', 503), '503', 'Service Unavailable'],
    ['an S3 500', () => s3Error('InternalError', 500), '503', 'Service Unavailable'],
    ['a timeout', () => Object.assign(new Error('Connection timed out after 3000 ms'), { name: 'TimeoutError' }), '503', 'Service Unavailable'],
    ['an unexpected error', () => s3Error('InvalidObjectState', 400), '502', 'Bad Gateway'],
  ])('answers %s with a short generic %s', async (_label, makeError, status, text) => {
    s3.on(GetObjectCommand).rejects(makeError());
    const response = await handler(loadEvent('origin-response/s3-playlist-200'));
    expect(response.status).toBe(status);
    expect(response.statusDescription).toBe(text);
    expect(response.body).toBe(`${text}\n`);
    expect(response.headers['content-type']?.[0]?.value).toBe('text/plain; charset=utf-8');
    expect(response.headers['content-length']).toBeUndefined();
    expect(response.headers['etag']).toBeUndefined();
    if (status === '503') expect(Number(response.headers['retry-after']?.[0]?.value)).toBeGreaterThan(0);
    else expect(response.headers['retry-after']).toBeUndefined();
    expect(logs.length).toBeGreaterThan(0);
    expectNoLeaks(response);
  });

  it('gzips a rewritten playlist over 1 MB when the viewer accepts only gzip', async () => {
    const playlist = mediaPlaylist(3000);
    s3.on(GetObjectCommand).resolves(object(playlist));
    const event = loadEvent('origin-response/s3-playlist-200');
    cf(event).request.headers['accept-encoding'] = [{ key: 'Accept-Encoding', value: 'gzip' }];
    const response = await handler(event);
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
    s3.on(GetObjectCommand).resolves(object(mediaPlaylist(3000)));
    const event = loadEvent('origin-response/s3-playlist-200');
    delete cf(event).request.headers['accept-encoding'];
    const response = await handler(event);
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
    s3.on(GetObjectCommand).resolves(object(mediaPlaylist(names.length, (i) => names[i]!)));
    const response = await handler(loadEvent('origin-response/s3-playlist-200'));
    expect(response.status).toBe('502');
    expect(response.body).toBe('Bad Gateway\n');
    expect(response.headers['content-encoding']).toBeUndefined();
    expect(logs.some((l) => l.includes('split the playlist'))).toBe(true);
  });

  it('never throws: a malformed event becomes a generic 502', async () => {
    const event = loadEvent('origin-response/s3-playlist-200');
    (cf(event).request as { querystring: unknown }).querystring = 42;
    const response = await handler(event);
    expect(response.status).toBe('502');
    expect(response.body).toBe('Bad Gateway\n');
  });
});
