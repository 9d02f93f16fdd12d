/**
 * Bearer JWT authentication against a JWKS (Cognito or any OIDC issuer) with `jose`: signature, issuer,
 * audience and expiry are all checked. Only asymmetric algorithms are accepted (a JWKS never holds HMAC keys,
 * and accepting HS* would invite algorithm confusion).
 */
import type { KeyObject } from 'node:crypto';
import { createRemoteJWKSet, errors, jwtVerify } from 'jose';
import type { JWTPayload, JWTVerifyGetKey } from 'jose';

const ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'];

/** Outcome of authentication. */
export type AuthResult =
  | { ok: true; claims: JWTPayload }
  /** missing: no credentials; invalid: a token that fails a check; unavailable: the JWKS could not be fetched. */
  | { ok: false; reason: 'missing' | 'invalid' | 'unavailable' };

/** Checks an `Authorization` header value. */
export type Authenticator = (authorization: string | undefined) => Promise<AuthResult>;

/** Options of {@link createJwtAuthenticator}. */
export interface JwtAuthOptions {
  issuer: string;
  /** Accepted `aud` values; a Cognito access token (no `aud`) matches through its `client_id`. */
  audience: string[];
  /** JWKS endpoint; used unless `key` is given. */
  jwksUrl?: string;
  /** A key or key resolver instead of the remote JWKS (tests, pinned keys). */
  key?: JWTVerifyGetKey | KeyObject | CryptoKey;
  /** Allowed clock skew in seconds (default 5). */
  clockToleranceSeconds?: number;
}

/**
 * Creates an authenticator. The remote JWKS is fetched lazily and cached by `jose` (refetched on an unknown
 * `kid`, at most every 30 s).
 *
 * @example
 * const auth = createJwtAuthenticator({ issuer, audience: ['my-app'], jwksUrl: `${issuer}/.well-known/jwks.json` });
 * const r = await auth(event.headers.authorization);
 */
export function createJwtAuthenticator(options: JwtAuthOptions): Authenticator {
  const key =
    options.key ??
    createRemoteJWKSet(new URL(options.jwksUrl ?? `${options.issuer.replace(/\/+$/, '')}/.well-known/jwks.json`), {
      timeoutDuration: 3000,
      cooldownDuration: 30_000,
      cacheMaxAge: 10 * 60_000,
    });
  const audience = new Set(options.audience);
  return async (authorization) => {
    if (authorization === undefined || authorization.trim() === '') return { ok: false, reason: 'missing' };
    const m = /^Bearer +([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+) *$/i.exec(authorization);
    if (!m) return { ok: false, reason: 'invalid' };
    let claims: JWTPayload;
    try {
      const verifyOptions = { issuer: options.issuer, algorithms: ALGORITHMS, requiredClaims: ['exp'], clockTolerance: options.clockToleranceSeconds ?? 5 };
      // The overloads differ only in the key's type; both return the verified payload.
      const r = typeof key === 'function' ? await jwtVerify(m[1]!, key, verifyOptions) : await jwtVerify(m[1]!, key, verifyOptions);
      claims = r.payload;
    } catch (err) {
      // jose throws its base JOSEError (code ERR_JOSE_GENERIC) for a non-200 or non-JSON JWKS response.
      if (err instanceof errors.JWKSTimeout || err instanceof errors.JWKSInvalid || (err instanceof errors.JOSEError && err.code === 'ERR_JOSE_GENERIC')) {
        return { ok: false, reason: 'unavailable' };
      }
      if (err instanceof errors.JOSEError) return { ok: false, reason: 'invalid' };
      // fetch failures (network) are not the viewer's fault
      return { ok: false, reason: 'unavailable' };
    }
    const aud = claims.aud === undefined ? [] : Array.isArray(claims.aud) ? claims.aud : [claims.aud];
    const clientId = typeof claims.client_id === 'string' ? claims.client_id : undefined;
    const audOk = aud.some((a) => audience.has(a)) || (aud.length === 0 && clientId !== undefined && audience.has(clientId));
    if (!audOk) return { ok: false, reason: 'invalid' };
    return { ok: true, claims };
  };
}
