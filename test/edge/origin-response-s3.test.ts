import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { gunzipSync, gzipSync } from 'node:zlib';
import { randomBytes } from 'node:crypto';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { CloudFrontResponseEvent } from 'aws-lambda';
import { handler } from '../../src/edge/origin-response.js';
import type { EdgeResponse } from '../../src/edge/origin-response.js';
import { setLogSink } from '../../src/edge/log.js';
import { freezeClock } from '../helpers/clock.js';
import { captureEdgeLogs } from '../helpers/edge-logs.js';
import { originCache } from '../../src/edge/origin-cache.js';
import { bodyText, loadEvent } from '../helpers/events.js';
import { atEndpoint, EVENT_BUCKET, s3Error, s3Object, startFaultyS3, startS3rver, useCredentials } from '../helpers/s3.js';
import type { FaultyS3, RealS3, Reply } from '../helpers/s3.js';
import { MASTER, expectCredentials, expectRewrittenMaster, mediaPlaylist, suffixedCreds, uriOf } from './playlists.js';

// S3 is real HTTP on 127.0.0.1: s3rver (which checks the SigV4 signature) for stored objects, and a scripted
// server that records what the function asked for and answers what a test needs.
let real: RealS3;
let s3: FaultyS3;
let restoreEnv: () => void;
let masterEtag: string;
const logs = captureEdgeLogs();
freezeClock();

const EVENT = 'origin-response/s3-playlist-200';
/** The recorded S3 event, pointed at the scripted server. */
const event = (): CloudFrontResponseEvent => atEndpoint(loadEvent(EVENT), s3.endpoint);
/** Answers every GetObject with `body` (and extra response headers). */
const serve = (body: string | Buffer, headers: Record<string, string> = {}): void => {
  s3.otherwise = s3Object(body, headers);
};

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

beforeAll(async () => {
  [real, s3] = await Promise.all([startS3rver({ checkSignatures: true }), startFaultyS3()]);
  restoreEnv = useCredentials();
  // Stored before the tests freeze the clock (the SDK that seeds s3rver corrects for clock skew; the function does not).
  masterEtag = await real.put('movies/42/master.m3u8', MASTER);
  await real.put('library/movies/42/my master (1).m3u8', MASTER);
  await real.put('movies/42/gzipped.m3u8', gzipSync(MASTER), { ContentEncoding: 'gzip' });
});
afterAll(async () => {
  restoreEnv();
  await Promise.all([real.close(), s3.close()]);
});
beforeEach(() => {
  s3.requests.length = 0;
  s3.otherwise = s3Error('NoSuchKey', 404);
  originCache.clear();
});

describe('origin-response handler with an S3 origin', () => {
  it('fetches the playlist with one signed GetObject using the bucket, region and key from the event', async () => {
    serve(MASTER);
    await handler(event());
    expect(s3.requests).toHaveLength(1);
    expect(s3.requests[0]).toMatchObject({ method: 'GET', url: `/${EVENT_BUCKET}/movies/42/master.m3u8` });
    expect(s3.requests[0]!.headers.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=S3RVER\/\d{8}\/us-east-1\/s3\/aws4_request, SignedHeaders=host;x-amz-content-sha256;x-amz-date, Signature=[0-9a-f]{64}$/);
  });

  it('reads the object from a real S3-compatible server that checks the SigV4 signature', async () => {
    const response = await handler(atEndpoint(loadEvent(EVENT), real.endpoint));
    expect(response.headers['x-cfhls-rewrite']?.[0]?.value).toBe('rewritten');
    expectRewrittenMaster(bodyText(response), creds);
    expect(masterEtag).toMatch(/^"[0-9a-f]{32}"$/);
  });

  it('is refused by that server when signed with the wrong secret (the signature is really checked)', async () => {
    const back = useCredentials({ AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'not-the-secret' });
    try {
      const response = await handler(atEndpoint(loadEvent(EVENT), real.endpoint));
      expect(response.status).toBe('403');
      expect(logs.some((l) => l.includes('SignatureDoesNotMatch'))).toBe(true);
    } finally {
      back();
    }
  });

  it('sends the session token Lambda gives the function, signed', async () => {
    serve(MASTER);
    const back = useCredentials({ AWS_ACCESS_KEY_ID: 'ASIALOCAL', AWS_SECRET_ACCESS_KEY: 'local-secret', AWS_SESSION_TOKEN: 'token-from-lambda' });
    try {
      await handler(event());
    } finally {
      back();
    }
    expect(s3.requests[0]!.headers['x-amz-security-token']).toBe('token-from-lambda');
    expect(s3.requests[0]!.headers.authorization).toContain('x-amz-security-token');
  });

  it('retains nothing per call: 4,000 fetches leave the heap where it was (no timer or signal outlives a call)', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const heap = (): number => {
      gc();
      gc();
      return process.memoryUsage().heapUsed;
    };
    serve(MASTER);
    setLogSink(() => undefined); // captureEdgeLogs keeps every line; its after-each hook restores the real sink
    const recorded = event();
    // The event's ETag is not the served body's: every call reads S3 (the cache never answers here).
    for (let i = 0; i < 500; i++) await handler(structuredClone(recorded)); // warm-up: sockets, JIT, caches
    s3.requests.length = 0; // the test server records every request; the function does not
    const before = heap();
    for (let i = 0; i < 4_000; i++) await handler(structuredClone(recorded));
    expect(s3.requests).toHaveLength(4_000);
    s3.requests.length = 0;
    // A pending 7 s AbortSignal.timeout per call once held ~1 KB each: 4 MB here.
    expect(heap() - before).toBeLessThan(1_500_000);
  });

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
    expect(response.headers['cache-control']).toEqual([{ key: 'Cache-Control', value: 'private, max-age=2' }]);
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
    expect(response.headers['cache-control']?.[0]?.value).toBe('private, max-age=1');
    vi.setSystemTime(new Date('2027-01-01T00:00:30Z'));
    response = await handler(event());
    expect(response.headers['cache-control']?.[0]?.value).toBe('private, max-age=0');
  });

  it('derives max-age from the playlist: half the target duration when live, long when finished, never past DateLessThan', async () => {
    const live = '#EXTM3U\n#EXT-X-TARGETDURATION:1\n#EXT-X-MEDIA-SEQUENCE:9\n#EXTINF:1.0,\nseg9.ts\n';
    const cacheControl = async (body: string, at: string): Promise<string | undefined> => {
      serve(body);
      originCache.clear(); // one recorded event (one ETag) for several bodies
      vi.setSystemTime(new Date(at)); // DateLessThan is 2027-01-01T00:00:00Z
      return (await handler(event())).headers['cache-control']?.[0]?.value;
    };
    expect(await cacheControl(live, '2026-12-01T00:00:00Z')).toBe('private, max-age=0');
    expect(await cacheControl(live.replace('TARGETDURATION:1', 'TARGETDURATION:6'), '2026-12-01T00:00:00Z')).toBe('private, max-age=3');
    expect(await cacheControl(mediaPlaylist(3), '2026-12-01T00:00:00Z')).toBe('private, max-age=86400');
    expect(await cacheControl(mediaPlaylist(3), '2026-12-31T23:00:00Z')).toBe('private, max-age=3600');
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
    expect(s3.requests[0]!.url).toBe(`/${EVENT_BUCKET}/movies/42/master`);
    expectRewrittenMaster(bodyText(response), creds);
  });

  it('decodes the URI and prepends the origin path to build the key', async () => {
    const recorded = atEndpoint(loadEvent(EVENT), real.endpoint);
    const origin = cf(recorded).request.origin!.s3!;
    origin.path = '/library';
    cf(recorded).request.uri = '/movies/42/my%20master%20(1).m3u8';
    const response = await handler(recorded);
    expectRewrittenMaster(bodyText(response), creds);
    serve(MASTER);
    await handler(atEndpoint(recorded, s3.endpoint));
    expect(s3.requests[0]!.url).toBe(`/${EVENT_BUCKET}/library/movies/42/my%20master%20%281%29.m3u8`);
  });

  it('reads a bucket whose name has dots from a legacy global S3 domain name', async () => {
    serve(MASTER);
    const recorded = event();
    cf(recorded).request.origin!.s3!.domainName = 'media.example.com.s3.amazonaws.com';
    await handler(recorded);
    expect(s3.requests[0]!.url).toBe('/media.example.com/movies/42/master.m3u8');
  });

  it('signs for the region of the event\'s origin and reuses its connection across invocations', async () => {
    serve(MASTER);
    await handler(event());
    await handler(event());
    const other = event();
    cf(other).request.origin!.s3!.region = 'eu-west-1';
    cf(other).request.origin!.s3!.domainName = `${EVENT_BUCKET}.s3.eu-west-1.amazonaws.com`;
    await handler(other);
    const scopes = s3.requests.map((r) => /\/\d{8}\/([a-z0-9-]+)\/s3\//.exec(r.headers.authorization ?? '')?.[1]);
    expect(scopes).toEqual(['us-east-1', 'us-east-1', 'eu-west-1']);
    expect(s3.requests.map((r) => r.headers.connection)).toEqual(['keep-alive', 'keep-alive', 'keep-alive']);
  });

  it('decodes an object stored gzipped before rewriting it', async () => {
    const recorded = atEndpoint(loadEvent(EVENT), real.endpoint);
    cf(recorded).request.uri = '/movies/42/gzipped.m3u8';
    cf(recorded).response.headers['content-encoding'] = [{ key: 'Content-Encoding', value: 'gzip' }];
    const response = await handler(recorded);
    expectRewrittenMaster(bodyText(response), creds);
    // Re-encoded for the viewer (Brotli), not the origin's gzip passed along.
    expect(response.headers['content-encoding']).toEqual([{ key: 'Content-Encoding', value: 'br' }]);
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
    const recorded = event();
    cf(recorded).request.headers['accept-encoding'] = [{ key: 'Accept-Encoding', value: 'identity' }];
    const response = await handler(recorded);
    expect(response.bodyEncoding).toBe('text');
    expect(response.headers['content-encoding']).toBeUndefined();
    expect(response.headers.vary).toEqual([{ key: 'Vary', value: 'Accept-Encoding' }]);
    expectRewrittenMaster(response.body!, creds);
  });

  it('passes a 200 segment through untouched without fetching anything', async () => {
    const recorded = atEndpoint(loadEvent('origin-response/s3-segment-200'), s3.endpoint);
    const before = structuredClone(cf(recorded).response);
    const response = await handler(recorded);
    expect(response).toEqual(before);
    expect(s3.requests).toHaveLength(0);
  });

  it('passes a 404 from the origin through untouched', async () => {
    const recorded = atEndpoint(loadEvent('origin-response/s3-404'), s3.endpoint);
    const before = structuredClone(cf(recorded).response);
    expect(await handler(recorded)).toEqual(before);
    expect(s3.requests).toHaveLength(0);
  });

  it('passes a playlist requested by a signed-cookie viewer through untouched', async () => {
    const recorded = atEndpoint(loadEvent('origin-response/s3-signed-cookie'), s3.endpoint);
    const before = structuredClone(cf(recorded).response);
    expect(await handler(recorded)).toEqual(before);
    expect(s3.requests).toHaveLength(0);
  });

  it('passes a HEAD request through untouched', async () => {
    const recorded = event();
    (cf(recorded).request as { method: string }).method = 'HEAD';
    const before = structuredClone(cf(recorded).response);
    expect(await handler(recorded)).toEqual(before);
  });

  it('leaves a canned-policy playlist unchanged with a warning log and a header saying why', async () => {
    const recorded = atEndpoint(loadEvent('origin-response/s3-canned-policy'), s3.endpoint);
    const response = await handler(recorded);
    expect(response.status).toBe('200');
    expect(response.body).toBeUndefined();
    expect(response.headers['x-cfhls-rewrite']).toEqual([{ key: 'X-Cfhls-Rewrite', value: 'skipped; reason=canned-policy' }]);
    expect(response.headers['content-length']).toBeDefined();
    expect(s3.requests).toHaveLength(0);
    const line = JSON.parse(logs.find((l) => l.includes('canned'))!) as { level: string };
    expect(line.level).toBe('warn');
    for (const l of logs) expect(l).not.toContain(suffixedCreds(cf(recorded).request.querystring.replace('Expires', 'Policy')).Signature);
  });

  it('passes a body that is not a playlist through unchanged with a warning log', async () => {
    serve(Buffer.from([0x47, 0x40, 0x11, 0x10, 0x00, 0xff, 0xfe]));
    const response = await handler(event());
    expect(response.status).toBe('200');
    expect(response.body).toBeUndefined();
    expect(response.headers['content-length']).toEqual(cf(loadEvent('origin-response/s3-playlist-200')).response.headers['content-length']);
    expect(response.headers['x-cfhls-rewrite']?.[0]?.value).toBe('skipped; reason=not-a-playlist');
    expect(logs.some((l) => (JSON.parse(l) as { level: string }).level === 'warn')).toBe(true);
  });

  it.each([
    ['NoSuchKey', '404', 'Not Found', s3Error('NoSuchKey', 404)],
    ['AccessDenied', '403', 'Forbidden', s3Error('AccessDenied', 403)],
    ['SlowDown (throttling)', '503', 'Service Unavailable', s3Error('SlowDown', 503)],
    ['an S3 500', '503', 'Service Unavailable', s3Error('InternalError', 500)],
    ['a timeout', '503', 'Service Unavailable', s3Error('RequestTimeout', 400)],
    ['an unexpected error', '502', 'Bad Gateway', s3Error('InvalidObjectState', 400)],
  ] as Array<[string, string, string, Reply]>)('answers %s with a short generic %s', async (_label, status, text, reply) => {
    s3.otherwise = reply;
    const response = await handler(event());
    expect(response.status).toBe(status);
    expect(response.statusDescription).toBe(text);
    expect(response.body).toBe(`${text}\n`);
    expect(response.headers['content-type']?.[0]?.value).toBe('text/plain; charset=utf-8');
    expect(response.headers['content-length']).toBeUndefined();
    expect(response.headers.etag).toBeUndefined();
    if (status === '503') expect(Number(response.headers['retry-after']?.[0]?.value)).toBeGreaterThan(0);
    else expect(response.headers['retry-after']).toBeUndefined();
    expect(logs.length).toBeGreaterThan(0);
    expectNoLeaks(response);
  });

  it('gzips a rewritten playlist over 1 MB when the viewer accepts only gzip', async () => {
    const playlist = mediaPlaylist(3000);
    serve(playlist);
    const recorded = event();
    cf(recorded).request.headers['accept-encoding'] = [{ key: 'Accept-Encoding', value: 'gzip' }];
    const response = await handler(recorded);
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
    const recorded = event();
    delete cf(recorded).request.headers['accept-encoding'];
    const response = await handler(recorded);
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

  it('never throws: a malformed event becomes a generic 502', async () => {
    const recorded = event();
    (cf(recorded).request as { querystring: unknown }).querystring = 42;
    const response = await handler(recorded);
    expect(response.status).toBe('502');
    expect(response.body).toBe('Bad Gateway\n');
  });
});
