/**
 * What the request pipeline is given (PipelineOptions) and gives back (LocalEdgeResponse, AccessLogEntry). Types
 * only, so the pipeline's steps and the server above it share them without importing pipeline.ts.
 */
import type { KeyObject } from 'node:crypto';
import type { CompiledCloudFrontFunction } from '../function-runtime/cf-function.js';
import type { LoadedFunction } from '../function-runtime/events.js';
import type { Origin } from '../origins/origin.js';
import type { DistributionModel } from '../template/model.js';
import type { ResponseCache } from './cache.js';
import type { FunctionUrlRuntime } from './function-url-origin.js';
import type { ViewerResponse } from './viewer-response.js';

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
  /** `Hit`, `Miss`, `Disabled` (CachingDisabled), `Collapsed` (joined a miss in flight), `Generated` (a function answered), `-` (not cacheable). */
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

/** The local edge's answer to one viewer request, with its access log fields. */
export interface LocalEdgeResponse extends ViewerResponse {
  log: Omit<AccessLogEntry, 'seq' | 'time' | 'ms'>;
}
