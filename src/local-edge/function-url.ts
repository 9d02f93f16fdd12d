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
import { cfFunctionQuery, toCfFunctionRequest, valuesOf } from './cf-function.js';
import type { CfFunctionValues, CompiledCloudFrontFunction } from './cf-function.js';
import { originHeaders } from './origin-headers.js';
import type { BehaviorModel } from './template.js';

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
  for (const [name, v] of Object.entries(values)) for (const value of valuesOf(v)) out.push([name, value]);
  return out;
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY) throw new Error(`request body over ${MAX_BODY} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

function decode(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    return s;
  }
}

/** Serves one request of a function URL behavior. Throws on function failures (the caller answers 502). */
export async function serveFunctionUrl(
  req: IncomingMessage,
  behavior: BehaviorModel,
  runtime: FunctionUrlRuntime,
  ctx: { domainName: string; requestId: string; clientIp: string; now: number },
): Promise<FunctionUrlResponse> {
  const rawUrl = req.url ?? '/';
  const q = rawUrl.indexOf('?');
  const method = req.method ?? 'GET';
  let request = toCfFunctionRequest(method, q === -1 ? rawUrl : rawUrl.slice(0, q), q === -1 ? '' : rawUrl.slice(q + 1), req.rawHeaders);

  for (const assoc of behavior.cloudFrontFunctions) {
    const fn = runtime.cloudFrontFunctions.get(assoc.functionId);
    if (fn === undefined) throw new Error(`${assoc.functionId} is not loaded`);
    const r = await fn.run({
      version: '1.0',
      context: { distributionDomainName: ctx.domainName, distributionId: 'ELOCALEDGE', eventType: 'viewer-request', requestId: ctx.requestId },
      viewer: { ip: ctx.clientIp },
      request,
    });
    if (r.kind === 'response') {
      return { status: r.statusCode, headers: toPairs(r.headers), body: Buffer.from(r.body), cache: 'Generated' };
    }
    request = r.request;
  }

  // Origin request policy (Managed-AllViewerExceptHostHeader in template.yaml) on the function's output.
  const viewerHeaders: CloudFrontHeaders = {};
  for (const [name, value] of toPairs(request.headers)) (viewerHeaders[name] ??= []).push({ key: name, value });
  const cookiePairs = Object.entries(request.cookies).flatMap(([n, v]) => valuesOf(v).map((value) => `${n}=${value}`));
  if (cookiePairs.length > 0) viewerHeaders.cookie = [{ key: 'Cookie', value: cookiePairs.join('; ') }];
  const host = functionUrlDomain(runtime.functionId);
  const headers = originHeaders(viewerHeaders, behavior, host);
  // Origin access control signs every request with SigV4, so the function never sees the viewer's Authorization
  // (that is why SignerViewerFunction copies it). Only the header's shape matters here: IAM is not checked locally.
  const date = new Date(ctx.now).toISOString().replace(/[-:]|\.\d{3}/g, '');
  headers.authorization = [{ key: 'Authorization', value: `AWS4-HMAC-SHA256 Credential=LOCALEDGE/${date.slice(0, 8)}/us-east-1/lambda/aws4_request, SignedHeaders=host;x-amz-date, Signature=0` }];
  headers['x-amz-date'] = [{ key: 'X-Amz-Date', value: date }];
  headers['x-forwarded-for'] = [{ key: 'X-Forwarded-For', value: ctx.clientIp }];
  headers['x-amz-cf-id'] = [{ key: 'X-Amz-Cf-Id', value: ctx.requestId }];

  const query = originQuery(cfFunctionQuery(request), behavior.cachePolicy, behavior.originRequestPolicy, false);
  const flat: Record<string, string> = {};
  let cookies: string[] | undefined;
  for (const [name, list] of Object.entries(headers)) {
    if (name === 'cookie') cookies = list.flatMap((h) => h.value.split(';').map((c) => c.trim()).filter((c) => c !== ''));
    else flat[name] = list.map((h) => h.value).join(',');
  }
  const params: Record<string, string> = {};
  for (const p of query === '' ? [] : query.split('&')) {
    const eq = p.indexOf('=');
    const name = decode(eq === -1 ? p : p.slice(0, eq));
    const value = eq === -1 ? '' : decode(p.slice(eq + 1));
    params[name] = name in params ? `${params[name]},${value}` : value;
  }
  const body = method === 'GET' || method === 'HEAD' ? Buffer.alloc(0) : await readBody(req);
  const event: APIGatewayProxyEventV2 = {
    version: '2.0',
    routeKey: '$default',
    rawPath: request.uri,
    rawQueryString: query,
    ...(cookies !== undefined && { cookies }),
    headers: flat,
    ...(query !== '' && { queryStringParameters: params }),
    requestContext: {
      accountId: 'anonymous',
      apiId: host.split('.')[0]!,
      domainName: host,
      domainPrefix: host.split('.')[0]!,
      http: { method, path: request.uri, protocol: 'HTTP/1.1', sourceIp: ctx.clientIp, userAgent: flat['user-agent'] ?? '' },
      requestId: ctx.requestId,
      routeKey: '$default',
      stage: '$default',
      time: new Date(ctx.now).toUTCString(),
      timeEpoch: ctx.now,
    },
    ...(body.length > 0 && { body: body.toString('base64') }),
    isBase64Encoded: body.length > 0,
  };

  let timer: NodeJS.Timeout | undefined;
  const result = await Promise.race([
    runtime.handler(event),
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${runtime.functionId} timed out after ${runtime.timeoutMs} ms`)), runtime.timeoutMs);
    }),
  ]).finally(() => clearTimeout(timer));

  // A function URL sends a result without statusCode as a 200 JSON body.
  if (typeof result !== 'object' || result === null || result.statusCode === undefined) {
    return { status: 200, headers: [['Content-Type', 'application/json']], body: Buffer.from(JSON.stringify(result)), cache: 'Disabled' };
  }
  const out: Array<[string, string]> = Object.entries(result.headers ?? {}).map(([k, v]) => [k, String(v)]);
  for (const c of result.cookies ?? []) out.push(['Set-Cookie', c]);
  const text = result.body ?? '';
  return { status: result.statusCode, headers: out, body: result.isBase64Encoded === true ? Buffer.from(text, 'base64') : Buffer.from(text), cache: 'Disabled' };
}
