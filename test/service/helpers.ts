// Shared test helpers: a real JWT signing key pair, tokens, and a valid signer environment.
import { generateKeyPairSync } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { join } from 'node:path';
import { SignJWT } from 'jose';
import type { JWTPayload } from 'jose';

/** Recorded Lambda events live in test/fixtures/signer/events. */
export const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'signer');

// The CloudFront signing key, generated per test file: the repository holds no private key.
const signer = generateKeyPairSync('rsa', { modulusLength: 2048 });
export const SIGNER_PEM = String(signer.privateKey.export({ type: 'pkcs8', format: 'pem' }));
export const SIGNER_PUBLIC_PEM = String(signer.publicKey.export({ type: 'spki', format: 'pem' }));

export const ISSUER = 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_TEST';
export const AUDIENCE = 'player-app';
export const KID = 'K2JCJMDEHXQW5F';
export const DOMAIN = 'd111111abcdef8.cloudfront.net';
/** 2031-01-01T00:00:00Z */
export const NOW_MS = Date.UTC(2031, 0, 1);

/** The identity provider's signing key (a real RSA pair, made once per test file). */
export const idp: { privateKey: KeyObject; publicKey: KeyObject } = generateKeyPairSync('rsa', { modulusLength: 2048 });

/** A real RS256 JWT; `exp` defaults to one hour after the (possibly frozen) clock. */
export async function token(claims: JWTPayload = {}, opts: { key?: KeyObject; kid?: string; expiresIn?: number; issuer?: string; audience?: string | null } = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  let jwt = new SignJWT({ entitlements: ['movies/42'], ...claims })
    .setProtectedHeader({ alg: 'RS256', ...(opts.kid !== undefined && { kid: opts.kid }) })
    .setIssuer(opts.issuer ?? ISSUER)
    .setSubject('viewer-1')
    .setIssuedAt(now)
    .setExpirationTime(now + (opts.expiresIn ?? 3600));
  if (opts.audience !== null) jwt = jwt.setAudience(opts.audience ?? AUDIENCE);
  return jwt.sign(opts.key ?? idp.privateKey);
}

/** A complete, valid signer environment. */
export function signerEnv(overrides: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  return {
    CFHLS_DISTRIBUTION_DOMAIN: DOMAIN,
    CFHLS_KEY_PAIR_ID: KID,
    CFHLS_PRIVATE_KEY_SOURCE: 'secretsmanager',
    CFHLS_PRIVATE_KEY_ID: 'cfhls/private-key',
    CFHLS_JWT_ISSUER: ISSUER,
    CFHLS_JWT_AUDIENCE: AUDIENCE,
    ...overrides,
  };
}
