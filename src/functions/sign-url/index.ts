/**
 * sign-url: the signer service as a regular Lambda behind an API Gateway HTTP API or a Lambda Function URL
 * (both send payload format 2.0). Configuration comes from CFHLS_* environment variables (docs/signing.md, "Signer service"),
 * validated at cold start: a bad deployment fails to initialize with a message naming the variable.
 */
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { createJwtAuthenticator } from '../../service/auth.js';
import { loadConfig } from '../../service/config.js';
import { toFunctionResult, toServiceRequest } from '../../service/function-url.js';
import { createPrivateKeyProvider } from '../../service/key-provider.js';
import { createSignerService } from '../../service/service.js';
import { emitSignerMetrics } from '../../metrics/names.js';

export { toServiceRequest } from '../../service/function-url.js';

const config = loadConfig(process.env);
const handle = createSignerService({
  config,
  keys: createPrivateKeyProvider(config.privateKey),
  authenticate: createJwtAuthenticator(config.jwt),
});

/** Answers one request and writes its EMF metric record (outcome by status, duration; src/metrics/names.ts). */
export async function handler(event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> {
  const started = Date.now();
  let status = 500;
  try {
    const result = toFunctionResult(await handle(toServiceRequest(event)));
    status = result.statusCode ?? 200;
    return result;
  } finally {
    emitSignerMetrics(status, Date.now() - started);
  }
}
