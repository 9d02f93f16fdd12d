/**
 * The credentials of a CloudFront signed URL and the one rule that carries them past CloudFront: viewer-request
 * copies each credential to a `-PREFIX` name (CloudFront strips the originals before the origin and the origin
 * events see the request), origin-response reads the copies back. Both halves of that contract live here.
 *
 * Values are raw query bytes, never decoded or re-encoded: CloudFront compares the exact bytes it signed, and a
 * URLSearchParams round trip turns `~` into `%7E`, breaking the signature.
 *
 * Written for the CloudFront Functions runtime 2.0 too (the viewer-request CloudFront Function bundles this
 * file): ES 5.1 plus a listed subset of later features (const/let, arrow functions, template literals), so no
 * Map/Set, for-of, spread or classes here.
 * https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/functions-javascript-runtime-20.html
 */
import { CREDENTIAL_PARAMS, CREDENTIAL_SUFFIX, SIGNED_URL_PARAMS } from './params.js';

export type CredentialParam = (typeof SIGNED_URL_PARAMS)[number];

/** Raw (still percent-encoded, exactly as sent) credential values. */
export type Credentials = Partial<Record<CredentialParam, string>>;

/**
 * - `custom`: Policy + Signature + Key-Pair-Id: one signature covers a whole folder, so it can be propagated.
 * - `canned`: Expires without Policy: covers exactly one URL, so it cannot be propagated.
 * - `none`: no usable credentials (absent or incomplete).
 */
export type CredentialKind = 'custom' | 'canned' | 'none';

/**
 * CloudFront's "Maximum length of a URL" (8,192 bytes; URI and query reach the functions percent-encoded, so one
 * character is one byte). https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/cloudfront-limits.html#limits-general
 */
export const MAX_URL_LENGTH = 8192;

const ORIGINAL: readonly string[] = SIGNED_URL_PARAMS;
const SUFFIXED: readonly string[] = SIGNED_URL_PARAMS.map((p) => `${p}${CREDENTIAL_SUFFIX}`);

/**
 * One pass over a raw query: for each of `names` (index i), its raw value in `found[i]` ('' for a bare name) and
 * `duplicated[i]` when it appeared more than once; `kept`, every piece byte for byte except those named in
 * `dropNames` (`dropped` says whether there were any).
 */
function scanCredentials(query: string, names: readonly string[], dropNames?: readonly string[]) {
  const kept: string[] = [];
  const found: Array<string | undefined> = [];
  const duplicated: boolean[] = [];
  let dropped = false;
  const pieces = query === '' ? [] : query.split('&');
  for (let i = 0; i < pieces.length; i++) {
    const piece = pieces[i]!;
    const eq = piece.indexOf('=');
    const name = eq === -1 ? piece : piece.slice(0, eq);
    if (dropNames !== undefined && dropNames.indexOf(name) !== -1) {
      dropped = true;
      continue;
    }
    kept.push(piece);
    const at = names.indexOf(name);
    if (at === -1) continue;
    if (found[at] !== undefined) duplicated[at] = true;
    found[at] = eq === -1 ? '' : piece.slice(eq + 1);
  }
  return { kept, found, duplicated, dropped };
}

/**
 * viewer-request's half. Returns the query with every viewer-sent `<Param>-PREFIX` removed (only credentials that
 * reached CloudFront may be propagated) and, unless a credential param appears more than once (ambiguous: which
 * copy did CloudFront check?) or `copy` is false, each present credential appended as `<Param>-PREFIX=<raw value>`.
 * Every other byte of the query stays as it was.
 *
 * @example suffixCredentials('Policy=eyJ~&Signature=a~b&Key-Pair-Id=K1')
 * // 'Policy=eyJ~&Signature=a~b&Key-Pair-Id=K1&Policy-PREFIX=eyJ~&Signature-PREFIX=a~b&Key-Pair-Id-PREFIX=K1'
 */
export function suffixCredentials(query: string, copy?: boolean): string {
  const scan = scanCredentials(query, ORIGINAL, SUFFIXED);
  let copied = 0;
  if (copy !== false && scan.duplicated.length === 0) {
    for (let i = 0; i < ORIGINAL.length; i++) {
      const value = scan.found[i];
      if (value !== undefined && value !== '') {
        scan.kept.push(`${SUFFIXED[i]}=${value}`);
        copied++;
      }
    }
  }
  if (!scan.dropped && copied === 0) return query;
  return scan.kept.join('&');
}

/**
 * The query viewer-request sends on for a request to `uri`: {@link suffixCredentials}, or, when the copies would
 * push the URL past CloudFront's length limit (the request would fail), the query without any suffixed params and
 * `copied: false` (the playlist is then served unrewritten).
 */
export function suffixedQuery(uri: string, query: string): { query: string; copied: boolean; length: number } {
  const withCopies = suffixCredentials(query);
  const length = uri.length + 1 + withCopies.length;
  if (length < MAX_URL_LENGTH) return { query: withCopies, copied: true, length };
  return { query: suffixCredentials(query, false), copied: false, length };
}

/**
 * origin-response's half (and, with no suffix, how the signer, the local edge and the CLI read a signed URL):
 * the credentials named `<Param><suffix>` in a raw query. A param that appears more than once is ambiguous
 * (which copy did CloudFront check?), so it is dropped; so is an empty one.
 */
export function readCredentials(query: string, suffix?: string): Credentials {
  const names = suffix === undefined || suffix === '' ? ORIGINAL : ORIGINAL.map((p) => p + suffix);
  const scan = scanCredentials(query, names);
  const credentials: Credentials = {};
  for (let i = 0; i < ORIGINAL.length; i++) {
    const value = scan.found[i];
    if (value !== undefined && value !== '' && scan.duplicated[i] !== true) credentials[ORIGINAL[i] as CredentialParam] = value;
  }
  return credentials;
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
  for (let i = 0; i < CREDENTIAL_PARAMS.length; i++) {
    const name = CREDENTIAL_PARAMS[i]!;
    const value = c[name];
    if (value !== undefined) parts.push(`${name}=${value}`);
  }
  return parts.join('&');
}
