/**
 * The local edge refuses what CloudFront + S3 would: a path that climbs out of the folder its credentials cover
 * (`..`, `%2e%2e`, `%2E%2E%2F`) never reaches another title, from the folder origin or from S3 (s3rver).
 * Requests go out through node:http because fetch() resolves dot segments before it sends anything.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalEdge } from '../../src/local-edge/index.js';
import type { LocalEdge } from '../../src/local-edge/index.js';
import { isFileKey, objectKeyOf, startFolderOrigin, startS3Origin } from '../../src/local-edge/origins/origin.js';
import type { Origin } from '../../src/local-edge/origins/origin.js';
import { ensureBuilt } from '../helpers/build.js';

const root = join(__dirname, '..', '..');
const SEGMENT = readFileSync(join(root, 'sample', 'v2', 'seg0.ts'));

/** A library with two titles, movies/42 and movies/43, each a copy of the sample. */
function library(): string {
  const dir = mkdtempSync(join(tmpdir(), 'cfhls-keys-'));
  for (const id of ['42', '43']) cpSync(join(root, 'sample'), join(dir, 'movies', id), { recursive: true });
  mkdirSync(join(dir, 'movies', '42', 'empty'));
  return dir;
}

/** GET with the path sent exactly as given (no URL parsing, no dot-segment resolution). */
function rawGet(port: number, path: string, headers: Record<string, string> = {}): Promise<{ status: number; body: Buffer; headers: Record<string, string | string[] | undefined> }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, body: Buffer.concat(chunks), headers: res.headers }));
    });
    req.on('error', reject);
    req.end();
  });
}

// Each climbs from title 42 into title 43's v2/seg0.ts.
const CLIMBS = {
  dots: '/movies/42/../43/v2/seg0.ts',
  'lower-case %2e%2e': '/movies/42/%2e%2e/43/v2/seg0.ts',
  'upper-case %2E%2E': '/movies/42/%2E%2E/43/v2/seg0.ts',
  'mixed .%2e': '/movies/42/.%2e/43/v2/seg0.ts',
  'encoded slash %2E%2E%2F': '/movies/42/%2E%2E%2F43/v2/seg0.ts',
  'encoded slash %2e%2e%2f': '/movies/42/%2e%2e%2f43/v2/seg0.ts',
} as const;

describe('object keys are literal, as S3 reads them', () => {
  it('percent-decodes the path once and keeps dot segments and slashes as they are', () => {
    expect(objectKeyOf('/movies/42/v2/seg0.ts')).toBe('movies/42/v2/seg0.ts');
    expect(objectKeyOf('/movies/42/%2E%2E%2F43/v2/seg0.ts')).toBe('movies/42/../43/v2/seg0.ts');
    expect(objectKeyOf('//movies/42/a%20b.ts')).toBe('/movies/42/a b.ts');
    expect(objectKeyOf('/a%zz')).toBeUndefined();
  });

  it('finds no file for a key with an empty, "." or ".." segment', () => {
    expect(isFileKey('movies/42/v2/seg0.ts')).toBe(true);
    expect(isFileKey('movies/42/...')).toBe(true);
    for (const key of ['movies/42/../43/v2/seg0.ts', 'movies/./42', '/movies/42', 'movies//42', 'movies/42/', '', 'a\0b']) expect(isFileKey(key)).toBe(false);
  });
});

describe.each([
  ['folder', (dir: string) => startFolderOrigin(dir)],
  ['S3 (s3rver)', (dir: string) => startS3Origin({ bucket: 'cfhls-keys', seed: dir })],
] as const)('the %s origin looks keys up literally', (_name, start) => {
  let dir: string;
  let origin: Origin;
  beforeAll(async () => {
    dir = library();
    origin = await start(dir);
  }, 30_000);
  afterAll(async () => {
    await origin?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves a plain key', async () => {
    const r = await origin.fetch('/movies/43/v2/seg0.ts', '', {});
    expect(r.status).toBe(200);
    expect(r.body.equals(SEGMENT)).toBe(true);
  });

  it.each(Object.entries(CLIMBS))('answers 404 for a climb written with %s', async (_form, path) => {
    const r = await origin.fetch(path, '', {});
    expect(r.status).toBe(404);
    expect(r.body.equals(SEGMENT)).toBe(false);
  });

  it.each(['/movies/42/./v2/seg0.ts', '/movies/42//v2/seg0.ts', '//movies/42/v2/seg0.ts', '/movies/42/v2/seg0.ts/', '/movies/42/empty'])(
    'answers 404 for %s (no object has that key)',
    async (path) => {
      expect((await origin.fetch(path, '', {})).status).toBe(404);
    },
  );

  it('answers 400 for a malformed escape', async () => {
    expect((await origin.fetch('/movies/42/%zz', '', {})).status).toBe(400);
  });
});

describe.each([
  ['folder', (dir: string) => ({ origin: dir })],
  ['S3 (s3rver)', (dir: string) => ({ origin: 's3://cfhls-keys', s3Seed: dir })],
] as const)('the local edge on a %s origin with credentials for /movies/42/*', (_name, originOptions) => {
  let dir: string;
  let edge: LocalEdge;
  let creds: string;
  beforeAll(async () => {
    ensureBuilt();
    dir = library();
    edge = await startLocalEdge({ port: 0, ...originOptions(dir) });
    creds = edge.sign('/movies/42/master.m3u8', { resource: `${edge.url}/movies/42/*` }).split('?')[1]!;
  }, 60_000);
  afterAll(async () => {
    await edge?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('plays title 42 and refuses title 43', async () => {
    const own = await rawGet(edge.port, `/movies/42/v2/seg0.ts?${creds}`);
    expect(own.status).toBe(200);
    expect(own.body.equals(SEGMENT)).toBe(true);
    expect((await rawGet(edge.port, `/movies/43/v2/seg0.ts?${creds}`)).status).toBe(403);
  });

  it.each(Object.entries(CLIMBS))('never serves title 43 through a climb written with %s', async (_form, path) => {
    const r = await rawGet(edge.port, `${path}?${creds}`);
    expect([403, 404]).toContain(r.status);
    expect(r.body.equals(SEGMENT)).toBe(false);
  });

  it('refuses a climb that normalizes out of the policy with AccessDenied, before the origin', async () => {
    const before = edge.requests.length;
    const r = await rawGet(edge.port, `${CLIMBS['lower-case %2e%2e']}?${creds}`);
    expect(r.status).toBe(403);
    expect(r.body.toString()).toContain('<Code>AccessDenied</Code>');
    expect(edge.requests.slice(before)).toMatchObject([{ status: 403, denied: 'AccessDenied' }]);
  });

  it('sends the raw path to the origin, which finds no such key (404), when the policy covers both forms', async () => {
    // Raw /movies/42/..%2F43/... is under /movies/42/*, and so is its normalized form: only the origin can refuse.
    const r = await rawGet(edge.port, `${CLIMBS['encoded slash %2E%2E%2F']}?${creds}`);
    expect(r.status).toBe(404);
    // A policy for all of /movies/* covers /movies/43/v2/seg0.ts, yet the raw key movies/43/../43/... does not exist.
    const wide = edge.sign('/movies/x', { resource: `${edge.url}/movies/*` }).split('?')[1]!;
    expect((await rawGet(edge.port, `/movies/43/v2/seg0.ts?${wide}`)).status).toBe(200);
    expect((await rawGet(edge.port, `/movies/43/../43/v2/seg0.ts?${wide}`)).status).toBe(404);
  });

  it('picks the behavior on the normalized path: out of /api/* a signature is required again', async () => {
    const r = await rawGet(edge.port, '/api/../movies/43/v2/seg0.ts');
    expect(r.status).toBe(403);
    expect(r.body.toString()).toContain('<Code>MissingKey</Code>');
    expect(edge.requests.at(-1)).toMatchObject({ behavior: '*', status: 403 });
  });
});
