/**
 * The private key from AWS Secrets Manager or SSM Parameter Store (SecureString), fetched once and cached
 * with a max age, never logged. Concurrent callers share one in-flight fetch.
 */
import type { KeyObject } from 'node:crypto';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { KeySourceError } from '../errors.js';
import { loadPrivateKey } from '../signer/keys.js';
import type { PrivateKeySource } from './config.js';

/** Supplies the signing key. */
export interface PrivateKeyProvider {
  getKey(): Promise<KeyObject>;
}


/** Options of {@link createPrivateKeyProvider}. */
export interface PrivateKeyProviderOptions {
  source: PrivateKeySource;
  /** Secret name/ARN or parameter name. */
  id: string;
  /** Refetch after this many seconds (0: every call). */
  maxAgeSeconds: number;
  /** Injectable clients (tests, custom endpoints); default: one per provider, created on first use. */
  secretsManager?: SecretsManagerClient;
  ssm?: SSMClient;
}

/** Reads the PEM out of a secret: the whole SecretString, or its JSON field `privateKey`. */
function pemFromSecret(text: string): string {
  const t = text.trim();
  if (!t.startsWith('{')) return t;
  try {
    const v = (JSON.parse(t) as Record<string, unknown>).privateKey;
    if (typeof v === 'string') return v;
  } catch {
    // fall through: not JSON after all
  }
  throw new KeySourceError('the secret is JSON without a string "privateKey" field');
}

async function fetchPem(o: PrivateKeyProviderOptions, clients: { sm?: SecretsManagerClient; ssm?: SSMClient }): Promise<string> {
  if (o.source === 'secretsmanager') {
    clients.sm ??= new SecretsManagerClient({});
    const out = await clients.sm.send(new GetSecretValueCommand({ SecretId: o.id }));
    if (out.SecretString !== undefined) return pemFromSecret(out.SecretString);
    if (out.SecretBinary !== undefined) return pemFromSecret(Buffer.from(out.SecretBinary).toString('utf8'));
    throw new KeySourceError(`secret ${o.id} has no value`);
  }
  clients.ssm ??= new SSMClient({});
  const out = await clients.ssm.send(new GetParameterCommand({ Name: o.id, WithDecryption: true }));
  const value = out.Parameter?.Value;
  if (value === undefined || value === '') throw new KeySourceError(`parameter ${o.id} has no value`);
  return value;
}

/**
 * Creates a cached key provider.
 *
 * @example
 * const keys = createPrivateKeyProvider({ source: 'ssm', id: '/cfhls/private-key', maxAgeSeconds: 300 });
 * const key = await keys.getKey();
 */
export function createPrivateKeyProvider(options: PrivateKeyProviderOptions): PrivateKeyProvider {
  const clients: { sm?: SecretsManagerClient; ssm?: SSMClient } = {
    ...(options.secretsManager !== undefined && { sm: options.secretsManager }),
    ...(options.ssm !== undefined && { ssm: options.ssm }),
  };
  let cached: { key: KeyObject; fetchedAt: number } | undefined;
  let inflight: Promise<KeyObject> | undefined;
  const where = `${options.source === 'ssm' ? 'SSM parameter' : 'secret'} ${options.id}`;

  const refresh = async (): Promise<KeyObject> => {
    let pem: string;
    try {
      pem = await fetchPem(options, clients);
    } catch (err) {
      if (err instanceof KeySourceError) throw err;
      // SDK errors carry a name (AccessDeniedException, ResourceNotFoundException, ...) and no secret.
      throw new KeySourceError(`cannot read the private key from ${where}: ${(err as Error).name ?? 'error'}`, { cause: err });
    }
    try {
      const key = loadPrivateKey(pem);
      cached = { key, fetchedAt: Date.now() };
      return key;
    } catch (err) {
      throw new KeySourceError(`the private key in ${where} is unusable: ${(err as Error).message}`, { cause: err });
    }
  };

  return {
    async getKey() {
      if (cached !== undefined && Date.now() - cached.fetchedAt < options.maxAgeSeconds * 1000) return cached.key;
      inflight ??= refresh().finally(() => {
        inflight = undefined;
      });
      return inflight;
    },
  };
}
