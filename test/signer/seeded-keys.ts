/**
 * Test-only private keys derived deterministically from a short seed, so the repository holds no private key
 * (project rule) while the openssl interop vectors still need the exact key openssl signed with (RSA PKCS#1 v1.5
 * signatures are deterministic). scripts/make-signer-vectors.sh derives the same keys through this module.
 *
 * Derivation (changing it invalidates test/fixtures/signer; rerun the script):
 * - byte stream: SHA-256(seed || 0x00 || label || 0x00 || uint32be(counter)), counter = 0, 1, 2, ...
 * - RSA-2048: 128-byte candidates with the two top bits and the low bit set, small-prime sieve, p - 1 coprime
 *   to e = 65537, Miller-Rabin over the first 8 prime bases; p from label "p", q from label "q";
 *   d = e^-1 mod lcm(p - 1, q - 1), as FIPS 186-4 and OpenSSL 3 do.
 * - ECDSA P-256: d = (first 40 bytes of the stream mod (n - 1)) + 1; x, y from node's ECDH.
 *
 * These keys are public by construction: never use them for a distribution.
 */
import { createECDH, createHash, createPrivateKey } from 'node:crypto';
import type { KeyObject } from 'node:crypto';

/** Seeds of the keys behind test/fixtures/signer/vectors.json. */
export const VECTOR_KEY_SEEDS = {
  rsa: 'cloudfront-hls test-only vector key rsa-2048 v1',
  ecdsa: 'cloudfront-hls test-only vector key ecdsa-p256 v1',
} as const;

export type VectorKeyKind = keyof typeof VECTOR_KEY_SEEDS;

/** Deterministic byte stream: SHA-256 in counter mode over seed and label. */
function byteStream(seed: string, label: string): (n: number) => Buffer {
  let counter = 0;
  let pool = Buffer.alloc(0);
  return (n) => {
    while (pool.length < n) {
      const ctr = Buffer.alloc(4);
      ctr.writeUInt32BE(counter++);
      const block = createHash('sha256').update(seed).update(Buffer.from([0])).update(label).update(Buffer.from([0])).update(ctr).digest();
      pool = Buffer.concat([pool, block]);
    }
    const out = pool.subarray(0, n);
    pool = pool.subarray(n);
    return out;
  };
}

const toBig = (b: Buffer): bigint => BigInt(`0x${b.toString('hex') || '0'}`);

/** base^exp mod m with a fixed 4-bit window (one table lookup per hex digit of the exponent). */
function modPow(base: bigint, exp: bigint, mod: bigint): bigint {
  const table = [1n];
  for (let i = 1; i < 16; i++) table.push((table[i - 1]! * base) % mod);
  let r = 1n;
  for (const digit of exp.toString(16)) {
    for (let i = 0; i < 4; i++) r = (r * r) % mod;
    const k = parseInt(digit, 16);
    if (k !== 0) r = (r * table[k]!) % mod;
  }
  return r;
}

function modInverse(a: bigint, m: bigint): bigint {
  let [oldR, r] = [a % m, m];
  let [oldS, s] = [1n, 0n];
  while (r !== 0n) {
    const q = oldR / r;
    [oldR, r] = [r, oldR - q * r];
    [oldS, s] = [s, oldS - q * s];
  }
  if (oldR !== 1n) throw new Error('not invertible');
  return ((oldS % m) + m) % m;
}

const gcd = (a: bigint, b: bigint): bigint => (b === 0n ? a : gcd(b, a % b));

const SMALL_PRIMES: bigint[] = (() => {
  const limit = 2000;
  const sieve = new Uint8Array(limit + 1);
  const out: bigint[] = [];
  for (let i = 2; i <= limit; i++) {
    if (sieve[i]) continue;
    out.push(BigInt(i));
    for (let j = i * i; j <= limit; j += i) sieve[j] = 1;
  }
  return out;
})();
// FIPS 186-4 table C.2 asks 5 rounds for random 1024-bit candidates; 8 fixed bases keep the derivation deterministic.
const MR_BASES = SMALL_PRIMES.slice(0, 8);
const E = 65537n;

function isProbablePrime(n: bigint): boolean {
  for (const p of SMALL_PRIMES) if (n % p === 0n) return n === p;
  let d = n - 1n;
  let s = 0;
  while ((d & 1n) === 0n) {
    d >>= 1n;
    s++;
  }
  next: for (const a of MR_BASES) {
    let x = modPow(a, d, n);
    if (x === 1n || x === n - 1n) continue;
    for (let i = 1; i < s; i++) {
      x = (x * x) % n;
      if (x === n - 1n) continue next;
    }
    return false;
  }
  return true;
}

function derivePrime(seed: string, label: string, bytes: number): bigint {
  const next = byteStream(seed, label);
  for (;;) {
    const c = Buffer.from(next(bytes));
    c[0]! |= 0xc0; // two top bits: the product of two such primes has exactly 16 * bytes bits
    c[bytes - 1]! |= 1;
    const p = toBig(c);
    if ((p - 1n) % E !== 0n && isProbablePrime(p)) return p;
  }
}

const b64u = (n: bigint, length = 0): string => {
  let hex = n.toString(16);
  if (hex.length % 2) hex = `0${hex}`;
  return Buffer.from(hex.padStart(length * 2, '0'), 'hex').toString('base64url');
};

/** An RSA-2048 private key derived from `seed` (see the module comment). Takes a fraction of a second. */
export function deriveRsaKey(seed: string): KeyObject {
  let p = derivePrime(seed, 'p', 128);
  let q = derivePrime(seed, 'q', 128);
  if (p === q) throw new Error('seed produced equal primes');
  if (p < q) [p, q] = [q, p];
  const lambda = ((p - 1n) * (q - 1n)) / gcd(p - 1n, q - 1n);
  const d = modInverse(E, lambda);
  const jwk = {
    kty: 'RSA',
    n: b64u(p * q),
    e: b64u(E),
    d: b64u(d),
    p: b64u(p),
    q: b64u(q),
    dp: b64u(d % (p - 1n)),
    dq: b64u(d % (q - 1n)),
    qi: b64u(modInverse(q, p)),
  };
  return createPrivateKey({ key: jwk, format: 'jwk' });
}

const P256_N = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;

/** An ECDSA P-256 private key derived from `seed` (see the module comment). */
export function deriveEcKey(seed: string): KeyObject {
  const d = (toBig(byteStream(seed, 'd')(40)) % (P256_N - 1n)) + 1n;
  const dBuf = Buffer.from(d.toString(16).padStart(64, '0'), 'hex');
  const ecdh = createECDH('prime256v1');
  ecdh.setPrivateKey(dBuf);
  const pub = ecdh.getPublicKey(); // 0x04 || x || y
  const jwk = {
    kty: 'EC',
    crv: 'P-256',
    d: dBuf.toString('base64url'),
    x: pub.subarray(1, 33).toString('base64url'),
    y: pub.subarray(33, 65).toString('base64url'),
  };
  return createPrivateKey({ key: jwk, format: 'jwk' });
}

const cache = new Map<VectorKeyKind, KeyObject>();

/** The key behind the openssl vectors, derived once per process. */
export function vectorKey(kind: VectorKeyKind): KeyObject {
  let key = cache.get(kind);
  if (key === undefined) {
    key = kind === 'rsa' ? deriveRsaKey(VECTOR_KEY_SEEDS.rsa) : deriveEcKey(VECTOR_KEY_SEEDS.ecdsa);
    cache.set(kind, key);
  }
  return key;
}
