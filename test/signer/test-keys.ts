/**
 * Private keys in every PEM form the key loader must handle, generated at test time with node:crypto (the
 * repository holds no private key). Random per process, made on first use and cached.
 */
import { generateKeyPairSync } from 'node:crypto';
import type { KeyExportOptions, KeyObject } from 'node:crypto';

export const TEST_PASSPHRASE = 'test-passphrase';

export type TestKeyName =
  | 'rsa-pkcs1'
  | 'rsa-pkcs8'
  | 'rsa-pkcs8-encrypted'
  | 'rsa-pkcs1-encrypted'
  | 'rsa-public'
  | 'rsa-public-pkcs1'
  | 'ec-sec1'
  | 'ec-pkcs8'
  | 'ec-public'
  | 'ed25519'
  | 'rsa-1024'
  | 'ec-p384'
  | 'malformed';

const pairs = new Map<string, { privateKey: KeyObject; publicKey: KeyObject }>();

function pair(kind: 'rsa' | 'ec' | 'ed25519' | 'rsa-1024' | 'ec-p384'): { privateKey: KeyObject; publicKey: KeyObject } {
  let p = pairs.get(kind);
  if (p === undefined) {
    switch (kind) {
      case 'rsa':
        p = generateKeyPairSync('rsa', { modulusLength: 2048 });
        break;
      case 'rsa-1024':
        p = generateKeyPairSync('rsa', { modulusLength: 1024 });
        break;
      case 'ec':
        p = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
        break;
      case 'ec-p384':
        p = generateKeyPairSync('ec', { namedCurve: 'secp384r1' });
        break;
      case 'ed25519':
        p = generateKeyPairSync('ed25519');
        break;
    }
    pairs.set(kind, p);
  }
  return p;
}

const pem = (k: KeyObject, options: KeyExportOptions<'pem'>): string => String(k.export(options));

/** The PEM text of a test key: `rsa-*` and `ec-*` halves of one RSA-2048 and one P-256 pair each. */
export function testKeyPem(name: TestKeyName): string {
  switch (name) {
    case 'rsa-pkcs1':
      return pem(pair('rsa').privateKey, { type: 'pkcs1', format: 'pem' });
    case 'rsa-pkcs8':
      return pem(pair('rsa').privateKey, { type: 'pkcs8', format: 'pem' });
    case 'rsa-pkcs8-encrypted':
      return pem(pair('rsa').privateKey, { type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: TEST_PASSPHRASE });
    case 'rsa-pkcs1-encrypted': // legacy "Proc-Type: 4,ENCRYPTED" PEM
      return pem(pair('rsa').privateKey, { type: 'pkcs1', format: 'pem', cipher: 'aes-256-cbc', passphrase: TEST_PASSPHRASE });
    case 'rsa-public':
      return pem(pair('rsa').publicKey, { type: 'spki', format: 'pem' });
    case 'rsa-public-pkcs1':
      return pem(pair('rsa').publicKey, { type: 'pkcs1', format: 'pem' });
    case 'ec-sec1':
      return pem(pair('ec').privateKey, { type: 'sec1', format: 'pem' });
    case 'ec-pkcs8':
      return pem(pair('ec').privateKey, { type: 'pkcs8', format: 'pem' });
    case 'ec-public':
      return pem(pair('ec').publicKey, { type: 'spki', format: 'pem' });
    case 'ed25519':
      return pem(pair('ed25519').privateKey, { type: 'pkcs8', format: 'pem' });
    case 'rsa-1024':
      return pem(pair('rsa-1024').privateKey, { type: 'pkcs1', format: 'pem' });
    case 'ec-p384':
      return pem(pair('ec-p384').privateKey, { type: 'sec1', format: 'pem' });
    case 'malformed': {
      // The PEM frame is intact, the body is cut short.
      const lines = testKeyPem('rsa-pkcs8').split('\n');
      return [...lines.slice(0, 8), lines.find((l) => l.startsWith('-----END'))!, ''].join('\n');
    }
  }
}
