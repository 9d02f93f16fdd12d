/**
 * The Lambda side of the signer service: payload format 2.0 events (API Gateway HTTP API and Lambda function
 * URLs) in, structured results out. Shared by the sign-url bundle and the local edge, so both run one adapter.
 */
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { ServiceRequest, ServiceResponse } from './service.js';

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

/** The service response as a payload-2.0 result. */
export function toFunctionResult(res: ServiceResponse): APIGatewayProxyStructuredResultV2 {
  return { statusCode: res.status, headers: res.headers, body: res.body };
}
