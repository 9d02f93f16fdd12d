/**
 * LL-HLS through the local edge, in both viewer-request modes, against a small LL-HLS origin (blocking reload,
 * delta updates, preload-hinted parts held until ready) fronted with `--origin http://...`: the delivery
 * directives reach the origin and the cache key, origin-response's own read carries them, and every part,
 * preload hint and rendition report comes back credentialed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalEdge } from '../../src/local-edge/index.js';
import type { LocalEdge } from '../../src/local-edge/index.js';
import { ensureBuilt } from '../helpers/build.js';
import { PARTS_PER_SEGMENT, startLlhlsOrigin } from '../helpers/llhls-origin.js';
import type { LlhlsOrigin } from '../helpers/llhls-origin.js';

const PART_SECONDS = 0.3;
const PLAYLIST = '/live/v1/index.m3u8';
const signatureOf = (text: string): string | undefined => /[?&]Signature=([^&#"\s]+)/.exec(text)?.[1];
/** Every URI of the tags LL-HLS adds: EXT-X-PART, EXT-X-PRELOAD-HINT, EXT-X-RENDITION-REPORT. */
const llhlsUris = (text: string): string[] => [...text.matchAll(/^#EXT-X-(?:PART|PRELOAD-HINT|RENDITION-REPORT):.*URI="([^"]+)"/gm)].map((m) => m[1]!);

let origin: LlhlsOrigin;
beforeAll(async () => {
  ensureBuilt();
  // Six segments already done: a delta update has segments old enough to skip from the first request on.
  origin = await startLlhlsOrigin({ partSeconds: PART_SECONDS, startParts: 6 * PARTS_PER_SEGMENT });
});
afterAll(async () => {
  await origin?.close();
});

describe.each(['lambda-edge', 'cloudfront-function'])('LL-HLS through the local edge, viewer-request %s', (kind) => {
  let edge: LocalEdge;
  let url: string;
  beforeAll(async () => {
    edge = await startLocalEdge({ port: 0, origin: origin.url, parameters: { ViewerRequestKind: kind } });
    // One credential for the whole title: rendition reports point at the other rendition's folder.
    url = edge.sign(PLAYLIST, { resource: `${edge.url}/live/*` });
  }, 60_000);
  afterAll(async () => {
    await edge?.close();
  });

  it('credentials every part, preload hint and rendition report', async () => {
    const res = await fetch(url);
    const text = await res.text();
    expect(res.status).toBe(200);
    const uris = llhlsUris(text);
    expect(uris.filter((u) => u.includes('.m4s')).length).toBeGreaterThan(PARTS_PER_SEGMENT);
    expect(uris.some((u) => u.startsWith('../v2/index.m3u8'))).toBe(true);
    for (const uri of uris) expect(signatureOf(uri), uri).toBe(signatureOf(url));
  });

  it('holds a blocking reload at the origin until the part exists, and the directives reach its read too', async () => {
    const first = await (await fetch(url)).text();
    const hint = /#EXT-X-PRELOAD-HINT:TYPE=PART,URI="v1_(\d+)\.(\d+)\.m4s/.exec(first)!;
    // The part after the hinted one: it cannot exist for at least another part duration.
    const next = Number(hint[1]) * PARTS_PER_SEGMENT + Number(hint[2]) + 1;
    const [msn, part] = [Math.floor(next / PARTS_PER_SEGMENT), next % PARTS_PER_SEGMENT];
    const directives = `_HLS_msn=${msn}&_HLS_part=${part}`;
    const before = origin.seen.length;
    const started = Date.now();
    const [a, b] = await Promise.all([fetch(`${url}&${directives}`), fetch(`${url}&${directives}`)]);
    const [ta, tb] = [await a.text(), await b.text()];
    expect(Date.now() - started).toBeGreaterThan(PART_SECONDS * 1000 * 0.5);
    // The asked-for part is in the answer, credentialed; both viewers (same credentials) got the one answer.
    expect(ta).toContain(`#EXT-X-PART:DURATION=${PART_SECONDS},URI="v1_${msn}.${part}.m4s?`);
    expect(tb).toBe(ta);
    const reads = origin.seen.slice(before).filter((r) => r.path === PLAYLIST);
    // CloudFront's request and origin-response's own read, once for both viewers (collapsed), each with the directives.
    expect(reads.length).toBe(2);
    for (const r of reads) expect(r.query).toContain(directives);
    // origin-response's read carries no credential copies; CloudFront's carries only the suffixed ones.
    expect(reads.some((r) => !r.query.includes('PREFIX'))).toBe(true);
    for (const r of reads) expect(r.query).not.toMatch(/(?:^|&)(?:Policy|Signature|Key-Pair-Id)=/);
  });

  it('answers a delta update with EXT-X-SKIP, and a preload-hinted part once it is ready', async () => {
    const delta = await (await fetch(`${url}&_HLS_skip=YES`)).text();
    expect(delta).toMatch(/^#EXT-X-SKIP:SKIPPED-SEGMENTS=\d+$/m);
    const hinted = /#EXT-X-PRELOAD-HINT:TYPE=PART,URI="([^"]+)"/.exec(delta)![1]!;
    const res = await fetch(new URL(hinted, url));
    expect(res.status).toBe(200);
    expect(await res.text()).toMatch(/^media \/live\/v1\/v1_\d+\.\d+\.m4s$/);
  });
});
