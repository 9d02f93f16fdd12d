/**
 * Raw query strings: splitting, joining and stripping CloudFront's signed-URL params (the credentials
 * themselves are read in credentials.ts).
 *
 * Values are never decoded or re-encoded: CloudFront compares the exact bytes it signed, and a
 * URLSearchParams round trip turns `~` into `%7E` (and `-`/`_` survive only by luck), breaking the signature.
 */
import { SIGNED_URL_PARAMS } from './params.js';

/** One `name=value` pair of a query string, as raw bytes; `value` is undefined for a bare `name`. */
export interface QueryPair {
  name: string;
  value: string | undefined;
}

/** A URL's part before `?` and its raw query (without `?`), the fragment dropped; nothing decoded. */
export function splitUrl(url: string): { path: string; query: string } {
  const hash = url.indexOf('#');
  const head = hash === -1 ? url : url.slice(0, hash);
  const q = head.indexOf('?');
  return q === -1 ? { path: head, query: '' } : { path: head.slice(0, q), query: head.slice(q + 1) };
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
