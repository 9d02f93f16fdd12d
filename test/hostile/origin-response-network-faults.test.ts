import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { CloudFrontResponseEvent } from 'aws-lambda';
import { handler } from '../../src/edge/origin-response.js';
import type { EdgeResponse } from '../../src/edge/origin-response.js';
import { freezeClock } from '../helpers/clock.js';
import { captureEdgeLogs } from '../helpers/edge-logs.js';
import { readCredentials } from '../../src/cloudfront/index.js';
import { loadEvent } from '../helpers/events.js';
import { atEndpoint } from '../helpers/s3.js';

// Network faults on 127.0.0.1: a real S3 client (no mock) against an S3 that never answers, and a custom origin
// that resets, truncates, trickles, or floods. Each fault must end well inside CloudFront's 30 s origin-response
// limit with the right status, one log line, and no credential in the response or the logs.

/** CloudFront waits at most 30 s for an origin-response function; we want to be done well before. */
const EDGE_LIMIT_MS = 30_000;

type Behaviour = (req: IncomingMessage, res: ServerResponse) => void;
let behaviour: Behaviour;
let server: Server;
let port = 0;
const sockets = new Set<Socket>();
const logs = captureEdgeLogs();
freezeClock();
const savedEnv = { ...process.env };

beforeAll(async () => {
  server = createServer((req, res) => behaviour(req, res));
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
  // The real S3 client signs requests: give it throwaway credentials, never real ones.
  Object.assign(process.env, { AWS_ACCESS_KEY_ID: 'AKIDLOCALTEST', AWS_SECRET_ACCESS_KEY: 'local-test-secret', AWS_REGION: 'us-east-1' });
  delete process.env.AWS_PROFILE;
});
afterAll(async () => {
  for (const s of sockets) s.destroy();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  process.env = savedEnv;
});
beforeEach(() => {
});
afterEach(() => {
  for (const s of sockets) s.destroy();
});

const cf = (e: CloudFrontResponseEvent) => e.Records[0]!.cf;

function customEvent(): CloudFrontResponseEvent {
  const event = loadEvent('origin-response/custom-playlist-200');
  const origin = cf(event).request.origin!.custom!;
  Object.assign(origin, { domainName: '127.0.0.1', port, protocol: 'http' });
  return event;
}

/** The S3 event, its bucket's reads sent to the local server as the local edge does. */
function s3Event(): CloudFrontResponseEvent {
  return atEndpoint(loadEvent('origin-response/s3-playlist-200'), `http://127.0.0.1:${port}`);
}

function expectNoLeak(event: CloudFrontResponseEvent, response: EdgeResponse): void {
  const creds = readCredentials(cf(event).request.querystring, '-PREFIX');
  const viewer = JSON.stringify(response);
  for (const secret of [creds.Policy!, creds.Signature!]) {
    expect(viewer).not.toContain(secret);
    for (const line of logs) expect(line).not.toContain(secret);
  }
  expect(viewer).not.toMatch(/127\.0\.0\.1|ECONNRESET|socket|\bat .+:\d+:\d+/);
}

async function timedHandler(event: CloudFrontResponseEvent, name: string): Promise<EdgeResponse> {
  const started = performance.now();
  const response = await handler(event);
  const ms = performance.now() - started;
  console.log(`${name}: ${response.status} after ${ms.toFixed(0)} ms`);
  expect(ms).toBeLessThan(EDGE_LIMIT_MS / 2);
  return response;
}

const PLAYLIST_HEAD = '#EXTM3U\n#EXT-X-TARGETDURATION:4\n';

describe('origin-response handler against a slow S3 (real SDK, 127.0.0.1)', () => {
  it('answers 503 with Retry-After well inside the 30 s origin limit when S3 never answers', async () => {
    behaviour = () => {}; // accept, read, never answer
    const event = s3Event();
    // If the handler is still waiting at half the limit, cut the connections so it finishes inside this test
    // (its late log line must not land in the next test), then fail on the elapsed time.
    const cut = setTimeout(() => {
      behaviour = (req) => req.socket.destroy(); // retries fail fast too
      for (const s of sockets) s.destroy();
    }, EDGE_LIMIT_MS / 2);
    const response = await timedHandler(event, 'S3 never answers').finally(() => clearTimeout(cut));
    expect(response.status).toBe('503');
    expect(response.headers['retry-after']?.[0]?.value).toMatch(/^\d+$/);
    expect(logs).toHaveLength(1);
    expect(logs[0]).toContain('OriginUnavailable');
    expectNoLeak(event, response);
  }, EDGE_LIMIT_MS + 5_000);

  it('answers 503 when S3 resets the connection on every attempt', async () => {
    behaviour = (req) => req.socket.destroy();
    const event = s3Event();
    const response = await timedHandler(event, 'S3 resets');
    expect(response.status).toBe('503');
    expect(logs).toHaveLength(1);
    expectNoLeak(event, response);
  }, EDGE_LIMIT_MS);
});

describe('origin-response handler against a misbehaving custom origin', () => {
  const cases: Array<[string, Behaviour, string]> = [
    ['resets before answering', (req) => req.socket.destroy(), '503'],
    ['resets in the middle of the body', (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/vnd.apple.mpegurl', 'content-length': '10000' });
      res.write(`${PLAYLIST_HEAD}#EXTINF:4,\nseg`);
      setTimeout(() => res.socket?.destroy(), 20);
    }, '503'],
    ['closes cleanly after a truncated body (Content-Length says more)', (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/vnd.apple.mpegurl', 'content-length': '10000' });
      res.end(`${PLAYLIST_HEAD}#EXTINF:4,\nseg`);
      setTimeout(() => res.socket?.end(), 20);
    }, '503'],
    ['truncates a chunked body (no final chunk)', (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/vnd.apple.mpegurl' });
      res.write(`${PLAYLIST_HEAD}#EXTINF:4,\nseg0.ts\n`);
      setTimeout(() => res.socket?.destroy(), 20);
    }, '503'],
    ['sends headers and then trickles the body past the timeout', (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/vnd.apple.mpegurl' });
      res.write(PLAYLIST_HEAD);
      const timer = setInterval(() => (res.writableEnded || res.destroyed ? clearInterval(timer) : res.write('#\n')), 200);
      res.on('close', () => clearInterval(timer));
    }, '503'],
    ['answers 500', (_req, res) => res.writeHead(500).end('stack trace at Foo (/srv/app.js:1:2)'), '503'],
    ['answers 429', (_req, res) => res.writeHead(429).end(), '503'],
    ['answers 403', (_req, res) => res.writeHead(403).end('denied'), '403'],
    ['answers 404', (_req, res) => res.writeHead(404).end(), '404'],
    ['answers a redirect', (_req, res) => res.writeHead(301, { location: 'https://evil.example/x.m3u8' }).end(), '502'],
    ['sends an invalid gzip body', (_req, res) => res.writeHead(200, { 'content-encoding': 'gzip', 'content-type': 'application/vnd.apple.mpegurl' }).end('nope'), '502'],
    ['speaks garbage instead of HTTP', (req) => req.socket.end('NOT HTTP AT ALL\r\n\r\n'), '502 or 503'],
  ];
  for (const [name, fault, status] of cases) {
    it(`answers ${status} with one log line and no leak when the origin ${name}`, async () => {
      behaviour = fault;
      const event = customEvent();
      const response = await timedHandler(event, `custom origin ${name}`);
      expect(status.split(' or ')).toContain(response.status);
      expect(response.body).toMatch(/^(Not Found|Forbidden|Bad Gateway|Service Unavailable)\n$/);
      expect(logs).toHaveLength(1);
      expectNoLeak(event, response);
    }, EDGE_LIMIT_MS);
  }

  it('stops reading a 50 MB streamed body at the 16 MB origin limit and answers 502', async () => {
    behaviour = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/vnd.apple.mpegurl' });
      const chunk = Buffer.alloc(1_048_576, 0x61);
      let sent = 0;
      const pump = (): void => {
        while (sent < 50 && !res.destroyed) {
          sent++;
          if (!res.write(chunk)) {
            res.once('drain', pump);
            return;
          }
        }
        if (!res.destroyed) res.end();
      };
      res.write(PLAYLIST_HEAD);
      pump();
    };
    const event = customEvent();
    const response = await timedHandler(event, 'custom origin streams 50 MB');
    expect(response.status).toBe('502');
    expect(logs[0]).toContain('PlaylistTooLarge');
    expectNoLeak(event, response);
  }, EDGE_LIMIT_MS);
});
