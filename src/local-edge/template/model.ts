/**
 * The model of the distribution the local edge serves, as template.ts reads it from template.yaml: behaviors,
 * origins and the functions on them. Types only, so every part of the local edge can name them without importing
 * the template reader.
 */
import type { S3CorsRule } from './s3-cors.js';
import type { CachePolicy, OriginRequestPolicy, ResponseHeadersPolicy } from './policies.js';

export type EdgeEventType = 'viewer-request' | 'origin-request' | 'origin-response' | 'viewer-response';

/** A Lambda@Edge association: which built bundle runs on which event. */
export interface EdgeFunctionAssociation {
  eventType: EdgeEventType;
  /** Logical id of the function resource. */
  functionId: string;
  /** `src/functions/<dir>/index.ts` as in Metadata.BuildProperties.EntryPoints. */
  entryPoint: string;
  /** `dist/functions/<dir>/index.mjs`, relative to the project root. */
  bundle: string;
  includeBody: boolean;
}

/** A CloudFront Function (AWS::CloudFront::Function) on a behavior; its inline code runs in a sandbox. */
export interface CloudFrontFunctionModel {
  eventType: 'viewer-request';
  /** Logical id of the AWS::CloudFront::Function. */
  functionId: string;
  /** `cloudfront-js-1.0` or `cloudfront-js-2.0`. */
  runtime: string;
  /** FunctionCode as deployed. */
  code: string;
}

/** The Lambda function behind a function URL origin, as the template configures it. */
export interface OriginFunctionModel {
  functionId: string;
  /** `src/functions/<dir>/index.ts`. */
  entryPoint: string;
  /** Environment.Variables whose values resolve to strings locally (deploy-time references are left out). */
  environment: Record<string, string>;
}

export interface OriginModel {
  id: string;
  /** `s3`: S3OriginConfig; `custom`: CustomOriginConfig; `lambda-url`: a Lambda function URL (custom origin). */
  kind: 's3' | 'custom' | 'lambda-url';
  originPath: string;
  /** OriginCustomHeaders, lowercase names. */
  customHeaders: Record<string, string>;
  /** For `s3` with a bucket of this template: its CorsConfiguration rules (empty: S3 refuses every preflight). */
  corsRules?: S3CorsRule[];
  /** For `lambda-url`: the function behind the URL. */
  functionId?: string;
  /** For `lambda-url`: its entry point and environment (set when the function is in the template). */
  function?: OriginFunctionModel;
}

export interface BehaviorModel {
  /** `*` for the default behavior. */
  pathPattern: string;
  isDefault: boolean;
  origin: OriginModel;
  /** TrustedKeyGroups (or legacy TrustedSigners) present: every request needs a valid signed URL or cookies. */
  requiresSignature: boolean;
  functions: EdgeFunctionAssociation[];
  /** CloudFront Functions (FunctionAssociations), viewer-request only. */
  cloudFrontFunctions: CloudFrontFunctionModel[];
  cachePolicy: CachePolicy;
  originRequestPolicy: OriginRequestPolicy | undefined;
  responseHeadersPolicy: ResponseHeadersPolicy | undefined;
  allowedMethods: string[];
  /** `Compress: true`: CloudFront compresses what the cache policy allows (see compression.ts). */
  compress: boolean;
}

export interface DistributionModel {
  /** Logical id of the AWS::CloudFront::Distribution. */
  distributionId: string;
  /** Ordered as CloudFront evaluates them: CacheBehaviors in order, DefaultCacheBehavior last. */
  behaviors: BehaviorModel[];
  origins: OriginModel[];
}
