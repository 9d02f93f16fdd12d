/**
 * ffmpeg reads every variant and rendition of each signed master through the local edge and decodes it
 * without a single error, once with the folder origin (custom origin) and once with an S3 origin (a local
 * S3-compatible server, so origin-response takes its real S3 GetObject path). Every request ffmpeg makes must
 * be signed and answered 2xx according to the edge's own log.
 *
 * ffmpeg's HLS demuxer skips SUBTITLES renditions when reading a master and does not implement
 * EXT-X-I-FRAMES-ONLY, so subtitle playlists are read on their own, and I-frame playlists are walked with
 * plain HTTP like a trick-play player would (every map and byte range must come back 206 and signed).
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startE2eEdge, STREAMS } from './helpers/edge.js';
import type { E2eEdge } from './helpers/edge.js';
import { ffmpegRead } from './helpers/ffmpeg.js';
import { childUris, rangeHeader } from './helpers/playlist.js';

const ORIGINS = [
  { name: 'a folder origin', spec: (dir: string) => ({ origin: dir }) },
  { name: 'an S3 origin', spec: (dir: string) => ({ origin: 's3://e2e-media', s3Seed: dir }) },
] as const;

const results: string[] = [];
afterAll(() => console.log(`ffmpeg:\n${results.join('\n')}`));

for (const { name: originName, spec } of ORIGINS) describe(`ffmpeg through the local edge with ${originName}`, () => {
  let env: E2eEdge;
  beforeAll(async () => {
    const { origin, ...extra } = spec(inject('streamsDir'));
    env = await startE2eEdge(origin, extra);
  });
  afterAll(async () => env?.close());

  it.each(STREAMS.map((s) => s.name))('decodes every variant and rendition of %s without an error', async (stream) => {
    const master = env.signMaster(stream);
    const from = env.edge.requests.at(-1)?.seq ?? 0;
    const res = await fetch(master);
    expect(res.status).toBe(200);
    const children = childUris(await res.text());
    const playlists = children.filter((c) => c.kind === 'variant' || c.kind === 'media');

    const runs = [await ffmpegRead(master)];
    expect(runs[0]!.stderr).toBe('');
    expect(runs[0]!.code).toBe(0);
    // Whatever the master run did not open (subtitle renditions), ffmpeg reads on its own.
    const fetchedPaths = () => new Set(env.edge.requests.filter((e) => e.seq > from).map((e) => e.path));
    const base = new URL(master);
    const skipped = playlists.filter((p) => !fetchedPaths().has(new URL(p.uri, base).pathname));
    for (const p of skipped) {
      const run = await ffmpegRead(new URL(p.uri, base).href);
      expect(run.stderr, p.uri.split('?')[0]).toBe('');
      expect(run.code).toBe(0);
      runs.push(run);
    }

    const seen = env.edge.requests.filter((e) => e.seq > from);
    const opened = new Set(seen.map((e) => e.path));
    for (const p of playlists) expect(opened, `ffmpeg never opened ${p.uri.split('?')[0]}`).toContain(new URL(p.uri, base).pathname);
    expect(seen.filter((e) => !e.signed || e.status < 200 || e.status > 299).map((e) => `${e.path} ${e.status} ${e.denied ?? ''}`)).toEqual([]);
    results.push(`  ${originName.padEnd(16)} ${stream.padEnd(11)} ${runs.length} ffmpeg run(s), ${runs.reduce((s, r) => s + r.seconds, 0).toFixed(1)} s, `
      + `${playlists.length} variant/rendition playlists, ${seen.length} requests (${opened.size} distinct paths), all signed and 2xx, no ffmpeg error output`);
  });

  it('serves every map and byte range of every I-frame playlist, signed, to a trick-play client', async () => {
    let ranges = 0;
    for (const stream of STREAMS.map((s) => s.name)) {
      const master = env.signMaster(stream);
      const base = new URL(master);
      const text = await (await fetch(master)).text();
      for (const iframe of childUris(text).filter((c) => c.kind === 'iframe')) {
        const url = new URL(iframe.uri, base);
        const res = await fetch(url);
        expect(res.status, url.pathname).toBe(200);
        expect(res.headers.get('x-cfhls-rewrite')).toBe('rewritten');
        for (const child of childUris(await res.text())) {
          expect(child.uri, `${url.pathname}: ${child.uri.split('?')[0]} has no credentials`).toMatch(/[?&]Signature=/);
          const target = new URL(child.uri, url);
          const headers: Record<string, string> = child.byteRange === undefined ? {} : { range: rangeHeader(child.byteRange) };
          const r = await fetch(target, { headers });
          expect(r.status, target.pathname).toBe(child.byteRange === undefined ? 200 : 206);
          const body = Buffer.from(await r.arrayBuffer());
          if (child.byteRange !== undefined) {
            expect(body.length).toBe(Number(child.byteRange.split('@')[0]));
            ranges++;
          }
        }
      }
    }
    expect(ranges).toBeGreaterThan(0);
    results.push(`  ${originName.padEnd(16)} I-frame playlists: ${ranges} byte ranges fetched, all 206 with the exact length`);
  });
});
