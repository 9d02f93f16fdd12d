import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startLocalEdge } from '../../src/local-edge/index.js';
import { ensureBuilt } from '../helpers/build.js';
import { startLocalEdgeForSuite } from '../helpers/local-edge.js';
import { childUris, crawlPlaylistTree } from '../helpers/playlist-tree.js';

const root = join(__dirname, '..', '..');

function signatureOf(url: string): string {
  return /[?&]Signature=([^&]+)/.exec(url)![1]!;
}

describe('the local edge on the sample stream', () => {
  let clock = Date.UTC(2030, 0, 1);
  const edge = startLocalEdgeForSuite({ now: () => clock });

  it('serves a signed master and every playlist, key, init segment and segment it leads to', async () => {
    const fetched = await crawlPlaylistTree(edge().sign('/master.m3u8'), (_url, res, text) => {
      expect(res.headers.get('x-cfhls-rewrite')).toBe('rewritten');
      expect(res.headers.get('content-type')).toBe('application/vnd.apple.mpegurl');
      for (const u of childUris(text)) expect(u, `${u} carries credentials`).toMatch(/[?&]Policy=.+&Signature=.+&Key-Pair-Id=/);
    });
    // master, 3 media playlists + 1 I-frame playlist, 2 inits, 1 key, 10 segments (the I-frames reuse v1's)
    expect(fetched.size).toBe(18);
  });

  it('refuses an unsigned playlist with 403 and CloudFront\'s XML body', async () => {
    const res = await fetch(`${edge().url}/master.m3u8`);
    expect(res.status).toBe(403);
    expect(res.headers.get('content-type')).toBe('text/xml');
    expect(await res.text()).toContain('<Error><Code>MissingKey</Code>');
  });

  it('refuses an unsigned segment and a segment whose credentials were stripped', async () => {
    expect((await fetch(`${edge().url}/v1/seg0.m4s`)).status).toBe(403);
    const res = await fetch(`${edge().url}/key.bin`);
    expect(res.status).toBe(403);
    expect(await res.text()).toContain('<Code>MissingKey</Code>');
  });

  it('refuses a tampered signature and an expired one', async () => {
    const signed = edge().sign('/master.m3u8', { expires: Math.floor(clock / 1000) + 60 });
    const sig = signatureOf(signed);
    const tampered = signed.replace(sig, `${sig.slice(0, 10)}${sig[10] === 'A' ? 'B' : 'A'}${sig.slice(11)}`);
    const t = await fetch(tampered);
    expect(t.status).toBe(403);
    expect(await t.text()).toContain('<Code>AccessDenied</Code>');
    expect((await fetch(signed)).status).toBe(200);
    clock += 61_000;
    const e = await fetch(signed);
    expect(e.status).toBe(403);
    expect(await e.text()).toContain('<Code>AccessDenied</Code>');
  });

  it('never gives one viewer another viewer\'s credentials, while segments are shared from the cache', async () => {
    const a = edge().sign('/master.m3u8', { expires: Math.floor(clock / 1000) + 3600 });
    const b = edge().sign('/master.m3u8', { expires: Math.floor(clock / 1000) + 7200 });
    const [sa, sb] = [signatureOf(a), signatureOf(b)];
    expect(sa).not.toBe(sb);
    for (let round = 0; round < 2; round++) {
      const [ta, tb] = await Promise.all([fetch(a).then((r) => r.text()), fetch(b).then((r) => r.text())]);
      expect(ta).toContain(sa);
      expect(ta).not.toContain(sb);
      expect(tb).toContain(sb);
      expect(tb).not.toContain(sa);
      const va = new URL(childUris(ta).find((u) => u.startsWith('v2/'))!, a).href;
      const vb = new URL(childUris(tb).find((u) => u.startsWith('v2/'))!, b).href;
      const [pa, pb] = await Promise.all([fetch(va).then((r) => r.text()), fetch(vb).then((r) => r.text())]);
      expect(pa).toContain(sa);
      expect(pa).not.toContain(sb);
      expect(pb).toContain(sb);
      expect(pb).not.toContain(sa);
    }
    const segA = await fetch(edge().sign('/v1/seg1.m4s', { expires: Math.floor(clock / 1000) + 3600 }));
    await segA.arrayBuffer();
    const segB = await fetch(edge().sign('/v1/seg1.m4s', { expires: Math.floor(clock / 1000) + 7200 }));
    await segB.arrayBuffer();
    expect(segB.headers.get('x-cache')).toBe('Hit from cloudfront');
  });

  it('adds CORS headers from the response headers policy for a cross-origin player', async () => {
    const res = await fetch(edge().sign('/master.m3u8'), { headers: { Origin: 'https://player.example' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
  });

  it('logs each request with its signed flag and never the signature', async () => {
    const signed = edge().sign('/v2/index.m3u8');
    await (await fetch(signed)).text();
    const entry = edge().requests.at(-1)!;
    expect(entry).toMatchObject({ path: '/v2/index.m3u8', status: 200, signed: true, credentials: 'url', behavior: '*.m3u8' });
    expect(JSON.stringify(edge().requests)).not.toContain(signatureOf(signed));
  });

  it('serves the player page and hls.js locally', async () => {
    const page = await fetch(edge().playerUrl);
    expect(await page.text()).toContain('/_local/hls.min.js');
    const js = await fetch(`${edge().url}/_local/hls.min.js`);
    expect(js.status).toBe(200);
    expect((await js.arrayBuffer()).byteLength).toBeGreaterThan(100_000);
  });

  it('serves the signer behavior instead of refusing it (test/local-edge/signer.test.ts covers it)', async () => {
    expect(edge().notes.join('\n')).not.toMatch(/not served/);
    const res = await fetch(`${edge().url}/api/sign?content=sample`);
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer realm="cloudfront-hls"');
  });
});

describe('the local edge as a cache-key mistake detector', () => {
  it('leaks one viewer\'s credentials to another when the playlist behavior caches without them in the key', async () => {
    ensureBuilt();
    const dir = mkdtempSync(join(tmpdir(), 'cfhls-edge-'));
    const bad = readFileSync(join(root, 'test', 'fixtures', 'local-edge', 'template.yaml'), 'utf8')
      .replace("CachePolicyId: 4135ea2d-6df8-44a3-9df3-4b5a84be39ad\n            OriginRequestPolicyId: !Ref PlaylistOriginRequestPolicy", 'CachePolicyId: 658327ea-f89d-4fab-a63d-7e88639e58f6\n            OriginRequestPolicyId: !Ref PlaylistOriginRequestPolicy');
    writeFileSync(join(dir, 'template.yaml'), bad);
    const edge = await startLocalEdge({ port: 0, template: join(dir, 'template.yaml') });
    try {
      const a = edge.sign('/master.m3u8', { expires: Math.floor(Date.now() / 1000) + 3600 });
      const b = edge.sign('/master.m3u8', { expires: Math.floor(Date.now() / 1000) + 7200 });
      await (await fetch(a)).text();
      const tb = await (await fetch(b)).text();
      // CachingOptimized ignores the query: B is served A's rewritten playlist (the rewriter marks it private,
      // but MinTTL 1 keeps it), exactly the production bug the real template avoids.
      expect(tb).toContain(signatureOf(a));
    } finally {
      await edge.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the local edge with an S3 origin', () => {
  it('serves the sample from a local S3 server through the origin-response S3 code path', async () => {
    ensureBuilt();
    const edge = await startLocalEdge({ port: 0, origin: 's3://cfhls-test-media' });
    try {
      expect(edge.origin).toContain('s3://cfhls-test-media');
      const res = await fetch(edge.sign('/v2/index.m3u8'));
      expect(res.status).toBe(200);
      expect(res.headers.get('x-cfhls-rewrite')).toBe('rewritten');
      expect(await res.text()).toMatch(/seg0\.ts\?Policy=/);
      const seg = await fetch(edge.sign('/v2/seg0.ts'));
      expect(seg.status).toBe(200);
      expect(Buffer.from(await seg.arrayBuffer()).equals(readFileSync(join(root, 'sample', 'v2', 'seg0.ts')))).toBe(true);
      expect((await fetch(`${edge.url}/v2/index.m3u8`)).status).toBe(403);
    } finally {
      await edge.close();
    }
  }, 30_000);
});
