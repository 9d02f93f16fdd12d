import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { createPrivateKeyProvider, KeySourceError } from '../../src/service/index.js';
import { freezeClock } from '../helpers/clock.js';
import { NOW_MS, SIGNER_PEM } from './helpers.js';
import { mockAwsClient } from '../helpers/aws-mock.js';

const sm = mockAwsClient(SecretsManagerClient);
const ssm = mockAwsClient(SSMClient);

freezeClock(NOW_MS);
beforeEach(() => {
  sm.reset();
  ssm.reset();
});

describe('createPrivateKeyProvider with Secrets Manager', () => {
  it('fetches the key once for many calls, including concurrent ones', async () => {
    sm.on(GetSecretValueCommand).resolves({ SecretString: SIGNER_PEM });
    const p = createPrivateKeyProvider({ source: 'secretsmanager', id: 'cfhls/key', maxAgeSeconds: 300 });
    const keys = await Promise.all(Array.from({ length: 20 }, () => p.getKey()));
    for (let i = 0; i < 50; i++) keys.push(await p.getKey());
    expect(new Set(keys).size).toBe(1);
    expect(sm).toHaveReceivedCommandTimes(GetSecretValueCommand, 1);
    expect(sm).toHaveReceivedCommandWith(GetSecretValueCommand, { SecretId: 'cfhls/key' });
  });

  it('fetches again once the max age has passed', async () => {
    sm.on(GetSecretValueCommand).resolves({ SecretString: SIGNER_PEM });
    const p = createPrivateKeyProvider({ source: 'secretsmanager', id: 'cfhls/key', maxAgeSeconds: 300 });
    await p.getKey();
    vi.setSystemTime(NOW_MS + 299_999);
    await p.getKey();
    expect(sm).toHaveReceivedCommandTimes(GetSecretValueCommand, 1);
    vi.setSystemTime(NOW_MS + 300_000);
    await p.getKey();
    expect(sm).toHaveReceivedCommandTimes(GetSecretValueCommand, 2);
  });

  it('reads the privateKey field of a JSON secret and a binary secret', async () => {
    sm.on(GetSecretValueCommand).resolvesOnce({ SecretString: JSON.stringify({ privateKey: SIGNER_PEM }) }).resolvesOnce({ SecretBinary: Buffer.from(SIGNER_PEM) });
    const p = createPrivateKeyProvider({ source: 'secretsmanager', id: 'k', maxAgeSeconds: 0 });
    expect((await p.getKey()).asymmetricKeyType).toBe('rsa');
    expect((await p.getKey()).asymmetricKeyType).toBe('rsa');
  });

  it('names the source, not the key, when the secret holds a public key', async () => {
    sm.on(GetSecretValueCommand).resolves({ SecretString: '-----BEGIN PUBLIC KEY-----\nMFkw\n-----END PUBLIC KEY-----' });
    const p = createPrivateKeyProvider({ source: 'secretsmanager', id: 'cfhls/key', maxAgeSeconds: 300 });
    await expect(p.getKey()).rejects.toThrowError(/secret cfhls\/key is unusable: .*public key/);
  });

  it('does not cache a failure: the next call fetches again', async () => {
    const denied = Object.assign(new Error('User is not authorized'), { name: 'AccessDeniedException' });
    sm.on(GetSecretValueCommand).rejectsOnce(denied).resolves({ SecretString: SIGNER_PEM });
    const p = createPrivateKeyProvider({ source: 'secretsmanager', id: 'cfhls/key', maxAgeSeconds: 300 });
    await expect(p.getKey()).rejects.toThrowError(KeySourceError);
    await expect(p.getKey()).resolves.toBeDefined();
    expect(sm).toHaveReceivedCommandTimes(GetSecretValueCommand, 2);
  });
});

describe('createPrivateKeyProvider with SSM Parameter Store', () => {
  it('reads a SecureString with decryption, once for many calls', async () => {
    ssm.on(GetParameterCommand).resolves({ Parameter: { Name: '/cfhls/key', Type: 'SecureString', Value: SIGNER_PEM } });
    const p = createPrivateKeyProvider({ source: 'ssm', id: '/cfhls/key', maxAgeSeconds: 60 });
    for (let i = 0; i < 25; i++) await p.getKey();
    expect(ssm).toHaveReceivedCommandTimes(GetParameterCommand, 1);
    expect(ssm).toHaveReceivedCommandWith(GetParameterCommand, { Name: '/cfhls/key', WithDecryption: true });
    expect(sm).toHaveReceivedCommandTimes(GetSecretValueCommand, 0);
  });

  it('reports an empty parameter', async () => {
    ssm.on(GetParameterCommand).resolves({ Parameter: { Name: '/cfhls/key' } });
    const p = createPrivateKeyProvider({ source: 'ssm', id: '/cfhls/key', maxAgeSeconds: 60 });
    await expect(p.getKey()).rejects.toThrowError(/parameter \/cfhls\/key has no value/);
  });
});
