/** The keys a local edge trusts and signs with: the caller's, or a fresh key pair. */
import type { KeyObject } from 'node:crypto';
import { generateKeyPair } from '../../signer/index.js';
import { randomKeyPairId } from './dev-keys.js';
import { LocalEdgeConfigError } from '../../errors.js';

/** A private key and its CloudFront Key-Pair-Id. */
export interface SigningKey {
  keyPairId: string;
  privateKeyPem: string;
}

export interface EdgeKeys {
  /** Key-Pair-Id -> public key the edge accepts signatures from. */
  trusted: Record<string, string | KeyObject>;
  /** What `sign()` and the signer endpoint sign with; undefined when only public keys were given. */
  signingKey: SigningKey | undefined;
}

/**
 * Neither option: a fresh RSA key pair, trusted and used for signing. `keys` alone: verify only.
 * `signingKey` without `keys` is refused (the edge would not know which public keys to trust).
 */
export function resolveEdgeKeys(keys: Record<string, string | KeyObject> | undefined, signingKey: SigningKey | undefined): EdgeKeys {
  if (keys === undefined) {
    if (signingKey !== undefined) throw new LocalEdgeConfigError('signingKey given without keys (the public keys the edge trusts)');
    const pair = generateKeyPair({ type: 'rsa' });
    const generated = { keyPairId: randomKeyPairId(), privateKeyPem: pair.privateKeyPem };
    return { trusted: { [generated.keyPairId]: pair.publicKeyPem }, signingKey: generated };
  }
  if (Object.keys(keys).length === 0) throw new LocalEdgeConfigError('no trusted public keys');
  return { trusted: keys, signingKey };
}
