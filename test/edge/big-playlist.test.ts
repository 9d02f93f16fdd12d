/**
 * The largest case of issue 6: a 100k-segment VOD playlist with ~640-byte credentials on every URI (~65 MB once
 * rewritten) served by the built origin-response bundle in a fresh node process whose heap the runtime caps
 * (--max-old-space-size), S3 answered by a local HTTP server on 127.0.0.1. Memory bounds, not timings.
 */
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { measureHandlerMemory } from '../../bench/big-playlists.js';
import { benchCredentials } from '../../bench/generate.js';
import { buildOriginResponseForFile } from '../helpers/build.js';

const SEGMENTS = 100_000;
const LIMIT = 1_048_576;
const MB = 1_048_576;
const bundle = buildOriginResponseForFile('cfhls-big-test-');

/** Lines of the playlist that are URIs (not tags, not blank). */
function uriLines(text: string): string[] {
  return text.split('\n').filter((l) => l !== '' && !l.startsWith('#'));
}

describe('origin-response on a 100k-segment playlist in a 128 MB process', () => {
  it('answers 200 with a gzip body under 1 MB in which every segment carries the credentials, with the heap capped at 128 MB and peak RSS under 128 MB', async () => {
    const run = await measureHandlerMemory({ segments: SEGMENTS, bundle: bundle(), maxOldSpaceMb: 128 });
    expect(run.child.status).toBe('200');
    expect(run.child.contentEncoding).toBe('gzip');
    expect(run.child.bodyEncoding).toBe('base64');
    expect(run.body.length).toBeLessThanOrEqual(LIMIT);
    const text = gunzipSync(Buffer.from(run.body, 'base64')).toString('utf8');
    const uris = uriLines(text);
    expect(uris).toHaveLength(SEGMENTS);
    const credentials = benchCredentials();
    expect(uris.every((u) => u.endsWith(`?${credentials}`))).toBe(true);
    expect(text).toContain(`#EXT-X-MAP:URI="1080p/init.mp4?${credentials}"`);
    expect(text.endsWith('#EXT-X-ENDLIST\n')).toBe(true);
    // The whole-string handler peaked at ~235 MB here (the rewritten text plus its UTF-8 copy for zlib).
    expect(run.child.peakRssBytes).toBeLessThan(128 * MB);
  }, 90_000);

  it('keeps its heap small enough to run with a 48 MB heap cap', async () => {
    const run = await measureHandlerMemory({ segments: SEGMENTS, bundle: bundle(), maxOldSpaceMb: 48 });
    expect(run.child.status).toBe('200');
    expect(run.child.contentEncoding).toBe('gzip');
  }, 90_000);

  it('answers the documented 502 with a log line naming the 1 MB limit when the viewer does not accept gzip', async () => {
    const run = await measureHandlerMemory({ segments: SEGMENTS, bundle: bundle(), maxOldSpaceMb: 128, acceptEncoding: null });
    expect(run.child.status).toBe('502');
    expect(run.body).toBe('Bad Gateway\n');
    const line = run.stdout.split('\n').find((l) => l.includes('generated-response limit'));
    expect(line).toBeDefined();
    const parsed = JSON.parse(line!) as { level: string; plainBytesAtLeast: number; limit: number; hint: string };
    expect(parsed.level).toBe('error');
    expect(parsed.limit).toBe(LIMIT);
    // Encoding stops at the first chunk past the limit: it says "at least", and never builds the other 60 MB.
    expect(parsed.plainBytesAtLeast).toBeGreaterThan(LIMIT);
    expect(parsed.plainBytesAtLeast).toBeLessThan(LIMIT + 2 * MB);
    expect(parsed.hint).toMatch(/split the playlist/);
    expect(run.stdout).not.toContain(benchCredentials().split('&')[1]!); // no Signature in the logs
    expect(run.child.peakRssBytes).toBeLessThan(128 * MB);
  }, 90_000);

  it('answers 200 with the compact form, gzipped, when x-cfhls-compact is define', async () => {
    const run = await measureHandlerMemory({ segments: SEGMENTS, bundle: bundle(), maxOldSpaceMb: 128, compact: true });
    expect(run.child.status).toBe('200');
    expect(run.child.contentEncoding).toBe('gzip');
    const text = gunzipSync(Buffer.from(run.body, 'base64')).toString('utf8');
    const uris = uriLines(text);
    expect(uris).toHaveLength(SEGMENTS);
    expect(uris.every((u) => u.endsWith('?{$cfhls}'))).toBe(true);
    expect(text.split('\n').slice(0, 3)).toEqual([
      '#EXTM3U',
      `#EXT-X-DEFINE:NAME="cfhls",VALUE="${benchCredentials()}"`,
      '#EXT-X-VERSION:8',
    ]);
    expect(run.child.peakRssBytes).toBeLessThan(128 * MB);
  }, 90_000);
});
