import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import { createJwtAuthenticator, createSignerService, loadConfig } from '../../src/service/index.js';
import type { PrivateKeyProvider, ServiceLogRecord, ServiceRequest } from '../../src/service/index.js';
import { loadPrivateKey, verifySignedUrl } from '../../src/signer/index.js';
import { freezeClock } from '../helpers/clock.js';
import { AUDIENCE, DOMAIN, idp, ISSUER, KID, NOW_MS, SIGNER_PEM, SIGNER_PUBLIC_PEM, signerEnv, token } from './helpers.js';

const signerKey = loadPrivateKey(SIGNER_PEM);
const keys = { [KID]: SIGNER_PUBLIC_PEM };

function setup(env: Record<string, string | undefined> = {}, keyProvider?: PrivateKeyProvider) {
  const config = loadConfig(signerEnv(env));
  const logs: ServiceLogRecord[] = [];
  const provider = keyProvider ?? { getKey: vi.fn(async () => signerKey) };
  const handle = createSignerService({
    config,
    keys: provider,
    authenticate: createJwtAuthenticator({ ...config.jwt, key: idp.publicKey }),
    log: (r) => logs.push(r),
  });
  return { handle, logs, provider };
}

async function get(handle: (r: ServiceRequest) => Promise<{ status: number; headers: Record<string, string>; body: string }>, query: Record<string, string>, headers: Record<string, string> = {}) {
  return handle({ method: 'GET', path: '/api/sign', query, headers, sourceIp: '198.51.100.7' });
}

freezeClock(NOW_MS);

describe('signer service: success', () => {
  it('returns a signed master URL for the title folder that CloudFront would accept for its segments', async () => {
    const { handle } = setup();
    const res = await get(handle, { content: 'movies/42' }, { authorization: `Bearer ${await token()}` });
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    const body = JSON.parse(res.body) as { url: string; expiresAt: number };
    expect(body.expiresAt).toBe(NOW_MS / 1000 + 21600);
    expect(body.url).toMatch(new RegExp(`^https://${DOMAIN}/movies/42/master\\.m3u8\\?Policy=[^&]+&Signature=[^&]+&Key-Pair-Id=${KID}$`));
    const creds = body.url.split('?')[1]!;
    const segment = `https://${DOMAIN}/movies/42/1080p/seg_00001.ts?${creds}`;
    expect(verifySignedUrl(segment, { keys, now: NOW_MS })).toEqual({ ok: true, keyPairId: KID, kind: 'custom', expiresAt: NOW_MS / 1000 + 21600 });
    expect(verifySignedUrl(`https://${DOMAIN}/movies/43/master.m3u8?${creds}`, { keys, now: NOW_MS }).ok).toBe(false);
    expect(verifySignedUrl(segment, { keys, now: NOW_MS + 21600 * 1000 }).ok).toBe(false);
  });

  it('redirects with 302 when redirect=1', async () => {
    const { handle } = setup();
    const res = await get(handle, { content: 'movies/42', redirect: '1' }, { authorization: `Bearer ${await token()}` });
    expect(res.status).toBe(302);
    expect(res.headers.location).toMatch(/^https:\/\/d111111abcdef8\.cloudfront\.net\/movies\/42\/master\.m3u8\?Policy=/);
    expect(res.body).toBe('');
  });

  it('honours the configured route, parameter, prefix, playlist name, TTL and SHA-256', async () => {
    const { handle } = setup({
      CFHLS_ROUTE_PATH: '/play',
      CFHLS_CONTENT_PARAM: 'id',
      CFHLS_CONTENT_PREFIX: '/media/',
      CFHLS_MASTER_PLAYLIST: 'index.m3u8',
      CFHLS_TTL_SECONDS: '120',
      CFHLS_HASH_ALGORITHM: 'SHA256',
    });
    const res = await handle({ method: 'GET', path: '/play/', query: { id: 'movies/42' }, headers: { authorization: `Bearer ${await token()}` } });
    const body = JSON.parse(res.body) as { url: string; expiresAt: number };
    expect(body.url).toMatch(/^https:\/\/d111111abcdef8\.cloudfront\.net\/media\/movies\/42\/index\.m3u8\?Policy=.*&Hash-Algorithm=SHA256$/);
    expect(body.expiresAt).toBe(NOW_MS / 1000 + 120);
    expect(verifySignedUrl(body.url, { keys, now: NOW_MS }).ok).toBe(true);
  });

  it('binds the URL to the viewer address from cloudfront-viewer-address when configured', async () => {
    const { handle } = setup({ CFHLS_BIND_CLIENT_IP: 'true' });
    const auth = `Bearer ${await token()}`;
    const res = await get(handle, { content: 'movies/42' }, { authorization: auth, 'cloudfront-viewer-address': '203.0.113.9:51234' });
    const { url } = JSON.parse(res.body) as { url: string };
    expect(verifySignedUrl(url, { keys, now: NOW_MS, clientIp: '203.0.113.9' }).ok).toBe(true);
    expect(verifySignedUrl(url, { keys, now: NOW_MS, clientIp: '203.0.113.10' }).ok).toBe(false);
    const direct = await get(handle, { content: 'movies/42' }, { authorization: auth });
    expect(verifySignedUrl((JSON.parse(direct.body) as { url: string }).url, { keys, now: NOW_MS, clientIp: '198.51.100.7' }).ok).toBe(true);
  });

  it('refuses an IPv6 viewer with a clear message instead of binding a URL CloudFront would refuse (IpAddress is IPv4 only)', async () => {
    const { handle } = setup({ CFHLS_BIND_CLIENT_IP: 'true' });
    const auth = `Bearer ${await token()}`;
    const v6 = await get(handle, { content: 'movies/42' }, { authorization: auth, 'cloudfront-viewer-address': '2001:db8:1:2:3:4:5:6:443' });
    expect(v6.status).toBe(403);
    const body = JSON.parse(v6.body) as { error: string; message: string; url?: string };
    expect(body.error).toBe('ipv6_not_supported');
    expect(body.message).toMatch(/IPv4/);
    expect(body.url).toBeUndefined();
    const mapped = await get(handle, { content: 'movies/42' }, { authorization: auth, 'x-cfhls-viewer-ip': '::ffff:203.0.113.9' });
    const { url } = JSON.parse(mapped.body) as { url: string };
    expect(verifySignedUrl(url, { keys, now: NOW_MS, clientIp: '203.0.113.9' }).ok).toBe(true);
    expect(verifySignedUrl(url, { keys, now: NOW_MS, clientIp: '203.0.113.10' }).ok).toBe(false);
  });

  it('binds to x-cfhls-viewer-ip (set by the CloudFront Function) before cloudfront-viewer-address and the TCP peer', async () => {
    const { handle } = setup({ CFHLS_BIND_CLIENT_IP: 'true' });
    const auth = `Bearer ${await token()}`;
    const res = await get(handle, { content: 'movies/42' }, {
      authorization: auth, 'x-cfhls-viewer-ip': '192.0.2.44', 'cloudfront-viewer-address': '203.0.113.9:51234',
    });
    const { url } = JSON.parse(res.body) as { url: string };
    expect(verifySignedUrl(url, { keys, now: NOW_MS, clientIp: '192.0.2.44' }).ok).toBe(true);
    expect(verifySignedUrl(url, { keys, now: NOW_MS, clientIp: '203.0.113.9' }).ok).toBe(false);
    const junk = await get(handle, { content: 'movies/42' }, { authorization: auth, 'x-cfhls-viewer-ip': 'not-an-ip', 'cloudfront-viewer-address': '203.0.113.9:1' });
    expect(verifySignedUrl((JSON.parse(junk.body) as { url: string }).url, { keys, now: NOW_MS, clientIp: '203.0.113.9' }).ok).toBe(true);
  });

  it('accepts a path-prefix entitlement and a Cognito access token that has client_id instead of aud', async () => {
    const { handle } = setup();
    const t = await token({ entitlements: 'series/7/ other', client_id: AUDIENCE }, { audience: null });
    expect((await get(handle, { content: 'series/7/ep1' }, { authorization: `Bearer ${t}` })).status).toBe(200);
    expect((await get(handle, { content: 'series/70/ep1' }, { authorization: `Bearer ${t}` })).status).toBe(403);
  });
});

describe('signer service: authentication', () => {
  it('answers 401 with a Bearer challenge when no token is sent', async () => {
    const { handle } = setup();
    const res = await get(handle, { content: 'movies/42' });
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toBe('Bearer realm="cloudfront-hls"');
    expect(JSON.parse(res.body)).toEqual({ error: 'unauthorized' });
  });

  it.each([
    ['an expired token', async () => token({}, { expiresIn: -60 })],
    ['a token from another issuer', async () => token({}, { issuer: 'https://evil.example.com' })],
    ['a token for another audience', async () => token({}, { audience: 'other-app' })],
    ['a token signed by another key', async () => token({}, { key: generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey })],
    ['a token with a tampered payload', async () => {
      const [h, , s] = (await token()).split('.');
      return `${h}.${Buffer.from(JSON.stringify({ iss: ISSUER, aud: AUDIENCE, exp: 4e9, entitlements: ['movies/42'] })).toString('base64url')}.${s}`;
    }],
    ['a malformed token', async () => 'not-a-jwt'],
  ])('answers 401 invalid_token for %s', async (_, make) => {
    const { handle, provider } = setup();
    const res = await get(handle, { content: 'movies/42' }, { authorization: `Bearer ${await make()}` });
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toBe('Bearer realm="cloudfront-hls", error="invalid_token"');
    expect(provider.getKey).not.toHaveBeenCalled();
  });

  it('answers 401 for a token that expires later once the clock has passed its exp', async () => {
    const { handle } = setup();
    const t = await token({}, { expiresIn: 60 });
    expect((await get(handle, { content: 'movies/42' }, { authorization: `Bearer ${t}` })).status).toBe(200);
    vi.setSystemTime(NOW_MS + 66_000); // beyond the 5 s clock tolerance
    expect((await get(handle, { content: 'movies/42' }, { authorization: `Bearer ${t}` })).status).toBe(401);
  });
});

describe('signer service: content and entitlement', () => {
  it.each(['../secret', 'movies/../42', 'movies/*', 'movies/4?', '/movies/42', 'movies//42', 'movies/42/', '.hidden', 'a b', 'movies/42,movies/43', ''])(
    'answers 400 for the content id %j',
    async (id) => {
      const { handle } = setup();
      const res = await get(handle, { content: id }, { authorization: `Bearer ${await token({ entitlements: [id] })}` });
      expect(res.status).toBe(400);
      expect(JSON.parse(res.body)).toEqual({ error: 'invalid_request', message: 'query parameter "content" must be a valid content id' });
    },
  );

  it('answers 400 when the content parameter is missing', async () => {
    const { handle } = setup();
    expect((await get(handle, {}, { authorization: `Bearer ${await token()}` })).status).toBe(400);
  });

  it('answers 403 when the token has no entitlement claim', async () => {
    const { handle } = setup();
    const res = await get(handle, { content: 'movies/42' }, { authorization: `Bearer ${await token({ entitlements: undefined })}` });
    expect(res.status).toBe(403);
    expect(JSON.parse(res.body)).toEqual({ error: 'forbidden' });
  });

  it('answers 403 for a title that is not listed, and does not treat a bare id as a prefix', async () => {
    const { handle } = setup();
    const auth = { authorization: `Bearer ${await token({ entitlements: ['movies/4'] })}` };
    expect((await get(handle, { content: 'movies/42' }, auth)).status).toBe(403);
    expect((await get(handle, { content: 'movies/4/extra' }, auth)).status).toBe(403);
  });

  it('reads the configured entitlement claim', async () => {
    const { handle } = setup({ CFHLS_ENTITLEMENT_CLAIM: 'custom:titles' });
    const t = await token({ entitlements: undefined, 'custom:titles': 'movies/42,movies/43' });
    expect((await get(handle, { content: 'movies/43' }, { authorization: `Bearer ${t}` })).status).toBe(200);
  });
});

describe('signer service behind CloudFront with origin access control', () => {
  // OAC replaces Authorization with its own SigV4 signature; the SignerViewerFunction copies the viewer's.
  const sigv4 = 'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20310101/us-east-1/lambda/aws4_request, SignedHeaders=host;x-amz-date, Signature=abc123';

  it('reads the bearer token from x-cfhls-authorization in preference to Authorization', async () => {
    const { handle } = setup();
    const t = await token();
    expect((await get(handle, { content: 'movies/42' }, { authorization: sigv4, 'x-cfhls-authorization': `Bearer ${t}` })).status).toBe(200);
    const copyWins = await get(handle, { content: 'movies/42' }, { authorization: `Bearer ${t}`, 'x-cfhls-authorization': 'Bearer not.a.token' });
    expect(copyWins.status).toBe(401);
    expect((await get(handle, { content: 'movies/42' }, { authorization: sigv4 })).status).toBe(401);
  });

  it('signs for the viewer host from x-cfhls-viewer-host when CFHLS_DISTRIBUTION_DOMAIN is unset', async () => {
    const { handle } = setup({ CFHLS_DISTRIBUTION_DOMAIN: undefined });
    const auth = { authorization: `Bearer ${await token()}` };
    for (const [header, host] of [['d111111abcdef8.cloudfront.net', 'd111111abcdef8.cloudfront.net'], ['Video.Example.COM:443', 'video.example.com']]) {
      const res = await get(handle, { content: 'movies/42' }, { ...auth, 'x-cfhls-viewer-host': header! });
      expect(res.status).toBe(200);
      const { url } = JSON.parse(res.body) as { url: string };
      expect(url.startsWith(`https://${host}/movies/42/master.m3u8?Policy=`)).toBe(true);
      expect(verifySignedUrl(url.replace('master.m3u8', 'v1/seg.ts'), { keys, now: NOW_MS }).ok).toBe(true);
    }
  });

  it('uses CFHLS_DISTRIBUTION_DOMAIN when set, whatever x-cfhls-viewer-host says', async () => {
    const { handle } = setup({ CFHLS_DISTRIBUTION_DOMAIN: 'video.example.com' });
    const res = await get(handle, { content: 'movies/42' }, { authorization: `Bearer ${await token()}`, 'x-cfhls-viewer-host': 'other.example.net' });
    expect((JSON.parse(res.body) as { url: string }).url).toMatch(/^https:\/\/video\.example\.com\/movies\/42\//);
  });

  it.each([undefined, '', 'evil.example.com/movies', 'evil.example.com:8443', 'a b.example.com', 'localhost', '-x.example.com', 'https://video.example.com'])(
    'answers 500 with a generic body and logs why when the host is unset and x-cfhls-viewer-host is %j',
    async (header) => {
      const { handle, logs, provider } = setup({ CFHLS_DISTRIBUTION_DOMAIN: undefined });
      const headers: Record<string, string> = { authorization: `Bearer ${await token()}` };
      if (header !== undefined) headers['x-cfhls-viewer-host'] = header;
      const res = await get(handle, { content: 'movies/42' }, headers);
      expect(res.status).toBe(500);
      expect(res.body).toBe('{"error":"internal_error"}');
      expect(logs.at(-1)).toMatchObject({ status: 500, outcome: 'no-media-host', error: expect.stringMatching(/CFHLS_DISTRIBUTION_DOMAIN.*x-cfhls-viewer-host/) });
      expect(provider.getKey).not.toHaveBeenCalled();
    },
  );

  it('still answers 401 before any host problem for a caller without a token', async () => {
    const { handle } = setup({ CFHLS_DISTRIBUTION_DOMAIN: undefined });
    expect((await get(handle, { content: 'movies/42' })).status).toBe(401);
  });
});

describe('signer service: HTTP details', () => {
  it('answers 404 off the route and 405 for other methods', async () => {
    const { handle } = setup();
    expect((await handle({ method: 'GET', path: '/api/other', query: {}, headers: {} })).status).toBe(404);
    const res = await handle({ method: 'POST', path: '/api/sign', query: {}, headers: {} });
    expect(res.status).toBe(405);
    expect(res.headers.allow).toBe('GET, HEAD, OPTIONS');
  });

  it('answers a CORS preflight for an allowed origin and not for others', async () => {
    const { handle } = setup({ CFHLS_CORS_ORIGINS: 'https://player.example.com' });
    const ok = await handle({ method: 'OPTIONS', path: '/api/sign', query: {}, headers: { origin: 'https://player.example.com' } });
    expect(ok.status).toBe(204);
    expect(ok.headers).toMatchObject({ 'access-control-allow-origin': 'https://player.example.com', 'access-control-allow-headers': 'authorization', vary: 'Origin' });
    const no = await handle({ method: 'OPTIONS', path: '/api/sign', query: {}, headers: { origin: 'https://evil.example.com' } });
    expect(no.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('adds CORS headers to errors too, so a browser player can read the 401', async () => {
    const { handle } = setup({ CFHLS_CORS_ORIGINS: '*' });
    const res = await get(handle, { content: 'movies/42' }, { origin: 'https://any.example' });
    expect(res.status).toBe(401);
    expect(res.headers['access-control-allow-origin']).toBe('*');
  });

  it('answers 500 with a body that leaks nothing when the key cannot be loaded, and logs the reason', async () => {
    const { handle, logs } = setup({}, { getKey: async () => Promise.reject(new Error('cannot read the private key from secret cfhls/private-key: AccessDeniedException')) });
    const res = await get(handle, { content: 'movies/42' }, { authorization: `Bearer ${await token()}` });
    expect(res.status).toBe(500);
    expect(res.body).toBe('{"error":"internal_error"}');
    expect(logs.at(-1)).toMatchObject({ status: 500, outcome: 'sign-failed', error: expect.stringMatching(/AccessDeniedException/) });
  });

  it('never logs tokens, signatures or policies', async () => {
    const { handle, logs } = setup();
    const t = await token();
    const res = await get(handle, { content: 'movies/42' }, { authorization: `Bearer ${t}` });
    const { url } = JSON.parse(res.body) as { url: string };
    const logged = JSON.stringify(logs);
    expect(logged).not.toContain(t.split('.')[2]);
    for (const v of url.split('?')[1]!.split('&').map((p) => p.split('=')[1]!)) if (v.length > 20) expect(logged).not.toContain(v);
  });
});
