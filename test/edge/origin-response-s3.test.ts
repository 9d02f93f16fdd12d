/**
 * origin-response reads a playlist from an S3 origin: one GetObject signed with SigV4 (s3rver checks the
 * signature of stored objects), the key built from the event, the event's region, one kept-alive connection,
 * nothing retained per call, and an object stored gzipped.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gzipSync } from 'node:zlib';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { CloudFrontResponseEvent } from 'aws-lambda';
import { handler } from '../../src/edge/origin-response.js';
import { setLogSink } from '../../src/edge/log.js';
import { bodyText, loadEvent } from '../helpers/events.js';
import { atEndpoint, EVENT_BUCKET, startS3rver, useCredentials } from '../helpers/s3.js';
import type { RealS3 } from '../helpers/s3.js';
import { MASTER, expectRewrittenMaster } from './playlists.js';
import { cf, creds, EVENT, startScriptedS3ForFile } from './s3-origin.js';

const { s3, logs, event, serve } = startScriptedS3ForFile();
let real: RealS3;
let masterEtag: string;

/** A bucket with dots: read path style, whose SigV4 signature s3rver checks as S3 does (see startS3rver). */
const SIGNED_BUCKET = 'cfhls.media.example';

/** The recorded event with its S3 origin on SIGNED_BUCKET, read from the signature-checking server. */
function realEvent(): CloudFrontResponseEvent {
  const recorded = loadEvent<CloudFrontResponseEvent>(EVENT);
  cf(recorded).request.origin!.s3!.domainName = `${SIGNED_BUCKET}.s3.us-east-1.amazonaws.com`;
  return atEndpoint(recorded, real.endpoint);
}

beforeAll(async () => {
  real = await startS3rver({ checkSignatures: true, bucket: SIGNED_BUCKET });
  // Stored before the tests freeze the clock (the SDK that seeds s3rver corrects for clock skew; the function does not).
  masterEtag = await real.put('movies/42/master.m3u8', MASTER);
  await real.put('library/movies/42/my master (1).m3u8', MASTER);
  await real.put('movies/42/gzipped.m3u8', gzipSync(MASTER), { ContentEncoding: 'gzip' });
});
afterAll(async () => {
  await real.close();
});

describe('origin-response handler with an S3 origin', () => {
  it('fetches the playlist with one signed GetObject using the bucket, region and key from the event', async () => {
    serve(MASTER);
    await handler(event());
    expect(s3().requests).toHaveLength(1);
    expect(s3().requests[0]).toMatchObject({ method: 'GET', url: '/movies/42/master.m3u8' });
    expect(s3().requests[0]!.headers.host).toBe(`${EVENT_BUCKET}.s3.us-east-1.amazonaws.com`);
    expect(s3().requests[0]!.headers.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=S3RVER\/\d{8}\/us-east-1\/s3\/aws4_request, SignedHeaders=host;x-amz-content-sha256;x-amz-date, Signature=[0-9a-f]{64}$/);
  });

  it('reads the object from a real S3-compatible server that checks the SigV4 signature', async () => {
    const response = await handler(realEvent());
    expect(response.headers['x-cfhls-rewrite']?.[0]?.value).toBe('rewritten');
    expectRewrittenMaster(bodyText(response), creds);
    expect(masterEtag).toMatch(/^"[0-9a-f]{32}"$/);
  });

  it('is refused by that server when signed with the wrong secret (the signature is really checked)', async () => {
    const back = useCredentials({ AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'not-the-secret' });
    try {
      const response = await handler(realEvent());
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
    expect(s3().requests[0]!.headers['x-amz-security-token']).toBe('token-from-lambda');
    expect(s3().requests[0]!.headers.authorization).toContain('x-amz-security-token');
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
    s3().requests.length = 0; // the test server records every request; the function does not
    const before = heap();
    for (let i = 0; i < 4_000; i++) await handler(structuredClone(recorded));
    expect(s3().requests).toHaveLength(4_000);
    s3().requests.length = 0;
    // A pending 7 s AbortSignal.timeout per call once held ~1 KB each: 4 MB here.
    expect(heap() - before).toBeLessThan(1_500_000);
  });

  it('decodes the URI and prepends the origin path to build the key', async () => {
    const recorded = realEvent();
    const origin = cf(recorded).request.origin!.s3!;
    origin.path = '/library';
    cf(recorded).request.uri = '/movies/42/my%20master%20(1).m3u8';
    const response = await handler(recorded);
    expectRewrittenMaster(bodyText(response), creds);
    serve(MASTER);
    await handler(atEndpoint(recorded, s3().endpoint));
    expect(s3().requests[0]!.url).toBe(`/${SIGNED_BUCKET}/library/movies/42/my%20master%20%281%29.m3u8`);
  });

  it('reads a bucket whose name has dots from a legacy global S3 domain name', async () => {
    serve(MASTER);
    const recorded = event();
    cf(recorded).request.origin!.s3!.domainName = 'media.example.com.s3.amazonaws.com';
    await handler(atEndpoint(recorded, s3().endpoint));
    expect(s3().requests[0]!.url).toBe('/media.example.com/movies/42/master.m3u8');
    expect(s3().requests[0]!.headers.host).toBe('s3.us-east-1.amazonaws.com');
  });

  it('signs for the region of the event\'s origin and reuses its connection across invocations', async () => {
    serve(MASTER);
    await handler(event());
    await handler(event());
    const other = event();
    cf(other).request.origin!.s3!.region = 'eu-west-1';
    cf(other).request.origin!.s3!.domainName = `${EVENT_BUCKET}.s3.eu-west-1.amazonaws.com`;
    await handler(other);
    const scopes = s3().requests.map((r) => /\/\d{8}\/([a-z0-9-]+)\/s3\//.exec(r.headers.authorization ?? '')?.[1]);
    expect(scopes).toEqual(['us-east-1', 'us-east-1', 'eu-west-1']);
    expect(s3().requests.map((r) => r.headers.connection)).toEqual(['keep-alive', 'keep-alive', 'keep-alive']);
  });

  it('decodes an object stored gzipped before rewriting it', async () => {
    const recorded = realEvent();
    cf(recorded).request.uri = '/movies/42/gzipped.m3u8';
    cf(recorded).response.headers['content-encoding'] = [{ key: 'Content-Encoding', value: 'gzip' }];
    const response = await handler(recorded);
    expectRewrittenMaster(bodyText(response), creds);
    // Re-encoded for the viewer (Brotli), not the origin's gzip passed along.
    expect(response.headers['content-encoding']).toEqual([{ key: 'Content-Encoding', value: 'br' }]);
  });
});
