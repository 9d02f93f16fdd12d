/**
 * Origins for the local edge: a folder served as a custom origin over loopback HTTP, or an S3 bucket on a
 * local S3-compatible server (@20minutes/s3rver, started for the purpose unless an endpoint is given).
 */
import { createReadStream, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer, request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join, relative, resolve, sep } from 'node:path';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { LocalEdgeConfigError, LocalEdgeOriginError } from '../../errors.js';
import { routeS3Bucket } from '../function-runtime/s3-routes.js';

/** Content types a CloudFront origin would send for HLS files (S3 objects uploaded with the right metadata). */
export const CONTENT_TYPES: Record<string, string> = {
  '.m3u8': 'application/vnd.apple.mpegurl',
  '.m3u': 'audio/mpegurl',
  '.ts': 'video/mp2t',
  '.aac': 'audio/aac',
  '.m4s': 'video/iso.segment',
  '.mp4': 'video/mp4',
  '.m4a': 'audio/mp4',
  '.m4v': 'video/mp4',
  '.vtt': 'text/vtt',
  '.webvtt': 'text/vtt',
  '.key': 'application/octet-stream',
  '.bin': 'application/octet-stream',
  '.json': 'application/json',
  '.jpg': 'image/jpeg',
  '.png': 'image/png',
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.md': 'text/markdown; charset=utf-8',
};

export function contentTypeOf(path: string): string {
  return CONTENT_TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream';
}

/**
 * The object key a request path names, as S3 reads it: the path after its first `/`, percent-decoded once and
 * taken literally. CloudFront forwards the raw path (it normalizes only to pick the behavior, see
 * normalizeRequestPath) and S3 neither resolves `.`/`..` nor merges slashes, so `/movies/42/../43/v1/seg0.ts` and
 * `/movies/42/%2E%2E%2F43/v1/seg0.ts` both name the key `movies/42/../43/v1/seg0.ts`, never `movies/43/...`.
 * S3 keys are a flat namespace ("There is no hierarchy of subbuckets or subfolders",
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-keys.html) and S3 request signing does not
 * normalize paths ("you do not normalize URI paths for requests to Amazon S3",
 * https://docs.aws.amazon.com/AmazonS3/latest/API/sig-v4-header-based-auth.html). Undefined when an escape is
 * malformed.
 */
export function objectKeyOf(path: string): string | undefined {
  try {
    return decodeURIComponent(path.startsWith('/') ? path.slice(1) : path);
  } catch {
    return undefined;
  }
}

/** True when a key can be a file's path below a folder: no empty, `.` or `..` segment and no NUL. */
export function isFileKey(key: string): boolean {
  return !key.includes('\0') && key.split('/').every((s) => s !== '' && s !== '.' && s !== '..');
}

/** What the edge got from the origin. */
export interface OriginResponse {
  status: number;
  headers: Array<[string, string]>;
  body: Buffer;
}

/** One running origin. */
export interface Origin {
  kind: 'folder' | 's3' | 'http';
  /** For the event's `request.origin`. */
  eventOrigin(customHeaders: Record<string, string>, originPath: string): Record<string, unknown>;
  fetch(uri: string, query: string, headers: Record<string, string>): Promise<OriginResponse>;
  describe(): string;
  close(): Promise<void>;
}

/** Serves `dir` over loopback HTTP like a static custom origin (GET/HEAD, Content-Type by extension, 404/403). */
export async function startFolderOrigin(dir: string): Promise<Origin> {
  const root = resolve(dir);
  if (!existsSync(root) || !statSync(root).isDirectory()) throw new LocalEdgeConfigError(`--origin ${dir}: not a folder`);
  const server = createServer((req, res) => {
    const key = objectKeyOf((req.url ?? '/').split('?')[0]!);
    if (key === undefined) {
      res.writeHead(400).end();
      return;
    }
    // A key with an empty, `.` or `..` segment names no file (a file system would resolve it; a bucket would not).
    const file = isFileKey(key) ? join(root, ...key.split('/')) : undefined;
    if (file === undefined || !file.startsWith(root + sep) || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('Not Found\n');
      return;
    }
    const stats = statSync(file);
    res.writeHead(200, {
      'Content-Type': contentTypeOf(file),
      'Content-Length': String(stats.size),
      'Last-Modified': stats.mtime.toUTCString(),
      ETag: `"${stats.size.toString(16)}-${Math.floor(stats.mtimeMs).toString(16)}"`,
    });
    if (req.method === 'HEAD') res.end();
    else createReadStream(file).pipe(res);
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const port = (server.address() as AddressInfo).port;
  return {
    kind: 'folder',
    eventOrigin: (customHeaders, originPath) => ({
      custom: {
        customHeaders: cfHeaders(customHeaders),
        domainName: '127.0.0.1',
        keepaliveTimeout: 5,
        path: originPath,
        port,
        protocol: 'http',
        readTimeout: 30,
        sslProtocols: ['TLSv1.2'],
      },
    }),
    fetch: (uri, query, headers) => originGet({ protocol: 'http', host: '127.0.0.1', port }, `${uri}${query ? `?${query}` : ''}`, headers),
    describe: () => `folder ${relative(process.cwd(), root) || '.'} (custom origin http://127.0.0.1:${port})`,
    close: () => new Promise<void>((ok) => {
      server.closeAllConnections();
      server.close(() => ok());
    }),
  };
}

/** Where an HTTP origin listens: scheme, host and port (CloudFront's custom origin settings). */
export interface OriginAddress {
  protocol: 'http' | 'https';
  host: string;
  port: number;
}

/** One GET to an HTTP origin, the whole body read; raw header pairs kept in order. Shared by both HTTP origins. */
export function originGet(target: OriginAddress, path: string, headers: Record<string, string>): Promise<OriginResponse> {
  const send = target.protocol === 'https' ? httpsRequest : httpRequest;
  return new Promise((resolvePromise, reject) => {
    const req = send({ host: target.host, port: target.port, path, method: 'GET', headers, timeout: 30_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const out: Array<[string, string]> = [];
        for (let i = 0; i + 1 < res.rawHeaders.length; i += 2) out.push([res.rawHeaders[i]!, res.rawHeaders[i + 1]!]);
        resolvePromise({ status: res.statusCode ?? 502, headers: out, body: Buffer.concat(chunks) });
      });
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new LocalEdgeOriginError('origin timed out')));
    req.on('error', reject);
    req.end();
  });
}

/** Origin custom headers in CloudFront's event shape. */
export function cfHeaders(headers: Record<string, string>): Record<string, Array<{ key: string; value: string }>> {
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), [{ key: name, value }]]));
}

export interface S3OriginOptions {
  bucket: string;
  /** An S3-compatible endpoint; when absent a local server is started on a free loopback port. */
  endpoint?: string;
  /** Folder uploaded into the bucket when the local server is started here. */
  seed?: string;
  region?: string;
}

/**
 * An S3 origin. The origin-response bundle reads the same bucket by its real S3 code path (a SigV4-signed GET to
 * the bucket's S3 host), which s3-routes.ts sends to this endpoint while the origin is open.
 */
export async function startS3Origin(options: S3OriginOptions): Promise<Origin> {
  const region = options.region ?? 'us-east-1';
  let endpoint = options.endpoint;
  let stop: (() => Promise<void>) | undefined;
  if (endpoint === undefined) {
    const started = await startLocalS3();
    endpoint = started.endpoint;
    stop = started.close;
  }
  // The SDK (here and in the bundle) needs credentials; a local server accepts its own dummy pair.
  process.env.AWS_ACCESS_KEY_ID ??= 'S3RVER';
  process.env.AWS_SECRET_ACCESS_KEY ??= 'S3RVER';
  const client = new S3Client({ region, endpoint, forcePathStyle: true, requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED' });
  if (stop !== undefined) {
    await client.send(new CreateBucketCommand({ Bucket: options.bucket }));
    if (options.seed !== undefined) await uploadFolder(client, options.bucket, options.seed);
  }
  const unroute = routeS3Bucket(options.bucket, endpoint);
  return {
    kind: 's3',
    eventOrigin: (customHeaders, originPath) => ({
      s3: {
        authMethod: 'none',
        customHeaders: cfHeaders(customHeaders),
        domainName: `${options.bucket}.s3.${region}.amazonaws.com`,
        path: originPath,
        region,
      },
    }),
    fetch: async (uri, _query, _headers) => {
      const key = objectKeyOf(uri);
      if (key === undefined) return s3Error(400, 'InvalidURI');
      // Local S3 servers store objects as files and would resolve `..` (s3rver joins key segments into a file
      // path); S3 looks the key up literally, and a bucket seeded from a folder holds no such key: NoSuchKey.
      if (!isFileKey(key)) return s3Error(404, 'NoSuchKey');
      try {
        const out = await client.send(new GetObjectCommand({ Bucket: options.bucket, Key: key }));
        const body = Buffer.from(await out.Body!.transformToByteArray());
        const headers: Array<[string, string]> = [['Content-Type', out.ContentType ?? contentTypeOf(key)], ['Content-Length', String(body.length)]];
        if (out.ETag) headers.push(['ETag', out.ETag]);
        if (out.LastModified) headers.push(['Last-Modified', out.LastModified.toUTCString()]);
        if (out.CacheControl) headers.push(['Cache-Control', out.CacheControl]);
        return { status: 200, headers, body };
      } catch (err) {
        const status = (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode ?? 502;
        // S3 answers 403 for a missing key when the caller may not list the bucket (OAC); keep the status.
        return s3Error(status, status === 404 ? 'NoSuchKey' : 'AccessDenied');
      }
    },
    describe: () => `s3://${options.bucket} at ${endpoint}${stop ? ' (local S3 server started for this run)' : ''}`,
    close: async () => {
      unroute();
      client.destroy();
      if (stop) await stop();
    },
  };
}

function s3Error(status: number, code: string): OriginResponse {
  return { status, headers: [['Content-Type', 'application/xml']], body: Buffer.from(`<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code></Error>`) };
}

async function uploadFolder(client: S3Client, bucket: string, dir: string): Promise<void> {
  const walk = (folder: string): string[] => readdirSync(folder, { withFileTypes: true })
    .flatMap((entry) => (entry.isDirectory() ? walk(join(folder, entry.name)) : entry.isFile() ? [join(folder, entry.name)] : []));
  for (const file of walk(dir)) {
    const key = relative(dir, file).split(sep).join('/');
    await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: readFileSync(file), ContentType: contentTypeOf(file) }));
  }
}

/** Starts @20minutes/s3rver on 127.0.0.1 (free port) with a throwaway directory. */
async function startLocalS3(): Promise<{ endpoint: string; close(): Promise<void> }> {
  let S3rver: new (opts: Record<string, unknown>) => { run(): Promise<AddressInfo>; close(): Promise<void> };
  try {
    // A dev dependency, loaded only in S3 mode.
    const mod = (await import('@20minutes/s3rver' as string)) as { default: typeof S3rver };
    S3rver = mod.default;
  } catch (err) {
    throw new LocalEdgeConfigError('a local S3 server needs the dev dependency @20minutes/s3rver (npm ci), or pass --s3-endpoint URL', { cause: err });
  }
  const directory = mkdtempSync(join(tmpdir(), 'cfhls-s3-'));
  // Dummy credentials on loopback: signature checks would only test s3rver's SigV4 against the SDK's newest features.
  const server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory, resetOnClose: true, allowMismatchedSignatures: true });
  const addr = await server.run();
  return {
    endpoint: `http://127.0.0.1:${addr.port}`,
    close: async () => {
      await server.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}
