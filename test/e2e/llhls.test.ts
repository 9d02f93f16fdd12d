/**
 * hls.js in lowLatencyMode, in headless Chromium, plays a live LL-HLS title through the local edge fronting the
 * LL-HLS test origin (`--origin http://...`, test/helpers/llhls-origin.ts: blocking reload, delta updates,
 * preload-hinted parts held until ready), in both viewer-request modes. Every request the page makes must carry
 * the viewer's own credentials and be answered 2xx, hls.js must load parts, and it must play within
 * PART-HOLD-BACK plus one part of the live edge.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalEdge } from '../../src/local-edge/index.js';
import { startLlhlsOrigin } from '../helpers/llhls-origin.js';
import type { LlhlsOrigin } from '../helpers/llhls-origin.js';
import { launchChromium, playUntil, recordRequests, settle } from './helpers/browser.js';
import { rawParam } from './helpers/edge.js';
import { startStaticServer } from './helpers/static-server.js';
import type { StaticServer } from './helpers/static-server.js';

const PART_SECONDS = 0.5;
/** The origin's PART-HOLD-BACK: three parts. */
const PART_HOLD_BACK = 3 * PART_SECONDS;
const PLAY_SECONDS = 4;

/** 60 s of 320x180 video as fMP4 fragments of exactly one part each (a keyframe every part). */
function makeParts(dir: string): Promise<{ init: Buffer; parts: Buffer[] }> {
  const args = ['-hide_banner', '-nostdin', '-v', 'error', '-f', 'lavfi', '-i', 'testsrc2=size=320x180:rate=30', '-t', '60',
    '-c:v', 'libx264', '-preset', 'ultrafast', '-g', '15', '-keyint_min', '15', '-sc_threshold', '0', '-pix_fmt', 'yuv420p',
    '-f', 'hls', '-hls_time', String(PART_SECONDS), '-hls_segment_type', 'fmp4', '-hls_fmp4_init_filename', 'init.mp4',
    '-hls_segment_filename', join(dir, 'p%d.m4s'), '-hls_list_size', '0', join(dir, 'parts.m3u8')];
  return new Promise((resolve, reject) => {
    execFile('ffmpeg', args, { timeout: 60_000 }, (err) => {
      if (err !== null) return reject(err);
      const count = readdirSync(dir).filter((f) => /^p\d+\.m4s$/.test(f)).length;
      resolve({ init: readFileSync(join(dir, 'init.mp4')), parts: Array.from({ length: count }, (_, i) => readFileSync(join(dir, `p${i}.m4s`))) });
    });
  });
}

let dir: string;
let origin: LlhlsOrigin;
let pages: StaticServer;
let browser: Browser;
const results: string[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'cfhls-llhls-'));
  const media = await makeParts(dir);
  [origin, pages, browser] = await Promise.all([startLlhlsOrigin({ partSeconds: PART_SECONDS, media }), startStaticServer(), launchChromium()]);
});
afterAll(async () => {
  await browser?.close();
  await pages?.close();
  await origin?.close();
  rmSync(dir, { recursive: true, force: true });
  console.log(`LL-HLS with hls.js lowLatencyMode:\n${results.join('\n')}`);
});

describe.each(['lambda-edge', 'cloudfront-function'])('hls.js lowLatencyMode through the local edge, viewer-request %s', (kind) => {
  it('plays near the live edge with every request credentialed and answered 2xx, parts included', async () => {
    const edge = await startLocalEdge({ port: 0, origin: origin.url, parameters: { ViewerRequestKind: kind } });
    const context = await browser.newContext();
    try {
      const master = edge.sign('/live/master.m3u8');
      const tab = await context.newPage();
      const log = recordRequests(tab, edge.url, rawParam(master, 'Signature')!);
      // The media timeline is the part count: reach PLAY_SECONDS past where the live edge is now.
      const target = origin.partsDone() * PART_SECONDS + PLAY_SECONDS;
      const played = await playUntil(tab, `${pages.url}/pages/hlsjs-ll.html?src=${encodeURIComponent(master)}`, log, { minSeconds: target, timeoutMs: 40_000 });
      // Measured when playback reached the target, before waiting for requests in flight.
      const behind = origin.partsDone() * PART_SECONDS - played.currentTime;
      await settle(tab, log, 1_000);
      const detail = `\n${log.summary()}`;
      expect(played.errors, detail).toEqual([]);
      expect(log.unsigned().map((r) => r.path), `unsigned requests${detail}`).toEqual([]);
      // hls.js cancels its own blocking playlist reloads when it switches renditions (ERR_ABORTED) and leaves the
      // last one waiting at the origin for the next part when the test stops: neither is an answer that failed.
      const own = (r: (typeof log.media)[number]): boolean => r.path.endsWith('.m3u8') && (r.failure === 'net::ERR_ABORTED' || (r.status === undefined && r.failure === undefined));
      const failed = log.failed().filter((r) => !own(r));
      expect(failed.map((r) => `${r.path} ${r.failure ?? r.status}`), `failed requests${detail}`).toEqual([]);
      const answered = log.media.filter((r) => r.status !== undefined);
      expect(answered.filter((r) => r.status! >= 300).length, detail).toBe(0);
      const parts = log.media.filter((r) => /_\d+\.\d+\.m4s$/.test(r.path));
      expect(parts.length, detail).toBeGreaterThan(0);
      const blocking = origin.seen.filter((r) => r.query.includes('_HLS_msn=')).length;
      expect(blocking).toBeGreaterThan(0);
      // Latency: at most PART-HOLD-BACK plus one part behind the origin's newest part.
      expect(behind).toBeLessThanOrEqual(PART_HOLD_BACK + PART_SECONDS);
      results.push(`  ${kind.padEnd(19)} ${log.media.length} requests (${parts.length} parts, ${log.media.filter(own).length} playlist reloads cancelled or still blocking), all signed, every answer 2xx; `
        + `${behind.toFixed(2)} s behind the newest part (PART-HOLD-BACK ${PART_HOLD_BACK} s); ${JSON.stringify(played.info)}`);
    } finally {
      await context.close();
      await edge.close();
    }
  });
});
