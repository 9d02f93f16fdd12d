/**
 * A verifier that checks signed URLs and signed cookies the way CloudFront does, for the local edge and tests.
 * It answers with the 403 code CloudFront would use (MissingKey, InvalidKey, MalformedPolicy,
 * MalformedSignature, AccessDenied) and CloudFront's message text; `detail` says which check failed.
 */
import { verify as cryptoVerify } from 'node:crypto';
import { InvalidOptionError } from '../errors.js';
import type { KeyObject } from 'node:crypto';
import { cfBase64Decode, isSignedParam, readCredentials, SIGNED_URL_PARAMS, splitQuery, splitUrl, withoutSignedParams } from '../cloudfront/index.js';
import type { Credentials } from '../cloudfront/index.js';
import { loadPublicKey } from './keys.js';
import { cannedPolicyJson, ipInCidr, parsePolicy } from './policy.js';
import { PolicyParseError } from '../errors.js';
import type { PolicyStatement } from './policy.js';
import { resourceCovers } from './wildcard.js';

/** CloudFront's 403 error codes for signed requests. */
export type VerifyErrorCode = 'MissingKey' | 'AccessDenied' | 'MalformedPolicy' | 'InvalidKey' | 'MalformedSignature';

/** Outcome of {@link verifySignedUrl}. */
export type VerifyResult =
  | { ok: true; keyPairId: string; kind: 'canned' | 'custom'; expiresAt: number /* epoch s */ }
  | { ok: false; code: VerifyErrorCode; message: string; /** Which check failed (not CloudFront text; never holds secrets). */ detail?: string };

/** Options of {@link verifySignedUrl}. */
export interface VerifyOptions {
  /** Trusted keys: Key-Pair-Id -> public key PEM (SubjectPublicKeyInfo) or KeyObject. */
  keys: Record<string, string | KeyObject>;
  /** Current time: a Date or epoch ms; default Date.now(). */
  now?: Date | number;
  /** The viewer's IP address, for policies with an IpAddress condition. */
  clientIp?: string;
  /** Signed cookies (`CloudFront-Policy`, `CloudFront-Signature`, ...), used when the URL carries no signed params. */
  cookies?: Record<string, string>;
}

/** CloudFront's messages per code (as its 403 XML bodies show them). */
const MESSAGES: Record<VerifyErrorCode, string> = {
  MissingKey: 'Missing Key-Pair-Id query parameter or cookie value',
  InvalidKey: 'Unknown Key',
  MalformedPolicy: 'Malformed Policy',
  MalformedSignature: 'Malformed Signature',
  AccessDenied: 'Access denied',
};

function fail(code: VerifyErrorCode, detail: string): VerifyResult {
  return { ok: false, code, message: MESSAGES[code], detail };
}

// Parsed public keys by PEM text: the local edge verifies every request with the same few keys.
const keyCache = new Map<string, KeyObject>();
function publicKeyFor(k: string | KeyObject): KeyObject {
  if (typeof k !== 'string') return loadPublicKey(k);
  let key = keyCache.get(k);
  if (key === undefined) {
    key = loadPublicKey(k);
    if (keyCache.size > 256) keyCache.clear();
    keyCache.set(k, key);
  }
  return key;
}

/** Credentials from signed cookies (`CloudFront-<Param>`). */
function cookieCredentials(cookies: Record<string, string>): Credentials {
  const found: Credentials = {};
  for (const name of SIGNED_URL_PARAMS) {
    const v = cookies[`CloudFront-${name}`];
    if (v !== undefined && v !== '') found[name] = v;
  }
  return found;
}

/** The URL's query and the URL a policy's Resource is compared with (CloudFront removes its own params). */
function resourceOf(url: string): { query: string; resourceUrl: string } {
  const { path, query } = splitUrl(url);
  const kept = withoutSignedParams(query);
  return { query, resourceUrl: kept === '' ? path : `${path}?${kept}` };
}

/** The URL's credentials when it carries any signed param, else the signed cookies'. */
function credentialsOf(query: string, cookies: Record<string, string> | undefined): Credentials {
  const urlHasCredentials = splitQuery(query).some((p) => isSignedParam(p.name));
  return urlHasCredentials ? readCredentials(query) : cookies ? cookieCredentials(cookies) : {};
}

/** The digest and the decoded signature, or the failure. */
function signatureOf(creds: Credentials): { hash: 'sha1' | 'sha256'; signature: Buffer } | VerifyResult {
  const hashParam = creds['Hash-Algorithm'];
  const hash = hashParam === undefined || hashParam === 'SHA1' ? 'sha1' : hashParam === 'SHA256' ? 'sha256' : undefined;
  if (hash === undefined) return fail('MalformedSignature', 'unsupported Hash-Algorithm');
  if (creds.Signature === undefined) return fail('MalformedSignature', 'no Signature');
  const signature = cfBase64Decode(creds.Signature);
  if (signature === undefined || signature.length === 0) return fail('MalformedSignature', 'Signature is not URL-safe base64');
  return { hash, signature };
}

interface SignedPolicy {
  kind: 'canned' | 'custom';
  statement: PolicyStatement;
  /** The bytes the signature is over. */
  signed: Buffer;
}

/** The custom policy (Policy) or the canned one (Expires, for exactly this URL), or the failure. */
function policyOf(creds: Credentials, resourceUrl: string): SignedPolicy | VerifyResult {
  if (creds.Policy !== undefined) {
    const bytes = cfBase64Decode(creds.Policy);
    if (bytes === undefined) return fail('MalformedPolicy', 'Policy is not URL-safe base64');
    try {
      return { kind: 'custom', statement: parsePolicy(bytes.toString('utf8')), signed: bytes };
    } catch (err) {
      if (err instanceof PolicyParseError) return fail('MalformedPolicy', err.message);
      throw err;
    }
  }
  if (creds.Expires === undefined) return fail('MalformedPolicy', 'neither Policy nor Expires');
  if (!/^\d{1,12}$/.test(creds.Expires)) return fail('MalformedPolicy', 'Expires is not epoch seconds');
  const expires = Number(creds.Expires);
  return { kind: 'canned', statement: { resource: resourceUrl, dateLessThan: expires }, signed: Buffer.from(cannedPolicyJson(resourceUrl, expires), 'utf8') };
}

/** `options.now` in epoch seconds. */
function nowSeconds(now: VerifyOptions['now']): number {
  const nowMs = now === undefined ? Date.now() : typeof now === 'number' ? now : now.getTime();
  // Epoch seconds passed by mistake would read as January 1970 and let expired URLs through.
  if (!Number.isFinite(nowMs) || nowMs < 1e11) {
    throw new InvalidOptionError('now must be a Date or epoch milliseconds (this looks like seconds)');
  }
  return Math.floor(nowMs / 1000);
}

/** The policy's conditions: dates, IP address and (custom policies) Resource; `undefined` when all hold. */
function conditionFailure(policy: SignedPolicy, resourceUrl: string, options: VerifyOptions): VerifyResult | undefined {
  const { statement } = policy;
  const nowS = nowSeconds(options.now);
  if (nowS >= statement.dateLessThan) return fail('AccessDenied', 'expired (DateLessThan)');
  if (statement.dateGreaterThan !== undefined && nowS < statement.dateGreaterThan) return fail('AccessDenied', 'not yet valid (DateGreaterThan)');
  if (statement.ipAddress !== undefined && (options.clientIp === undefined || !ipInCidr(options.clientIp, statement.ipAddress))) {
    return fail('AccessDenied', 'client IP outside IpAddress');
  }
  if (policy.kind === 'custom' && !resourceCovers(statement.resource, resourceUrl)) return fail('AccessDenied', 'Resource does not cover the URL');
  return undefined;
}

/**
 * Checks a signed URL (or, when the URL carries no signing params, signed cookies) as CloudFront would.
 * Throws only for a malformed entry in `keys` (a configuration error); every request problem is a result.
 *
 * @example
 * const r = verifySignedUrl(url, { keys: { K2JCJMDEHXQW5F: publicPem }, clientIp: '203.0.113.7' });
 * if (!r.ok) return { status: 403, body: cloudFrontErrorXml(r.code, r.message) };
 */
export function verifySignedUrl(url: string, options: VerifyOptions): VerifyResult {
  const { query, resourceUrl } = resourceOf(url);
  const creds = credentialsOf(query, options.cookies);
  const keyPairId = creds['Key-Pair-Id'];
  if (keyPairId === undefined) return fail('MissingKey', 'no Key-Pair-Id');
  const configured = Object.hasOwn(options.keys, keyPairId) ? options.keys[keyPairId] : undefined;
  if (configured === undefined) return fail('InvalidKey', 'Key-Pair-Id is not a trusted key');
  const key = publicKeyFor(configured);

  const sig = signatureOf(creds);
  if ('ok' in sig) return sig;
  const policy = policyOf(creds, resourceUrl);
  if ('ok' in policy) return policy;
  let valid: boolean;
  try {
    valid = cryptoVerify(sig.hash, policy.signed, key, sig.signature);
  } catch {
    return fail('MalformedSignature', 'Signature cannot be decoded for this key type');
  }
  if (!valid) return fail('AccessDenied', 'signature does not match');

  const failure = conditionFailure(policy, resourceUrl, options);
  if (failure !== undefined) return failure;
  return { ok: true, keyPairId, kind: policy.kind, expiresAt: policy.statement.dateLessThan };
}

function xmlEscape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

/** CloudFront's 403 body for a failed signed request. */
export function cloudFrontErrorXml(code: string, message: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${xmlEscape(code)}</Code><Message>${xmlEscape(message)}</Message></Error>`;
}
