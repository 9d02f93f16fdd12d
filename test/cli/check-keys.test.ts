import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { keySlotProblems } from '../../src/cli/commands/check-keys.js';
import { main } from '../../src/cli/main.js';
import { memoryIo } from './io.js';

const pem = (): string => generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
const A = pem();
const B = pem();
const oneLine = (p: string): string => p.trimEnd().replaceAll('\n', '\\n');

describe('key slot changes', () => {
  it('allows each step of the add, switch, retire rotation', () => {
    // 1: new key into the empty slot 2; still signing with slot 1.
    expect(keySlotProblems({ PublicKeyPem: A, SecondPublicKeyPem: '', SigningKeySlot: '1' }, { SecondPublicKeyPem: B })).toEqual([]);
    // 2: a later deployment signs with it.
    expect(keySlotProblems({ PublicKeyPem: A, SecondPublicKeyPem: B, SigningKeySlot: '1' }, { SigningKeySlot: '2' })).toEqual([]);
    // 3: retire slot 1 after SignedUrlTtlSeconds.
    expect(keySlotProblems({ PublicKeyPem: A, SecondPublicKeyPem: B, SigningKeySlot: '2' }, { PublicKeyPem: '' })).toEqual([]);
    // The next rotation goes the other way, through the now empty slot 1.
    expect(keySlotProblems({ PublicKeyPem: '', SecondPublicKeyPem: B, SigningKeySlot: '2' }, { PublicKeyPem: A })).toEqual([]);
    expect(keySlotProblems({ PublicKeyPem: A, SecondPublicKeyPem: B, SigningKeySlot: '2' }, { SigningKeySlot: '1' })).toEqual([]);
  });

  it('refuses a deployment that adds a key and signs with it at once', () => {
    const problems = keySlotProblems({ PublicKeyPem: A, SecondPublicKeyPem: '', SigningKeySlot: '1' }, { SecondPublicKeyPem: B, SigningKeySlot: '2' });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^SigningKeySlot 2 would sign with the key this same deployment adds to slot 2/);
    expect(problems[0]).toMatch(/Deploy the new key with SigningKeySlot=1 first, then switch SigningKeySlot to 2 in a later deployment/);
    // The same when the signing slot was already 2 (emptied earlier) and its new key arrives now.
    expect(keySlotProblems({ PublicKeyPem: A, SecondPublicKeyPem: '', SigningKeySlot: '1' }, { PublicKeyPem: '', SecondPublicKeyPem: B, SigningKeySlot: '2' }))
      .toEqual([expect.stringMatching(/^SigningKeySlot 2 would sign with the key this same deployment adds/)]);
  });

  it('allows the very first deployment to add a key and sign with it', () => {
    expect(keySlotProblems({ PublicKeyPem: '', SecondPublicKeyPem: '' }, { PublicKeyPem: A, SigningKeySlot: '1' })).toEqual([]);
  });

  it('treats the one-line and the multi-line form of the same key as unchanged', () => {
    expect(keySlotProblems({ PublicKeyPem: oneLine(A), SigningKeySlot: '1' }, { PublicKeyPem: A })).toEqual([]);
  });

  it('refuses a different key in a slot that holds one, naming the way that works', () => {
    const problems = keySlotProblems({ PublicKeyPem: A, SecondPublicKeyPem: '', SigningKeySlot: '1' }, { PublicKeyPem: B });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/PublicKeyPem \(key slot 1\) already holds a different public key/);
    expect(problems[0]).toMatch(/CannotChangeImmutablePublicKeyFields/);
    expect(problems[0]).toMatch(/put the new key in slot 2 \(one deployment\), switch to SigningKeySlot=2 \(the next\)/);
  });

  it('refuses signing from an empty slot', () => {
    expect(keySlotProblems({ PublicKeyPem: A, SigningKeySlot: '1' }, { PublicKeyPem: '' })).toEqual([
      'SigningKeySlot is 1 but key slot 1 would be empty: the signer would have no key CloudFront trusts.',
    ]);
  });
});

describe('cloudfront-hls check-keys', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cfhls-keys-'));
  writeFileSync(join(dir, 'a.pem'), A);
  writeFileSync(join(dir, 'b.pem'), B);
  // What `aws cloudformation describe-stacks --query 'Stacks[0].Parameters' --output json` prints.
  const deployed = JSON.stringify([
    { ParameterKey: 'PublicKeyPem', ParameterValue: oneLine(A) },
    { ParameterKey: 'SecondPublicKeyPem', ParameterValue: '' },
    { ParameterKey: 'SigningKeySlot', ParameterValue: '1' },
    { ParameterKey: 'JwtIssuer', ParameterValue: 'https://auth.example.com/' },
  ]);
  writeFileSync(join(dir, 'deployed.json'), deployed);

  it('exits 1 with the reason for an in-place change', async () => {
    const io = memoryIo();
    expect(await main(['check-keys', '--deployed', join(dir, 'deployed.json'), '--public-key-pem', join(dir, 'b.pem')], io)).toBe(1);
    expect(io.err()).toMatch(/cannot change a public key in place/);
  });

  it('exits 0 for the next rotation step, reading describe-stacks from stdin', async () => {
    const io = memoryIo(JSON.stringify({ Stacks: [{ Parameters: JSON.parse(deployed) }] }));
    expect(await main(['check-keys', '--deployed', '-', '--second-public-key-pem', join(dir, 'b.pem')], io)).toBe(0);
    expect(io.out()).toMatch(/^ok:/);
  });

  it('exits 1 when the same step would also sign with the new key', async () => {
    const io = memoryIo();
    expect(await main(['check-keys', '--deployed', join(dir, 'deployed.json'), '--second-public-key-pem', join(dir, 'b.pem'), '--signing-key-slot', '2'], io)).toBe(1);
    expect(io.err()).toMatch(/would sign with the key this same deployment adds/);
  });

  it('exits 2 on bad usage', async () => {
    const io = memoryIo();
    expect(await main(['check-keys', '--public-key-pem', 'x'], io)).toBe(2);
    expect(io.err()).toMatch(/--deployed is required/);
  });
});
