/**
 * CloudFront-shaped Lambda@Edge events and header conversions, and running the built bundles with them.
 */
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { randomUUID } from 'node:crypto';
import type { CloudFrontHeaders, CloudFrontRequest, CloudFrontResultResponse } from 'aws-lambda';
import { LocalEdgeConfigError, LocalEdgeFunctionError } from '../../errors.js';
import type { EdgeEventType } from '../template/model.js';

/** Node's `rawHeaders` (name, value, name, value, ...) -> CloudFront's `{ lower: [{ key, value }] }`. */
export function toCloudFrontHeaders(raw: readonly string[]): CloudFrontHeaders {
  const out: CloudFrontHeaders = {};
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const key = raw[i]!;
    const name = key.toLowerCase();
    out[name] ??= [];
    out[name].push({ key, value: raw[i + 1]! });
  }
  return out;
}

/** Flat pairs for a node response, in order. */
export function fromCloudFrontHeaders(headers: CloudFrontHeaders | undefined): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const [name, list] of Object.entries(headers ?? {})) {
    for (const header of list ?? []) out.push([header.key ?? name, header.value]);
  }
  return out;
}

/** The `cf.config` of every event; `distributionDomainName` is the local edge's host:port. */
export function eventConfig(distributionDomainName: string, eventType: EdgeEventType, requestId: string) {
  return { distributionDomainName, distributionId: 'ELOCALEDGE', eventType, requestId };
}

export type EdgeHandler = (event: unknown, context: unknown, callback?: (err: unknown, result?: unknown) => void) => unknown;

/** A loaded bundle: `dist/functions/<dir>/index.mjs` exporting `handler`. */
export interface LoadedFunction {
  functionId: string;
  bundle: string;
  handler: EdgeHandler;
}

let loads = 0;

/** Imports a built bundle; a missing file is a startup error that says how to build it. */
export async function loadFunction(root: string, functionId: string, bundle: string): Promise<LoadedFunction> {
  const file = join(root, bundle);
  if (!existsSync(file)) {
    throw new LocalEdgeConfigError(`${functionId}: ${bundle} is missing; run \`npm run build\` (node scripts/build.mjs) first`);
  }
  // Each load is a new module instance, as each deployment starts cold containers: a second local edge in the same
  // process (tests start many) must not find the first one's warm state (origin-response's playlist cache, memoised
  // keys). The mtime also shows a rebuilt bundle in the URL.
  loads += 1;
  const url = `${pathToFileURL(file).href}?mtime=${statSync(file).mtimeMs}&load=${loads}`;
  const mod = (await import(url)) as { handler?: unknown };
  if (typeof mod.handler !== 'function') throw new LocalEdgeConfigError(`${functionId}: ${bundle} does not export a handler function`);
  return { functionId, bundle, handler: mod.handler as EdgeHandler };
}

/** Runs a handler (async or callback style) with a Lambda-like context and a time limit. */
export async function invoke(fn: LoadedFunction, event: unknown, timeoutMs: number): Promise<unknown> {
  const context = {
    functionName: `us-east-1.${fn.functionId}`,
    functionVersion: '1',
    awsRequestId: randomUUID(),
    invokedFunctionArn: `arn:aws:lambda:us-east-1:123456789012:function:us-east-1.${fn.functionId}:1`,
    memoryLimitInMB: '128',
    getRemainingTimeInMillis: () => timeoutMs,
    callbackWaitsForEmptyEventLoop: false,
  };
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new LocalEdgeFunctionError(`${fn.functionId} timed out after ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    const run = new Promise<unknown>((resolve, reject) => {
      const maybe = fn.handler(event, context, (err, result) => (err ? reject(err) : resolve(result)));
      if (maybe !== undefined && typeof (maybe as Promise<unknown>).then === 'function') (maybe as Promise<unknown>).then(resolve, reject);
      else if (fn.handler.length < 3) resolve(maybe);
    });
    return await Promise.race([run, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** A request-event result is a generated response when it has a status. */
export function isGeneratedResponse(v: unknown): v is CloudFrontResultResponse {
  return typeof v === 'object' && v !== null && 'status' in v;
}

export function isRequest(v: unknown): v is CloudFrontRequest {
  return typeof v === 'object' && v !== null && typeof (v as CloudFrontRequest).uri === 'string';
}

/** Body bytes of a function-generated response (`bodyEncoding` text or base64). */
export function generatedBody(r: { body?: string; bodyEncoding?: 'text' | 'base64' }): Buffer | undefined {
  if (r.body === undefined) return undefined;
  return r.bodyEncoding === 'base64' ? Buffer.from(r.body, 'base64') : Buffer.from(r.body, 'utf8');
}
