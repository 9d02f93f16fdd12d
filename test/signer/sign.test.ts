import { describe, expect, it } from 'vitest';
import {
  customPolicyJson,
  loadPrivateKey,
  setCookieHeaders,
  signCookies,
  signUrl,
  SigningInputError,
  verifySignedUrl,
} from '../../src/signer/index.js';
import { fixture, KID, MASTER, NOW_MS, vectors } from './fixtures.js';
import { vectorKey } from './seeded-keys.js';

const rsa = loadPrivateKey(vectorKey('rsa'));
const base = { url: MASTER, keyPairId: KID, privateKey: rsa, expires: 2_000_000_000, now: NOW_MS };

describe('signUrl against openssl vectors', () => {
  for (const v of vectors.filter((x) => x.key === 'rsa')) {
    it(`builds the URL openssl builds for ${v.name}, byte for byte`, () => {
      const url = signUrl({
        url: v.url,
        keyPairId: v.keyPairId,
        // PEM text, as a caller passes it; openssl signed with this key's PKCS#1 and PKCS#8 forms.
        privateKey: String(vectorKey(v.key).export({ type: 'pkcs8', format: 'pem' })),
        expires: v.expires,
        hashAlgorithm: v.hash,
        canned: v.kind === 'canned',
        now: NOW_MS,
        ...(v.resource !== undefined && { resource: v.resource }),
        ...(v.notBefore !== undefined && { notBefore: v.notBefore }),
        ...(v.ipAddress !== undefined && { ipAddress: v.ipAddress }),
      });
      expect(url).toBe(v.signedUrl);
    });
  }

  it('writes the custom policy JSON exactly as CloudFront documents it, without whitespace', () => {
    for (const v of vectors.filter((x) => x.kind === 'custom')) {
      expect(
        customPolicyJson({
          resource: v.resource!,
          dateLessThan: v.expires,
          ...(v.notBefore !== undefined && { dateGreaterThan: v.notBefore }),
          ...(v.ipAddress !== undefined && { ipAddress: v.ipAddress }),
        }),
      ).toBe(v.policy);
    }
  });
});

describe('signUrl', () => {
  it('covers the URL folder with a custom policy by default', () => {
    const url = signUrl(base);
    expect(url).toMatch(/\?Policy=[A-Za-z0-9~_-]+&Signature=[A-Za-z0-9~_-]+&Key-Pair-Id=K2JCJMDEHXQW5F$/);
    const policy = Buffer.from(/Policy=([^&]+)/.exec(url)![1]!.replace(/-/g, '+').replace(/_/g, '=').replace(/~/g, '/'), 'base64').toString();
    expect(JSON.parse(policy).Statement[0].Resource).toBe('https://d111111abcdef8.cloudfront.net/movies/42/*');
  });

  it('signs with ECDSA P-256 keys too, and the verifier accepts both hashes', () => {
    const ec = loadPrivateKey(vectorKey('ecdsa'));
    for (const hashAlgorithm of ['SHA1', 'SHA256'] as const) {
      const url = signUrl({ ...base, privateKey: ec, hashAlgorithm });
      expect(verifySignedUrl(url, { keys: { [KID]: fixture('ec-public.pem') }, now: NOW_MS })).toMatchObject({ ok: true, kind: 'custom' });
    }
  });

  it('appends to an existing query with &', () => {
    expect(signUrl({ ...base, url: `${MASTER}?lang=en` })).toMatch(/master\.m3u8\?lang=en&Policy=/);
  });

  it('accepts expiry as a Date or an ISO string and converts it to seconds', () => {
    const a = signUrl({ ...base, expires: new Date(2_000_000_000_000) });
    const b = signUrl({ ...base, expires: '2033-05-18T03:33:20Z' });
    expect(a).toBe(signUrl(base));
    expect(b).toBe(a);
  });

  it.each([
    ['an expiry that looks like milliseconds', { expires: 2_000_000_000_000 }, /looks like milliseconds/],
    ['an expiry in the past', { expires: Math.floor(NOW_MS / 1000) - 1 }, /not in the future/],
    ['an expiry equal to now', { expires: Math.floor(NOW_MS / 1000) }, /not in the future/],
    ['a fractional expiry', { expires: 1_999_999_999.5 }, /whole number/],
    ['a resource that does not cover the URL', { resource: 'https://d111111abcdef8.cloudfront.net/movies/43/*' }, /does not cover/],
    ['a resource on another host', { resource: 'https://other.example.com/movies/42/*' }, /does not cover/],
    ['an IP address that is not one', { ipAddress: '300.1.1.1' }, /not an IPv4 or IPv6/],
    ['a not-before after the expiry', { notBefore: 2_000_000_001 }, /earlier than the expiry/],
    ['a canned policy with an IP address', { canned: true, ipAddress: '192.0.2.1' }, /canned policy has no/],
    ['a canned policy with another resource', { canned: true, resource: 'https://d111111abcdef8.cloudfront.net/movies/42/*' }, /covers exactly/],
    ['a relative URL', { url: '/movies/42/master.m3u8' }, /absolute http/],
    ['a URL with a space', { url: 'https://d111111abcdef8.cloudfront.net/a b.m3u8' }, /percent-encoded/],
    ['a URL that is already signed', { url: `${MASTER}?Expires=1` }, /already carries/],
    ['a key pair ID with odd characters', { keyPairId: 'K2 J' }, /key pair ID/],
  ] as const)('rejects %s with a clear error', (_, patch, pattern) => {
    expect(() => signUrl({ ...base, ...patch })).toThrowError(SigningInputError);
    expect(() => signUrl({ ...base, ...patch })).toThrowError(pattern);
  });

  it('writes IPv6 CIDR conditions the SDK alone would refuse', () => {
    const url = signUrl({ ...base, ipAddress: '2001:db8::/32' });
    const keys = { [KID]: fixture('rsa-public.pem') };
    expect(verifySignedUrl(url, { keys, now: NOW_MS, clientIp: '2001:db8::7' }).ok).toBe(true);
    expect(verifySignedUrl(url, { keys, now: NOW_MS, clientIp: '2001:db9::7' }).ok).toBe(false);
  });
});

describe('signCookies', () => {
  it('returns the three custom-policy cookies, and a fourth for SHA-256', () => {
    expect(Object.keys(signCookies(base))).toEqual(['CloudFront-Policy', 'CloudFront-Signature', 'CloudFront-Key-Pair-Id']);
    expect(signCookies({ ...base, hashAlgorithm: 'SHA256' })['CloudFront-Hash-Algorithm']).toBe('SHA256');
  });

  it('returns CloudFront-Expires for a canned policy, with the openssl signature', () => {
    const v = vectors.find((x) => x.name === 'canned-sha1')!;
    const cookies = signCookies({ ...base, canned: true });
    expect(cookies['CloudFront-Expires']).toBe('2000000000');
    expect(v.signedUrl).toContain(`Signature=${cookies['CloudFront-Signature']}&`);
  });

  it('formats Set-Cookie values that are Secure and HttpOnly', () => {
    const headers = setCookieHeaders(signCookies(base), { domain: 'd111111abcdef8.cloudfront.net', sameSite: 'None' });
    expect(headers).toHaveLength(3);
    for (const h of headers) expect(h).toMatch(/^CloudFront-[A-Za-z-]+=[^;]+; Domain=d111111abcdef8\.cloudfront\.net; Path=\/; Secure; HttpOnly; SameSite=None$/);
  });
});
