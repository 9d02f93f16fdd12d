import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { GetObjectCommand, NoSuchBucket, NoSuchKey, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import type { GetObjectCommandOutput } from '@aws-sdk/client-s3';
import { handler } from '../../src/edge/origin-response.js';
import type { EdgeResponse } from '../../src/edge/origin-response.js';
import { setLogSink } from '../../src/edge/log.js';
import { readCredentials } from '../../src/rewriter/credentials.js';
import { bodyText, loadEvent } from '../helpers/events.js';

// Every kind of S3 failure behind the origin-response handler: the viewer gets the right status and a short
// generic body, the logs get one line naming the cause, and neither carries a credential, a stack or AWS detail.

const s3 = mockClient(S3Client);
let logs: string[] = [];
let restore: (line: string) => void;

const EVENT = 'origin-response/s3-playlist-200';
const creds = readCredentials(loadEvent(EVENT).Records[0]!.cf.request.querystring, '-PREFIX');
const PLAYLIST = '#EXTM3U\n#EXT-X-TARGETDURATION:4\n#EXTINF:4,\nseg0.ts\n#EXT-X-ENDLIST\n';

function s3Error(name: string, status: number): S3ServiceException {
  return new S3ServiceException({
    name,
    $fault: status >= 500 ? 'server' : 'client',
    $metadata: { httpStatusCode: status, requestId: 'REQ123' },
    message: `${name}: detail about arn:aws:s3:::cfhls-media-123456789012/movies/42/master.m3u8`,
  });
}
const withCode = (message: string, code: string, name = 'Error') => Object.assign(new Error(message), { code, name });

/** A GetObject output whose body is `bytes`, or whose body stream fails. */
function object(bytes: Buffer | Error, extra: Partial<GetObjectCommandOutput> = {}): GetObjectCommandOutput {
  return {
    $metadata: { httpStatusCode: 200 },
    ...(bytes instanceof Buffer ? { ContentLength: bytes.length } : {}),
    Body: {
      transformToByteArray: async () => {
        if (bytes instanceof Error) throw bytes;
        return new Uint8Array(bytes);
      },
    } as unknown as GetObjectCommandOutput['Body'],
    ...extra,
  };
}

function expectNoLeak(response: EdgeResponse): void {
  const viewer = JSON.stringify(response);
  for (const secret of [creds.Policy!, creds.Signature!]) {
    expect(viewer).not.toContain(secret);
    for (const line of logs) expect(line).not.toContain(secret);
  }
  expect(viewer).not.toMatch(/arn:aws|REQ123|S3ServiceException|\bat .+:\d+:\d+/);
  for (const line of logs) expect(line).not.toMatch(/\n|\bat .+:\d+:\d+\)/);
}

beforeEach(() => {
  s3.reset();
  logs = [];
  restore = setLogSink((line) => logs.push(line));
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(new Date('2026-11-26T05:00:00Z'));
});
afterEach(() => {
  setLogSink(restore);
  vi.useRealTimers();
});

const CASES: Array<[string, () => unknown, string]> = [
  ['NoSuchKey', () => new NoSuchKey({ message: 'no key', $metadata: { httpStatusCode: 404 } }), '404'],
  ['NoSuchBucket', () => new NoSuchBucket({ message: 'no bucket', $metadata: { httpStatusCode: 404 } }), '404'],
  ['a bare 404 (HEAD-style NotFound)', () => s3Error('NotFound', 404), '404'],
  ['AccessDenied', () => s3Error('AccessDenied', 403), '403'],
  ['InvalidObjectState (archived object)', () => s3Error('InvalidObjectState', 403), '403'],
  ['SlowDown', () => s3Error('SlowDown', 503), '503'],
  ['ServiceUnavailable', () => s3Error('ServiceUnavailable', 503), '503'],
  ['InternalError', () => s3Error('InternalError', 500), '503'],
  ['a 429', () => s3Error('TooManyRequests', 429), '503'],
  ['RequestTimeout', () => s3Error('RequestTimeout', 400), '503'],
  ['an SDK TimeoutError', () => Object.assign(new Error('Connection timed out after 1000 ms'), { name: 'TimeoutError' }), '503'],
  ['an AbortError', () => Object.assign(new Error('Request aborted'), { name: 'AbortError' }), '503'],
  ['ECONNRESET', () => withCode('socket hang up', 'ECONNRESET'), '503'],
  ['ECONNREFUSED', () => withCode('connect ECONNREFUSED 127.0.0.1:9', 'ECONNREFUSED'), '503'],
  ['ENOTFOUND (DNS)', () => withCode('getaddrinfo ENOTFOUND bucket.s3.amazonaws.com', 'ENOTFOUND'), '503'],
  ['ExpiredToken', () => s3Error('ExpiredToken', 400), '502'],
  ['InvalidAccessKeyId', () => s3Error('InvalidAccessKeyId', 403), '403'],
  ['PermanentRedirect (wrong region)', () => s3Error('PermanentRedirect', 301), '502'],
  ['PreconditionFailed', () => s3Error('PreconditionFailed', 412), '502'],
  ['an unknown Error', () => new Error(`boom with Policy-PREFIX=${creds.Policy} inside`), '502'],
  ['a thrown string', () => 'not even an Error', '502'],
  ['a thrown undefined', () => undefined, '502'],
];

describe('origin-response handler when S3 fails', () => {
  for (const [name, make, status] of CASES) {
    it(`answers ${status} with a generic body, logs one line, and leaks nothing for ${name}`, async () => {
      s3.on(GetObjectCommand).callsFake(() => Promise.reject(make()));
      const response = await handler(loadEvent(EVENT));
      expect(response.status).toBe(status);
      expect(response.body).toMatch(/^(Not Found|Forbidden|Bad Gateway|Service Unavailable)\n$/);
      expect(response.headers['cache-control']?.[0]?.value).toBe('no-store');
      if (status === '503') expect(response.headers['retry-after']?.[0]?.value).toMatch(/^\d+$/);
      expect(response.headers['x-cfhls-rewrite']).toBeUndefined();
      expect(logs).toHaveLength(1);
      expect(JSON.parse(logs[0]!)).toMatchObject({ fn: 'origin-response', status: Number(status) });
      expectNoLeak(response);
    });
  }

  it('answers 503 when the body stream breaks after the headers arrived (a truncated S3 body)', async () => {
    s3.on(GetObjectCommand).resolves(object(withCode('aborted', 'ECONNRESET')));
    const response = await handler(loadEvent(EVENT));
    expect(response.status).toBe('503');
    expect(logs).toHaveLength(1);
    expectNoLeak(response);
  });

  it('answers 502 without reading a 50 MB object, and says why in the log', async () => {
    const read = vi.fn();
    s3.on(GetObjectCommand).resolves({
      $metadata: { httpStatusCode: 200 },
      ContentLength: 50 * 1_048_576,
      Body: { transformToByteArray: read } as unknown as GetObjectCommandOutput['Body'],
    });
    const started = performance.now();
    const response = await handler(loadEvent(EVENT));
    console.log(`50 MB S3 object refused in ${(performance.now() - started).toFixed(1)} ms`);
    expect(response.status).toBe('502');
    expect(read).not.toHaveBeenCalled();
    expect(logs[0]).toContain('PlaylistTooLarge');
    expectNoLeak(response);
  });

  // S3 always sends Content-Length, so this is a defence-in-depth case. The handler reads the whole body here (its
  // 16 MB origin limit is checked only against Content-Length for S3), then answers within the 1 MB limit.
  it('answers within the 1 MB generated-response limit for a 50 MB body sent without a Content-Length', async () => {
    const body = Buffer.alloc(50 * 1_048_576, 0x61);
    body.write('#EXTM3U\n');
    s3.on(GetObjectCommand).resolves(object(body, { ContentLength: undefined }));
    const started = performance.now();
    const response = await handler(loadEvent(EVENT));
    const ms = performance.now() - started;
    console.log(`50 MB S3 body without Content-Length answered ${response.status} in ${ms.toFixed(0)} ms`);
    expect(['200', '502']).toContain(response.status);
    expect(Buffer.byteLength(response.body ?? '', response.bodyEncoding === 'base64' ? 'base64' : 'utf8')).toBeLessThanOrEqual(1_048_576);
    expect(ms).toBeLessThan(20_000);
    expectNoLeak(response);
  });

  it('passes a gzip-encoded body that does not decompress through as a 502 with a log line', async () => {
    s3.on(GetObjectCommand).resolves(object(Buffer.from('definitely not gzip'), { ContentEncoding: 'gzip' }));
    const response = await handler(loadEvent(EVENT));
    expect(response.status).toBe('502');
    expect(logs).toHaveLength(1);
    expectNoLeak(response);
  });

  it('still rewrites when S3 recovers: a failure leaves no state behind', async () => {
    s3.on(GetObjectCommand).rejectsOnce(s3Error('SlowDown', 503)).resolves(object(Buffer.from(PLAYLIST)));
    expect((await handler(loadEvent(EVENT))).status).toBe('503');
    const response = await handler(loadEvent(EVENT));
    expect(response.status).toBe('200');
    expect(bodyText(response)).toContain(`seg0.ts?Policy=${creds.Policy}`);
  });
});
