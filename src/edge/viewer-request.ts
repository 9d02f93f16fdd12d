/**
 * viewer-request handler: copies the signed-URL params to suffixed names before CloudFront strips them.
 *
 * CloudFront removes Expires, Policy, Signature, Key-Pair-Id (and Hash-Algorithm) before the origin and the
 * origin-facing functions see the request, so origin-response could not propagate them. Copies carry the raw
 * bytes (no URLSearchParams: it re-encodes `~` and breaks signatures). Imports no AWS SDK: this runs on every
 * playlist request and its bundle must stay a few KB.
 */
import type { CloudFrontRequest, CloudFrontRequestEvent } from 'aws-lambda';
import { SIGNED_URL_PARAMS } from '../rewriter/credentials.js';
import { CREDENTIAL_SUFFIX } from './config.js';
import { log } from './log.js';

const SUFFIXED = new Set<string>(SIGNED_URL_PARAMS.map((p) => `${p}${CREDENTIAL_SUFFIX}`));
const ORIGINAL = new Set<string>(SIGNED_URL_PARAMS);

/**
 * Returns the query with every viewer-sent `<Param><suffix>` removed and, unless a credential param appears more
 * than once (ambiguous: which copy did CloudFront check?) or `copy` is false, each present credential appended
 * as `<Param><suffix>=<raw value>`. Every other byte of the query stays as it was.
 *
 * @example suffixCredentials('Policy=eyJ~&Signature=a~b&Key-Pair-Id=K1')
 * // 'Policy=eyJ~&Signature=a~b&Key-Pair-Id=K1&Policy-PREFIX=eyJ~&Signature-PREFIX=a~b&Key-Pair-Id-PREFIX=K1'
 */
export function suffixCredentials(query: string, copy = true): string {
  if (query === '') return query;
  const kept: string[] = [];
  const found = new Map<string, string>();
  let duplicated = false;
  let removed = false;
  for (const piece of query.split('&')) {
    const eq = piece.indexOf('=');
    const name = eq === -1 ? piece : piece.slice(0, eq);
    if (SUFFIXED.has(name)) {
      // Only credentials that reached CloudFront may be propagated: drop what the viewer sent under our names.
      removed = true;
      continue;
    }
    kept.push(piece);
    if (ORIGINAL.has(name)) {
      if (found.has(name)) duplicated = true;
      found.set(name, eq === -1 ? '' : piece.slice(eq + 1));
    }
  }
  const copies: string[] = [];
  if (copy && !duplicated) {
    for (const name of SIGNED_URL_PARAMS) {
      const value = found.get(name);
      if (value !== undefined && value !== '') copies.push(`${name}${CREDENTIAL_SUFFIX}=${value}`);
    }
  }
  if (!removed && copies.length === 0) return query;
  return [...kept, ...copies].join('&');
}

/** CloudFront's limit on the URI plus query string of a request (characters). */
const MAX_URL_LENGTH = 8192;

/**
 * Lambda@Edge viewer-request handler. Never throws: on any surprise the request goes on unchanged (CloudFront
 * still checks the signature; the playlist is then served without propagated credentials).
 */
export async function handler(event: CloudFrontRequestEvent): Promise<CloudFrontRequest> {
  const request = event.Records[0]!.cf.request;
  try {
    const query = suffixCredentials(request.querystring ?? '');
    if (request.uri.length + 1 + query.length < MAX_URL_LENGTH) {
      request.querystring = query;
    } else {
      // The copies would push the URL past CloudFront's limit (the request would fail): send the playlist
      // unrewritten instead, without any viewer-sent suffixed params.
      request.querystring = suffixCredentials(request.querystring ?? '', false);
      log('warn', 'viewer-request', 'credentials not copied: the URL would exceed CloudFront\'s length limit', {
        requestId: event.Records[0]?.cf.config.requestId,
        length: request.uri.length + 1 + query.length,
      });
    }
  } catch (err) {
    log('error', 'viewer-request', 'unexpected error; request passed on unchanged', {
      requestId: event.Records[0]?.cf.config.requestId,
      error: err,
    });
  }
  return request;
}
