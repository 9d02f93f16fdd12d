/**
 * Signed URLs and signed cookies.
 *
 * The signature itself comes from `@aws-sdk/cloudfront-signer` (`getSignedCookies`, which signs either its own
 * canned statement or the custom policy string we pass, SHA-1 or SHA-256, RSA or ECDSA). We do not use its
 * `getSignedUrl`: it re-encodes the URL's path and query (`encodeUrlPath`), so the URL it returns can differ
 * from the one the caller asked for, and its canned Resource would then not be the caller's URL. Instead the
 * signed params are appended to the caller's exact URL bytes, in the order the CloudFront documentation shows
 * (Expires|Policy, Signature, Key-Pair-Id, Hash-Algorithm). The custom policy JSON is built here because the
 * SDK only emits a custom policy for the URL itself (no wildcard Resource) and validates IPv4 only.
 */
import type { KeyObject } from 'node:crypto';
import { getSignedCookies } from '@aws-sdk/cloudfront-signer';
import { isSignedParam, splitQuery } from '../cloudfront/index.js';
import { SigningInputError } from '../errors.js';
import { loadPrivateKey } from './keys.js';
import { assertResourceCovers, customPolicyJson, folderResource, normalizeCidr, toEpochSeconds } from './policy.js';

/** Digest used for the signature; SHA256 adds `Hash-Algorithm=SHA256`. */
export type HashAlgorithm = 'SHA1' | 'SHA256';

/** Input of {@link signUrl} and {@link signCookies}. */
export interface SignOptions {
  /** Absolute http(s) URL, already percent-encoded the way the player will request it. */
  url: string;
  /** The CloudFront public key ID (trusted key group member). */
  keyPairId: string;
  /** PEM text or a key from {@link loadPrivateKey} (preferred when signing many URLs: parsed once). */
  privateKey: KeyObject | string | Buffer;
  /** Passphrase for an encrypted PEM. */
  passphrase?: string;
  /** DateLessThan: epoch seconds, a Date or an ISO string. */
  expires: number | Date | string;
  /** DateGreaterThan (custom policy only). */
  notBefore?: number | Date | string;
  /** IpAddress condition: an IPv4/IPv6 address or CIDR block (custom policy only). */
  ipAddress?: string;
  /** Custom-policy Resource; default: the URL's folder plus `*`. */
  resource?: string;
  /** Sign a canned policy (covers exactly this URL; cannot be propagated to child playlist URIs). */
  canned?: boolean;
  /** Default SHA1 (CloudFront's default). */
  hashAlgorithm?: HashAlgorithm;
  /** The current time (Date or epoch ms) for the "expiry in the past" check; default Date.now(). */
  now?: Date | number;
}

/** What a signature covers, without the signature. */
export interface SignedDetails {
  kind: 'canned' | 'custom';
  /** DateLessThan, epoch seconds. */
  expiresAt: number;
  /** The policy Resource (for canned: the URL). */
  resource: string;
  /** The raw query params CloudFront checks, in documented order. Secret-ish: do not log. */
  params: Array<[name: string, value: string]>;
}

/** Cookie names and values CloudFront reads (`CloudFront-Policy` or `CloudFront-Expires`, ...). */
export type SignedCookies = Record<string, string>;

const URL_CHARS = /^[A-Za-z0-9\-._~:/?[\]@!$&'()*+,;=%]+$/;
const KEY_PAIR_ID = /^[A-Za-z0-9._~-]{1,128}$/;

function checkUrl(url: string): void {
  if (!/^https?:\/\/[^/?#]+/i.test(url)) throw new SigningInputError('URL must be an absolute http:// or https:// URL');
  if (!URL_CHARS.test(url)) throw new SigningInputError('URL contains characters that must be percent-encoded (spaces, non-ASCII, quotes, ...)');
  if (url.includes('#')) throw new SigningInputError('URL must not contain a #fragment (it is never sent to CloudFront)');
  const q = url.indexOf('?');
  if (q !== -1) {
    for (const { name } of splitQuery(url.slice(q + 1))) {
      if (isSignedParam(name)) {
        throw new SigningInputError(`URL already carries the signing param ${name}; sign the unsigned URL`);
      }
    }
  }
}

/** Validates the input and signs; the shared core of {@link signUrl} and {@link signCookies}. */
export function signDetailed(options: SignOptions): SignedDetails {
  const { url, keyPairId } = options;
  checkUrl(url);
  if (!KEY_PAIR_ID.test(keyPairId)) throw new SigningInputError('key pair ID must be a CloudFront public key ID such as K2JCJMDEHXQW5F');
  const hash = options.hashAlgorithm ?? 'SHA1';
  if (hash !== 'SHA1' && hash !== 'SHA256') throw new SigningInputError(`hash algorithm must be SHA1 or SHA256, not "${String(hash)}"`);
  const nowS = Math.floor((options.now === undefined ? Date.now() : typeof options.now === 'number' ? options.now : options.now.getTime()) / 1000);
  const expiresAt = toEpochSeconds(options.expires, 'expiry');
  if (expiresAt <= nowS) throw new SigningInputError(`expiry ${new Date(expiresAt * 1000).toISOString()} is not in the future`);
  const notBefore = options.notBefore === undefined ? undefined : toEpochSeconds(options.notBefore, 'not-before');
  if (notBefore !== undefined && notBefore >= expiresAt) throw new SigningInputError('not-before must be earlier than the expiry');
  const ipAddress = options.ipAddress === undefined ? undefined : normalizeCidr(options.ipAddress);
  const key = loadPrivateKey(options.privateKey, options.passphrase === undefined ? {} : { passphrase: options.passphrase });

  // Node's Sign accepts a KeyObject in place of PEM text; the SDK passes the value straight through, and a
  // KeyObject saves one PEM parse per signature. The cast only widens the SDK's declared `string | Buffer`.
  const privateKey = key as unknown as string;
  if (options.canned) {
    if (notBefore !== undefined || ipAddress !== undefined) throw new SigningInputError('a canned policy has no not-before or IP address condition; drop --canned');
    if (options.resource !== undefined && options.resource !== url) throw new SigningInputError('a canned policy covers exactly the signed URL; a different resource needs a custom policy');
    const c = getSignedCookies({ url, dateLessThan: new Date(expiresAt * 1000), keyPairId, privateKey, algorithm: hash });
    const params: Array<[string, string]> = [
      ['Expires', String(c['CloudFront-Expires'])],
      ['Signature', c['CloudFront-Signature']],
      ['Key-Pair-Id', c['CloudFront-Key-Pair-Id']],
    ];
    if (hash === 'SHA256') params.push(['Hash-Algorithm', 'SHA256']);
    return { kind: 'canned', expiresAt, resource: url, params };
  }
  const resource = options.resource ?? folderResource(url);
  assertResourceCovers(resource, url);
  const statement = { resource, dateLessThan: expiresAt, ...(notBefore !== undefined && { dateGreaterThan: notBefore }), ...(ipAddress !== undefined && { ipAddress }) };
  const policy = customPolicyJson(statement);
  const c = getSignedCookies({ policy, keyPairId, privateKey, algorithm: hash });
  const params: Array<[string, string]> = [
    ['Policy', c['CloudFront-Policy']!],
    ['Signature', c['CloudFront-Signature']],
    ['Key-Pair-Id', c['CloudFront-Key-Pair-Id']],
  ];
  if (hash === 'SHA256') params.push(['Hash-Algorithm', 'SHA256']);
  return { kind: 'custom', expiresAt, resource, params };
}

/**
 * Signs a URL. Custom policy by default, covering the URL's folder (`https://host/movies/42/*`), so the
 * credentials can be propagated to every playlist, key and segment of the title.
 *
 * @example
 * const url = signUrl({
 *   url: 'https://d111.cloudfront.net/movies/42/master.m3u8',
 *   keyPairId: 'K2JCJMDEHXQW5F',
 *   privateKey: loadPrivateKey(pem),
 *   expires: Math.floor(Date.now() / 1000) + 6 * 3600,
 * });
 */
export function signUrl(options: SignOptions): string {
  const d = signDetailed(options);
  const sep = options.url.includes('?') ? '&' : '?';
  return options.url + sep + d.params.map(([n, v]) => `${n}=${v}`).join('&');
}

/** The `CloudFront-*` cookie name for a signed-URL param. */
function cookieName(param: string): string {
  return `CloudFront-${param}`;
}

/**
 * Signs cookies: `CloudFront-Policy` (or `CloudFront-Expires` with `canned`), `CloudFront-Signature`,
 * `CloudFront-Key-Pair-Id` and, for SHA-256, `CloudFront-Hash-Algorithm`.
 */
export function signCookies(options: SignOptions): SignedCookies {
  const d = signDetailed(options);
  const out: SignedCookies = {};
  for (const [n, v] of d.params) out[cookieName(n)] = v;
  return out;
}

/** Attributes for {@link setCookieHeaders}. */
export interface CookieAttributes {
  /** Cookie Domain (the distribution's domain name or a parent domain of an alternate domain name). */
  domain?: string;
  /** Default `/`. */
  path?: string;
  /** `SameSite`; default `Lax`. Use `None` for players on another site (requires Secure). */
  sameSite?: 'Strict' | 'Lax' | 'None';
}

/** Set-Cookie header values for signed cookies (always Secure and HttpOnly: scripts never need them). */
export function setCookieHeaders(cookies: SignedCookies, attrs: CookieAttributes = {}): string[] {
  const suffix = [
    ...(attrs.domain !== undefined ? [`Domain=${attrs.domain}`] : []),
    `Path=${attrs.path ?? '/'}`,
    'Secure',
    'HttpOnly',
    `SameSite=${attrs.sameSite ?? 'Lax'}`,
  ].join('; ');
  return Object.entries(cookies).map(([n, v]) => `${n}=${v}; ${suffix}`);
}
