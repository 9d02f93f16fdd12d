/**
 * CloudFront's own compression, as the developer guide states it ("Serve compressed files",
 * https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/ServingCompressedFiles.html): only on a
 * behavior with `Compress: true` whose cache policy enables the coding (EnableAcceptEncodingBrotli / Gzip) and
 * caches at all (CachingDisabled never compresses), only when the viewer accepts the coding (Brotli preferred),
 * only responses without a Content-Encoding, of a listed content type, between 1,000 and 10,000,000 bytes.
 * A playlist origin-response has encoded (Content-Encoding set) is left as it is.
 */
import { brotliCompressSync, gzipSync } from 'node:zlib';
import type { CachePolicy } from '../template/policies.js';

/** Part of CloudFront's list of compressed types ("File types that CloudFront compresses"). */
const COMPRESSIBLE = new Set([
  'application/javascript', 'application/json', 'application/x-javascript', 'application/xml', 'application/xhtml+xml',
  'application/vnd.apple.mpegurl', 'application/x-mpegurl', 'image/svg+xml', 'text/css', 'text/html', 'text/javascript',
  'text/plain', 'text/xml',
]);
const MIN_BYTES = 1_000;
const MAX_BYTES = 10_000_000;

export type CloudFrontCoding = 'br' | 'gzip';

/** The coding CloudFront would apply, or undefined when it leaves the body as it is. */
export function cloudFrontCoding(
  behavior: { compress: boolean; cachePolicy: CachePolicy },
  acceptEncoding: string | undefined,
  response: { status: number; headers: Array<[string, string]>; body: Buffer },
): CloudFrontCoding | undefined {
  const { compress, cachePolicy } = behavior;
  if (!compress || cachePolicy.disabled || response.status !== 200) return undefined;
  if (response.body.length < MIN_BYTES || response.body.length > MAX_BYTES) return undefined;
  const header = (name: string): string | undefined => response.headers.find(([k]) => k.toLowerCase() === name)?.[1];
  if (header('content-encoding') !== undefined) return undefined;
  const type = (header('content-type') ?? '').split(';', 1)[0]!.trim().toLowerCase();
  if (!COMPRESSIBLE.has(type)) return undefined;
  const accepted = (acceptEncoding ?? '').toLowerCase().split(',').map((p) => p.split(';', 1)[0]!.trim());
  if (cachePolicy.acceptEncodingBrotli && accepted.includes('br')) return 'br';
  if (cachePolicy.acceptEncodingGzip && accepted.includes('gzip')) return 'gzip';
  return undefined;
}

/** Applies {@link cloudFrontCoding}: the body encoded, with Content-Encoding and without a stale Content-Length. */
export function compressLikeCloudFront<R extends { status: number; headers: Array<[string, string]>; body: Buffer }>(
  behavior: { compress: boolean; cachePolicy: CachePolicy },
  acceptEncoding: string | undefined,
  response: R,
): R {
  const coding = cloudFrontCoding(behavior, acceptEncoding, response);
  if (coding === undefined) return response;
  const body = coding === 'br' ? brotliCompressSync(response.body) : gzipSync(response.body);
  const headers = response.headers.filter(([k]) => !['content-length', 'etag'].includes(k.toLowerCase()));
  return { ...response, body, headers: [...headers, ['Content-Encoding', coding], ['Vary', 'Accept-Encoding']] };
}
