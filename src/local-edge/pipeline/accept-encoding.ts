/**
 * CloudFront's normalized Accept-Encoding: with EnableAcceptEncodingBrotli / Gzip on in the cache policy, the
 * viewer's header is reduced to the codings the policy enables (`br,gzip`, `br` or `gzip`), put in the cache key and
 * sent to the origin in place of the viewer's, whatever the origin request policy says
 * (https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_ParametersInCacheKeyAndForwardedToOrigin.html).
 */
import type { CachePolicy } from '../template/policies.js';

/** The normalized value, '' when the viewer accepts none of the enabled codings, undefined when the policy normalizes nothing. */
export function normalizedAcceptEncoding(policy: CachePolicy, viewerValue: string | undefined): string | undefined {
  if (!policy.acceptEncodingBrotli && !policy.acceptEncodingGzip) return undefined;
  const accepted = (viewerValue ?? '').toLowerCase().split(',').map((part) => {
    const [coding = '', ...params] = part.split(';').map((s) => s.trim());
    // q=0 refuses the coding (RFC 9110 section 12.5.3).
    return params.some((p) => /^q=0(?:\.0*)?$/.test(p)) ? '' : coding;
  });
  const codings: string[] = [];
  if (policy.acceptEncodingBrotli && accepted.includes('br')) codings.push('br');
  if (policy.acceptEncodingGzip && accepted.includes('gzip')) codings.push('gzip');
  return codings.join(',');
}
