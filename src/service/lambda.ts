/**
 * The signer's one wiring as a Lambda handler (payload format 2.0: API Gateway HTTP API, Lambda function URLs):
 * configuration from the environment, validated as at a cold start, the JWT authenticator, a private key provider
 * and the event adapter. The sign-url bundle (src/functions/sign-url) and the local edge's signer endpoint both
 * build their handler here, so what runs locally is what deploys; the local edge passes only its key provider and
 * its own options.
 */
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { createJwtAuthenticator } from './auth.js';
import { loadConfig } from './config.js';
import type { LocalSignerOptions, SignerConfig } from './config.js';
import { toFunctionResult, toServiceRequest } from './function-url.js';
import { createPrivateKeyProvider } from './key-provider.js';
import type { PrivateKeyProvider } from './key-provider.js';
import { createSignerService } from './service.js';
import type { ServiceLogRecord } from './service.js';

export interface SignerHandlerOptions {
  /** The function's environment (CFHLS_* variables, docs/signing.md "Signer service"). */
  env: Record<string, string | undefined>;
  /** Default: Secrets Manager or SSM, as the environment names it. */
  keys?: (config: SignerConfig) => PrivateKeyProvider;
  /** Default: one JSON line on stdout. */
  log?: (record: ServiceLogRecord) => void;
  /** The local edge's own options; the deployed signer has none. */
  local?: LocalSignerOptions;
}

export interface SignerHandler {
  config: SignerConfig;
  handler(event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2>;
}

/** Builds the signer's Lambda handler. Throws ConfigError naming every bad variable. */
export function createSignerHandler(options: SignerHandlerOptions): SignerHandler {
  const config = loadConfig(options.env);
  const handle = createSignerService({
    config,
    keys: (options.keys ?? ((c) => createPrivateKeyProvider(c.privateKey)))(config),
    authenticate: createJwtAuthenticator(config.jwt),
    ...(options.log !== undefined && { log: options.log }),
    ...(options.local !== undefined && { local: options.local }),
  });
  return {
    config,
    handler: async (event) => toFunctionResult(await handle(toServiceRequest(event))),
  };
}
