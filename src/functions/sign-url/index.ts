/**
 * sign-url: the signer service as a regular Lambda behind an API Gateway HTTP API or a Lambda Function URL
 * (both send payload format 2.0). Configuration comes from CFHLS_* environment variables (docs/signing.md, "Signer service"),
 * validated at cold start: a bad deployment fails to initialize with a message naming the variable. The wiring is
 * src/service/lambda.ts, which the local edge's signer endpoint uses too.
 */
import { createSignerHandler } from '../../service/lambda.js';

export { toServiceRequest } from '../../service/function-url.js';

export const { handler } = createSignerHandler({ env: process.env });
