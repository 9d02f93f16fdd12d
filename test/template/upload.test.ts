import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { main, normalizePrefix, planUpload, uploadHeaders, uploadPlan } from '../../scripts/upload-lib.mjs';
import { mockAwsClient } from '../helpers/aws-mock.js';

const s3 = mockAwsClient(S3Client);
beforeEach(() => s3.reset());

/** A small HLS folder: multivariant playlist, one variant with TS segments, one fMP4 with init, a key, a hidden file. */
const dir = mkdtempSync(join(tmpdir(), 'cfhls-upload-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const MASTER = '#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1\nv0/index.m3u8\n';
for (const [path, body] of Object.entries({
  'master.m3u8': MASTER,
  'v0/index.m3u8': '#EXTM3U\n#EXTINF:4,\nseg0.ts\n',
  'v0/seg0.ts': 'ts',
  'v1/init.mp4': 'init',
  'v1/seg0.m4s': 'm4s',
  'keys/k1.key': '0123456789abcdef',
  '.DS_Store': 'junk',
})) {
  mkdirSync(join(dir, path, '..'), { recursive: true });
  writeFileSync(join(dir, path), body);
}

const sink = () => {
  let text = '';
  return { write: (s: string) => { text += s; }, get text() { return text; } };
};

describe('uploadHeaders', () => {
  it.each([
    ['movie/master.m3u8', 'application/vnd.apple.mpegurl', 'no-cache'],
    ['a/SEG1.TS', 'video/mp2t', 'public, max-age=31536000, immutable'],
    ['a/seg1.m4s', 'video/iso.segment', 'public, max-age=31536000, immutable'],
    ['a/init.mp4', 'video/mp4', 'public, max-age=31536000, immutable'],
    ['a/audio.aac', 'audio/aac', 'public, max-age=31536000, immutable'],
    ['a/subs.vtt', 'text/vtt; charset=utf-8', 'public, max-age=31536000, immutable'],
    ['a/k.key', 'application/octet-stream', 'private, max-age=86400'],
  ])('gives %s the type %s and cache-control %s', (name, contentType, cacheControl) => {
    expect(uploadHeaders(name)).toEqual({ contentType, cacheControl, known: true });
  });

  it('sends unknown and extension-less files as octet-stream and flags them', () => {
    expect(uploadHeaders('a/readme')).toEqual({ contentType: 'application/octet-stream', cacheControl: 'private, max-age=86400', known: false });
    expect(uploadHeaders('a.m3u8/notes.txt').known).toBe(false);
    expect(uploadHeaders('a/.m3u8').known).toBe(false);
  });
});

describe('planUpload', () => {
  it('lists every file under the prefix with forward slashes, skipping hidden files', async () => {
    const plan = await planUpload(dir, '/movies/42/');
    expect(plan.map((p) => p.key)).toEqual([
      'movies/42/keys/k1.key', 'movies/42/master.m3u8', 'movies/42/v0/index.m3u8', 'movies/42/v0/seg0.ts',
      'movies/42/v1/init.mp4', 'movies/42/v1/seg0.m4s',
    ]);
    expect(plan.find((p) => p.key.endsWith('seg0.ts'))?.size).toBe(2);
  });

  it('uploads every file an EXT-X-KEY URI points at as a private key, whatever its name (sample/key.bin)', async () => {
    const sample = join(import.meta.dirname, '..', '..', 'sample');
    const plan = await planUpload(sample, 'movies/1');
    expect(plan.find((p) => p.key === 'movies/1/key.bin')).toMatchObject({ contentType: 'application/octet-stream', cacheControl: 'private, max-age=86400', known: true });
    expect(plan.find((p) => p.key === 'movies/1/master.m3u8')).toMatchObject({ cacheControl: 'no-cache' });
  });

  it('refuses a prefix that walks out of its folder', () => {
    expect(() => normalizePrefix('movies/../secret')).toThrow(/must not contain/);
    expect(normalizePrefix('')).toBe('');
    expect(normalizePrefix('a//')).toBe('a/');
  });
});

describe('uploading', () => {
  it('puts every file with its Content-Type and Cache-Control', async () => {
    s3.on(PutObjectCommand).resolves({});
    const plan = await planUpload(dir, 'movies/42');
    const result = await uploadPlan({ client: new S3Client({ region: 'us-east-1' }), bucket: 'media', plan, concurrency: 3 });
    expect(result).toEqual({ uploaded: 6, failed: [] });
    expect(s3).toHaveReceivedCommandTimes(PutObjectCommand, 6);
    expect(s3).toHaveReceivedCommandWith(PutObjectCommand, { Bucket: 'media', Key: 'movies/42/master.m3u8', ContentType: 'application/vnd.apple.mpegurl', CacheControl: 'no-cache', ContentLength: Buffer.byteLength(MASTER) });
    expect(s3).toHaveReceivedCommandWith(PutObjectCommand, { Bucket: 'media', Key: 'movies/42/v1/seg0.m4s', ContentType: 'video/iso.segment', CacheControl: 'public, max-age=31536000, immutable' });
    expect(s3).toHaveReceivedCommandWith(PutObjectCommand, { Bucket: 'media', Key: 'movies/42/keys/k1.key', ContentType: 'application/octet-stream', CacheControl: 'private, max-age=86400' });
  });

  it('reports each failed object and exits 1, after trying the rest', async () => {
    s3.on(PutObjectCommand).resolves({});
    s3.on(PutObjectCommand, { Key: 'v0/seg0.ts' }).rejects(Object.assign(new Error('Access Denied'), { name: 'AccessDenied' }));
    const out = sink();
    const err = sink();
    const code = await main(['--bucket', 'media', dir], { stdout: out, stderr: err, client: new S3Client({ region: 'us-east-1' }) });
    expect(code).toBe(1);
    expect(err.text).toBe('upload: failed v0/seg0.ts: AccessDenied\n');
    expect(out.text).toMatch(/5 uploaded, 1 failed\n$/);
    expect(s3).toHaveReceivedCommandTimes(PutObjectCommand, 6);
  });

  it('dry run prints the plan and sends nothing', async () => {
    const out = sink();
    const code = await main(['--bucket', 'media', '--prefix', 'm/1', '--dry-run', dir], { stdout: out, stderr: sink(), client: new S3Client({ region: 'us-east-1' }) });
    expect(code).toBe(0);
    expect(out.text).toContain('would upload s3://media/m/1/v0/index.m3u8  application/vnd.apple.mpegurl  no-cache\n');
    expect(s3).toHaveReceivedCommandTimes(PutObjectCommand, 0);
  });

  it('explains bad usage with exit code 2', async () => {
    for (const argv of [[dir], ['--bucket', 'b'], ['--bucket', 'b', '--concurrency', '0', dir], ['--bucket', 'b', '--nope', dir], ['--bucket', 'b', join(dir, 'missing')]]) {
      const err = sink();
      expect(await main(argv, { stdout: sink(), stderr: err })).toBe(2);
      expect(err.text).toMatch(/^upload: /);
    }
    const out = sink();
    expect(await main(['--help'], { stdout: out, stderr: sink() })).toBe(0);
    expect(out.text).toMatch(/^Usage: scripts\/upload/);
  });
});
