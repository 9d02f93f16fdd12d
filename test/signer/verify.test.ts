import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cloudFrontErrorXml, generateKeyPair, loadPrivateKey, signCookies, signUrl, verifySignedUrl } from '../../src/signer/index.js';
import { ecdsaNodeSigned, fixture, KID, MASTER, NOW_MS, vectors } from './fixtures.js';
import { vectorKey } from './seeded-keys.js';

const keys = { [KID]: fixture('rsa-public.pem') };
const ecKeys = { [KID]: fixture('ec-public.pem') };
const rsa = loadPrivateKey(vectorKey('rsa'));
const base = { url: MASTER, keyPairId: KID, privateKey: rsa, expires: 2_000_000_000, now: NOW_MS };

function code(url: string, opts: Partial<Parameters<typeof verifySignedUrl>[1]> = {}): string {
  const r = verifySignedUrl(url, { keys, now: NOW_MS, ...opts });
  return r.ok ? 'ok' : r.code;
}

describe('verifySignedUrl with openssl-made URLs', () => {
  for (const v of vectors) {
    it(`accepts ${v.name}`, () => {
      const r = verifySignedUrl(v.signedUrl, { keys: v.key === 'ecdsa' ? ecKeys : keys, now: NOW_MS, clientIp: '192.0.2.9' });
      expect(r).toEqual({ ok: true, keyPairId: KID, kind: v.kind, expiresAt: v.expires });
    });
  }

  it('accepts the custom policy on every file of the folder, and on any query', () => {
    const v = vectors.find((x) => x.name === 'custom-sha256')!;
    const creds = v.signedUrl.split('?')[1]!;
    expect(code(`https://d111111abcdef8.cloudfront.net/movies/42/v1/seg_001.ts?${creds}`)).toBe('ok');
    expect(code(`https://d111111abcdef8.cloudfront.net/movies/42/v1/prog.m3u8?_HLS_msn=3&${creds}`)).toBe('ok');
    expect(code(`https://d111111abcdef8.cloudfront.net/movies/43/master.m3u8?${creds}`)).toBe('AccessDenied');
  });

  it('accepts our ECDSA URLs that openssl verified when the fixtures were made', () => {
    for (const { url } of ecdsaNodeSigned) expect(verifySignedUrl(url, { keys: ecKeys, now: NOW_MS }).ok).toBe(true);
  });

  it('refuses a canned URL for another file or another query', () => {
    const v = vectors.find((x) => x.name === 'canned-sha1')!;
    expect(code(v.signedUrl.replace('master.m3u8', 'other.m3u8'))).toBe('AccessDenied');
    expect(code(v.signedUrl.replace('master.m3u8?', 'master.m3u8?x=1&'))).toBe('AccessDenied');
  });
});

describe('verifySignedUrl error codes', () => {
  const url = signUrl(base);

  it('answers MissingKey for an unsigned URL', () => {
    const r = verifySignedUrl(MASTER, { keys, now: NOW_MS });
    expect(r).toMatchObject({ ok: false, code: 'MissingKey', message: 'Missing Key-Pair-Id query parameter or cookie value' });
  });

  it('answers InvalidKey for a Key-Pair-Id that is not trusted', () => {
    expect(code(url.replace(`Key-Pair-Id=${KID}`, 'Key-Pair-Id=KUNKNOWN'))).toBe('InvalidKey');
    expect(code(url.replace(`Key-Pair-Id=${KID}`, 'Key-Pair-Id=toString'))).toBe('InvalidKey');
  });

  it('answers MalformedPolicy for a policy that is not base64 JSON', () => {
    expect(code(url.replace(/Policy=[^&]+/, 'Policy=%%%'))).toBe('MalformedPolicy');
    expect(code(url.replace(/Policy=[^&]+/, `Policy=${Buffer.from('{"nope":1}').toString('base64').replace(/=/g, '_')}`))).toBe('MalformedPolicy');
  });

  it('answers MalformedSignature for a signature outside the URL-safe alphabet or missing', () => {
    expect(code(url.replace(/Signature=[^&]+/, 'Signature=abc/def+'))).toBe('MalformedSignature');
    expect(code(url.replace(/&Signature=[^&]+/, ''))).toBe('MalformedSignature');
  });

  it('answers AccessDenied for a signature over other bytes', () => {
    const other = signUrl({ ...base, expires: 2_000_000_001 });
    const sig = /Signature=([^&]+)/.exec(other)![1]!;
    expect(code(url.replace(/Signature=[^&]+/, `Signature=${sig}`))).toBe('AccessDenied');
  });

  it('answers AccessDenied for a key the signature was not made with', () => {
    const { privateKeyPem } = generateKeyPair();
    expect(code(signUrl({ ...base, privateKey: privateKeyPem }))).toBe('AccessDenied');
  });

  it('answers AccessDenied at and after DateLessThan, and before DateGreaterThan', () => {
    expect(code(url, { now: 2_000_000_000 * 1000 - 1 })).toBe('ok');
    expect(code(url, { now: 2_000_000_000 * 1000 })).toBe('AccessDenied');
    const later = signUrl({ ...base, notBefore: 1_950_000_000 });
    expect(code(later, { now: new Date(1_949_999_999_000) })).toBe('AccessDenied');
    expect(code(later, { now: new Date(1_950_000_000_000) })).toBe('ok');
  });

  it('checks IpAddress against the client IP, IPv4 and IPv6', () => {
    const v4 = signUrl({ ...base, ipAddress: '198.51.100.0/24' });
    expect(code(v4, { clientIp: '198.51.100.200' })).toBe('ok');
    expect(code(v4, { clientIp: '198.51.101.1' })).toBe('AccessDenied');
    expect(code(v4)).toBe('AccessDenied');
    const v6 = signUrl({ ...base, ipAddress: '2001:db8:1::/48' });
    expect(code(v6, { clientIp: '2001:db8:1:2::3' })).toBe('ok');
    expect(code(v6, { clientIp: '2001:db8:2::3' })).toBe('AccessDenied');
  });

  it('reads SHA-256 from Hash-Algorithm and refuses a SHA-1 claim on a SHA-256 signature', () => {
    const s256 = signUrl({ ...base, hashAlgorithm: 'SHA256' });
    expect(code(s256)).toBe('ok');
    expect(code(s256.replace('&Hash-Algorithm=SHA256', ''))).toBe('AccessDenied');
    expect(code(s256.replace('Hash-Algorithm=SHA256', 'Hash-Algorithm=MD5'))).toBe('MalformedSignature');
  });

  it('accepts percent-encoded tildes the way a browser might send them', () => {
    const v = vectors.find((x) => x.signedUrl.includes('~'))!;
    expect(code(v.signedUrl.replace(/~/g, '%7E'), { keys: v.key === 'ecdsa' ? ecKeys : keys, clientIp: '192.0.2.1' })).toBe('ok');
  });
});

describe('verifySignedUrl with signed cookies', () => {
  it('accepts signed cookies when the URL carries no signed params', () => {
    const cookies = signCookies({ ...base, hashAlgorithm: 'SHA256' });
    expect(verifySignedUrl('https://d111111abcdef8.cloudfront.net/movies/42/v1/a.ts', { keys, now: NOW_MS, cookies })).toMatchObject({ ok: true, kind: 'custom' });
    expect(verifySignedUrl('https://d111111abcdef8.cloudfront.net/movies/7/a.ts', { keys, now: NOW_MS, cookies })).toMatchObject({ ok: false, code: 'AccessDenied' });
  });

  it('accepts canned signed cookies for exactly their URL', () => {
    const cookies = signCookies({ ...base, canned: true });
    expect(verifySignedUrl(MASTER, { keys, now: NOW_MS, cookies }).ok).toBe(true);
    expect(verifySignedUrl(`${MASTER}x`, { keys, now: NOW_MS, cookies }).ok).toBe(false);
  });

  it('answers MissingKey when the cookies lack CloudFront-Key-Pair-Id', () => {
    const { 'CloudFront-Key-Pair-Id': _, ...cookies } = signCookies(base);
    expect(verifySignedUrl(MASTER, { keys, now: NOW_MS, cookies })).toMatchObject({ ok: false, code: 'MissingKey' });
  });
});

describe('sign and verify round trip', () => {
  it('accepts every signed URL for any file and query under the folder', () => {
    fc.assert(
      fc.property(
        fc.array(fc.stringMatching(/^[A-Za-z0-9._-]{1,12}$/), { minLength: 1, maxLength: 4 }),
        fc.option(fc.stringMatching(/^[a-z]{1,5}=[A-Za-z0-9]{0,6}$/), { nil: undefined }),
        fc.constantFrom('SHA1' as const, 'SHA256' as const),
        (segments, query, hashAlgorithm) => {
          const folder = `https://d111111abcdef8.cloudfront.net/${segments.join('/')}/`;
          const signed = signUrl({ ...base, url: `${folder}master.m3u8`, hashAlgorithm });
          const creds = signed.slice(signed.indexOf('?') + 1);
          const child = `${folder}v/seg.ts?${query === undefined ? '' : `${query}&`}${creds}`;
          return verifySignedUrl(child, { keys, now: NOW_MS }).ok;
        },
      ),
      { numRuns: 50 },
    );
  });
});

describe('cloudFrontErrorXml', () => {
  it('writes the XML body CloudFront sends with its 403', () => {
    expect(cloudFrontErrorXml('AccessDenied', 'Access denied')).toBe(
      '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>AccessDenied</Code><Message>Access denied</Message></Error>',
    );
    expect(cloudFrontErrorXml('X', '<&>')).toContain('<Message>&lt;&amp;&gt;</Message>');
  });
});
