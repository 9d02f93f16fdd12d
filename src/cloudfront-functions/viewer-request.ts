/**
 * viewer-request as a CloudFront Function (cloudfront-js-2.0): the same rule as the Lambda@Edge viewer-request
 * (suffixedQuery, src/cloudfront/credentials.ts), built by scripts/build.mjs into
 * dist/cloudfront-functions/viewer-request.js, whose text is template.yaml's ViewerRequestCloudFrontFunction
 * FunctionCode (test/edge/cloudfront-function.test.ts keeps them equal). Template parameter ViewerRequestKind
 * chooses this or the Lambda@Edge function.
 *
 * A CloudFront Function may sit on viewer request next to Lambda@Edge on origin response in one cache behavior;
 * only viewer events cannot mix the two kinds.
 * https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/edge-function-restrictions-all.html
 */
import { suffixedQuery } from '../cloudfront/credentials.js';
import { cfQueryString } from '../cloudfront/function-event.js';
import type { CfFunctionRequest } from '../cloudfront/function-event.js';

/**
 * Returns the request with the credentials copied to suffixed params (the query as a string). Never throws: on any
 * surprise the request goes on unchanged, as with the Lambda@Edge handler.
 */
export function handler(event: { request: CfFunctionRequest }): CfFunctionRequest {
  const request = event.request;
  try {
    const next = suffixedQuery(request.uri, cfQueryString(request.querystring));
    request.querystring = next.query;
    // Function logs go to CloudWatch Logs in us-east-1; no credential is ever in them.
    if (!next.copied) console.log(`viewer-request: credentials not copied: the URL would be ${next.length} characters`);
  } catch (err) {
    console.log(`viewer-request: unexpected error; request passed on unchanged: ${(err as Error).name}`);
  }
  return request;
}
