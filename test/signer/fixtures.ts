// Loads the openssl-made fixtures of test/fixtures/signer (see scripts/make-signer-vectors.sh): vectors and public
// keys only. The private keys are derived at test time (seeded-keys.ts) or generated (test-keys.ts).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'signer');

export function fixture(name: string): string {
  return readFileSync(join(FIXTURES, name), 'utf8');
}

export interface Vector {
  name: string;
  /** The seeded key openssl signed with (seeded-keys.ts). */
  key: 'rsa' | 'ecdsa';
  hash: 'SHA1' | 'SHA256';
  url: string;
  kind: 'canned' | 'custom';
  expires: number;
  keyPairId: string;
  resource?: string;
  notBefore?: number;
  ipAddress?: string;
  policy: string;
  signedUrl: string;
}

export const vectors: Vector[] = JSON.parse(fixture('vectors.json')) as Vector[];
export const ecdsaNodeSigned: Array<{ hash: 'SHA1' | 'SHA256'; url: string }> = JSON.parse(fixture('ecdsa-node-signed.json')) as Array<{ hash: 'SHA1' | 'SHA256'; url: string }>;

/** 2031-01-01T00:00:00Z in epoch ms: before every vector's expiry, after its not-before. */
export const NOW_MS = Date.UTC(2031, 0, 1);
export const KID = 'K2JCJMDEHXQW5F';
export const MASTER = 'https://d111111abcdef8.cloudfront.net/movies/42/master.m3u8';
