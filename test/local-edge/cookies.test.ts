import { beforeAll, describe, expect, it } from 'vitest';
import { generateKeyPair, signCookies } from '../../src/signer/index.js';
import { startLocalEdgeForSuite } from '../helpers/local-edge.js';
import { crawlPlaylistTree } from '../helpers/playlist-tree.js';

// Signed cookies instead of signed URLs: CloudFront accepts either; the edge has nothing to propagate (the
// browser sends the cookies with every request), so playlists pass through unrewritten and still play.

const KEY_PAIR_ID = 'KCOOKIETEST01';

describe('the local edge with signed cookies', () => {
  const pair = generateKeyPair({ type: 'ecdsa' });
  const edge = startLocalEdgeForSuite({
    keys: { [KEY_PAIR_ID]: pair.publicKeyPem },
    signingKey: { keyPairId: KEY_PAIR_ID, privateKeyPem: pair.privateKeyPem },
  });
  let cookie: string;

  beforeAll(() => {
    const signed = signCookies({
      url: `${edge().url}/master.m3u8`,
      resource: `${edge().url}/*`,
      keyPairId: KEY_PAIR_ID,
      privateKey: pair.privateKeyPem,
      expires: Math.floor(Date.now() / 1000) + 3600,
    });
    cookie = Object.entries(signed).map(([name, value]) => `${name}=${value}`).join('; ');
  });

  it('serves the whole playlist tree to a viewer holding only signed cookies, playlists passed through as stored', async () => {
    const seen = await crawlPlaylistTree(`${edge().url}/master.m3u8`, (url, res, text) => {
      expect(text, url).not.toContain('Signature=');
      expect(res.headers.get('x-cfhls-rewrite'), url).toBeNull();
    }, { headers: { cookie } });
    // master, audio and two variant playlists, the I-frame playlist, keys, init segments and segments
    expect(seen.size).toBeGreaterThan(15);
  });

  it('refuses the same requests without cookies (MissingKey) and with a tampered signature cookie (AccessDenied)', async () => {
    const none = await fetch(`${edge().url}/v1/seg0.m4s`);
    expect(none.status).toBe(403);
    expect(await none.text()).toContain('<Code>MissingKey</Code>');
    const tampered = cookie.replace(/CloudFront-Signature=([^;]{4})/, (_m, head: string) => `CloudFront-Signature=${head.split('').reverse().join('')}`);
    expect(tampered).not.toBe(cookie);
    const res = await fetch(`${edge().url}/v1/seg0.m4s`, { headers: { cookie: tampered } });
    expect(res.status).toBe(403);
    expect(await res.text()).toContain('<Code>AccessDenied</Code>');
  });
});
