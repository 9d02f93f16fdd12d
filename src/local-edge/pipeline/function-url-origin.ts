/**
 * A behavior whose origin is a Lambda function URL (the signer at `/api/*`), in CloudFront's order:
 * viewer-request CloudFront Functions (run from the template's code) -> origin request policy (headers, query,
 * cookies) -> origin access control (SigV4: it replaces the viewer's Authorization) -> the function URL's
 * payload-2.0 event -> the handler -> the function URL's HTTP response. Nothing is cached (startup requires
 * CachingDisabled on such behaviors: signer answers are per viewer).
 */
import type { IncomingMessage } from 'node:http';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, CloudFrontHeaders } from 'aws-lambda';
import { originQuery } from './cache.js';
import { cfFunctionQuery, toCfFunctionRequest, valuesOf } from '../function-runtime/cf-function.js';
import type { CfFunctionRequest, CfFunctionValues, CompiledCloudFrontFunction } from '../function-runtime/cf-function.js';
import { originHeaders } from './origin-headers.js';
import { LocalEdgeFunctionError, LocalEdgeRequestError } from '../../errors.js';
import type { BehaviorModel } from '../template/model.js';

/** One function URL origin as the local edge runs it. */
export interface FunctionUrlRuntime {
  functionId: string;
  handler(event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2>;
  /** Viewer-request CloudFront Functions by logical id. */
  cloudFrontFunctions: Map<string, CompiledCloudFrontFunction>;
  /** Function timeout (template default 10 s). */
  timeoutMs: number;
}

export interface FunctionUrlResponse {
  status: number;
  headers: Array<[string, string]>;
  body: Buffer;
  /** `Generated` when a CloudFront Function answered, else `Disabled`. */
  cache: string;
}

const MAX_BODY = 1024 * 1024;

/** The function URL host name CloudFront would connect to (`<id>.lambda-url.<region>.on.aws`). */
export function functionUrlDomain(functionId: string): string {
  return `localedge${functionId.toLowerCase().replace(/[^a-z0-9]/g, '')}.lambda-url.us-east-1.on.aws`;
}

function toPairs(values: CfFunctionValues): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const [name, entry] of Object.entries(values)) for (const value of valuesOf(entry)) out.push([name, value]);
  return out;
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY) throw new LocalEdgeRequestError(`request body over ${MAX_BODY} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

function decodeQueryComponent(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return text;
  }
}

/** Per-request facts the function URL path needs from the edge. */
export interface FunctionUrlRequestContext {
  /** The request target as the viewer sent it, split at the first `?` (the query without it). */
  path: string;
  query: string;
  domainName: string;
  requestId: string;
  clientIp: string;
  now: number;
}

/** Serves one request of a function URL behavior. Throws on function failures (the caller answers 502). */
export async function serveFunctionUrl(
  req: IncomingMessage,
  behavior: BehaviorModel,
  runtime: FunctionUrlRuntime,
  context: FunctionUrlRequestContext,
): Promise<FunctionUrlResponse> {
  const method = req.method ?? 'GET';
  const viewerRequest = await runViewerFunctions(behavior, runtime, context, toCfFunctionRequest(method, context.path, context.query, req.rawHeaders));
  if ('status' in viewerRequest) return viewerRequest;

  const host = functionUrlDomain(runtime.functionId);
  const headers = functionUrlHeaders(viewerRequest, behavior, host, context);
  const originQueryString = originQuery(cfFunctionQuery(viewerRequest), behavior.cachePolicy, behavior.originRequestPolicy, false);
  const body = method === 'GET' || method === 'HEAD' ? Buffer.alloc(0) : await readBody(req);
  const event = functionUrlEvent({ method, uri: viewerRequest.uri, query: originQueryString, headers, body, host, context });
  return toFunctionUrlResponse(await invokeWithTimeout(runtime, event));
}

/** The behavior's viewer-request CloudFront Functions, in order: a generated response ends the request. */
async function runViewerFunctions(
  behavior: BehaviorModel,
  runtime: FunctionUrlRuntime,
  context: FunctionUrlRequestContext,
  viewerRequest: CfFunctionRequest,
): Promise<CfFunctionRequest | FunctionUrlResponse> {
  let request = viewerRequest;
  for (const association of behavior.cloudFrontFunctions) {
    const compiled = runtime.cloudFrontFunctions.get(association.functionId);
    if (compiled === undefined) throw new LocalEdgeFunctionError(`${association.functionId} is not loaded`);
    const result = await compiled.run({
      version: '1.0',
      context: { distributionDomainName: context.domainName, distributionId: 'ELOCALEDGE', eventType: 'viewer-request', requestId: context.requestId },
      viewer: { ip: context.clientIp },
      request,
    });
    if (result.kind === 'response') {
      return { status: result.statusCode, headers: toPairs(result.headers), body: Buffer.from(result.body), cache: 'Generated' };
    }
    request = result.request;
  }
  return request;
}

/** The headers the function sees: origin request policy, then origin access control. */
function functionUrlHeaders(request: CfFunctionRequest, behavior: BehaviorModel, host: string, context: FunctionUrlRequestContext): CloudFrontHeaders {
  // Origin request policy (Managed-AllViewerExceptHostHeader in template.yaml) on the function's output.
  const viewerHeaders: CloudFrontHeaders = {};
  for (const [name, value] of toPairs(request.headers)) {
    viewerHeaders[name] ??= [];
    viewerHeaders[name].push({ key: name, value });
  }
  const cookiePairs = Object.entries(request.cookies).flatMap(([name, values]) => valuesOf(values).map((value) => `${name}=${value}`));
  if (cookiePairs.length > 0) viewerHeaders.cookie = [{ key: 'Cookie', value: cookiePairs.join('; ') }];
  const headers = originHeaders(viewerHeaders, behavior, host);
  // Origin access control signs every request with SigV4, so the function never sees the viewer's Authorization
  // (that is why SignerViewerFunction copies it). Only the header's shape matters here: IAM is not checked locally.
  const amzDate = new Date(context.now).toISOString().replace(/[-:]|\.\d{3}/g, '');
  headers.authorization = [{ key: 'Authorization', value: `AWS4-HMAC-SHA256 Credential=LOCALEDGE/${amzDate.slice(0, 8)}/us-east-1/lambda/aws4_request, SignedHeaders=host;x-amz-date, Signature=0` }];
  headers['x-amz-date'] = [{ key: 'X-Amz-Date', value: amzDate }];
  headers['x-forwarded-for'] = [{ key: 'X-Forwarded-For', value: context.clientIp }];
  headers['x-amz-cf-id'] = [{ key: 'X-Amz-Cf-Id', value: context.requestId }];
  return headers;
}

/** The function URL's payload-2.0 event for one request. */
function functionUrlEvent(request: {
  method: string;
  uri: string;
  query: string;
  headers: CloudFrontHeaders;
  body: Buffer;
  host: string;
  context: FunctionUrlRequestContext;
}): APIGatewayProxyEventV2 {
  const { method, uri, query, body, host, context } = request;
  const joinedHeaders: Record<string, string> = {};
  let cookies: string[] | undefined;
  for (const [name, list] of Object.entries(request.headers)) {
    if (name === 'cookie') cookies = list.flatMap((header) => header.value.split(';').map((cookie) => cookie.trim()).filter((cookie) => cookie !== ''));
    else joinedHeaders[name] = list.map((header) => header.value).join(',');
  }
  const apiId = host.split('.')[0]!;
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: uri,
    rawQueryString: query,
    ...(cookies !== undefined && { cookies }),
    headers: joinedHeaders,
    ...(query !== '' && { queryStringParameters: queryParameters(query) }),
    requestContext: {
      accountId: 'anonymous',
      apiId,
      domainName: host,
      domainPrefix: apiId,
      http: { method, path: uri, protocol: 'HTTP/1.1', sourceIp: context.clientIp, userAgent: joinedHeaders['user-agent'] ?? '' },
      requestId: context.requestId,
      routeKey: '$default',
      stage: '$default',
      time: new Date(context.now).toUTCString(),
      timeEpoch: context.now,
    },
    ...(body.length > 0 && { body: body.toString('base64') }),
    isBase64Encoded: body.length > 0,
  };
}

/** `queryStringParameters`: decoded, repeated names joined with commas. */
function queryParameters(query: string): Record<string, string> {
  const params: Record<string, string> = {};
  for (const pair of query.split('&')) {
    const eq = pair.indexOf('=');
    const name = decodeQueryComponent(eq === -1 ? pair : pair.slice(0, eq));
    const value = eq === -1 ? '' : decodeQueryComponent(pair.slice(eq + 1));
    params[name] = name in params ? `${params[name]},${value}` : value;
  }
  return params;
}

async function invokeWithTimeout(runtime: FunctionUrlRuntime, event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    runtime.handler(event),
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new LocalEdgeFunctionError(`${runtime.functionId} timed out after ${runtime.timeoutMs} ms`)), runtime.timeoutMs);
    }),
  ]).finally(() => clearTimeout(timer));
}

/** The function URL's HTTP response for a handler result. */
function toFunctionUrlResponse(result: APIGatewayProxyStructuredResultV2): FunctionUrlResponse {
  // A function URL sends a result without statusCode as a 200 JSON body.
  if (typeof result !== 'object' || result === null || result.statusCode === undefined) {
    return { status: 200, headers: [['Content-Type', 'application/json']], body: Buffer.from(JSON.stringify(result)), cache: 'Disabled' };
  }
  const headers: Array<[string, string]> = Object.entries(result.headers ?? {}).map(([name, value]) => [name, String(value)]);
  for (const cookie of result.cookies ?? []) headers.push(['Set-Cookie', cookie]);
  const text = result.body ?? '';
  return { status: result.statusCode, headers, body: result.isBase64Encoded === true ? Buffer.from(text, 'base64') : Buffer.from(text), cache: 'Disabled' };
}
