/**
 * Fetches a playlist body from the origin CloudFront just used: origin-response events carry no body.
 * S3 origins: a SigV4-signed GET (s3-get.ts). Custom origins: HTTP(S) GET with the origin's custom headers
 * (below). Both bounded in time and size by the one GET of origin-get.ts.
 */
import type { CloudFrontCustomOrigin } from 'aws-lambda';
import { OriginFetchError } from '../errors.js';
import { MAX_ORIGIN_PLAYLIST_BYTES, ORIGIN_TIMEOUT_MS } from './config.js';
import { fetched, get } from './origin-get.js';
import type { FetchedBody } from './origin-get.js';

export type { FetchedBody } from './origin-get.js';
export { fetchFromS3 } from './s3-get.js';

function classifyStatus(status: number): OriginFetchError {
  const why = `custom origin answered HTTP ${status}`;
  if (status === 404 || status === 410) return new OriginFetchError('OriginNotFound', why);
  if (status === 401 || status === 403) return new OriginFetchError('OriginForbidden', why);
  if (status === 429 || status >= 500) return new OriginFetchError('OriginUnavailable', why);
  return new OriginFetchError('OriginError', why);
}

/**
 * GETs `path + uri [+ ?query]` from the custom origin of the event, sending the origin's custom headers
 * (they may carry an origin-verify secret). Throws {@link OriginFetchError}.
 */
export async function fetchFromCustomOrigin(origin: CloudFrontCustomOrigin, uri: string, query: string): Promise<FetchedBody> {
  const headers: Record<string, string> = {};
  for (const [name, values] of Object.entries(origin.customHeaders ?? {})) {
    const v = values?.[0]?.value;
    if (v !== undefined) headers[values[0]?.key ?? name] = v;
  }
  headers['accept-encoding'] = 'identity';
  headers['user-agent'] = 'cloudfront-hls origin-response';
  const res = await get({
    protocol: origin.protocol === 'https' ? 'https' : 'http',
    host: origin.domainName,
    port: origin.port,
    path: `${origin.path ?? ''}${uri}${query ? `?${query}` : ''}`,
    headers,
    who: 'custom origin',
    timeoutMs: ORIGIN_TIMEOUT_MS,
    maxBytes: MAX_ORIGIN_PLAYLIST_BYTES,
  });
  if (res.status !== 200) throw classifyStatus(res.status);
  return fetched(res);
}
