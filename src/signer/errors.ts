/**
 * Errors of the signer. Messages name the problem, never the key, signature or policy bytes.
 */
import { CloudFrontHlsError } from '../errors.js';

/** A private or public key that cannot be used to sign or verify CloudFront URLs. */
export class KeyFormatError extends CloudFrontHlsError {
  /** What is wrong, for callers that branch on it. */
  readonly problem: 'malformed' | 'encrypted' | 'public-key' | 'wrong-type' | 'wrong-size' | 'bad-passphrase';
  constructor(problem: KeyFormatError['problem'], message: string, options?: { cause?: unknown }) {
    super('InvalidKeyFile', message, options);
    this.name = 'KeyFormatError';
    this.problem = problem;
  }
}

/** Signing input that would produce a URL CloudFront rejects (expiry in the past, resource not covering the URL, ...). */
export class SigningInputError extends CloudFrontHlsError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('InvalidSigningInput', message, options);
    this.name = 'SigningInputError';
  }
}
