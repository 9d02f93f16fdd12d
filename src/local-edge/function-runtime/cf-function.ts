/**
 * CloudFront Functions (viewer-request) run from their template code, so the local edge executes exactly what
 * deploys (template.yaml's SignerViewerFunction, and ViewerRequestCloudFrontFunction when chosen). The code runs in its own V8 context (node:vm) with a time
 * limit; values cross the boundary as JSON, as CloudFront's event and result are plain JSON objects.
 * Event shape: https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/functions-event-structure.html
 * node:vm is not a security boundary: it isolates globals, not hostile code (the code is the project's own).
 */
import { Script, createContext } from 'node:vm';
import type { Context } from 'node:vm';
import { cfQueryString } from '../../cloudfront/index.js';
import type { CfFunctionRequest, CfFunctionValues } from '../../cloudfront/index.js';
import { LocalEdgeConfigError, LocalEdgeFunctionError } from '../../errors.js';
import type { CloudFrontFunctionModel } from '../template/model.js';

export type { CfFunctionRequest, CfFunctionValues };

export interface CfFunctionEvent {
  version: '1.0';
  context: { distributionDomainName: string; distributionId: string; eventType: 'viewer-request'; requestId: string };
  viewer: { ip: string };
  request: CfFunctionRequest;
}

/** A generated response (`statusCode` present) or the request to continue with. */
export type CfFunctionResult =
  | { kind: 'request'; request: CfFunctionRequest }
  | { kind: 'response'; statusCode: number; headers: CfFunctionValues; body: string };

export interface CompiledCloudFrontFunction {
  functionId: string;
  run(event: CfFunctionEvent): Promise<CfFunctionResult>;
}

// CloudFront Functions get about 1 ms of compute; a generous local limit still catches runaway loops.
const TIME_LIMIT_MS = 200;

/**
 * Compiles a function's code; a syntax error or a missing `handler` is a startup error. `timeLimitMs` bounds each
 * run (tests on a busy machine give more).
 */
export function compileCloudFrontFunction(fn: CloudFrontFunctionModel, timeLimitMs = TIME_LIMIT_MS): CompiledCloudFrontFunction {
  // Only what CloudFront Functions offer; console.log goes nowhere (CloudWatch in production).
  const context: Context = createContext({ console: { log: () => undefined } }, { codeGeneration: { strings: false, wasm: false } });
  try {
    new Script(`${fn.code}\n;globalThis.__cfhlsHandler = typeof handler === 'function' ? handler : undefined;`, { filename: `${fn.functionId}.js` })
      .runInContext(context, { timeout: timeLimitMs });
  } catch (err) {
    throw new LocalEdgeConfigError(`${fn.functionId}.FunctionCode does not load: ${(err as Error).message}`, { cause: err });
  }
  if (typeof (context as { __cfhlsHandler?: unknown }).__cfhlsHandler !== 'function') {
    throw new LocalEdgeConfigError(`${fn.functionId}.FunctionCode defines no function named handler`);
  }
  const call = new Script('Promise.resolve(__cfhlsHandler(JSON.parse(__cfhlsEvent))).then((r) => JSON.stringify(r === undefined ? null : r))', { filename: `${fn.functionId}-call.js` });
  return {
    functionId: fn.functionId,
    async run(event) {
      (context as { __cfhlsEvent?: string }).__cfhlsEvent = JSON.stringify(event);
      const text = (await (call.runInContext(context, { timeout: timeLimitMs }) as Promise<string>)) ?? 'null';
      const result = JSON.parse(text) as Record<string, unknown> | null;
      if (result === null || typeof result !== 'object') throw new LocalEdgeFunctionError(`${fn.functionId} returned neither a request nor a response`);
      if ('statusCode' in result) {
        const body = result.body;
        const text = typeof body === 'string' ? body : typeof body === 'object' && body !== null && typeof (body as { data?: unknown }).data === 'string'
          ? ((body as { encoding?: string }).encoding === 'base64' ? Buffer.from((body as { data: string }).data, 'base64').toString('utf8') : (body as { data: string }).data)
          : '';
        return { kind: 'response', statusCode: Number(result.statusCode), headers: (result.headers ?? {}) as CfFunctionValues, body: text };
      }
      if (typeof result.uri !== 'string' || typeof result.method !== 'string') throw new LocalEdgeFunctionError(`${fn.functionId} returned neither a request nor a response`);
      const querystring = typeof result.querystring === 'string' ? result.querystring : (result.querystring ?? {}) as CfFunctionValues;
      return { kind: 'request', request: { method: result.method, uri: result.uri, querystring, headers: (result.headers ?? {}) as CfFunctionValues, cookies: (result.cookies ?? {}) as CfFunctionValues } };
    },
  };
}

/**
 * Maps keyed by names a viewer chooses have no prototype: `?__proto__=x` or `?constructor` must become entries,
 * not reach (and pollute) Object.prototype of the local edge's process.
 */
function values(): CfFunctionValues {
  return Object.create(null) as CfFunctionValues;
}

function add(map: CfFunctionValues, name: string, value: string): void {
  const prev = Object.hasOwn(map, name) ? map[name] : undefined;
  if (prev === undefined) map[name] = { value };
  else prev.multiValue = [...(prev.multiValue ?? [{ value: prev.value }]), { value }];
}

/**
 * The event CloudFront builds for a viewer request: lowercase header names (cookies in their own map, not in
 * headers), query parameters by name with their values as sent (still percent-encoded).
 */
export function toCfFunctionRequest(method: string, uri: string, query: string, rawHeaders: readonly string[]): CfFunctionRequest {
  const headers = values();
  const cookies = values();
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]!.toLowerCase();
    const value = rawHeaders[i + 1]!;
    if (name === 'cookie') {
      for (const part of value.split(';')) {
        const eq = part.indexOf('=');
        if (eq > 0) add(cookies, part.slice(0, eq).trim(), part.slice(eq + 1).trim());
      }
    } else add(headers, name, value);
  }
  const querystring = values();
  for (const pair of query === '' ? [] : query.split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    add(querystring, eq === -1 ? pair : pair.slice(0, eq), eq === -1 ? '' : pair.slice(eq + 1));
  }
  return { method, uri, querystring, headers, cookies };
}

/** All values of one entry, in order. */
export function valuesOf(entry: { value: string; multiValue?: Array<{ value: string }> }): string[] {
  return entry.multiValue !== undefined && entry.multiValue.length > 0 ? entry.multiValue.map((item) => item.value) : [entry.value];
}

/** The request's query string rebuilt from the function's result (the same code the CloudFront Function uses). */
export function cfFunctionQuery(request: CfFunctionRequest): string {
  return cfQueryString(request.querystring);
}
