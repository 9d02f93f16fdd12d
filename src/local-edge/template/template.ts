/**
 * Reads the CloudFront distribution from template.yaml into the model the local edge serves, so what is tested
 * locally is what deploys. Anything that changes request handling and cannot be modeled is a
 * {@link LocalEdgeConfigError} naming the construct; nothing is silently ignored.
 */
import { readFileSync } from 'node:fs';
import { asMap, parseTemplateText } from './cfn-yaml.js';
import { LocalEdgeConfigError } from '../../errors.js';
import type { S3CorsRule } from './s3-cors.js';
import type { CachePolicy, OriginRequestPolicy, ResponseHeadersPolicy } from './policies.js';
import { modelBehavior } from './template-behaviors.js';
import { templateContext } from './template-context.js';
import type { TemplateContext } from './template-context.js';
import { modelOrigins } from './template-origins.js';

export { bundleFor } from './template-functions.js';

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

export interface LoadTemplateOptions {
  /** Parameter overrides (else each parameter's Default). */
  parameters?: Record<string, string>;
  /** Which distribution when the template has several (default: the only one). */
  distributionId?: string;
}

/** Reads and models the template at `file`. */
export function loadTemplate(file: string, options: LoadTemplateOptions = {}): DistributionModel {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new LocalEdgeConfigError(`cannot read template ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`, { cause: err });
  }
  return modelTemplate(parseTemplateText(text, file), options);
}

/** Models an already parsed template (long-form intrinsics). */
export function modelTemplate(template: Record<string, unknown>, options: LoadTemplateOptions = {}): DistributionModel {
  const context = templateContext(template, options.parameters);
  const distributionId = selectDistribution(context, options.distributionId);
  const where = `${distributionId}.DistributionConfig`;
  const config = asMap(context.propsOf(distributionId).DistributionConfig);
  for (const unsupported of ['OriginGroups', 'ContinuousDeploymentPolicyId']) {
    const value = config[unsupported];
    if (value !== undefined && !(Array.isArray(asMap(value).Items) && (asMap(value).Items as unknown[]).length === 0)) {
      throw new LocalEdgeConfigError(`${where}.${unsupported} is not modeled by the local edge`);
    }
  }
  const origins = modelOrigins((config.Origins as unknown[] | undefined) ?? [], where, context);
  const originById = new Map(origins.map((origin) => [origin.id, origin]));
  const cacheBehaviors = ((config.CacheBehaviors as unknown[] | undefined) ?? []).map((raw, i) => modelBehavior(raw, `${where}.CacheBehaviors[${i}]`, false, originById, context));
  if (config.DefaultCacheBehavior === undefined) throw new LocalEdgeConfigError(`${where}.DefaultCacheBehavior is missing`);
  const behaviors = [...cacheBehaviors, modelBehavior(config.DefaultCacheBehavior, `${where}.DefaultCacheBehavior`, true, originById, context)];
  return { distributionId, behaviors, origins };
}

/** The distribution to model: the one asked for, else the template's only one. */
function selectDistribution(context: TemplateContext, requested: string | undefined): string {
  const distributionIds = Object.keys(context.resources).filter((id) => context.typeOf(id) === 'AWS::CloudFront::Distribution');
  const distributionId = requested ?? (distributionIds.length === 1 ? distributionIds[0] : undefined);
  if (distributionId === undefined || !distributionIds.includes(distributionId)) {
    throw new LocalEdgeConfigError(distributionIds.length === 0 ? 'template has no AWS::CloudFront::Distribution' : `template has several distributions (${distributionIds.join(', ')}); choose one`);
  }
  return distributionId;
}
