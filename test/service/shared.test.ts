import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import { createJwtAuthenticator, createSignerService, loadConfig } from '../../src/service/index.js';
import type { ServiceRequest } from '../../src/service/index.js';
import { SharedSignatureMemo, sharedExpiry } from '../../src/service/shared.js';
import { cfBase64Decode } from '../../src/cloudfront/index.js';
import { verifySignedUrl } from '../../src/signer/index.js';
import { ConfigError } from '../../src/errors.js';
import { freezeClock } from '../helpers/clock.js';
import { DOMAIN, idp, KID, NOW_MS, signerEnv, token } from './helpers.js';

// ECDSA: its signatures carry a random nonce, so only the memo makes two viewers' URLs equal.
const ecdsa = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });

function setup(env: Record<string, string | undefined>) {
  const config = loadConfig(signerEnv(env));
  const getKey = vi.fn(async () => ecdsa.privateKey);
  const handle = createSignerService({ config, keys: { getKey }, authenticate: createJwtAuthenticator({ ...config.jwt, key: idp.publicKey }), log: () => {} });
  return { handle, getKey };
}

async function sign(handle: (r: ServiceRequest) => Promise<{ status: number; body: string }>, viewer: { ip: string; entitlements?: string[] }, content = 'movies/42') {
  const jwt = await token({ sub: viewer.ip, entitlements: viewer.entitlements ?? ['movies/42'] });
  const res = await handle({ method: 'GET', path: '/api/sign', query: { content }, headers: { authorization: `Bearer ${jwt}`, 'x-cfhls-viewer-ip': viewer.ip }, sourceIp: viewer.ip });
  return { status: res.status, ...(res.status === 200 ? (JSON.parse(res.body) as { url: string; expiresAt: number }) : { url: '', expiresAt: 0 }) };
}

/** The custom policy's one statement, as the signer wrote it. */
interface PolicyDoc {
  Statement: Array<{ Resource: string; Condition: Record<string, Record<string, unknown>> }>;
}
const policyOf = (url: string): PolicyDoc => JSON.parse(cfBase64Decode(/[?&]Policy=([^&]+)/.exec(url)?.[1] ?? '')?.toString('utf8') ?? 'null');

freezeClock(NOW_MS);

describe('shared credentials (CFHLS_SHARED_WINDOW_SECONDS)', () => {
  const env = { CFHLS_SHARED_WINDOW_SECONDS: '300', CFHLS_TTL_SECONDS: '600', CFHLS_BIND_CLIENT_IP: 'true' };

  it('gives every entitled viewer of a title in one window the same bytes, without an IP condition, ECDSA included', async () => {
    const { handle, getKey } = setup(env);
    vi.setSystemTime(NOW_MS + 1_000);
    const a = await sign(handle, { ip: '198.51.100.7' });
    vi.setSystemTime(NOW_MS + 200_000); // same window: now + TTL rounds up to the same end
    const b = await sign(handle, { ip: '2001:db8::1' });
    expect(a.status).toBe(200);
    expect(b.url).toBe(a.url);
    expect(getKey).toHaveBeenCalledTimes(1);
    expect(a.expiresAt).toBe(sharedExpiry(NOW_MS / 1000 + 1, 600, 300));
    expect(a.expiresAt).toBe(NOW_MS / 1000 + 900);
    expect(a.expiresAt % 300).toBe(0);
    const statement = policyOf(a.url).Statement[0]!;
    expect(statement.Condition.IpAddress).toBeUndefined();
    expect(statement.Condition.DateLessThan?.['AWS:EpochTime']).toBe(a.expiresAt);
    // CloudFront accepts it for the title's segments from any address.
    const seg = a.url.replace('master.m3u8', 'v1/seg0.ts');
    expect(verifySignedUrl(seg, { keys: { [KID]: ecdsa.publicKey }, now: NOW_MS + 300_000, clientIp: '203.0.113.9' })).toMatchObject({ ok: true });
    expect(a.url.startsWith(`https://${DOMAIN}/movies/42/master.m3u8?`)).toBe(true);
  });

  it('still checks entitlement per viewer, and signs each title and each window apart', async () => {
    const { handle } = setup(env);
    const a = await sign(handle, { ip: '198.51.100.7' });
    expect((await sign(handle, { ip: '198.51.100.8', entitlements: ['movies/43'] })).status).toBe(403);
    const other = await sign(handle, { ip: '198.51.100.8', entitlements: ['movies/43'] }, 'movies/43');
    expect(other.status).toBe(200);
    expect(other.url).not.toBe(a.url);
    vi.setSystemTime(NOW_MS + 300_000); // the next window
    const next = await sign(handle, { ip: '198.51.100.7' });
    expect(next.expiresAt).toBe(a.expiresAt + 300);
    expect(next.url).not.toBe(a.url);
  });

  it('is off by default: per-viewer URLs with the viewer\'s IP condition', async () => {
    expect(loadConfig(signerEnv()).sharedWindowSeconds).toBe(0);
    const { handle } = setup({ CFHLS_BIND_CLIENT_IP: 'true' });
    const a = await sign(handle, { ip: '198.51.100.7' });
    const b = await sign(handle, { ip: '198.51.100.8' });
    expect(a.url).not.toBe(b.url);
    expect(policyOf(a.url).Statement[0]?.Condition.IpAddress).toEqual({ 'AWS:SourceIp': '198.51.100.7/32' });
    expect(a.expiresAt).toBe(NOW_MS / 1000 + 21_600);
  });

  it('refuses a window that is not a whole number of seconds up to a day', () => {
    expect(() => loadConfig(signerEnv({ CFHLS_SHARED_WINDOW_SECONDS: '86401' }))).toThrow(ConfigError);
    expect(() => loadConfig(signerEnv({ CFHLS_SHARED_WINDOW_SECONDS: '5m' }))).toThrow(/CFHLS_SHARED_WINDOW_SECONDS/);
  });
});

describe('the shared signature memo', () => {
  it('rounds now + TTL up to the window end', () => {
    expect(sharedExpiry(1000, 600, 300)).toBe(1800);
    expect(sharedExpiry(1200, 600, 300)).toBe(1800);
    expect(sharedExpiry(1201, 600, 300)).toBe(2100);
  });

  it('signs once per key while valid, again after expiry, and forgets a failed signing', async () => {
    const memo = new SharedSignatureMemo<{ expiresAt: number; n: number }>();
    let n = 0;
    const sign = async () => ({ expiresAt: 100, n: ++n });
    expect((await memo.get('k', 10, sign)).n).toBe(1);
    expect((await memo.get('k', 99, sign)).n).toBe(1);
    expect((await memo.get('k', 100, sign)).n).toBe(2);
    await expect(memo.get('x', 10, async () => { throw new Error('no key'); })).rejects.toThrow('no key');
    expect((await memo.get('x', 10, sign)).n).toBe(3);
  });
});
