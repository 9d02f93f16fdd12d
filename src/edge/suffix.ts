/**
 * The viewer-request rule, shared by the Lambda@Edge handler (src/edge/viewer-request.ts) and the CloudFront
 * Function (src/cloudfront-functions/viewer-request.ts) so the two cannot drift.
 *
 * Written for both runtimes: the CloudFront Functions runtime 2.0 is ES 5.1 plus a listed subset of later features
 * (const/let, arrow functions, template literals, rest parameters), so no Map/Set, for-of, spread or classes here.
 * https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/functions-javascript-runtime-20.html
 */
import { SIGNED_URL_PARAMS } from '../cloudfront/params.js';
import { CREDENTIAL_SUFFIX } from './config.js';

/** CloudFront's limit on the URI plus query string of a request (characters). */
export const MAX_URL_LENGTH = 8192;

const ORIGINAL: readonly string[] = SIGNED_URL_PARAMS;
const SUFFIXED: readonly string[] = SIGNED_URL_PARAMS.map((p) => `${p}${CREDENTIAL_SUFFIX}`);

/**
 * Returns the query with every viewer-sent `<Param><suffix>` removed and, unless a credential param appears more
 * than once (ambiguous: which copy did CloudFront check?) or `copy` is false, each present credential appended
 * as `<Param><suffix>=<raw value>`. Every other byte of the query stays as it was.
 *
 * @example suffixCredentials('Policy=eyJ~&Signature=a~b&Key-Pair-Id=K1')
 * // 'Policy=eyJ~&Signature=a~b&Key-Pair-Id=K1&Policy-PREFIX=eyJ~&Signature-PREFIX=a~b&Key-Pair-Id-PREFIX=K1'
 */
export function suffixCredentials(query: string, copy?: boolean): string {
  if (query === '') return query;
  const pieces = query.split('&');
  const kept: string[] = [];
  const found: Array<string | undefined> = [];
  let duplicated = false;
  let removed = false;
  for (let i = 0; i < pieces.length; i++) {
    const piece = pieces[i]!;
    const eq = piece.indexOf('=');
    const name = eq === -1 ? piece : piece.slice(0, eq);
    if (SUFFIXED.indexOf(name) !== -1) {
      // Only credentials that reached CloudFront may be propagated: drop what the viewer sent under our names.
      removed = true;
      continue;
    }
    kept.push(piece);
    const at = ORIGINAL.indexOf(name);
    if (at !== -1) {
      if (found[at] !== undefined) duplicated = true;
      found[at] = eq === -1 ? '' : piece.slice(eq + 1);
    }
  }
  let copied = 0;
  if (copy !== false && !duplicated) {
    for (let i = 0; i < ORIGINAL.length; i++) {
      const value = found[i];
      if (value !== undefined && value !== '') {
        kept.push(`${SUFFIXED[i]}=${value}`);
        copied++;
      }
    }
  }
  if (!removed && copied === 0) return query;
  return kept.join('&');
}

/**
 * The query to send on for a request to `uri`: {@link suffixCredentials}, or, when the copies would push the URL
 * past CloudFront's length limit (the request would fail), the query without any suffixed params and
 * `copied: false` (the playlist is then served unrewritten).
 */
export function suffixedQuery(uri: string, query: string): { query: string; copied: boolean; length: number } {
  const withCopies = suffixCredentials(query);
  const length = uri.length + 1 + withCopies.length;
  if (length < MAX_URL_LENGTH) return { query: withCopies, copied: true, length };
  return { query: suffixCredentials(query, false), copied: false, length };
}
