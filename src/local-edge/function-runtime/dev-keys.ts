/**
 * The dev key pair `npm start` signs with: generated on first run into .dev-keys/ (gitignored), reused after.
 * Never printed; only the Key-Pair-Id and the file names are.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { generateKeyPair } from '../../signer/index.js';

export interface DevKeys {
  keyPairId: string;
  privateKeyPem: string;
  publicKeyPem: string;
  dir: string;
  /** True when this call generated them. */
  created: boolean;
}

/** A CloudFront-looking public key id (`K` + 13 upper-case letters/digits). */
export function randomKeyPairId(): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
  return `K${[...randomBytes(13)].map((b) => alphabet[b % alphabet.length]).join('')}`;
}

/** Reads .dev-keys/{private.pem,public.pem,key-pair-id} under `dir`, generating them when absent. */
export function ensureDevKeys(dir: string): DevKeys {
  const priv = join(dir, 'private.pem');
  const pub = join(dir, 'public.pem');
  const idFile = join(dir, 'key-pair-id');
  if (existsSync(priv) && existsSync(pub) && existsSync(idFile)) {
    return { keyPairId: readFileSync(idFile, 'utf8').trim(), privateKeyPem: readFileSync(priv, 'utf8'), publicKeyPem: readFileSync(pub, 'utf8'), dir, created: false };
  }
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const pair = generateKeyPair({ type: 'rsa' });
  const keyPairId = randomKeyPairId();
  writeFileSync(priv, pair.privateKeyPem, { mode: 0o600 });
  chmodSync(priv, 0o600);
  writeFileSync(pub, pair.publicKeyPem);
  writeFileSync(idFile, `${keyPairId}\n`);
  writeFileSync(join(dir, 'README'), 'Dev signing keys for `npm start` (cloudfront-hls serve). Local use only; never deploy them.\n');
  return { keyPairId, privateKeyPem: pair.privateKeyPem, publicKeyPem: pair.publicKeyPem, dir, created: true };
}
