/**
 * What the local edge runs besides itself: the built Lambda@Edge bundles and CloudFront Functions of every
 * behavior, the origin (a folder or S3), and the signer endpoint behind each function URL origin.
 */
import type { ServiceLogRecord } from '../service/index.js';
import { compileCloudFrontFunction } from './function-runtime/cf-function.js';
import type { CompiledCloudFrontFunction } from './function-runtime/cf-function.js';
import type { SigningKey } from './function-runtime/edge-keys.js';
import { LocalEdgeConfigError } from '../errors.js';
import { loadFunction } from './function-runtime/events.js';
import type { LoadedFunction } from './function-runtime/events.js';
import type { FunctionUrlRuntime } from './pipeline/function-url-origin.js';
import { startFolderOrigin, startS3Origin } from './origins/origin.js';
import type { Origin } from './origins/origin.js';
import { createDevIssuer, createLocalSignerEndpoint, discoverTitles, masterPlaylistOf } from './function-runtime/signer-endpoint.js';
import type { DevIssuer, LocalSignerInfo } from './function-runtime/signer-endpoint.js';
import type { BehaviorModel, DistributionModel, OriginFunctionModel } from './template/model.js';
import { httpOrigin } from './origins/http-origin.js';

/** A function URL origin and the first behavior that uses it. */
export interface FunctionUrlOrigin {
  behavior: string;
  fn: OriginFunctionModel;
}

export interface EdgeFunctions {
  /** Lambda@Edge bundles by logical id. */
  lambdaAtEdge: Map<string, LoadedFunction>;
  /** CloudFront Functions by logical id. */
  cloudFrontFunctions: Map<string, CompiledCloudFrontFunction>;
  /** Function URL origins by origin id. */
  functionUrlOrigins: Map<string, FunctionUrlOrigin>;
}

/** Loads every function the model's behaviors name; refuses function URL behaviors the edge cannot model. */
export async function loadEdgeFunctions(model: DistributionModel, root: string): Promise<EdgeFunctions> {
  const lambdaAtEdge = new Map<string, LoadedFunction>();
  const cloudFrontFunctions = new Map<string, CompiledCloudFrontFunction>();
  const functionUrlOrigins = new Map<string, FunctionUrlOrigin>();
  for (const behavior of model.behaviors) {
    for (const association of behavior.functions) {
      if (!lambdaAtEdge.has(association.functionId)) lambdaAtEdge.set(association.functionId, await loadFunction(root, association.functionId, association.bundle));
    }
    for (const association of behavior.cloudFrontFunctions) {
      if (!cloudFrontFunctions.has(association.functionId)) cloudFrontFunctions.set(association.functionId, compileCloudFrontFunction(association));
    }
    if (behavior.origin.kind === 'lambda-url' && !functionUrlOrigins.has(behavior.origin.id)) {
      functionUrlOrigins.set(behavior.origin.id, { behavior: behavior.pathPattern, fn: checkFunctionUrlBehavior(behavior) });
    }
  }
  return { lambdaAtEdge, cloudFrontFunctions, functionUrlOrigins };
}

function checkFunctionUrlBehavior(behavior: BehaviorModel): OriginFunctionModel {
  const where = `behavior ${behavior.pathPattern} -> origin ${behavior.origin.id}`;
  if (behavior.origin.function === undefined) throw new LocalEdgeConfigError(`${where}: the function behind the function URL (${behavior.origin.functionId ?? '?'}) is not in the template, so the local edge cannot run it`);
  if (behavior.functions.length > 0) throw new LocalEdgeConfigError(`${where}: Lambda@Edge functions on a function URL behavior are not modeled by the local edge`);
  // Signer answers are per viewer and marked no-store; caching them is not modeled (and would be a bug).
  if (!behavior.cachePolicy.disabled) throw new LocalEdgeConfigError(`${where}: only CachingDisabled is modeled on a function URL behavior`);
  return behavior.origin.function;
}

/** Where the edge's objects come from. */
export interface OriginSpec {
  /** A folder, or `s3://BUCKET`. */
  origin: string;
  s3Endpoint?: string | undefined;
  /** For `s3://` without an endpoint: the folder uploaded into the bucket. */
  s3Seed: string;
}

/** Starts the origin: a loopback HTTP server over a folder, or S3 (an endpoint, or a local server seeded). */
export async function openOrigin(spec: OriginSpec): Promise<Origin> {
  if (/^https?:\/\//i.test(spec.origin)) return httpOrigin(spec.origin);
  if (!spec.origin.startsWith('s3://')) return startFolderOrigin(spec.origin);
  const bucket = spec.origin.slice(5).replace(/\/.*$/, '');
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket)) throw new LocalEdgeConfigError(`--origin ${spec.origin}: not a valid bucket name`);
  return startS3Origin({ bucket, seed: spec.s3Seed, ...(spec.s3Endpoint !== undefined ? { endpoint: spec.s3Endpoint } : {}) });
}

/** The folder whose titles the signer lists; undefined for an external S3 endpoint (its objects are not listed). */
function titleFolderOf(spec: OriginSpec): string | undefined {
  if (/^https?:\/\//i.test(spec.origin)) return undefined;
  if (!spec.origin.startsWith('s3://')) return spec.origin;
  return spec.s3Endpoint === undefined ? spec.s3Seed : undefined;
}

export interface SignerEndpointsOptions {
  functionUrlOrigins: Map<string, FunctionUrlOrigin>;
  cloudFrontFunctions: Map<string, CompiledCloudFrontFunction>;
  originSpec: OriginSpec;
  /** `http://127.0.0.1:PORT`. */
  edgeUrl: string;
  signingKey: SigningKey | undefined;
  tokenTtlSeconds: number;
  onSignerLog?: ((record: ServiceLogRecord) => void) | undefined;
}

export interface SignerEndpoints {
  /** Function URL runtimes by origin id. */
  functionUrls: Map<string, FunctionUrlRuntime>;
  /** Undefined when the template has no function URL origin. */
  issuer: DevIssuer | undefined;
  info: LocalSignerInfo | undefined;
  /** Startup notes about what the signer cannot do here. */
  notes: string[];
}

/** A dev issuer and one signer endpoint per function URL origin. */
export async function startSignerEndpoints(options: SignerEndpointsOptions): Promise<SignerEndpoints> {
  const functionUrls = new Map<string, FunctionUrlRuntime>();
  const notes: string[] = [];
  if (options.functionUrlOrigins.size === 0) return { functionUrls, issuer: undefined, info: undefined, notes };
  // Content ids for the signer: every folder of the origin holding a master playlist (the root is one).
  const master = masterPlaylistOf([...options.functionUrlOrigins.values()][0]!.fn);
  const titleFolder = titleFolderOf(options.originSpec);
  const titles = titleFolder === undefined ? undefined : discoverTitles(titleFolder, master);
  const issuer = await createDevIssuer(options.edgeUrl);
  let info: LocalSignerInfo | undefined;
  for (const [originId, { behavior, fn }] of options.functionUrlOrigins) {
    const endpoint = await createLocalSignerEndpoint({
      fn,
      issuer,
      edgeUrl: options.edgeUrl,
      signingKey: options.signingKey,
      titles,
      tokenTtlSeconds: options.tokenTtlSeconds,
      ...(options.onSignerLog !== undefined && { log: options.onSignerLog }),
    });
    functionUrls.set(originId, { functionId: fn.functionId, handler: endpoint.handler, cloudFrontFunctions: options.cloudFrontFunctions, timeoutMs: 10_000 });
    info ??= endpoint.info;
    if (options.signingKey === undefined) notes.push(`behavior ${behavior}: the signer has no private key (the edge was given public keys only), so it answers 500`);
    if (titles === undefined) notes.push(`behavior ${behavior}: titles in an external S3 bucket are not listed; the signer maps content id X to /X/${master} and the dev token is entitled to nothing (mint one with entitlements)`);
    else if (Object.keys(titles).length === 0) notes.push(`behavior ${behavior}: the origin has no folder with ${master}, so the signer knows no titles`);
  }
  return { functionUrls, issuer, info, notes };
}
