import { describe, expect, it } from 'vitest';
import { startLocalEdgeForSuite } from '../helpers/local-edge.js';
import { childUris } from '../helpers/playlist-tree.js';

// Load through the local edge (the real bundles, the template's behaviors and cache policies) on 127.0.0.1:
// many concurrent viewers, each with its own credentials, fetching the same playlists. No response may carry
// another viewer's credentials, none may be a 5xx. Bounded in time: a few seconds by default, a minute with
// CFHLS_SOAK=1 (CFHLS_SOAK_SECONDS and CFHLS_SOAK_VIEWERS override).

const SOAK = process.env.CFHLS_SOAK === '1';
const SECONDS = Number(process.env.CFHLS_SOAK_SECONDS ?? (SOAK ? 60 : 3));
const VIEWERS = Number(process.env.CFHLS_SOAK_VIEWERS ?? (SOAK ? 200 : 40));


const signatureOf = (url: string) => /[?&]Signature=([^&#"\s]+)/.exec(url)?.[1];

interface Stats {
  requests: number;
  latencies: number[];
  status5xx: number;
  otherBad: number;
  foreignCredentials: number;
  playlists: number;
  firstProblem?: string;
}

describe(`local edge under load: ${VIEWERS} viewers for ${SECONDS} s`, () => {
  const edge = startLocalEdgeForSuite();

  it('never serves one viewer another viewer\'s credentials and answers no 5xx', async () => {
    const now = Math.floor(Date.now() / 1000);
    // Distinct expiry per viewer: a distinct policy and signature per viewer.
    const masters = Array.from({ length: VIEWERS }, (_, v) => edge().sign('/master.m3u8', { expires: now + 3_600 + v }));
    const mine = masters.map((m) => signatureOf(m)!);
    expect(new Set(mine).size).toBe(VIEWERS);
    const owner = new Map(mine.map((s, v) => [s, v]));

    const stats: Stats = { requests: 0, latencies: [], status5xx: 0, otherBad: 0, foreignCredentials: 0, playlists: 0 };
    const problem = (p: string) => {
      stats.firstProblem ??= p;
    };
    const deadline = performance.now() + SECONDS * 1000;

    async function get(url: string): Promise<{ status: number; body: string; type: string }> {
      const started = performance.now();
      const res = await fetch(url);
      const body = await res.text();
      stats.latencies.push(performance.now() - started);
      stats.requests++;
      if (res.status >= 500) {
        stats.status5xx++;
        problem(`${res.status} for ${url.split('?')[0]}`);
      }
      return { status: res.status, body, type: res.headers.get('content-type') ?? '' };
    }

    async function viewer(v: number): Promise<void> {
      let round = 0;
      while (performance.now() < deadline) {
        const master = await get(masters[v]!);
        const queue = [{ url: masters[v]!, res: master }];
        // Walk the master and one child playlist per round (rotating), plus one segment: same files for everyone.
        const children = childUris(master.body).filter((u) => u.includes('.m3u8'));
        if (children.length > 0) {
          const child = new URL(children[round % children.length]!, masters[v]).href;
          queue.push({ url: child, res: await get(child) });
        }
        for (const { url, res } of queue) {
          if (res.status !== 200) {
            stats.otherBad++;
            problem(`${res.status} for ${url.split('?')[0]}`);
            continue;
          }
          stats.playlists++;
          for (const u of childUris(res.body)) {
            const sig = signatureOf(u);
            if (sig === undefined || sig === mine[v]) continue;
            stats.foreignCredentials++;
            problem(`viewer ${v} got viewer ${owner.get(sig) ?? '?'}'s credentials in ${url.split('?')[0]}`);
          }
        }
        const segment = queue.length > 1 ? childUris(queue[1]!.res.body).find((u) => !u.includes('.m3u8')) : undefined;
        if (segment !== undefined) {
          const seg = await get(new URL(segment, queue[1]!.url).href);
          if (seg.status !== 200) {
            stats.otherBad++;
            problem(`${seg.status} for segment ${segment.split('?')[0]}`);
          }
        }
        round++;
      }
    }

    const started = performance.now();
    await Promise.all(Array.from({ length: VIEWERS }, (_, v) => viewer(v)));
    const seconds = (performance.now() - started) / 1000;
    const sorted = stats.latencies.sort((a, b) => a - b);
    const pct = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
    console.log(`local edge: ${VIEWERS} viewers, ${stats.requests} requests in ${seconds.toFixed(1)} s = `
      + `${Math.round(stats.requests / seconds)} req/s; p50 ${pct(0.5).toFixed(1)} ms, p99 ${pct(0.99).toFixed(1)} ms, `
      + `max ${sorted.at(-1)!.toFixed(1)} ms; ${stats.playlists} playlists checked, ${stats.foreignCredentials} with another `
      + `viewer's credentials, ${stats.status5xx} 5xx, ${stats.otherBad} other non-200`);

    expect(stats.firstProblem).toBeUndefined();
    expect(stats.foreignCredentials).toBe(0);
    expect(stats.status5xx).toBe(0);
    expect(stats.otherBad).toBe(0);
    expect(stats.playlists).toBeGreaterThan(VIEWERS); // every viewer got through at least one round
  }, (SECONDS + 60) * 1000);
});
