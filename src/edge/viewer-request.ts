/**
 * viewer-request handler: copies the signed-URL params to suffixed names before CloudFront strips them.
 *
 * CloudFront removes Expires, Policy, Signature, Key-Pair-Id (and Hash-Algorithm) before the origin and the
 * origin-facing functions see the request, so origin-response could not propagate them. Copies carry the raw
 * bytes (no URLSearchParams: it re-encodes `~` and breaks signatures). Imports no AWS SDK: this runs on every
 * playlist request and its bundle must stay a few KB.
 */
import type { CloudFrontRequest, CloudFrontRequestEvent } from 'aws-lambda';
import { suffixedQuery } from '../cloudfront/credentials.js';
import { log } from './log.js';

export { suffixCredentials } from '../cloudfront/credentials.js';

/**
 * Lambda@Edge viewer-request handler. Never throws: on any surprise the request goes on unchanged (CloudFront
 * still checks the signature; the playlist is then served without propagated credentials).
 */
export async function handler(event: CloudFrontRequestEvent): Promise<CloudFrontRequest> {
  const request = event.Records[0]!.cf.request;
  try {
    const next = suffixedQuery(request.uri, request.querystring ?? '');
    request.querystring = next.query;
    if (!next.copied) {
      // The copies would push the URL past CloudFront's length limit (the request would fail): the playlist is
      // sent unrewritten instead, without any viewer-sent suffixed params.
      log('warn', 'viewer-request', 'credentials not copied: the URL would exceed CloudFront\'s length limit', {
        requestId: event.Records[0]?.cf.config.requestId,
        length: next.length,
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
