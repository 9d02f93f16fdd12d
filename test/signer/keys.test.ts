import { createPrivateKey } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { generateKeyPair, KeyFormatError, loadPrivateKey, loadPublicKey, publicKeyPem } from '../../src/signer/index.js';
import { fixture } from './fixtures.js';
import { deriveEcKey, deriveRsaKey, vectorKey } from './seeded-keys.js';
import { TEST_PASSPHRASE as PASS, testKeyPem } from './test-keys.js';

function problemOf(fn: () => unknown): { problem: string; message: string } {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(KeyFormatError);
    const e = err as KeyFormatError;
    return { problem: e.problem, message: e.message };
  }
  throw new Error('expected a KeyFormatError');
}

describe('loadPrivateKey', () => {
  it.each(['rsa-pkcs1', 'rsa-pkcs8'] as const)('accepts the RSA-2048 key %s', (name) => {
    const key = loadPrivateKey(testKeyPem(name));
    expect(key.asymmetricKeyType).toBe('rsa');
    expect(key.asymmetricKeyDetails?.modulusLength).toBe(2048);
  });

  it.each(['ec-sec1', 'ec-pkcs8'] as const)('accepts the ECDSA P-256 key %s', (name) => {
    expect(loadPrivateKey(testKeyPem(name)).asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
  });

  it('accepts a Buffer and an already loaded KeyObject', () => {
    const pem = testKeyPem('rsa-pkcs8');
    expect(loadPrivateKey(Buffer.from(pem)).type).toBe('private');
    const k = createPrivateKey(pem);
    expect(loadPrivateKey(k)).toBe(k);
  });

  it.each(['rsa-pkcs8-encrypted', 'rsa-pkcs1-encrypted'] as const)('decrypts %s with its passphrase', (name) => {
    expect(loadPrivateKey(testKeyPem(name), { passphrase: PASS }).asymmetricKeyType).toBe('rsa');
  });

  it.each(['rsa-pkcs8-encrypted', 'rsa-pkcs1-encrypted'] as const)('says %s is encrypted when no passphrase is given', (name) => {
    const { problem, message } = problemOf(() => loadPrivateKey(testKeyPem(name)));
    expect(problem).toBe('encrypted');
    expect(message).toMatch(/encrypted and no passphrase/);
  });

  it('says the passphrase is wrong without an OpenSSL backtrace', () => {
    const { problem, message } = problemOf(() => loadPrivateKey(testKeyPem('rsa-pkcs8-encrypted'), { passphrase: 'nope' }));
    expect(problem).toBe('bad-passphrase');
    expect(message).not.toMatch(/error:|ERR_|routines/i);
  });

  it.each(['rsa-public', 'rsa-public-pkcs1', 'ec-public'] as const)('says %s is a public key, not a private one', (name) => {
    const { problem, message } = problemOf(() => loadPrivateKey(testKeyPem(name)));
    expect(problem).toBe('public-key');
    expect(message).toMatch(/not a private key/);
  });

  it('says a damaged PEM cannot be parsed, without echoing key bytes', () => {
    const pem = testKeyPem('malformed');
    const { problem, message } = problemOf(() => loadPrivateKey(pem));
    expect(problem).toBe('malformed');
    expect(message).toMatch(/damaged/);
    expect(message).not.toContain(pem.split('\n')[1]!.slice(0, 20));
  });

  it('says text without a PEM frame is not PEM', () => {
    expect(problemOf(() => loadPrivateKey('hello')).problem).toBe('malformed');
  });

  it('rejects an Ed25519 key as a type CloudFront does not take', () => {
    const { problem, message } = problemOf(() => loadPrivateKey(testKeyPem('ed25519')));
    expect(problem).toBe('wrong-type');
    expect(message).toMatch(/ed25519.*RSA-2048 or ECDSA P-256/);
  });

  it('rejects RSA-1024 and P-384 keys as sizes CloudFront does not take', () => {
    expect(problemOf(() => loadPrivateKey(testKeyPem('rsa-1024'))).message).toMatch(/RSA-1024/);
    expect(problemOf(() => loadPrivateKey(testKeyPem('ec-p384'))).message).toMatch(/secp384r1/);
  });
});

describe('loadPublicKey and publicKeyPem', () => {
  it('loads SubjectPublicKeyInfo and PKCS#1 public keys', () => {
    expect(loadPublicKey(fixture('rsa-public.pem')).type).toBe('public');
    expect(loadPublicKey(fixture('rsa-public-pkcs1.pem')).type).toBe('public');
  });

  it('derives the exact SubjectPublicKeyInfo PEM openssl writes', () => {
    expect(publicKeyPem(vectorKey('rsa'))).toBe(fixture('rsa-public.pem'));
    expect(publicKeyPem(vectorKey('ecdsa'))).toBe(fixture('ec-public.pem'));
  });
});

describe('seeded test keys', () => {
  it('derive RSA-2048 and P-256 keys that depend on the seed (the same seed gives the openssl-checked public keys above)', () => {
    const rsa = deriveRsaKey('another seed');
    expect(rsa.asymmetricKeyDetails).toMatchObject({ modulusLength: 2048, publicExponent: 65537n });
    expect(publicKeyPem(rsa)).not.toBe(publicKeyPem(vectorKey('rsa')));
    const ec = deriveEcKey('another seed');
    expect(loadPrivateKey(ec).asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
    expect(publicKeyPem(deriveEcKey('another seed'))).toBe(publicKeyPem(ec));
    expect(publicKeyPem(ec)).not.toBe(publicKeyPem(vectorKey('ecdsa')));
  });

  it('are keys the loader accepts in every PEM form', () => {
    const rsa = vectorKey('rsa');
    for (const type of ['pkcs1', 'pkcs8'] as const) expect(loadPrivateKey(String(rsa.export({ type, format: 'pem' }))).asymmetricKeyType).toBe('rsa');
  });
});

describe('generateKeyPair', () => {
  it('makes an RSA-2048 pair whose halves belong together', () => {
    const pair = generateKeyPair();
    expect(pair.privateKeyPem).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    expect(pair.publicKeyPem).toMatch(/^-----BEGIN PUBLIC KEY-----/);
    const key = loadPrivateKey(pair.privateKeyPem);
    expect(key.asymmetricKeyDetails?.modulusLength).toBe(2048);
    expect(publicKeyPem(key)).toBe(pair.publicKeyPem);
  });

  it('makes an ECDSA P-256 pair', () => {
    const pair = generateKeyPair({ type: 'ecdsa' });
    expect(loadPrivateKey(pair.privateKeyPem).asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
    expect(loadPublicKey(pair.publicKeyPem).asymmetricKeyType).toBe('ec');
  });
});
