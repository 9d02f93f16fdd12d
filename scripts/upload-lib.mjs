// Uploads an HLS folder (playlists, segments, init segments, keys, subtitles) to the media bucket with the
// Content-Type and Cache-Control each file needs. The CLI wrapper is scripts/upload; tests import this module.
import { createReadStream } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { parseArgs } from 'node:util';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';

// Playlists are rewritten per viewer at the edge and never cached by CloudFront (CachingDisabled); players must
// revalidate them (live playlists change every target duration).
const PLAYLIST = 'no-cache';
// Media never changes under the same name: cache it everywhere for a year.
const IMMUTABLE = 'public, max-age=31536000, immutable';
// Content keys: cacheable by CloudFront after its signature check, but kept out of shared caches downstream.
const KEY = 'private, max-age=86400';
// Anything else: a day, and only in private caches (an unknown file may be a content key).
const OTHER = 'private, max-age=86400';

/** Extension (lower case, with dot) -> [Content-Type, Cache-Control]. RFC 8216 s4 and the HLS authoring spec. */
const TYPES = {
  '.m3u8': ['application/vnd.apple.mpegurl', PLAYLIST],
  '.m3u': ['audio/mpegurl', PLAYLIST],
  '.ts': ['video/mp2t', IMMUTABLE],
  '.m4s': ['video/iso.segment', IMMUTABLE],
  '.mp4': ['video/mp4', IMMUTABLE],
  '.m4v': ['video/mp4', IMMUTABLE],
  '.fmp4': ['video/mp4', IMMUTABLE],
  '.cmfv': ['video/mp4', IMMUTABLE],
  '.cmfa': ['audio/mp4', IMMUTABLE],
  '.cmft': ['application/mp4', IMMUTABLE],
  '.m4a': ['audio/mp4', IMMUTABLE],
  '.aac': ['audio/aac', IMMUTABLE],
  '.ac3': ['audio/ac3', IMMUTABLE],
  '.ec3': ['audio/eac3', IMMUTABLE],
  '.mp3': ['audio/mpeg', IMMUTABLE],
  '.vtt': ['text/vtt; charset=utf-8', IMMUTABLE],
  '.webvtt': ['text/vtt; charset=utf-8', IMMUTABLE],
  '.key': ['application/octet-stream', KEY],
  '.jpg': ['image/jpeg', IMMUTABLE],
  '.jpeg': ['image/jpeg', IMMUTABLE],
  '.png': ['image/png', IMMUTABLE],
  '.json': ['application/json', OTHER],
};

/**
 * Headers for one object, from its file name.
 * @param {string} name file name or key
 * @returns {{ contentType: string, cacheControl: string, known: boolean }}
 * @example uploadHeaders('v0/seg1.ts') // { contentType: 'video/mp2t', cacheControl: 'public, max-age=31536000, immutable', known: true }
 */
export function uploadHeaders(name) {
  const base = name.slice(name.lastIndexOf('/') + 1);
  const dot = base.lastIndexOf('.');
  const ext = dot > 0 ? base.slice(dot).toLowerCase() : '';
  const hit = Object.hasOwn(TYPES, ext) ? TYPES[ext] : undefined;
  if (hit) return { contentType: hit[0], cacheControl: hit[1], known: true };
  return { contentType: 'application/octet-stream', cacheControl: OTHER, known: false };
}

/**
 * Normalizes a key prefix: no leading slash, exactly one trailing slash (or empty).
 * @param {string} prefix
 */
export function normalizePrefix(prefix) {
  const trimmed = prefix.replace(/^\/+/, '').replace(/\/+$/, '');
  if (trimmed.split('/').some((part) => part === '..' || part === '.')) throw new Error(`--prefix must not contain . or .. segments: ${prefix}`);
  return trimmed === '' ? '' : `${trimmed}/`;
}

/**
 * Lists the files under `dir` (recursively, hidden files skipped) with their keys and headers.
 * @param {string} dir
 * @param {string} prefix
 * @returns {Promise<Array<{ path: string, key: string, size: number, contentType: string, cacheControl: string, known: boolean }>>}
 */
export async function planUpload(dir, prefix) {
  const root = await stat(dir).catch(() => undefined);
  if (!root?.isDirectory()) throw new Error(`not a directory: ${dir}`);
  const normalized = normalizePrefix(prefix);
  const plan = [];
  const walk = async (current) => {
    const entries = await readdir(current, { withFileTypes: true });
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      if (entry.name.startsWith('.')) continue;
      const path = join(current, entry.name);
      if (entry.isDirectory()) await walk(path);
      else if (entry.isFile()) {
        const key = normalized + relative(dir, path).split(sep).join('/');
        plan.push({ path, key, size: (await stat(path)).size, ...uploadHeaders(key) });
      }
    }
  };
  await walk(dir);
  // Content keys need not end in .key (ffmpeg's -hls_key_info_file names them freely): every file an
  // EXT-X-KEY or EXT-X-SESSION-KEY URI of a playlist in the folder points at is uploaded as a key.
  const byPath = new Map(plan.map((item) => [item.path, item]));
  for (const item of plan) {
    if (!item.key.toLowerCase().endsWith('.m3u8')) continue;
    const text = await readFile(item.path, 'utf8');
    for (const m of text.matchAll(/^#EXT-X-(?:SESSION-)?KEY:.*?\bURI="([^"]*)"/gm)) {
      const uri = m[1];
      if (/^[a-z][a-z0-9+.-]*:/i.test(uri) || uri.startsWith('/')) continue; // absolute: not in this folder
      const target = byPath.get(join(dirname(item.path), uri.split(/[?#]/)[0]));
      if (target) Object.assign(target, { contentType: 'application/octet-stream', cacheControl: KEY, known: true });
    }
  }
  return plan;
}

/**
 * Uploads every planned file with PutObject, `concurrency` at a time. Never throws for one failed object:
 * failures are returned (by key, with the SDK's error name) so the caller can report them all.
 * @param {{ client: S3Client, bucket: string, plan: Awaited<ReturnType<typeof planUpload>>, concurrency?: number,
 *   onUploaded?: (item: { key: string, contentType: string, cacheControl: string }) => void }} options
 * @returns {Promise<{ uploaded: number, failed: Array<{ key: string, error: string }> }>}
 */
export async function uploadPlan({ client, bucket, plan, concurrency = 8, onUploaded }) {
  let next = 0;
  let uploaded = 0;
  const failed = [];
  const worker = async () => {
    while (next < plan.length) {
      const item = plan[next++];
      try {
        await client.send(new PutObjectCommand({
          Bucket: bucket,
          Key: item.key,
          Body: createReadStream(item.path),
          ContentLength: item.size,
          ContentType: item.contentType,
          CacheControl: item.cacheControl,
        }));
        uploaded++;
        onUploaded?.(item);
      } catch (err) {
        failed.push({ key: item.key, error: err instanceof Error ? err.name || err.message : String(err) });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, plan.length)) }, worker));
  return { uploaded, failed };
}

export const HELP = `Usage: scripts/upload --bucket BUCKET [--prefix PREFIX] [options] DIR

Uploads the HLS folder DIR (playlists, segments, init segments, keys, subtitles) to s3://BUCKET/PREFIX/ with
the Content-Type and Cache-Control each file needs:
  *.m3u8                          application/vnd.apple.mpegurl   no-cache
  *.ts / *.m4s / *.mp4 / *.aac    video/mp2t, video/iso.segment,  public, max-age=31536000, immutable
                                  video/mp4, audio/aac, ...
  *.vtt                           text/vtt; charset=utf-8         public, max-age=31536000, immutable
  *.key, and every file an         application/octet-stream        private, max-age=86400
  EXT-X-KEY URI points at
  anything else                   application/octet-stream        private, max-age=86400 (with a warning)
Hidden files (.DS_Store, ...) are skipped. Credentials come from the usual AWS SDK chain (AWS_PROFILE, ...).

Options:
  --bucket BUCKET       the stack's MediaBucketName output (required)
  --prefix PREFIX       key prefix, e.g. movies/42 (the folder a signed policy covers); default: none
  --region REGION       bucket region (default: AWS_REGION, else us-east-1)
  --concurrency N       parallel uploads (default 8)
  --endpoint URL        another S3 endpoint (path-style), e.g. a local S3 for tests
  --dry-run             print what would be uploaded, upload nothing
  -h, --help            this text
`;

/**
 * CLI entry: returns the exit code (0 ok, 1 some upload failed, 2 usage).
 * @param {string[]} argv
 * @param {{ stdout: { write(s: string): unknown }, stderr: { write(s: string): unknown }, client?: S3Client }} io
 */
export async function main(argv, io = { stdout: process.stdout, stderr: process.stderr }) {
  let values;
  let positionals;
  try {
    ({ values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        bucket: { type: 'string' },
        prefix: { type: 'string', default: '' },
        region: { type: 'string' },
        concurrency: { type: 'string', default: '8' },
        endpoint: { type: 'string' },
        'dry-run': { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }));
  } catch (err) {
    io.stderr.write(`upload: ${err instanceof Error ? err.message : String(err)} (see --help)\n`);
    return 2;
  }
  if (values.help) { io.stdout.write(HELP); return 0; }
  const concurrency = Number(values.concurrency);
  const usage = (m) => { io.stderr.write(`upload: ${m} (see --help)\n`); return 2; };
  if (positionals.length !== 1) return usage('give exactly one folder');
  if (!values.bucket) return usage('--bucket is required');
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64) return usage('--concurrency must be an integer from 1 to 64');

  let plan;
  try {
    plan = await planUpload(positionals[0], values.prefix);
  } catch (err) {
    io.stderr.write(`upload: ${err instanceof Error ? err.message : String(err)}\n`);
    return 2;
  }
  if (plan.length === 0) { io.stderr.write(`upload: no files in ${positionals[0]}\n`); return 1; }
  for (const item of plan.filter((p) => !p.known)) io.stderr.write(`upload: warning: unknown file type, sent as ${item.contentType}: ${item.key}\n`);
  if (!plan.some((p) => p.key.endsWith('.m3u8'))) io.stderr.write('upload: warning: no .m3u8 playlist in this folder\n');

  if (values['dry-run']) {
    for (const p of plan) io.stdout.write(`would upload s3://${values.bucket}/${p.key}  ${p.contentType}  ${p.cacheControl}\n`);
    return 0;
  }
  const client = io.client ?? new S3Client({
    region: values.region ?? process.env.AWS_REGION ?? 'us-east-1',
    ...(values.endpoint ? { endpoint: values.endpoint, forcePathStyle: true } : {}),
  });
  const { uploaded, failed } = await uploadPlan({
    client,
    bucket: values.bucket,
    plan,
    concurrency,
    onUploaded: (p) => io.stdout.write(`uploaded s3://${values.bucket}/${p.key}  ${p.contentType}  ${p.cacheControl}\n`),
  });
  for (const f of failed) io.stderr.write(`upload: failed ${f.key}: ${f.error}\n`);
  io.stdout.write(`${uploaded} uploaded, ${failed.length} failed\n`);
  return failed.length === 0 ? 0 : 1;
}
