/**
 * One viewer request through the local edge, in CloudFront's order:
 * behavior -> signature check -> viewer-request fn -> cache (key per cache policy) -> origin-request fn ->
 * origin (signing params stripped, query per cache + origin request policy) -> origin-response fn -> store ->
 * viewer-response fn -> response headers policy (CORS).
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { CloudFrontHeaders, CloudFrontRequest } from 'aws-lambda';
import { cloudFrontErrorXml, verifySignedUrl } from '../../signer/index.js';
import type { VerifyOptions, VerifyResult } from '../../signer/index.js';
import { headerValue, readCredentials, STATUS_TEXT } from '../../cloudfront/index.js';
import { cacheKey, ttlFor } from './cache.js';
import type { CachedResponse } from './cache.js';
import { fromCloudFrontHeaders, generatedBody, isGeneratedResponse, isRequest, toCloudFrontHeaders } from '../function-runtime/events.js';
import { compressLikeCloudFront } from './compression.js';
import { cfFunctionQuery, toCfFunctionRequest } from '../function-runtime/cf-function.js';
import { LocalEdgeFunctionError } from '../../errors.js';
import { serveFunctionUrl } from './function-url-origin.js';
import { fetchThroughOrigin, generatedResponse, isHopByHopHeader, runEdgeFunction, VIEWER_EVENT_LIMIT } from './origin-fetch.js';
import { normalizeRequestPath, selectBehavior } from '../template/path-pattern.js';
import type { BehaviorModel } from '../template/model.js';
import type { AccessLogEntry, LocalEdgeResponse, PipelineOptions } from './types.js';
import { applyRange, applyResponsePolicy, errorResponse } from './viewer-response.js';
import type { ViewerResponse } from './viewer-response.js';

/** What every step of one request needs to know about it. */
interface RequestContext {
  req: IncomingMessage;
  opts: PipelineOptions;
  behavior: BehaviorModel;
  method: string;
  /** Raw path (no query), as functions and the origin get it. */
  path: string;
  /** The normalized path behaviors are matched on. */
  matchPath: string;
  /** The query without its `?`. */
  query: string;
  /** The query as in the URL: `?` and the query, or empty when the URL has no `?`. */
  search: string;
  cookies: Record<string, string>;
  clientIp: string;
  /** Adds the access log fields and the response headers policy. */
  finish(response: ViewerResponse, cache: string, denied?: string): LocalEdgeResponse;
}

/** The headers CloudFront adds to every answer it forwards. */
function edgeHeaders(requestId: string): Array<[string, string]> {
  return [['Via', '1.1 local-edge (CloudFront)'], ['X-Amz-Cf-Pop', 'LOCAL'], ['X-Amz-Cf-Id', requestId]];
}

function parseCookies(header: string | undefined): Record<string, string> {
  const cookies: Record<string, string> = {};
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0) cookies[part.slice(0, eq).trim()] = part.slice(eq + 1).trim();
  }
  return cookies;
}

/** Handles one request. Never throws: failures become CloudFront-like 5xx responses. */
export async function handleRequest(req: IncomingMessage, opts: PipelineOptions): Promise<LocalEdgeResponse> {
  const context = requestContext(req, opts);
  const { behavior, method } = context;
  try {
    if (!behavior.allowedMethods.includes(method)) {
      return context.finish(errorResponse(403, 'This distribution is not configured to allow the HTTP request method that was used for this request.'), '-');
    }
    if (behavior.origin.kind === 'lambda-url') return await serveFunctionUrlBehavior(context);
    if (behavior.requiresSignature) {
      const host = req.headers.host ?? opts.domainName();
      const check = verifySigned(`http://${host}`, context.path, context.matchPath, context.search, { keys: opts.keys, now: opts.now(), clientIp: context.clientIp, cookies: context.cookies });
      if (!check.ok) {
        return context.finish({ status: 403, headers: [['Content-Type', 'text/xml'], ['X-Cache', 'Error from cloudfront']], body: Buffer.from(cloudFrontErrorXml(check.code, check.message)) }, '-', check.code);
      }
    }
    return await serveCachedBehavior(context);
  } catch (err) {
    // Like CloudFront: the viewer sees a generic error; the reason goes to the console only.
    process.stderr.write(`local-edge: ${method} ${context.path}: ${err instanceof Error ? err.message : String(err)}\n`);
    return context.finish(errorResponse(502, 'The Lambda function associated with the CloudFront distribution is invalid or doesn\'t have the required permissions.'), '-');
  }
}

function requestContext(req: IncomingMessage, opts: PipelineOptions): RequestContext {
  const rawUrl = req.url ?? '/';
  const queryStart = rawUrl.indexOf('?');
  const path = queryStart === -1 ? rawUrl : rawUrl.slice(0, queryStart);
  const query = queryStart === -1 ? '' : rawUrl.slice(queryStart + 1);
  const search = queryStart === -1 ? '' : rawUrl.slice(queryStart);
  const method = req.method ?? 'GET';
  // CloudFront picks the behavior on the normalized path and hands functions and the origin the raw one.
  const matchPath = normalizeRequestPath(path);
  const behavior = selectBehavior(opts.model.behaviors, matchPath);
  const cookies = parseCookies(req.headers.cookie);
  const urlCredentials = readCredentials(query);
  const credentials: AccessLogEntry['credentials'] = urlCredentials.Signature !== undefined || urlCredentials['Key-Pair-Id'] !== undefined || urlCredentials.Policy !== undefined || urlCredentials.Expires !== undefined
    ? 'url'
    : cookies['CloudFront-Signature'] !== undefined ? 'cookie' : 'none';
  const logBase = { method, path, signed: credentials !== 'none', credentials, behavior: behavior.pathPattern, ...(!behavior.requiresSignature && { unprotected: true as const }) };
  return {
    req, opts, behavior, method, path, matchPath, query, search, cookies,
    clientIp: (req.socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, ''),
    finish: (response, cache, denied) =>
      applyResponsePolicy({ ...response, log: { ...logBase, status: response.status, cache, ...(denied ? { denied } : {}) } }, behavior.responseHeadersPolicy, req.headers.origin, method),
  };
}

/** A behavior whose origin is a function URL (the signer): no signature check, no cache. */
async function serveFunctionUrlBehavior(context: RequestContext): Promise<LocalEdgeResponse> {
  const { behavior, opts } = context;
  const runtime = opts.functionUrls?.get(behavior.origin.id);
  // startLocalEdge creates a runtime for every function URL origin or refuses to start.
  if (runtime === undefined) throw new LocalEdgeFunctionError(`origin ${behavior.origin.id} has no runtime`);
  const requestId = randomUUID();
  const answer = await serveFunctionUrl(context.req, behavior, runtime, {
    path: context.path, query: context.query, domainName: opts.domainName(), requestId, clientIp: context.clientIp, now: opts.now(),
  });
  const xCache = answer.cache === 'Generated' ? 'FunctionGeneratedResponse from cloudfront' : 'Miss from cloudfront';
  const headers: Array<[string, string]> = [...answer.headers.filter(([name]) => !isHopByHopHeader(name)), ['X-Cache', xCache], ...edgeHeaders(requestId)];
  return context.finish({ status: answer.status, headers, body: answer.body }, answer.cache);
}

/** viewer-request functions -> cache or origin -> viewer-response fn -> compression -> range. */
async function serveCachedBehavior(context: RequestContext): Promise<LocalEdgeResponse> {
  const { req, behavior, opts } = context;
  const requestId = randomUUID();
  const viewerRequest = await runViewerRequestFunctions(context, requestId);
  if (!('uri' in viewerRequest)) return context.finish(viewerRequest.response, viewerRequest.cache);

  const { stored, cacheState } = await readThroughCache(context, viewerRequest, requestId);
  let response: ViewerResponse = { status: stored.status, headers: [...stored.headers], body: stored.body };
  const viewerResponseRun = await runEdgeFunction(behavior, 'viewer-response', opts, {
    request: structuredClone(viewerRequest),
    response: { status: String(response.status), statusDescription: STATUS_TEXT[response.status] ?? '', headers: toCloudFrontHeaders(response.headers.flat()) },
  }, requestId);
  if (viewerResponseRun !== undefined && isGeneratedResponse(viewerResponseRun.result)) {
    const result = viewerResponseRun.result;
    response = { status: Number(result.status), headers: fromCloudFrontHeaders(result.headers as CloudFrontHeaders), body: generatedBody(result) ?? response.body };
  }
  response = compressLikeCloudFront(behavior, req.headers['accept-encoding'], response);
  response.headers.push(['X-Cache', `${cacheState === 'Hit' ? 'Hit' : 'Miss'} from cloudfront`], ...edgeHeaders(requestId));
  return context.finish(applyRange(response, req.headers.range), cacheState);
}

/** The viewer-request CloudFront Function, then the viewer-request Lambda@Edge: the request, or their answer. */
async function runViewerRequestFunctions(context: RequestContext, requestId: string): Promise<CloudFrontRequest | { response: ViewerResponse; cache: string }> {
  const { req, behavior, opts, method, path, query, clientIp } = context;
  let request: CloudFrontRequest = { clientIp, headers: toCloudFrontHeaders(req.rawHeaders), method, querystring: query, uri: path };
  const viewerFunction = behavior.cloudFrontFunctions.find((f) => f.eventType === 'viewer-request');
  if (viewerFunction !== undefined) {
    const compiled = opts.cloudFrontFunctions?.get(viewerFunction.functionId);
    if (compiled === undefined) throw new LocalEdgeFunctionError(`${viewerFunction.functionId} is not loaded`);
    const result = await compiled.run({
      version: '1.0',
      context: { distributionDomainName: opts.domainName(), distributionId: 'ELOCALEDGE', eventType: 'viewer-request', requestId },
      viewer: { ip: clientIp },
      request: toCfFunctionRequest(method, path, query, req.rawHeaders),
    });
    if (result.kind === 'response') {
      const headers: Array<[string, string]> = Object.entries(result.headers).map(([name, entry]) => [name, entry.value]);
      return { response: { status: result.statusCode, headers, body: Buffer.from(result.body) }, cache: 'Generated' };
    }
    // What this system's functions change: the URI and the query (headers go on as the viewer sent them).
    request = { ...request, uri: result.request.uri, querystring: cfFunctionQuery(result.request) };
  }
  const viewerRequestRun = await runEdgeFunction(behavior, 'viewer-request', opts, { request: structuredClone(request) }, requestId);
  if (viewerRequestRun === undefined) return request;
  if (isGeneratedResponse(viewerRequestRun.result)) return { response: generatedResponse(viewerRequestRun.result, VIEWER_EVENT_LIMIT, 'viewer-request'), cache: 'Generated' };
  if (!isRequest(viewerRequestRun.result)) return { response: errorResponse(502, 'The Lambda function returned an invalid request or response to CloudFront.'), cache: '-' };
  return viewerRequestRun.result;
}

/** The cached response under the cache policy's key, else the origin's (stored when cacheable). */
async function readThroughCache(context: RequestContext, request: CloudFrontRequest, requestId: string): Promise<{ stored: CachedResponse; cacheState: string }> {
  const { behavior, opts, method } = context;
  const stripSigned = behavior.requiresSignature;
  const key = cacheKey({
    host: opts.domainName(),
    uri: request.uri,
    query: request.querystring,
    headers: Object.fromEntries(Object.entries(request.headers).map(([name, list]) => [name, list[0]?.value])),
    cookies: parseCookies(headerValue(request.headers, 'cookie')),
  }, behavior.cachePolicy, stripSigned);
  const cacheable = !behavior.cachePolicy.disabled && (method === 'GET' || method === 'HEAD');
  const hit = cacheable ? opts.cache.get(key, opts.now()) : undefined;
  if (hit !== undefined) return { stored: hit, cacheState: 'Hit' };
  // Simultaneous misses with the same key share one origin request and origin-response run, whatever the policy.
  const { value: fromOrigin, joined } = method === 'GET' || method === 'HEAD'
    ? await opts.cache.collapser.run(`${method} ${key}`, () => fetchThroughOrigin(behavior, request, opts, requestId, stripSigned))
    : { value: await fetchThroughOrigin(behavior, request, opts, requestId, stripSigned), joined: false };
  const stored = fromOrigin.response;
  if (joined) return { stored, cacheState: 'Collapsed' };
  // CachedMethods is GET, HEAD in every behavior this template has: an OPTIONS answer is never stored.
  if (cacheable) {
    const ttl = ttlFor(behavior.cachePolicy, stored.headers.find(([name]) => name.toLowerCase() === 'cache-control')?.[1], stored.status);
    opts.cache.set(key, stored, ttl, opts.now());
  }
  return { stored, cacheState: fromOrigin.generated ? 'Generated' : behavior.cachePolicy.disabled ? 'Disabled' : 'Miss' };
}

/**
 * The signature check on both forms of the path. AWS documents that behaviors match the normalized path and the
 * origin gets the raw one, not which of the two a policy's Resource is compared with; a request passes here only
 * if its policy covers both, so `/movies/42/../43/...` with a policy for `/movies/42/*` is refused (AccessDenied)
 * whichever CloudFront uses. Players never send dot segments (they resolve them first), so no playback depends on
 * it; merged slashes and decoded `%7E`-style escapes matter only to a canned (exact-URL) policy for such a URL.
 */
function verifySigned(origin: string, rawPath: string, matchPath: string, query: string, options: VerifyOptions): VerifyResult {
  const raw = verifySignedUrl(`${origin}${rawPath}${query}`, options);
  if (!raw.ok || matchPath === rawPath) return raw;
  return verifySignedUrl(`${origin}${matchPath}${query}`, options);
}
