import { createPrivateKey } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { generateKeyPair, KeyFormatError, loadPrivateKey, loadPublicKey, publicKeyPem } from '../../src/signer/index.js';
import { fixture } from './fixtures.js';

const PASS = 'fixture-passphrase';

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
  it.each(['rsa-pkcs1.pem', 'rsa-pkcs8.pem'])('accepts the RSA-2048 key %s', (name) => {
    const key = loadPrivateKey(fixture(name));
    expect(key.asymmetricKeyType).toBe('rsa');
    expect(key.asymmetricKeyDetails?.modulusLength).toBe(2048);
  });

  it.each(['ec-sec1.pem', 'ec-pkcs8.pem'])('accepts the ECDSA P-256 key %s', (name) => {
    expect(loadPrivateKey(fixture(name)).asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
  });

  it('accepts a Buffer and an already loaded KeyObject', () => {
    const pem = fixture('rsa-pkcs8.pem');
    expect(loadPrivateKey(Buffer.from(pem)).type).toBe('private');
    const k = createPrivateKey(pem);
    expect(loadPrivateKey(k)).toBe(k);
  });

  it.each(['rsa-pkcs8-encrypted.pem', 'rsa-pkcs1-encrypted.pem'])('decrypts %s with its passphrase', (name) => {
    expect(loadPrivateKey(fixture(name), { passphrase: PASS }).asymmetricKeyType).toBe('rsa');
  });

  it.each(['rsa-pkcs8-encrypted.pem', 'rsa-pkcs1-encrypted.pem'])('says %s is encrypted when no passphrase is given', (name) => {
    const { problem, message } = problemOf(() => loadPrivateKey(fixture(name)));
    expect(problem).toBe('encrypted');
    expect(message).toMatch(/encrypted and no passphrase/);
  });

  it('says the passphrase is wrong without an OpenSSL backtrace', () => {
    const { problem, message } = problemOf(() => loadPrivateKey(fixture('rsa-pkcs8-encrypted.pem'), { passphrase: 'nope' }));
    expect(problem).toBe('bad-passphrase');
    expect(message).not.toMatch(/error:|ERR_|routines/i);
  });

  it.each(['rsa-public.pem', 'rsa-public-pkcs1.pem', 'ec-public.pem'])('says %s is a public key, not a private one', (name) => {
    const { problem, message } = problemOf(() => loadPrivateKey(fixture(name)));
    expect(problem).toBe('public-key');
    expect(message).toMatch(/not a private key/);
  });

  it('says a damaged PEM cannot be parsed, without echoing key bytes', () => {
    const pem = fixture('malformed.pem');
    const { problem, message } = problemOf(() => loadPrivateKey(pem));
    expect(problem).toBe('malformed');
    expect(message).toMatch(/damaged/);
    expect(message).not.toContain(pem.split('\n')[1]!.slice(0, 20));
  });

  it('says text without a PEM frame is not PEM', () => {
    expect(problemOf(() => loadPrivateKey('hello')).problem).toBe('malformed');
  });

  it('rejects an Ed25519 key as a type CloudFront does not take', () => {
    const { problem, message } = problemOf(() => loadPrivateKey(fixture('ed25519.pem')));
    expect(problem).toBe('wrong-type');
    expect(message).toMatch(/ed25519.*RSA-2048 or ECDSA P-256/);
  });

  it('rejects RSA-1024 and P-384 keys as sizes CloudFront does not take', () => {
    expect(problemOf(() => loadPrivateKey(fixture('rsa-1024.pem'))).message).toMatch(/RSA-1024/);
    expect(problemOf(() => loadPrivateKey(fixture('ec-p384.pem'))).message).toMatch(/secp384r1/);
  });
});

describe('loadPublicKey and publicKeyPem', () => {
  it('loads SubjectPublicKeyInfo and PKCS#1 public keys', () => {
    expect(loadPublicKey(fixture('rsa-public.pem')).type).toBe('public');
    expect(loadPublicKey(fixture('rsa-public-pkcs1.pem')).type).toBe('public');
  });

  it('derives the exact SubjectPublicKeyInfo PEM openssl writes', () => {
    expect(publicKeyPem(loadPrivateKey(fixture('rsa-pkcs1.pem')))).toBe(fixture('rsa-public.pem'));
    expect(publicKeyPem(loadPrivateKey(fixture('ec-sec1.pem')))).toBe(fixture('ec-public.pem'));
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
