import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.js';
import { loadPrivateKey, verifySignedUrl } from '../../src/signer/index.js';
import { freezeClock } from '../helpers/clock.js';
import { FIXTURES, fixture, KID, MASTER, NOW_MS } from './fixtures.js';
import { vectorKey } from './seeded-keys.js';

const PASS = 'test-passphrase';
// The CLI reads key files: the seeded test key is written to a temporary directory for this file's run only.
let keyDir: string;
beforeAll(() => {
  keyDir = mkdtempSync(join(tmpdir(), 'cfhls-cli-keys-'));
  const key = vectorKey('rsa');
  writeFileSync(join(keyDir, 'rsa-pkcs1.pem'), String(key.export({ type: 'pkcs1', format: 'pem' })), { mode: 0o600 });
  writeFileSync(join(keyDir, 'rsa-pkcs8-encrypted.pem'), String(key.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: PASS })), { mode: 0o600 });
});
afterAll(() => {
  rmSync(keyDir, { recursive: true, force: true });
});

async function run(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(argv, { stdin: new PassThrough(), stdout: { write: (c) => (out += String(c)) }, stderr: { write: (c) => (err += String(c)) } });
  return { code, out, err };
}

freezeClock(NOW_MS);

describe('cloudfront-hls keygen', () => {
  it('writes a private key with mode 0600 and the matching public key', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cfhls-keygen-'));
    const r = await run(['keygen', '--type', 'ecdsa', '--out', dir]);
    expect(r.code).toBe(0);
    expect(statSync(join(dir, 'private_key.pem')).mode & 0o777).toBe(0o600);
    const key = loadPrivateKey(readFileSync(join(dir, 'private_key.pem'), 'utf8'));
    expect(key.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
    expect(readFileSync(join(dir, 'public_key.pem'), 'utf8')).toMatch(/^-----BEGIN PUBLIC KEY-----/);
    expect(r.out).not.toContain('BEGIN');
  });

  it('refuses to overwrite an existing key without --force', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cfhls-keygen-'));
    expect((await run(['keygen', '--out', dir])).code).toBe(0);
    const again = await run(['keygen', '--out', dir]);
    expect(again.code).toBe(2);
    expect(again.err).toMatch(/already exists/);
    expect((await run(['keygen', '--out', dir, '--force'])).code).toBe(0);
  });

  it('rejects an unknown key type', async () => {
    expect((await run(['keygen', '--type', 'ed25519'])).code).toBe(2);
  });
});

describe('cloudfront-hls sign', () => {
  const key = (): string => join(keyDir, 'rsa-pkcs1.pem');
  const keys = { [KID]: fixture('rsa-public.pem') };

  it('prints a custom-policy URL for the folder that the verifier accepts on a sibling file', async () => {
    const r = await run(['sign', '--url', MASTER, '--key-pair-id', KID, '--private-key', key(), '--expires-in', '600', '--hash', 'sha256']);
    expect(r.code).toBe(0);
    const url = r.out.trim();
    const sibling = url.replace('master.m3u8', 'v1/seg.ts');
    expect(verifySignedUrl(sibling, { keys, now: NOW_MS })).toMatchObject({ ok: true, kind: 'custom', expiresAt: NOW_MS / 1000 + 600 });
    expect(verifySignedUrl(sibling, { keys, now: NOW_MS + 600_000 })).toMatchObject({ ok: false, code: 'AccessDenied' });
  });

  it('prints a canned URL with --canned', async () => {
    const r = await run(['sign', '--url', MASTER, '--key-pair-id', KID, '--private-key', key(), '--canned', '--expires', '2033-01-01T00:00:00Z']);
    expect(r.out).toMatch(/\?Expires=1988150400&Signature=/);
    expect(verifySignedUrl(r.out.trim(), { keys, now: NOW_MS })).toMatchObject({ ok: true, kind: 'canned' });
  });

  it('prints three Set-Cookie lines with --cookies', async () => {
    const r = await run(['sign', '--url', MASTER, '--key-pair-id', KID, '--private-key', key(), '--cookies']);
    const lines = r.out.trim().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^Set-Cookie: CloudFront-Policy=[^;]+; Domain=d111111abcdef8\.cloudfront\.net; Path=\/; Secure; HttpOnly/);
  });

  it('says an expiry in milliseconds looks like milliseconds', async () => {
    const r = await run(['sign', '--url', MASTER, '--key-pair-id', KID, '--private-key', key(), '--expires', String(NOW_MS + 60_000)]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/looks like milliseconds/);
  });

  it('names the key problem in one line without key bytes', async () => {
    const r = await run(['sign', '--url', MASTER, '--key-pair-id', KID, '--private-key', join(FIXTURES, 'rsa-public.pem')]);
    expect(r.code).toBe(1);
    expect(r.err.trim().split('\n')).toHaveLength(1);
    expect(r.err).toMatch(/public key, not a private key/);
  });

  it('reads the passphrase of an encrypted key from the environment', async () => {
    vi.stubEnv('CFHLS_TEST_PASS', PASS);
    try {
      const args = ['sign', '--url', MASTER, '--key-pair-id', KID, '--private-key', join(keyDir, 'rsa-pkcs8-encrypted.pem')];
      expect((await run(args)).err).toMatch(/encrypted and no passphrase/);
      const r = await run([...args, '--passphrase-env', 'CFHLS_TEST_PASS']);
      expect(verifySignedUrl(r.out.trim(), { keys, now: NOW_MS }).ok).toBe(true);
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it('requires --url, --key-pair-id and --private-key', async () => {
    expect((await run(['sign', '--key-pair-id', KID, '--private-key', key()])).code).toBe(2);
    expect((await run(['sign', '--url', MASTER, '--private-key', key()])).code).toBe(2);
    expect((await run(['sign', '--url', MASTER, '--key-pair-id', KID])).code).toBe(2);
  });
});

describe('cloudfront-hls sign --help', () => {
  it('says which URLs it signs as the signer accepts them: http:// as well as https://', async () => {
    const help = await run(['sign', '--help']);
    expect(help.out).toMatch(/--url URL\s+the URL to sign \(percent-encoded, absolute http:\/\/ or https:\/\//);
    const signed = await run(['sign', '--url', 'http://127.0.0.1:8080/movies/42/master.m3u8', '--key-pair-id', KID, '--private-key', join(keyDir, 'rsa-pkcs1.pem')]);
    expect(signed.code).toBe(0);
    expect(signed.out).toMatch(/^http:\/\/127\.0\.0\.1:8080\/movies\/42\/master\.m3u8\?Policy=/);
  });
});
