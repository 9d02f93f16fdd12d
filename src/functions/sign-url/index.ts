/**
 * sign-url: the signer service as a regular Lambda behind an API Gateway HTTP API or a Lambda Function URL
 * (both send payload format 2.0). Configuration comes from CFHLS_* environment variables (docs/signing.md, "Signer service"),
 * validated at cold start: a bad deployment fails to initialize with a message naming the variable. The wiring is
 * src/service/lambda.ts, which the local edge's signer endpoint uses too.
 */
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { emitSignerMetrics } from '../../metrics/names.js';
import { createSignerHandler } from '../../service/lambda.js';

export { toServiceRequest } from '../../service/function-url.js';

const signer = createSignerHandler({ env: process.env });

/**
 * Answers one request and writes its EMF metric record (outcome by status, duration; src/metrics/names.ts). The
 * record is this Lambda entry's own: the local edge runs the same signer wiring without it.
 */
export async function handler(event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> {
  const started = Date.now();
  let status = 500;
  try {
    const result = await signer.handler(event);
    status = result.statusCode ?? 200;
    return result;
  } finally {
    emitSignerMetrics(status, Date.now() - started);
  }
}
