/** Keys in template.yaml: the key group and its PEM parameters, and no key material or credential in the text. */
import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { keyMaterialProblems } from './key-material-checks.js';
import { readTemplate } from './template-file.js';

const { text, template } = readTemplate();

describe('keys', () => {
  it('the key group trusts the key slots, the second one optional, from PEM parameters', () => {
    expect(template.Resources.KeyGroup.Properties.KeyGroupConfig.Items).toEqual([
      { 'Fn::If': ['HasFirstKey', { Ref: 'PublicKey' }, { Ref: 'AWS::NoValue' }] },
      { 'Fn::If': ['HasSecondKey', { Ref: 'SecondPublicKey' }, { Ref: 'AWS::NoValue' }] },
    ]);
    expect(template.Resources.SecondPublicKey.Condition).toBe('HasSecondKey');
    expect(template.Parameters.SecondPublicKeyPem.Default).toBe('');
    expect(template.Parameters.PublicKeyPem.Default).toBeUndefined();
  });

  it('the PEM parameters accept a real public key, in either line form, and refuse a private key', () => {
    const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const pub = publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const pattern = new RegExp(template.Parameters.PublicKeyPem.AllowedPattern);
    expect(pattern.test(pub)).toBe(true);
    expect(pattern.test(pub.replaceAll('\n', '\\n'))).toBe(true);
    expect(pattern.test('')).toBe(true);
    expect(pattern.test(privateKey.export({ type: 'pkcs8', format: 'pem' }).toString())).toBe(false);
  });
});

describe('no secret or key material in the template', () => {
  it('finds none in template.yaml', () => {
    expect(keyMaterialProblems(text)).toEqual([]);
  });

  it('would find a pasted private key, public key, access key id or long base64 secret', () => {
    const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const priv = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const pub = publicKey.export({ type: 'spki', format: 'pem' }).toString();
    expect(keyMaterialProblems(`${text}\n# ${priv.replaceAll('\n', '\n# ')}`)).toContain('a private key header');
    expect(keyMaterialProblems(text.replace("SecondPublicKeyPem:\n    Type: String\n    Default: ''", `SecondPublicKeyPem:\n    Type: String\n    Default: "${pub.replaceAll('\n', '\\n')}"`))).toContain('a PEM block with a body');
    expect(keyMaterialProblems(`${text}\n# AKIA${'Q'.repeat(16)}`)).toEqual(['an AWS access key id']);
    expect(keyMaterialProblems(`${text}\n# ${Buffer.from('x'.repeat(40)).toString('base64')}`)).toHaveLength(1);
  });
});
