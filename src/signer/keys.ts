/**
 * Key handling: loading private keys in every PEM form OpenSSL and the AWS console produce, the public key
 * form CloudFront's PublicKey resource takes (SubjectPublicKeyInfo PEM), and key-pair generation.
 *
 * CloudFront trusted key groups accept RSA-2048 and ECDSA P-256 public keys only, so other types and sizes are
 * rejected here with a message that says so, rather than producing URLs CloudFront will refuse.
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, KeyObject } from 'node:crypto';
import { KeyFormatError } from '../errors.js';

/** Key types CloudFront accepts in a trusted key group. */
export type SignerKeyType = 'rsa' | 'ecdsa';

/** Options for {@link loadPrivateKey}. */
export interface LoadPrivateKeyOptions {
  /** Passphrase of an encrypted PEM (PKCS#8 `ENCRYPTED PRIVATE KEY` or legacy `Proc-Type: 4,ENCRYPTED`). */
  passphrase?: string;
}

const PEM_LABEL = /-----BEGIN ([A-Z0-9 ]+)-----/;

/** Throws unless the key is RSA-2048 or EC P-256 (`what` is "private key" or "public key"). */
function assertCloudFrontKeyType(key: KeyObject, what: string): void {
  const type = key.asymmetricKeyType;
  const details = key.asymmetricKeyDetails ?? {};
  if (type === 'rsa') {
    if (details.modulusLength !== 2048) {
      throw new KeyFormatError('wrong-size', `${what} is RSA-${details.modulusLength ?? '?'}; CloudFront key groups take RSA-2048 or ECDSA P-256 keys only`);
    }
    return;
  }
  if (type === 'ec') {
    if (details.namedCurve !== 'prime256v1') {
      throw new KeyFormatError('wrong-size', `${what} is ECDSA on curve ${details.namedCurve ?? '?'}; CloudFront key groups take ECDSA P-256 (prime256v1) or RSA-2048 keys only`);
    }
    return;
  }
  throw new KeyFormatError('wrong-type', `${what} is of type ${type ?? 'unknown'}; CloudFront key groups take RSA-2048 or ECDSA P-256 keys only`);
}

/**
 * Loads a PEM private key (PKCS#1 `RSA PRIVATE KEY`, SEC1 `EC PRIVATE KEY` or PKCS#8 `PRIVATE KEY` /
 * `ENCRYPTED PRIVATE KEY`) and checks it is a key CloudFront can verify. Every failure is one
 * {@link KeyFormatError} naming the problem; OpenSSL's own error text is kept only as `cause`.
 *
 * @example
 * const key = loadPrivateKey(readFileSync('private_key.pem', 'utf8'));
 */
export function loadPrivateKey(pem: string | Buffer | KeyObject, options: LoadPrivateKeyOptions = {}): KeyObject {
  if (pem instanceof KeyObject) {
    if (pem.type !== 'private') throw new KeyFormatError('public-key', 'the key is a public key; signing needs the private key');
    assertCloudFrontKeyType(pem, 'private key');
    return pem;
  }
  const text = (typeof pem === 'string' ? pem : pem.toString('utf8')).trim();
  const label = PEM_LABEL.exec(text)?.[1];
  if (label === undefined) throw new KeyFormatError('malformed', 'the private key is not PEM (expected a "-----BEGIN ... PRIVATE KEY-----" block)');
  if (label === 'PUBLIC KEY' || label === 'RSA PUBLIC KEY' || label === 'CERTIFICATE') {
    throw new KeyFormatError('public-key', `the file holds a ${label.toLowerCase()}, not a private key; sign with the private key and upload the public key to CloudFront`);
  }
  if (label === 'OPENSSH PRIVATE KEY') {
    throw new KeyFormatError('malformed', 'OpenSSH private keys are not supported; convert with `ssh-keygen -p -m PEM -f FILE` or create one with `cloudfront-hls keygen`');
  }
  if (!label.endsWith('PRIVATE KEY')) throw new KeyFormatError('malformed', `the PEM block is "${label}", not a private key`);
  const encrypted = label === 'ENCRYPTED PRIVATE KEY' || /Proc-Type:\s*4,ENCRYPTED/.test(text);
  if (encrypted && options.passphrase === undefined) {
    throw new KeyFormatError('encrypted', 'the private key is encrypted and no passphrase was given');
  }
  let key: KeyObject;
  try {
    key = createPrivateKey(encrypted ? { key: text, format: 'pem', passphrase: options.passphrase } : { key: text, format: 'pem' });
  } catch (err) {
    if (encrypted) throw new KeyFormatError('bad-passphrase', 'the private key could not be decrypted (wrong passphrase?)', { cause: err });
    throw new KeyFormatError('malformed', `the ${label} PEM block is damaged and cannot be parsed`, { cause: err });
  }
  assertCloudFrontKeyType(key, 'private key');
  return key;
}

/**
 * Loads a public key for verification: SubjectPublicKeyInfo (`PUBLIC KEY`), PKCS#1 (`RSA PUBLIC KEY`), or a
 * private key (its public half is used).
 */
export function loadPublicKey(pem: string | Buffer | KeyObject): KeyObject {
  let key: KeyObject;
  if (pem instanceof KeyObject) {
    key = pem.type === 'private' ? createPublicKey(pem) : pem;
  } else {
    const text = (typeof pem === 'string' ? pem : pem.toString('utf8')).trim();
    if (!PEM_LABEL.test(text)) throw new KeyFormatError('malformed', 'the public key is not PEM (expected "-----BEGIN PUBLIC KEY-----")');
    try {
      key = createPublicKey({ key: text, format: 'pem' });
    } catch (err) {
      throw new KeyFormatError('malformed', 'the public key PEM cannot be parsed', { cause: err });
    }
  }
  if (key.type === 'secret') throw new KeyFormatError('wrong-type', 'a secret key is not a public key');
  assertCloudFrontKeyType(key, 'public key');
  return key;
}

/** The SubjectPublicKeyInfo PEM CloudFront's `AWS::CloudFront::PublicKey` `EncodedKey` takes. */
export function publicKeyPem(key: KeyObject): string {
  const pub = key.type === 'private' ? createPublicKey(key) : key;
  return pub.export({ type: 'spki', format: 'pem' }).toString();
}

/** A generated key pair as PEM text. */
export interface GeneratedKeyPair {
  type: SignerKeyType;
  /** PKCS#8 PEM. Secret: store it in Secrets Manager or SSM SecureString, never in a template or log. */
  privateKeyPem: string;
  /** SubjectPublicKeyInfo PEM, ready for CloudFront's PublicKey `EncodedKey`. */
  publicKeyPem: string;
}

/**
 * Generates an RSA-2048 (default) or ECDSA P-256 key pair for CloudFront.
 *
 * @example
 * const { privateKeyPem, publicKeyPem } = generateKeyPair({ type: 'ecdsa' });
 */
export function generateKeyPair(options: { type?: SignerKeyType } = {}): GeneratedKeyPair {
  const type = options.type ?? 'rsa';
  let pair: { privateKey: string; publicKey: string };
  if (type === 'rsa') pair = generateKeyPairSync('rsa', {
      modulusLength: 2048,
      publicExponent: 0x10001,
      publicKeyEncoding: { type: 'spki', format: 'pem' },
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    });
  else if (type === 'ecdsa') pair = generateKeyPairSync('ec', {
      namedCurve: 'prime256v1',
      publicKeyEncoding: { type: 'spki', format: 'pem' },
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    });
  else throw new KeyFormatError('wrong-type', `key type must be "rsa" or "ecdsa", not "${String(type)}"`);
  return { type, privateKeyPem: pair.privateKey, publicKeyPem: pair.publicKey };
}
