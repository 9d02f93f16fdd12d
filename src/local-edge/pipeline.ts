/**
 * One viewer request through the local edge, in CloudFront's order:
 * behavior -> signature check -> viewer-request fn -> cache (key per cache policy) -> origin-request fn ->
 * origin (signing params stripped, query per cache + origin request policy) -> origin-response fn -> store ->
 * viewer-response fn -> response headers policy (CORS).
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { KeyObject } from 'node:crypto';
import type { CloudFrontHeaders, CloudFrontRequest } from 'aws-lambda';
import { cloudFrontErrorXml, verifySignedUrl } from '../signer/index.js';
import type { VerifyOptions, VerifyResult } from '../signer/index.js';
import { headerValue, readCredentials, STATUS_TEXT } from '../cloudfront/index.js';
import { cacheKey, originQuery, type ResponseCache, ttlFor } from './cache.js';
import type { CachedResponse } from './cache.js';
import {
  eventConfig, fromCloudFrontHeaders, generatedBody, invoke, isGeneratedResponse, isRequest, toCloudFrontHeaders,
} from './events.js';
import type { LoadedFunction } from './events.js';
import { compressLikeCloudFront } from './compression.js';
import { cfFunctionQuery, toCfFunctionRequest } from './cf-function.js';
import type { CompiledCloudFrontFunction } from './cf-function.js';
import { serveFunctionUrl } from './function-url.js';
import type { FunctionUrlRuntime } from './function-url.js';
import { originHeaders } from './origin-headers.js';
import { s3Preflight } from './s3-cors.js';
import type { Origin } from './origin.js';
import { normalizeRequestPath, selectBehavior } from './path-pattern.js';
import type { ResponseHeadersPolicy } from './policies.js';
import type { BehaviorModel, DistributionModel, EdgeEventType } from './template.js';

/** One access log line. Never holds query strings, signatures or policies. */
export interface AccessLogEntry {
  seq: number;
  time: string;
  method: string;
  /** Path only (no query). */
  path: string;
  status: number;
  /** Credentials were presented (in the URL or as signed cookies). */
  signed: boolean;
  /** Where they were: `url`, `cookie`, or `none`. */
  credentials: 'url' | 'cookie' | 'none';
  /** The behavior requires no signed URL (the signer at `/api/*`): unsigned is expected there. */
  unprotected?: true;
  /** CloudFront error code when the signature check failed. */
  denied?: string;
  /** `Hit`, `Miss`, `Disabled` (CachingDisabled), `Generated` (a function answered), `-` (not cacheable). */
  cache: string;
  behavior: string;
  ms: number;
}

export interface PipelineOptions {
  model: DistributionModel;
  origin: Origin;
  functions: Map<string, LoadedFunction>;
  /** Compiled CloudFront Functions by logical id. */
  cloudFrontFunctions?: Map<string, CompiledCloudFrontFunction>;
  keys: Record<string, string | KeyObject>;
  cache: ResponseCache;
  /** host:port of the local edge (`config.distributionDomainName`). */
  domainName: () => string;
  now: () => number;
  functionTimeoutMs?: number;
  /** Function URL origins (the signer) by origin id. */
  functionUrls?: Map<string, FunctionUrlRuntime>;
}

export interface EdgeResponse {
  status: number;
  headers: Array<[string, string]>;
  body: Buffer;
  log: Omit<AccessLogEntry, 'seq' | 'time' | 'ms'>;
}

// Lambda@Edge generated-response limits (headers + body).
const VIEWER_LIMIT = 40 * 1024;
const ORIGIN_LIMIT = 1024 * 1024;

function parseCookies(header: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0) out[part.slice(0, eq).trim()] = part.slice(eq + 1).trim();
  }
  return out;
}

function hop(name: string): boolean {
  return ['transfer-encoding', 'connection', 'keep-alive', 'content-length'].includes(name.toLowerCase());
}

/** Handles one request. Never throws: failures become CloudFront-like 5xx responses. */
export async function handleRequest(req: IncomingMessage, opts: PipelineOptions): Promise<EdgeResponse> {
  const rawUrl = req.url ?? '/';
  const q = rawUrl.indexOf('?');
  const path = q === -1 ? rawUrl : rawUrl.slice(0, q);
  const query = q === -1 ? '' : rawUrl.slice(q + 1);
  const method = req.method ?? 'GET';
  // CloudFront picks the behavior on the normalized path and hands functions and the origin the raw one.
  const matchPath = normalizeRequestPath(path);
  const behavior = selectBehavior(opts.model.behaviors, matchPath);
  const cookies = parseCookies(req.headers.cookie);
  const urlCreds = readCredentials(query);
  const credentials: AccessLogEntry['credentials'] = urlCreds.Signature !== undefined || urlCreds['Key-Pair-Id'] !== undefined || urlCreds.Policy !== undefined || urlCreds.Expires !== undefined
    ? 'url'
    : cookies['CloudFront-Signature'] !== undefined ? 'cookie' : 'none';
  const base = { method, path, signed: credentials !== 'none', credentials, behavior: behavior.pathPattern, ...(!behavior.requiresSignature && { unprotected: true as const }) };
  const finish = (r: Omit<EdgeResponse, 'log'>, cache: string, denied?: string): EdgeResponse =>
    applyResponsePolicy({ ...r, log: { ...base, status: r.status, cache, ...(denied ? { denied } : {}) } }, behavior.responseHeadersPolicy, req.headers.origin, method);

  try {
    if (!behavior.allowedMethods.includes(method)) {
      return finish(errorText(403, 'This distribution is not configured to allow the HTTP request method that was used for this request.'), '-');
    }
    const clientIp = (req.socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, '');
    if (behavior.origin.kind === 'lambda-url') {
      const runtime = opts.functionUrls?.get(behavior.origin.id);
      // startLocalEdge creates a runtime for every function URL origin or refuses to start.
      if (runtime === undefined) throw new Error(`origin ${behavior.origin.id} has no runtime`);
      const requestId = randomUUID();
      const r = await serveFunctionUrl(req, behavior, runtime, { domainName: opts.domainName(), requestId, clientIp, now: opts.now() });
      const headers: Array<[string, string]> = [...r.headers.filter(([k]) => !hop(k)), ['X-Cache', r.cache === 'Generated' ? 'FunctionGeneratedResponse from cloudfront' : 'Miss from cloudfront'], ['Via', '1.1 local-edge (CloudFront)'], ['X-Amz-Cf-Pop', 'LOCAL'], ['X-Amz-Cf-Id', requestId]];
      return finish({ status: r.status, headers, body: r.body }, r.cache);
    }
    const host = req.headers.host ?? opts.domainName();
    if (behavior.requiresSignature) {
      const v = verifySigned(`http://${host}`, path, matchPath, q === -1 ? '' : rawUrl.slice(q), { keys: opts.keys, now: opts.now(), clientIp, cookies });
      if (!v.ok) {
        return finish({ status: 403, headers: [['Content-Type', 'text/xml'], ['X-Cache', 'Error from cloudfront']], body: Buffer.from(cloudFrontErrorXml(v.code, v.message)) }, '-', v.code);
      }
    }

    const requestId = randomUUID();
    const viewerHeaders = toCloudFrontHeaders(req.rawHeaders);
    let request: CloudFrontRequest = { clientIp, headers: viewerHeaders, method, querystring: query, uri: path };

    const cfViewer = behavior.cloudFrontFunctions.find((f) => f.eventType === 'viewer-request');
    if (cfViewer !== undefined) {
      const fn = opts.cloudFrontFunctions?.get(cfViewer.functionId);
      if (fn === undefined) throw new Error(`${cfViewer.functionId} is not loaded`);
      const r = await fn.run({
        version: '1.0',
        context: { distributionDomainName: opts.domainName(), distributionId: 'ELOCALEDGE', eventType: 'viewer-request', requestId },
        viewer: { ip: clientIp },
        request: toCfFunctionRequest(method, path, query, req.rawHeaders),
      });
      if (r.kind === 'response') {
        const headers: Array<[string, string]> = Object.entries(r.headers).map(([k, v]) => [k, v.value]);
        return finish({ status: r.statusCode, headers, body: Buffer.from(r.body) }, 'Generated');
      }
      // What this system's functions change: the URI and the query (headers go on as the viewer sent them).
      request = { ...request, uri: r.request.uri, querystring: cfFunctionQuery(r.request) };
    }
    const vr = await runFunction(behavior, 'viewer-request', opts, { request: clone(request) }, requestId);
    if (vr !== undefined) {
      if (isGeneratedResponse(vr.result)) return finish(generated(vr.result, VIEWER_LIMIT, 'viewer-request'), 'Generated');
      if (!isRequest(vr.result)) return finish(errorText(502, 'The Lambda function returned an invalid request or response to CloudFront.'), '-');
      request = vr.result;
    }

    const stripSigned = behavior.requiresSignature;
    const key = cacheKey({
      host: opts.domainName(),
      uri: request.uri,
      query: request.querystring,
      headers: Object.fromEntries(Object.entries(request.headers).map(([k, v]) => [k, v[0]?.value])),
      cookies: parseCookies(headerValue(request.headers, 'cookie')),
    }, behavior.cachePolicy, stripSigned);

    let stored: CachedResponse | undefined = behavior.cachePolicy.disabled || (method !== 'GET' && method !== 'HEAD') ? undefined : opts.cache.get(key, opts.now());
    let cacheState = behavior.cachePolicy.disabled ? 'Disabled' : stored ? 'Hit' : 'Miss';
    if (stored === undefined) {
      const fromOrigin = await fetchThroughOrigin(behavior, request, opts, requestId, stripSigned);
      stored = fromOrigin.response;
      if (fromOrigin.generated) cacheState = 'Generated';
      // CachedMethods is GET, HEAD in every behavior this template has: an OPTIONS answer is never stored.
      if (!behavior.cachePolicy.disabled && (method === 'GET' || method === 'HEAD')) {
        const ttl = ttlFor(behavior.cachePolicy, fromOrigin.response.headers.find(([k]) => k.toLowerCase() === 'cache-control')?.[1], stored.status);
        opts.cache.set(key, stored, ttl, opts.now());
      }
    }

    let response: Omit<EdgeResponse, 'log'> = { status: stored.status, headers: [...stored.headers], body: stored.body };
    const vres = await runFunction(behavior, 'viewer-response', opts, {
      request: clone(request),
      response: { status: String(response.status), statusDescription: STATUS_TEXT[response.status] ?? '', headers: toCloudFrontHeaders(response.headers.flat()) },
    }, requestId);
    if (vres !== undefined && isGeneratedResponse(vres.result)) {
      const r = vres.result;
      response = { status: Number(r.status), headers: fromCloudFrontHeaders(r.headers as CloudFrontHeaders), body: generatedBody(r) ?? response.body };
    }
    response = compressLikeCloudFront(behavior, req.headers['accept-encoding'], response);
    response.headers.push(['X-Cache', `${cacheState === 'Hit' ? 'Hit' : 'Miss'} from cloudfront`], ['Via', '1.1 local-edge (CloudFront)'], ['X-Amz-Cf-Pop', 'LOCAL'], ['X-Amz-Cf-Id', requestId]);
    return finish(applyRange(response, req.headers.range), cacheState);
  } catch (err) {
    // Like CloudFront: the viewer sees a generic error; the reason goes to the console only.
    process.stderr.write(`local-edge: ${method} ${path}: ${err instanceof Error ? err.message : String(err)}\n`);
    return finish(errorText(502, 'The Lambda function associated with the CloudFront distribution is invalid or doesn\'t have the required permissions.'), '-');
  }
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

async function fetchThroughOrigin(
  behavior: BehaviorModel,
  viewerRequest: CloudFrontRequest,
  opts: PipelineOptions,
  requestId: string,
  stripSigned: boolean,
): Promise<{ response: CachedResponse; generated: boolean }> {
  const oq = originQuery(viewerRequest.querystring, behavior.cachePolicy, behavior.originRequestPolicy, stripSigned);
  const eventOrigin = opts.origin.eventOrigin(behavior.origin.customHeaders, behavior.origin.originPath);
  const originHost = (eventOrigin.s3 ?? eventOrigin.custom) as { domainName: string };
  let originRequest: CloudFrontRequest = {
    clientIp: viewerRequest.clientIp,
    headers: originHeaders(viewerRequest.headers, behavior, originHost.domainName),
    method: viewerRequest.method,
    querystring: oq,
    uri: viewerRequest.uri,
    origin: eventOrigin as CloudFrontRequest['origin'],
  };
  const or = await runFunction(behavior, 'origin-request', opts, { request: clone(originRequest) }, requestId);
  if (or !== undefined) {
    if (isGeneratedResponse(or.result)) {
      const g = generated(or.result, ORIGIN_LIMIT, 'origin-request');
      return { response: g, generated: true };
    }
    if (isRequest(or.result)) originRequest = or.result;
  }

  // A preflight reaches S3 as OPTIONS: the bucket's CORS configuration answers it, from the forwarded headers.
  const fetched = originRequest.method === 'OPTIONS' && behavior.origin.kind === 's3'
    ? s3Preflight(behavior.origin.corsRules ?? [], Object.fromEntries(Object.entries(originRequest.headers).map(([k, v]) => [k, v[0]?.value])))
    : await opts.origin.fetch(originRequest.uri, originRequest.querystring, { 'User-Agent': 'Amazon CloudFront' });
  let status = fetched.status;
  let headers = fetched.headers.filter(([k]) => !hop(k));
  let body = fetched.body;
  const ores = await runFunction(behavior, 'origin-response', opts, {
    request: clone(originRequest),
    response: { status: String(status), statusDescription: STATUS_TEXT[status] ?? '', headers: toCloudFrontHeaders(headers.flat()) },
  }, requestId);
  if (ores !== undefined) {
    const r = ores.result as { status?: string; headers?: CloudFrontHeaders; body?: string; bodyEncoding?: 'text' | 'base64' } | undefined;
    if (r === undefined || r === null || typeof r !== 'object' || r.status === undefined) throw new Error(`${ores.fn.functionId}: origin-response returned no response`);
    status = Number(r.status);
    headers = fromCloudFrontHeaders(r.headers).filter(([k]) => !hop(k));
    const replaced = generatedBody(r);
    if (replaced !== undefined) {
      const size = replaced.length + headers.reduce((n, [k, v]) => n + k.length + v.length, 0);
      if (size > ORIGIN_LIMIT) throw new Error(`${ores.fn.functionId}: generated response is ${size} bytes, over the 1 MB origin-event limit`);
      body = replaced;
    }
  }
  return { response: { status, headers, body }, generated: false };
}

async function runFunction(
  behavior: BehaviorModel,
  eventType: EdgeEventType,
  opts: PipelineOptions,
  cf: Record<string, unknown>,
  requestId: string,
): Promise<{ fn: LoadedFunction; result: unknown } | undefined> {
  const assoc = behavior.functions.find((f) => f.eventType === eventType);
  if (assoc === undefined) return undefined;
  const fn = opts.functions.get(assoc.functionId);
  if (fn === undefined) throw new Error(`${assoc.functionId} is not loaded`);
  const event = { Records: [{ cf: { config: eventConfig(opts.domainName(), eventType, requestId), ...cf } }] };
  return { fn, result: await invoke(fn, event, opts.functionTimeoutMs ?? (eventType.startsWith('viewer') ? 5000 : 30000)) };
}

function generated(r: { status: string; headers?: CloudFrontHeaders; body?: string; bodyEncoding?: 'text' | 'base64' }, limit: number, where: string): CachedResponse {
  const body = generatedBody(r) ?? Buffer.alloc(0);
  const headers = fromCloudFrontHeaders(r.headers).filter(([k]) => !hop(k));
  if (body.length + headers.reduce((n, [k, v]) => n + k.length + v.length, 0) > limit) {
    throw new Error(`${where} generated response over the ${limit}-byte limit`);
  }
  return { status: Number(r.status), headers, body };
}

function errorText(status: number, message: string): Omit<EdgeResponse, 'log'> {
  return { status, headers: [['Content-Type', 'text/plain; charset=utf-8'], ['X-Cache', 'Error from cloudfront']], body: Buffer.from(`${message}\n`) };
}

/** Single-range `Range: bytes=a-b` on a 200, as CloudFront serves ranges from a full object. */
function applyRange(r: Omit<EdgeResponse, 'log'>, range: string | undefined): Omit<EdgeResponse, 'log'> {
  if (range === undefined || r.status !== 200) return r;
  const m = /^bytes=(\d*)-(\d*)$/.exec(range.trim());
  if (m === null || (m[1] === '' && m[2] === '')) return r;
  const size = r.body.length;
  let start = m[1] === '' ? Math.max(0, size - Number(m[2])) : Number(m[1]);
  let end = m[1] === '' || m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  if (start >= size || start > end) {
    return { status: 416, headers: [['Content-Range', `bytes */${size}`]], body: Buffer.alloc(0) };
  }
  start = Math.max(0, start);
  end = Math.max(start, end);
  return { status: 206, headers: [...r.headers, ['Content-Range', `bytes ${start}-${end}/${size}`]], body: r.body.subarray(start, end + 1) };
}

/** Adds the response headers policy's CORS (when the request has a matching Origin), custom and security headers. */
export function applyResponsePolicy(r: EdgeResponse, policy: ResponseHeadersPolicy | undefined, requestOrigin: string | undefined, method: string): EdgeResponse {
  if (policy === undefined) return r;
  const has = (name: string): boolean => r.headers.some(([k]) => k.toLowerCase() === name);
  const set = (name: string, value: string, override: boolean): void => {
    if (has(name)) {
      if (!override) return;
      r.headers = r.headers.filter(([k]) => k.toLowerCase() !== name);
    }
    r.headers.push([name, value]);
  };
  r.headers = r.headers.filter(([k]) => !policy.remove.includes(k.toLowerCase()));
  const cors = policy.cors;
  if (cors !== undefined && requestOrigin !== undefined) {
    const any = cors.allowOrigins.includes('*');
    if (any || cors.allowOrigins.includes(requestOrigin)) {
      set('access-control-allow-origin', any && !cors.allowCredentials ? '*' : requestOrigin, cors.originOverride);
      if (cors.allowCredentials) set('access-control-allow-credentials', 'true', cors.originOverride);
      if (cors.exposeHeaders.length > 0) set('access-control-expose-headers', cors.exposeHeaders.join(', '), cors.originOverride);
      if (method === 'OPTIONS') {
        set('access-control-allow-methods', cors.allowMethods.join(', '), cors.originOverride);
        if (cors.allowHeaders.length > 0) set('access-control-allow-headers', cors.allowHeaders.join(', '), cors.originOverride);
        if (cors.maxAgeSec !== undefined) set('access-control-max-age', String(cors.maxAgeSec), cors.originOverride);
      }
      if (!any) set('vary', 'Origin', false);
    }
  }
  for (const h of policy.add) set(h.name, h.value, h.override);
  return r;
}

function clone<T>(v: T): T {
  return structuredClone(v);
}
