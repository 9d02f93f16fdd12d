/**
 * S3 endpoints on 127.0.0.1 for origin-response tests, instead of SDK mocks:
 * - `startS3rver()`: the real S3-compatible server the local edge uses (@20minutes/s3rver), which checks SigV4
 *   signatures with its own key pair (S3RVER/S3RVER) unless told not to;
 * - `startFaultyS3()`: a path-style HTTP server whose answers a test scripts (objects, S3 XML errors, resets,
 *   truncation, hangs, oversize) and which records every request.
 * `atEndpoint(event, url)` sends the S3 reads for an origin-response event's bucket to either, as the local edge
 * does (src/local-edge/function-runtime/s3-routes.ts): the handler still signs for and addresses the bucket's real S3 host.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, request as httpRequest } from 'node:http';
import type { IncomingHttpHeaders, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { PutObjectCommandInput } from '@aws-sdk/client-s3';
import type { CloudFrontResponseEvent } from 'aws-lambda';
import { parseS3Domain } from '../../src/edge/s3-get.js';
import { routeS3Bucket } from '../../src/local-edge/function-runtime/s3-routes.js';

/** The bucket of the recorded S3 events (events/origin-response/s3-*.json). */
export const EVENT_BUCKET = 'cfhls-media-123456789012';

/** s3rver's built-in key pair; the only credentials it accepts when it checks signatures. */
export const S3RVER_CREDENTIALS = { AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER' } as const;

/** Sets throwaway Lambda-style credentials in process.env and returns a function that restores the old ones. */
export function useCredentials(creds: Record<string, string> = S3RVER_CREDENTIALS): () => void {
  const names = ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN'];
  const saved = Object.fromEntries(names.map((n) => [n, process.env[n]]));
  for (const n of names) delete process.env[n];
  Object.assign(process.env, creds);
  return () => {
    for (const n of names) {
      if (saved[n] === undefined) delete process.env[n];
      else process.env[n] = saved[n];
    }
  };
}

/** Sends the S3 reads for the event's bucket to `endpoint` (path style), as the local edge does. */
export function atEndpoint<E extends CloudFrontResponseEvent>(event: E, endpoint: string): E {
  const bucket = parseS3Domain(event.Records[0]!.cf.request.origin!.s3!.domainName)!.bucket;
  routeS3Bucket(bucket, endpoint);
  return event;
}

/** S3's ETag of a single-part object: the quoted hex MD5 of its bytes. */
export function md5Etag(body: string | Buffer): string {
  return `"${createHash('md5').update(body).digest('hex')}"`;
}

// ----------------------------------------------------------------------------------------------------- s3rver

export interface RealS3 {
  endpoint: string;
  /** Puts an object into the events' bucket; returns its ETag. */
  put(key: string, body: string | Buffer, extra?: Partial<PutObjectCommandInput>): Promise<string>;
  close(): Promise<void>;
}

/**
 * Starts s3rver with one bucket (default the events'). `checkSignatures: true` rejects requests not signed with
 * S3RVER/S3RVER; s3rver checks SigV4 right only for path-style requests (for virtual-hosted ones it signs
 * `/bucket/key`, S3 signs `/key`), so a test of signatures uses a bucket with dots, which the handler reads path style.
 */
export async function startS3rver(options: { checkSignatures?: boolean; bucket?: string } = {}): Promise<RealS3> {
  const bucket = options.bucket ?? EVENT_BUCKET;
  const { default: S3rver } = (await import('@20minutes/s3rver' as string)) as {
    default: new (o: Record<string, unknown>) => { run(): Promise<AddressInfo>; close(): Promise<void>; allowMismatchedSignatures: boolean };
  };
  const directory = mkdtempSync(join(tmpdir(), 'cfhls-s3-test-'));
  const server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory, resetOnClose: true, allowMismatchedSignatures: true });
  const { port } = await server.run();
  // s3rver reads this per request. Seeding goes through the SDK, whose newest signing features s3rver does not
  // follow; what the tests check is the function's own signature, so checking is on only around its requests.
  const seeding = async <T>(work: () => Promise<T>): Promise<T> => {
    server.allowMismatchedSignatures = true;
    try {
      return await work();
    } finally {
      server.allowMismatchedSignatures = !options.checkSignatures;
    }
  };
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new S3Client({
    region: 'us-east-1', endpoint, forcePathStyle: true, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED',
  });
  await seeding(() => client.send(new CreateBucketCommand({ Bucket: bucket })));
  return {
    endpoint,
    async put(key, body, extra = {}) {
      const out = await seeding(() => client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: 'application/vnd.apple.mpegurl', ...extra })));
      return out.ETag!;
    },
    async close() {
      client.destroy();
      await server.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}

// ------------------------------------------------------------------------------------------------- faulty S3

export interface StubRequest {
  method: string;
  /** Path and query as received. */
  url: string;
  headers: IncomingHttpHeaders;
}

/** How the stub answers one request. */
export type Reply = (req: IncomingMessage, res: ServerResponse) => void;

export interface FaultyS3 {
  endpoint: string;
  requests: StubRequest[];
  /** Answers the next requests with these replies in turn, then with `otherwise`. */
  queue(...replies: Reply[]): void;
  /** The reply once the queue is empty (default: 404 NoSuchKey). */
  otherwise: Reply;
  close(): Promise<void>;
}

export async function startFaultyS3(): Promise<FaultyS3> {
  const sockets = new Set<Socket>();
  const queued: Reply[] = [];
  const stub: FaultyS3 = {
    endpoint: '',
    requests: [],
    queue: (...replies) => void queued.push(...replies),
    otherwise: s3Error('NoSuchKey', 404),
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((ok) => server.close(() => ok()));
    },
  };
  const server: Server = createServer((req, res) => {
    stub.requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
    (queued.shift() ?? stub.otherwise)(req, res);
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  stub.endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return stub;
}

/** A 200 with the object's bytes, S3's ETag and any extra headers. */
export function s3Object(body: string | Buffer, headers: Record<string, string> = {}): Reply {
  const bytes = typeof body === 'string' ? Buffer.from(body) : body;
  return (_req, res) => {
    res.writeHead(200, { 'Content-Type': 'application/vnd.apple.mpegurl', 'Content-Length': String(bytes.length), ETag: md5Etag(bytes), ...headers });
    res.end(bytes);
  };
}

/** An S3 error response: XML with the code and a message that must never reach viewers or logs. */
export function s3Error(code: string, status: number, headers: Record<string, string> = {}): Reply {
  return (_req, res) => {
    res.writeHead(status, { 'Content-Type': 'application/xml', ...headers });
    res.end(`<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${code} with secret detail arn:aws:s3:::cfhls-media</Message><RequestId>4442587FB7D0A2F9</RequestId></Error>`);
  };
}

/** Drops the connection without answering (ECONNRESET at the client). */
export const s3Reset: Reply = (req) => void req.socket.destroy();

/** Never answers. */
export const s3Hang: Reply = () => undefined;

/** Sends the headers and the first bytes of a longer body, then drops the connection. */
export function s3Truncated(body: string, sentBytes: number): Reply {
  return (req, res) => {
    res.writeHead(200, { 'Content-Type': 'application/vnd.apple.mpegurl', 'Content-Length': String(Buffer.byteLength(body)), ETag: md5Etag(body) });
    res.write(body.slice(0, sentBytes), () => setTimeout(() => req.socket.destroy(), 20));
  };
}

// ------------------------------------------------------------------------------------------- counting proxy

export interface CountingProxy {
  endpoint: string;
  /** `METHOD path` of every request passed on, in order. */
  seen: string[];
  close(): Promise<void>;
}

/** An HTTP proxy in front of `target` (an S3 endpoint) that records every request it passes on. */
export async function startCountingProxy(target: string): Promise<CountingProxy> {
  const to = new URL(target);
  const seen: string[] = [];
  const server = createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`);
    const upstream = httpRequest({ host: to.hostname, port: to.port, method: req.method, path: req.url, headers: req.headers }, (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    });
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    close: () => new Promise<void>((ok) => {
      server.closeAllConnections();
      server.close(() => ok());
    }),
  };
}
