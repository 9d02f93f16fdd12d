/**
 * CloudFront signed-URL credentials as raw query bytes.
 *
 * Values are never decoded or re-encoded: CloudFront compares the exact bytes it signed, and a
 * URLSearchParams round trip turns `~` into `%7E` (and `-`/`_` survive only by luck), breaking the signature.
 */
import { CREDENTIAL_PARAMS, SIGNED_URL_PARAMS } from './params.js';
export type CredentialParam = (typeof SIGNED_URL_PARAMS)[number];

/** Raw (still percent-encoded, exactly as sent) credential values. */
export type Credentials = Partial<Record<CredentialParam, string>>;

/**
 * - `custom`: Policy + Signature + Key-Pair-Id: one signature covers a whole folder, so it can be propagated.
 * - `canned`: Expires without Policy: covers exactly one URL, so it cannot be propagated.
 * - `none`: no usable credentials (absent or incomplete).
 */
export type CredentialKind = 'custom' | 'canned' | 'none';

/** One `name=value` pair of a query string, as raw bytes; `value` is undefined for a bare `name`. */
export interface QueryPair {
  name: string;
  value: string | undefined;
}

/** Splits a query string (without `?`) into raw pairs; empty pieces (`&&`) are dropped. Linear time. */
export function splitQuery(query: string): QueryPair[] {
  const pairs: QueryPair[] = [];
  if (query === '') return pairs;
  for (const piece of query.split('&')) {
    if (piece === '') continue;
    const eq = piece.indexOf('=');
    pairs.push(eq === -1 ? { name: piece, value: undefined } : { name: piece.slice(0, eq), value: piece.slice(eq + 1) });
  }
  return pairs;
}

/**
 * Reads credentials named `<Param><suffix>` from a raw query string.
 * A param that appears more than once is ambiguous (which copy did CloudFront check?), so it is dropped.
 */
export function readCredentials(query: string, suffix = ''): Credentials {
  const found: Credentials = {};
  const seen = new Set<string>();
  const dup = new Set<string>();
  for (const { name, value } of splitQuery(query)) {
    if (!name.endsWith(suffix)) continue;
    const base = suffix === '' ? name : name.slice(0, name.length - suffix.length);
    if (!(SIGNED_URL_PARAMS as readonly string[]).includes(base) || value === undefined || value === '') continue;
    if (seen.has(base)) dup.add(base);
    seen.add(base);
    found[base as CredentialParam] = value;
  }
  for (const name of dup) delete found[name as CredentialParam];
  return found;
}

/** Classifies credentials; see {@link CredentialKind}. */
export function credentialKind(c: Credentials): CredentialKind {
  if (c.Signature === undefined || c['Key-Pair-Id'] === undefined) return 'none';
  if (c.Policy !== undefined) return 'custom';
  if (c.Expires !== undefined) return 'canned';
  return 'none';
}

/** `Policy=...&Signature=...&Key-Pair-Id=...[&Hash-Algorithm=...]` for a custom policy, raw bytes. */
export function credentialQuery(c: Credentials): string {
  const parts: string[] = [];
  for (const name of CREDENTIAL_PARAMS) {
    const value = c[name];
    if (value !== undefined) parts.push(`${name}=${value}`);
  }
  return parts.join('&');
}

/** A query string from raw pairs (the inverse of {@link splitQuery}, byte for byte). */
export function joinQuery(pairs: readonly QueryPair[]): string {
  return pairs.map((p) => (p.value === undefined ? p.name : `${p.name}=${p.value}`)).join('&');
}

const SIGNED = new Set<string>(SIGNED_URL_PARAMS);

/** True for a param CloudFront strips before the origin (`Expires`, `Policy`, `Signature`, `Key-Pair-Id`, `Hash-Algorithm`). */
export function isSignedParam(name: string): boolean {
  return SIGNED.has(name);
}

/**
 * The query without CloudFront's signed-URL params, every other piece byte for byte: what CloudFront forwards
 * from a signed URL, and what a policy's Resource is compared with.
 *
 * @example withoutSignedParams('a=1&Policy=p&Signature=s&Key-Pair-Id=K') // 'a=1'
 */
export function withoutSignedParams(query: string): string {
  return joinQuery(splitQuery(query).filter((p) => !SIGNED.has(p.name)));
}

/** The query without the suffixed copies (`Policy-PREFIX`, ...) that viewer-request adds for origin-response. */
export function withoutSuffixedParams(query: string, suffix: string): string {
  return joinQuery(splitQuery(query).filter((p) => !p.name.endsWith(suffix)));
}
