import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalEdge } from '../../src/local-edge/index.js';
import type { LocalEdge } from '../../src/local-edge/index.js';
import { generateKeyPair, signCookies } from '../../src/signer/index.js';
import { ensureBuilt } from '../helpers/build.js';

// Signed cookies instead of signed URLs: CloudFront accepts either; the edge has nothing to propagate (the
// browser sends the cookies with every request), so playlists pass through unrewritten and still play.

const KEY_PAIR_ID = 'KCOOKIETEST01';


/** Child URIs of a playlist (URI lines and URI="..." attributes). */
function children(text: string): string[] {
  const out: string[] = [];
  for (const line of text.split('\n')) {
    if (line === '') continue;
    if (!line.startsWith('#')) out.push(line.trim());
    for (const m of line.matchAll(/URI="([^"]+)"/g)) out.push(m[1]!);
  }
  return out;
}

describe('the local edge with signed cookies', () => {
  let edge: LocalEdge;
  let cookie: string;

  beforeAll(async () => {
    ensureBuilt();
    const pair = generateKeyPair({ type: 'ecdsa' });
    edge = await startLocalEdge({
      port: 0,
      keys: { [KEY_PAIR_ID]: pair.publicKeyPem },
      signingKey: { keyPairId: KEY_PAIR_ID, privateKeyPem: pair.privateKeyPem },
    });
    const signed = signCookies({
      url: `${edge.url}/master.m3u8`,
      resource: `${edge.url}/*`,
      keyPairId: KEY_PAIR_ID,
      privateKey: pair.privateKeyPem,
      expires: Math.floor(Date.now() / 1000) + 3600,
    });
    cookie = Object.entries(signed).map(([name, value]) => `${name}=${value}`).join('; ');
  }, 60_000);

  afterAll(async () => {
    await edge?.close();
  });

  it('serves the whole playlist tree to a viewer holding only signed cookies, playlists passed through as stored', async () => {
    const queue = [`${edge.url}/master.m3u8`];
    const seen = new Set<string>();
    while (queue.length > 0) {
      const url = queue.shift()!;
      if (seen.has(url)) continue;
      seen.add(url);
      const res = await fetch(url, { headers: { cookie } });
      expect(res.status, url).toBe(200);
      if (!new URL(url).pathname.endsWith('.m3u8')) {
        await res.arrayBuffer();
        continue;
      }
      const text = await res.text();
      expect(text, url).not.toContain('Signature=');
      expect(res.headers.get('x-cfhls-rewrite'), url).toBeNull();
      for (const child of children(text)) queue.push(new URL(child, url).href);
    }
    // master, audio and two variant playlists, the I-frame playlist, keys, init segments and segments
    expect(seen.size).toBeGreaterThan(15);
  });

  it('refuses the same requests without cookies (MissingKey) and with a tampered signature cookie (AccessDenied)', async () => {
    const none = await fetch(`${edge.url}/v1/seg0.m4s`);
    expect(none.status).toBe(403);
    expect(await none.text()).toContain('<Code>MissingKey</Code>');
    const tampered = cookie.replace(/CloudFront-Signature=([^;]{4})/, (_m, head: string) => `CloudFront-Signature=${head.split('').reverse().join('')}`);
    expect(tampered).not.toBe(cookie);
    const res = await fetch(`${edge.url}/v1/seg0.m4s`, { headers: { cookie: tampered } });
    expect(res.status).toBe(403);
    expect(await res.text()).toContain('<Code>AccessDenied</Code>');
  });
});
