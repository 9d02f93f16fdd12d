/**
 * The signer's viewer-request CloudFront Function (cloudfront-js-2.0), template.yaml's SignerViewerFunction, built
 * by scripts/build.mjs into dist/cloudfront-functions/signer-headers.js and written into the template's
 * FunctionCode by `node scripts/build.mjs --sync-template` (test/edge/cloudfront-function.test.ts keeps them equal).
 *
 * Origin access control re-signs every request to the signer's function URL and so overwrites the viewer's
 * Authorization; the signer also cannot see which distribution it serves (the function URL's own Host is sent).
 * This function carries both across in headers of our own, overwriting whatever a viewer sent under those names.
 * The host is the distribution's own domain from the event context, never the viewer's Host header, so no request
 * can make the signer sign for a host of its choosing.
 * https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/functions-event-structure.html
 */
import { CFHLS_HEADERS } from '../cloudfront/cfhls-headers.js';
import type { CfFunctionRequest } from '../cloudfront/function-event.js';

/** CloudFront Functions see header names in lower case. */
const VIEWER_HOST = CFHLS_HEADERS.viewerHost.toLowerCase();
const VIEWER_IP = CFHLS_HEADERS.viewerIp.toLowerCase();
const AUTHORIZATION = CFHLS_HEADERS.authorization.toLowerCase();

export interface SignerViewerEvent {
  context: { distributionDomainName: string };
  viewer: { ip: string };
  request: CfFunctionRequest;
}

export function handler(event: SignerViewerEvent): CfFunctionRequest {
  const request = event.request;
  const headers = request.headers;
  headers[VIEWER_HOST] = { value: event.context.distributionDomainName };
  headers[VIEWER_IP] = { value: event.viewer.ip };
  const authorization = headers.authorization;
  if (authorization !== undefined) headers[AUTHORIZATION] = { value: authorization.value };
  else delete headers[AUTHORIZATION];
  return request;
}
