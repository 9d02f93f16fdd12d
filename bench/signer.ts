/**
 * Signer benchmarks: signatures per second (RSA-2048 SHA-1/SHA-256, ECDSA P-256) through `signUrl`, against
 * the bare `crypto.sign` baseline in the same run, and the signer service's time per call with a warm key and
 * JWKS cache (target: under 2 ms beyond one signature).
 */
import { generateKeyPairSync, sign as cryptoSign } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { SignJWT } from 'jose';
import { createJwtAuthenticator } from '../src/service/auth.js';
import { loadConfig } from '../src/service/config.js';
import { createSignerService } from '../src/service/service.js';
import { generateKeyPair, loadPrivateKey } from '../src/signer/keys.js';
import { signUrl } from '../src/signer/sign.js';
import type { HashAlgorithm } from '../src/signer/sign.js';

/** Runs `fn` repeatedly for about `ms` milliseconds; returns operations per second. */
async function measure(ms: number, fn: () => unknown | Promise<unknown>): Promise<number> {
  for (let i = 0; i < 20; i++) await fn(); // warm up
  let n = 0;
  const start = performance.now();
  let now = start;
  while (now - start < ms) {
    for (let i = 0; i < 10; i++) await fn();
    n += 10;
    now = performance.now();
  }
  return (n * 1000) / (now - start);
}

const fmt = (x: number): string => x.toFixed(0).padStart(8);

export async function run(opts: { quick: boolean }): Promise<void> {
  const ms = opts.quick ? 250 : 2000;
  const rsa = loadPrivateKey(generateKeyPair({ type: 'rsa' }).privateKeyPem);
  const ec = loadPrivateKey(generateKeyPair({ type: 'ecdsa' }).privateKeyPem);
  const url = 'https://d111111abcdef8.cloudfront.net/movies/42/master.m3u8';
  const expires = Math.floor(Date.now() / 1000) + 3600;
  const policy = Buffer.from(`{"Statement":[{"Resource":"https://d111111abcdef8.cloudfront.net/movies/42/*","Condition":{"DateLessThan":{"AWS:EpochTime":${expires}}}}]}`);

  console.log('signer: signatures per second (signUrl, custom policy) vs bare crypto.sign');
  const cases: Array<[string, KeyObject, HashAlgorithm]> = [
    ['RSA-2048 SHA-1  ', rsa, 'SHA1'],
    ['RSA-2048 SHA-256', rsa, 'SHA256'],
    ['ECDSA P-256 SHA-256', ec, 'SHA256'],
  ];
  let rsaSha1PerSig = 0;
  for (const [name, key, hash] of cases) {
    const base = await measure(ms, () => cryptoSign(hash === 'SHA1' ? 'sha1' : 'sha256', policy, key));
    const ours = await measure(ms, () => signUrl({ url, keyPairId: 'K2JCJMDEHXQW5F', privateKey: key, expires, hashAlgorithm: hash }));
    if (name.startsWith('RSA-2048 SHA-1')) rsaSha1PerSig = 1000 / ours;
    console.log(`  ${name.padEnd(20)} ${fmt(ours)}/s  (crypto.sign ${fmt(base)}/s, ratio ${(ours / base).toFixed(2)})`);
  }

  // Service handler, warm: key already fetched, JWT key resolved; JWT verification is part of every call.
  const idp = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const config = loadConfig({
    CFHLS_DISTRIBUTION_DOMAIN: 'd111111abcdef8.cloudfront.net',
    CFHLS_KEY_PAIR_ID: 'K2JCJMDEHXQW5F',
    CFHLS_PRIVATE_KEY_SOURCE: 'secretsmanager',
    CFHLS_PRIVATE_KEY_ID: 'bench',
    CFHLS_JWT_ISSUER: 'https://issuer.example.com',
    CFHLS_JWT_AUDIENCE: 'bench',
  });
  const handle = createSignerService({
    config,
    keys: { getKey: async () => rsa },
    authenticate: createJwtAuthenticator({ ...config.jwt, key: idp.publicKey }),
    log: () => undefined,
  });
  const jwt = await new SignJWT({ entitlements: ['movies/42'] })
    .setProtectedHeader({ alg: 'RS256' })
    .setIssuer('https://issuer.example.com')
    .setAudience('bench')
    .setExpirationTime('1h')
    .sign(idp.privateKey);
  const req = { method: 'GET', path: '/api/sign', query: { content: 'movies/42' }, headers: { authorization: `Bearer ${jwt}` } };
  const first = await handle(req);
  if (first.status !== 200) throw new Error(`bench: signer handler answered ${first.status}`);
  const perSec = await measure(ms, () => handle(req));
  const perCall = 1000 / perSec;
  console.log(
    `  signer handler (warm)   ${(perCall * 1000).toFixed(0).padStart(6)} µs/call = one RSA-2048 SHA-1 signUrl ${(rsaSha1PerSig * 1000).toFixed(0)} µs ` +
      `+ ${((perCall - rsaSha1PerSig) * 1000).toFixed(0)} µs (target < 2000 µs)`,
  );
}

// Allow `tsx bench/signer.ts` on its own.
if (import.meta.url === `file://${process.argv[1]}`) await run({ quick: process.argv.includes('--quick') });
