/**
 * The origin side of one request, in CloudFront's order: origin-request fn -> origin (signing params stripped,
 * query per cache + origin request policy) -> origin-response fn. Also the Lambda@Edge invocation both sides use.
 */
import type { CloudFrontHeaders, CloudFrontRequest } from 'aws-lambda';
import { STATUS_TEXT } from '../../cloudfront/index.js';
import { originQuery } from './cache.js';
import type { CachedResponse } from './cache.js';
import { LocalEdgeFunctionError } from '../../errors.js';
import { eventConfig, fromCloudFrontHeaders, generatedBody, invoke, isGeneratedResponse, isRequest, toCloudFrontHeaders } from '../function-runtime/events.js';
import type { LoadedFunction } from '../function-runtime/events.js';
import { originHeaders } from './origin-headers.js';
import type { PipelineOptions } from './types.js';
import { s3Preflight } from '../template/s3-cors.js';
import type { BehaviorModel, EdgeEventType } from '../template/model.js';

// Lambda@Edge generated-response limits (headers + body).
export const VIEWER_EVENT_LIMIT = 40 * 1024;
const ORIGIN_EVENT_LIMIT = 1024 * 1024;

type GeneratedResult = { status: string; headers?: CloudFrontHeaders; body?: string; bodyEncoding?: 'text' | 'base64' };

/** Headers that describe one HTTP connection, not the object: never stored or passed on. */
export function isHopByHopHeader(name: string): boolean {
  return ['transfer-encoding', 'connection', 'keep-alive', 'content-length'].includes(name.toLowerCase());
}

/** Fetches what the cache stores for `viewerRequest`; `generated` when an origin-request function answered. */
export async function fetchThroughOrigin(
  behavior: BehaviorModel,
  viewerRequest: CloudFrontRequest,
  opts: PipelineOptions,
  requestId: string,
  stripSigned: boolean,
): Promise<{ response: CachedResponse; generated: boolean }> {
  const eventOrigin = opts.origin.eventOrigin(behavior.origin.customHeaders, behavior.origin.originPath);
  const originHost = (eventOrigin.s3 ?? eventOrigin.custom) as { domainName: string };
  let originRequest: CloudFrontRequest = {
    clientIp: viewerRequest.clientIp,
    headers: originHeaders(viewerRequest.headers, behavior, originHost.domainName),
    method: viewerRequest.method,
    querystring: originQuery(viewerRequest.querystring, behavior.cachePolicy, behavior.originRequestPolicy, stripSigned),
    uri: viewerRequest.uri,
    origin: eventOrigin as CloudFrontRequest['origin'],
  };
  const originRequestRun = await runEdgeFunction(behavior, 'origin-request', opts, { request: structuredClone(originRequest) }, requestId);
  if (originRequestRun !== undefined) {
    if (isGeneratedResponse(originRequestRun.result)) {
      return { response: generatedResponse(originRequestRun.result, ORIGIN_EVENT_LIMIT, 'origin-request'), generated: true };
    }
    if (isRequest(originRequestRun.result)) originRequest = originRequestRun.result;
  }

  // A preflight reaches S3 as OPTIONS: the bucket's CORS configuration answers it, from the forwarded headers.
  const fetched = originRequest.method === 'OPTIONS' && behavior.origin.kind === 's3'
    ? s3Preflight(behavior.origin.corsRules ?? [], Object.fromEntries(Object.entries(originRequest.headers).map(([name, list]) => [name, list[0]?.value])))
    : await opts.origin.fetch(originRequest.uri, originRequest.querystring, { 'User-Agent': 'Amazon CloudFront' });
  const response: CachedResponse = { status: fetched.status, headers: fetched.headers.filter(([name]) => !isHopByHopHeader(name)), body: fetched.body };
  return { response: await runOriginResponse(behavior, originRequest, response, opts, requestId), generated: false };
}

/** The origin-response function, if any, on what the origin sent. */
async function runOriginResponse(
  behavior: BehaviorModel,
  originRequest: CloudFrontRequest,
  fetched: CachedResponse,
  opts: PipelineOptions,
  requestId: string,
): Promise<CachedResponse> {
  const originResponseRun = await runEdgeFunction(behavior, 'origin-response', opts, {
    request: structuredClone(originRequest),
    response: { status: String(fetched.status), statusDescription: STATUS_TEXT[fetched.status] ?? '', headers: toCloudFrontHeaders(fetched.headers.flat()) },
  }, requestId);
  if (originResponseRun === undefined) return fetched;
  const { functionId } = originResponseRun.fn;
  const result = originResponseRun.result as Partial<GeneratedResult> | undefined;
  if (result === undefined || result === null || typeof result !== 'object' || result.status === undefined) {
    throw new LocalEdgeFunctionError(`${functionId}: origin-response returned no response`);
  }
  const headers = fromCloudFrontHeaders(result.headers).filter(([name]) => !isHopByHopHeader(name));
  const replaced = generatedBody(result);
  if (replaced !== undefined) {
    const size = replaced.length + headerBytes(headers);
    if (size > ORIGIN_EVENT_LIMIT) throw new LocalEdgeFunctionError(`${functionId}: generated response is ${size} bytes, over the 1 MB origin-event limit`);
  }
  return { status: Number(result.status), headers, body: replaced ?? fetched.body };
}

/** Runs the behavior's Lambda@Edge function for `eventType`; undefined when it has none. */
export async function runEdgeFunction(
  behavior: BehaviorModel,
  eventType: EdgeEventType,
  opts: PipelineOptions,
  cfRecord: Record<string, unknown>,
  requestId: string,
): Promise<{ fn: LoadedFunction; result: unknown } | undefined> {
  const association = behavior.functions.find((f) => f.eventType === eventType);
  if (association === undefined) return undefined;
  const fn = opts.functions.get(association.functionId);
  if (fn === undefined) throw new LocalEdgeFunctionError(`${association.functionId} is not loaded`);
  const event = { Records: [{ cf: { config: eventConfig(opts.domainName(), eventType, requestId), ...cfRecord } }] };
  return { fn, result: await invoke(fn, event, opts.functionTimeoutMs ?? (eventType.startsWith('viewer') ? 5000 : 30000)) };
}

/** A function-generated response, refused over the event's size limit (headers + body). */
export function generatedResponse(result: GeneratedResult, limit: number, eventType: string): CachedResponse {
  const body = generatedBody(result) ?? Buffer.alloc(0);
  const headers = fromCloudFrontHeaders(result.headers).filter(([name]) => !isHopByHopHeader(name));
  if (body.length + headerBytes(headers) > limit) {
    throw new LocalEdgeFunctionError(`${eventType} generated response over the ${limit}-byte limit`);
  }
  return { status: Number(result.status), headers, body };
}

function headerBytes(headers: Array<[string, string]>): number {
  return headers.reduce((total, [name, value]) => total + name.length + value.length, 0);
}
