/**
 * sign-url: the signer service as a regular Lambda behind an API Gateway HTTP API or a Lambda Function URL
 * (both send payload format 2.0). Configuration comes from CFHLS_* environment variables (docs/signing.md),
 * validated at cold start: a bad deployment fails to initialize with a message naming the variable.
 */
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { createJwtAuthenticator } from '../../service/auth.js';
import { loadConfig } from '../../service/config.js';
import { createPrivateKeyProvider } from '../../service/key-provider.js';
import { createSignerService } from '../../service/service.js';
import type { ServiceRequest } from '../../service/service.js';

const config = loadConfig(process.env);
const handle = createSignerService({
  config,
  keys: createPrivateKeyProvider(config.privateKey),
  authenticate: createJwtAuthenticator(config.jwt),
});

/** Adapts a payload-2.0 event to the service request. */
export function toServiceRequest(event: APIGatewayProxyEventV2): ServiceRequest {
  const headers: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(event.headers ?? {})) headers[k.toLowerCase()] = v;
  return {
    method: event.requestContext.http.method,
    path: event.rawPath,
    query: { ...(event.queryStringParameters ?? {}) },
    headers,
    sourceIp: event.requestContext.http.sourceIp,
  };
}

export async function handler(event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> {
  const res = await handle(toServiceRequest(event));
  return { statusCode: res.status, headers: res.headers, body: res.body };
}
