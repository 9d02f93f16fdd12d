import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { handler } from '../../src/edge/origin-response.js';
import type { EdgeResponse } from '../../src/edge/origin-response.js';
import { originCache } from '../../src/edge/origin-cache.js';
import { freezeClock } from '../helpers/clock.js';
import { captureEdgeLogs } from '../helpers/edge-logs.js';
import { readCredentials } from '../../src/cloudfront/index.js';
import { bodyText, loadEvent } from '../helpers/events.js';
import { atEndpoint, s3Error, s3Object, s3Reset, s3Truncated, startFaultyS3, useCredentials } from '../helpers/s3.js';
import type { FaultyS3, Reply } from '../helpers/s3.js';

// Every kind of S3 failure behind the origin-response handler, served by a real HTTP server on 127.0.0.1: the viewer
// gets the right status and a short generic body, the logs get one line naming the cause, and neither carries a
// credential, a stack or AWS detail.

let s3: FaultyS3;
let restoreEnv: () => void;
const logs = captureEdgeLogs();
freezeClock();

const EVENT = 'origin-response/s3-playlist-200';
const creds = readCredentials(loadEvent(EVENT).Records[0]!.cf.request.querystring, '-PREFIX');
const PLAYLIST = '#EXTM3U\n#EXT-X-TARGETDURATION:4\n#EXTINF:4,\nseg0.ts\n#EXT-X-ENDLIST\n';
const event = () => atEndpoint(loadEvent(EVENT), s3.endpoint);

function expectNoLeak(response: EdgeResponse): void {
  const viewer = JSON.stringify(response);
  for (const secret of [creds.Policy!, creds.Signature!]) {
    expect(viewer).not.toContain(secret);
    for (const line of logs) expect(line).not.toContain(secret);
  }
  expect(viewer).not.toMatch(/arn:aws|4442587FB7D0A2F9|secret detail|\bat .+:\d+:\d+/);
  for (const line of logs) expect(line).not.toMatch(/\n|\bat .+:\d+:\d+\)|secret detail|arn:aws/);
}

beforeAll(async () => {
  s3 = await startFaultyS3();
  restoreEnv = useCredentials({ AWS_ACCESS_KEY_ID: 'AKIDLOCALTEST', AWS_SECRET_ACCESS_KEY: 'local-test-secret' });
});
afterAll(async () => {
  restoreEnv();
  await s3.close();
});
beforeEach(() => {
  s3.requests.length = 0;
  originCache.clear();
});
afterEach(() => {
  s3.queue(); // nothing left over
});

/** [what S3 does, its reply, the viewer's status, attempts made (throttling and 5xx are retried once)] */
const CASES: Array<[string, Reply, string, number]> = [
  ['NoSuchKey', s3Error('NoSuchKey', 404), '404', 1],
  ['NoSuchBucket', s3Error('NoSuchBucket', 404), '404', 1],
  ['a bare 404 without a body (HEAD-style NotFound)', (_q, res) => void res.writeHead(404).end(), '404', 1],
  ['AccessDenied', s3Error('AccessDenied', 403), '403', 1],
  ['InvalidObjectState (archived object)', s3Error('InvalidObjectState', 403), '403', 1],
  ['SlowDown', s3Error('SlowDown', 503), '503', 2],
  ['ServiceUnavailable', s3Error('ServiceUnavailable', 503), '503', 2],
  ['InternalError', s3Error('InternalError', 500), '503', 2],
  ['a 429', s3Error('TooManyRequests', 429), '503', 2],
  ['RequestTimeout', s3Error('RequestTimeout', 400), '503', 2],
  ['a dropped connection (ECONNRESET)', s3Reset, '503', 2],
  ['ExpiredToken', s3Error('ExpiredToken', 400), '502', 1],
  ['InvalidAccessKeyId', s3Error('InvalidAccessKeyId', 403), '403', 1],
  ['PermanentRedirect (wrong region)', s3Error('PermanentRedirect', 301), '502', 1],
  ['PreconditionFailed', s3Error('PreconditionFailed', 412), '502', 1],
  ['a 400 with a body that is not S3 XML', (_q, res) => void res.writeHead(400, { 'Content-Type': 'text/html' }).end(`<h1>boom Policy-PREFIX=${creds.Policy}</h1>`), '502', 1],
];

describe('origin-response handler when S3 fails', () => {
  for (const [name, reply, status, attempts] of CASES) {
    it(`answers ${status} with a generic body, logs one line, and leaks nothing for ${name}`, async () => {
      s3.otherwise = reply;
      const response = await handler(event());
      expect(response.status).toBe(status);
      expect(response.body).toMatch(/^(Not Found|Forbidden|Bad Gateway|Service Unavailable)\n$/);
      expect(response.headers['cache-control']?.[0]?.value).toBe('no-store');
      if (status === '503') expect(response.headers['retry-after']?.[0]?.value).toMatch(/^\d+$/);
      expect(response.headers['x-cfhls-rewrite']).toBeUndefined();
      expect(s3.requests).toHaveLength(attempts);
      expect(logs).toHaveLength(1);
      expect(JSON.parse(logs[0]!)).toMatchObject({ fn: 'origin-response', status: Number(status) });
      expectNoLeak(response);
    });
  }

  it('answers 503 when nothing listens at the endpoint (ECONNREFUSED)', async () => {
    const closed = await startFaultyS3();
    const endpoint = closed.endpoint;
    await closed.close();
    const response = await handler(atEndpoint(loadEvent(EVENT), endpoint));
    expect(response.status).toBe('503');
    expect(logs).toHaveLength(1);
    expect(logs[0]).toContain('ECONNREFUSED');
    expectNoLeak(response);
  });

  it('answers 503 when the body breaks after the headers arrived (a truncated S3 body)', async () => {
    s3.otherwise = s3Truncated(PLAYLIST.repeat(100), 10);
    const response = await handler(event());
    expect(response.status).toBe('503');
    expect(logs).toHaveLength(1);
    expectNoLeak(response);
  });

  it('answers 502 without reading a 50 MB object, and says why in the log', async () => {
    let written = 0;
    s3.otherwise = (_req, res) => {
      res.writeHead(200, { 'Content-Length': String(50 * 1_048_576), ETag: '"big"' });
      written = 8;
      res.write('#EXTM3U\n');
    };
    const started = performance.now();
    const response = await handler(event());
    console.log(`50 MB S3 object refused in ${(performance.now() - started).toFixed(1)} ms`);
    expect(response.status).toBe('502');
    expect(written).toBe(8);
    expect(logs[0]).toContain('PlaylistTooLarge');
    expectNoLeak(response);
  });

  it('stops reading at the 16 MB origin limit a 50 MB body sent without a Content-Length, and answers 502', async () => {
    s3.otherwise = (_req, res) => {
      res.writeHead(200, { 'Transfer-Encoding': 'chunked', ETag: '"chunked"' });
      const chunk = Buffer.alloc(1_048_576, 0x61);
      let sent = 0;
      const more = (): void => {
        while (sent < 50 && !res.destroyed) {
          sent++;
          if (!res.write(chunk)) return void res.once('drain', more);
        }
        res.end();
      };
      more();
    };
    const started = performance.now();
    const response = await handler(event());
    const ms = performance.now() - started;
    console.log(`50 MB S3 body without Content-Length answered ${response.status} in ${ms.toFixed(0)} ms`);
    expect(response.status).toBe('502');
    expect(logs[0]).toContain('PlaylistTooLarge');
    expect(ms).toBeLessThan(20_000);
    expectNoLeak(response);
  });

  it('passes a gzip-encoded body that does not decompress through as a 502 with a log line', async () => {
    s3.otherwise = s3Object('definitely not gzip', { 'Content-Encoding': 'gzip' });
    const response = await handler(event());
    expect(response.status).toBe('502');
    expect(logs).toHaveLength(1);
    expectNoLeak(response);
  });

  it('answers 502 and logs why when the function has no credentials in its environment', async () => {
    const back = useCredentials({});
    try {
      const response = await handler(event());
      expect(response.status).toBe('502');
      expect(logs[0]).toContain('no AWS credentials');
      expect(s3.requests).toHaveLength(0);
    } finally {
      back();
    }
  });

  it('retries a throttled read once and rewrites what the second attempt got', async () => {
    s3.queue(s3Error('SlowDown', 503));
    s3.otherwise = s3Object(PLAYLIST);
    const response = await handler(event());
    expect(response.status).toBe('200');
    expect(s3.requests).toHaveLength(2);
    expect(bodyText(response)).toContain(`seg0.ts?Policy=${creds.Policy}`);
  });

  it('still rewrites when S3 recovers: a failure leaves no state behind', async () => {
    s3.queue(s3Error('SlowDown', 503), s3Error('SlowDown', 503));
    s3.otherwise = s3Object(PLAYLIST);
    expect((await handler(event())).status).toBe('503');
    const response = await handler(event());
    expect(response.status).toBe('200');
    expect(bodyText(response)).toContain(`seg0.ts?Policy=${creds.Policy}`);
  });
});
