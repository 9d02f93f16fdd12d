/**
 * The /api/* viewer-request CloudFront Function (cloudfront-js-2.0), built by scripts/build.mjs into
 * dist/cloudfront-functions/signer-request.js, whose text is template.yaml's SignerViewerFunction FunctionCode
 * (test/edge/signer-request-function.test.ts keeps them equal).
 *
 * It protects the signer: a request without a well-formed bearer token is answered 401 here, at the edge, before any
 * Lambda runs (each signer invocation is paid, and may fetch the issuer's JWKS). CORS preflights (OPTIONS) carry no
 * Authorization by the Fetch standard and pass. Requests that pass get the headers of SIGNER_HEADERS, overwriting
 * whatever a viewer sent under those names.
 */
import { isWellFormedBearer, SIGNER_HEADERS } from '../cloudfront/signer-headers.js';
import type { CfFunctionRequest, CfFunctionValues } from '../cloudfront/function-event.js';

interface SignerEvent {
  request: CfFunctionRequest;
  context: { distributionDomainName: string };
  viewer: { ip: string };
}

interface GeneratedResponse {
  statusCode: number;
  statusDescription: string;
  headers: CfFunctionValues;
}

/**
 * 401 with the RFC 6750 section 3 challenge the signer itself sends: no error code when no token was sent,
 * `invalid_token` for a malformed one. No body, nothing cached.
 */
function unauthorized(sent: boolean): GeneratedResponse {
  return {
    statusCode: 401,
    statusDescription: 'Unauthorized',
    headers: {
      'www-authenticate': { value: sent ? 'Bearer realm="cloudfront-hls", error="invalid_token"' : 'Bearer realm="cloudfront-hls"' },
      'cache-control': { value: 'no-store' },
    },
  };
}

/** The request with the signer's headers set, or a 401. */
export function handler(event: SignerEvent): CfFunctionRequest | GeneratedResponse {
  const request = event.request;
  const headers = request.headers;
  const authorization = headers.authorization ? headers.authorization.value : undefined;
  if (request.method !== 'OPTIONS' && !isWellFormedBearer(authorization)) return unauthorized(authorization !== undefined);
  headers[SIGNER_HEADERS.viewerHost] = { value: event.context.distributionDomainName };
  headers[SIGNER_HEADERS.viewerIp] = { value: event.viewer.ip };
  if (authorization !== undefined) {
    headers[SIGNER_HEADERS.authorization] = { value: authorization };
  } else {
    delete headers[SIGNER_HEADERS.authorization];
  }
  return request;
}
