/**
 * Reads the CloudFront distribution from template.yaml into the model the local edge serves, so what is tested
 * locally is what deploys. Anything that changes request handling and cannot be modeled is a
 * {@link LocalEdgeConfigError} naming the construct; nothing is silently ignored.
 */
import { readFileSync } from 'node:fs';
import { IntrinsicResolver, asMap, isResourceRef, parseTemplateText } from './cfn-yaml.js';
import type { ResourceRef } from './cfn-yaml.js';
import { LocalEdgeConfigError } from './errors.js';
import { corsRulesOf } from './s3-cors.js';
import type { S3CorsRule } from './s3-cors.js';
import {
  MANAGED_CACHE_POLICIES,
  MANAGED_ORIGIN_REQUEST_POLICIES,
  MANAGED_RESPONSE_HEADERS_POLICIES,
  cachePolicyFromResource,
  originRequestPolicyFromResource,
  responseHeadersPolicyFromResource,
} from './policies.js';
import type { CachePolicy, OriginRequestPolicy, ResponseHeadersPolicy } from './policies.js';

export type EdgeEventType = 'viewer-request' | 'origin-request' | 'origin-response' | 'viewer-response';
const EVENT_TYPES: readonly EdgeEventType[] = ['viewer-request', 'origin-request', 'origin-response', 'viewer-response'];

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
  const resources = asMap(template.Resources);
  const resolver = new IntrinsicResolver(template, options.parameters);
  const typeOf = (id: string): string => String(asMap(resources[id]).Type ?? '');
  const propsOf = (id: string): Record<string, unknown> => asMap(resolver.resolve(asMap(resources[id]).Properties, `${id}.Properties`));

  const distIds = Object.keys(resources).filter((id) => typeOf(id) === 'AWS::CloudFront::Distribution');
  const distributionId = options.distributionId ?? (distIds.length === 1 ? distIds[0] : undefined);
  if (distributionId === undefined || !distIds.includes(distributionId)) {
    throw new LocalEdgeConfigError(distIds.length === 0 ? 'template has no AWS::CloudFront::Distribution' : `template has several distributions (${distIds.join(', ')}); choose one`);
  }
  const where = `${distributionId}.DistributionConfig`;
  const cfg = asMap(propsOf(distributionId).DistributionConfig);

  for (const unsupported of ['OriginGroups', 'ContinuousDeploymentPolicyId']) {
    const v = cfg[unsupported];
    if (v !== undefined && !(Array.isArray(asMap(v).Items) && (asMap(v).Items as unknown[]).length === 0)) {
      throw new LocalEdgeConfigError(`${where}.${unsupported} is not modeled by the local edge`);
    }
  }

  const origins = ((cfg.Origins as unknown[] | undefined) ?? []).map((o, i) => modelOrigin(asMap(o), `${where}.Origins[${i}]`, template));
  const originById = new Map(origins.map((o) => [o.id, o]));
  for (const [i, o] of origins.entries()) {
    const domain = asMap((cfg.Origins as unknown[])[i]).DomainName;
    if (o.kind === 's3' && isResourceRef(domain) && typeOf(domain.$resource) === 'AWS::S3::Bucket') o.corsRules = corsRulesOf(propsOf(domain.$resource));
  }

  const functionAssociation = (raw: unknown, w: string): EdgeFunctionAssociation => {
    const a = asMap(raw);
    const eventType = String(a.EventType) as EdgeEventType;
    if (!EVENT_TYPES.includes(eventType)) throw new LocalEdgeConfigError(`${w}.EventType "${String(a.EventType)}" is not a Lambda@Edge event type`);
    const functionId = functionIdOf(a.LambdaFunctionARN, `${w}.LambdaFunctionARN`, resources, resolver);
    const entryPoint = entryPointOf(functionId, resources);
    return { eventType, functionId, entryPoint, bundle: bundleFor(entryPoint), includeBody: a.IncludeBody === true };
  };

  const behavior = (raw: unknown, w: string, isDefault: boolean): BehaviorModel => {
    const b = asMap(raw);
    const pathPattern = isDefault ? '*' : String(b.PathPattern ?? '');
    if (!isDefault && pathPattern === '') throw new LocalEdgeConfigError(`${w}.PathPattern is missing`);
    const origin = originById.get(String(b.TargetOriginId));
    if (origin === undefined) throw new LocalEdgeConfigError(`${w}.TargetOriginId "${String(b.TargetOriginId)}" names no origin`);
    if (b.ForwardedValues !== undefined) throw new LocalEdgeConfigError(`${w}.ForwardedValues (legacy cache settings) is not modeled by the local edge; use a CachePolicyId`);
    const cfFunctions = asMap(b).FunctionAssociations as unknown[] | undefined;
    const cloudFrontFunctions = (cfFunctions ?? []).map((a, i) => cloudFrontFunction(a, `${w}.FunctionAssociations[${i}]`));
    if (b.TrustedSigners !== undefined && (b.TrustedSigners as unknown[]).length > 0 && b.TrustedKeyGroups === undefined) {
      throw new LocalEdgeConfigError(`${w}.TrustedSigners (legacy AWS-account signers) is not modeled; use TrustedKeyGroups`);
    }
    const keyGroups = (b.TrustedKeyGroups as unknown[] | undefined) ?? [];
    const functions = ((b.LambdaFunctionAssociations as unknown[] | undefined) ?? []).map((a, i) => functionAssociation(a, `${w}.LambdaFunctionAssociations[${i}]`));
    const seen = new Set<string>(cloudFrontFunctions.map((f) => f.eventType));
    for (const f of functions) {
      // https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/edge-function-restrictions-all.html
      if (cloudFrontFunctions.some((c) => c.eventType === f.eventType)) throw new LocalEdgeConfigError(`${w}: ${f.eventType} has both a CloudFront Function and a Lambda@Edge function; CloudFront allows one function per event`);
      if (seen.has(f.eventType)) throw new LocalEdgeConfigError(`${w}.LambdaFunctionAssociations has two ${f.eventType} functions`);
      seen.add(f.eventType);
    }
    return {
      pathPattern,
      isDefault,
      origin,
      requiresSignature: keyGroups.length > 0,
      functions,
      cloudFrontFunctions,
      cachePolicy: policyRef(b.CachePolicyId, `${w}.CachePolicyId`, 'AWS::CloudFront::CachePolicy', MANAGED_CACHE_POLICIES, cachePolicyFromResource, true)!,
      originRequestPolicy: policyRef(b.OriginRequestPolicyId, `${w}.OriginRequestPolicyId`, 'AWS::CloudFront::OriginRequestPolicy', MANAGED_ORIGIN_REQUEST_POLICIES, originRequestPolicyFromResource, false),
      responseHeadersPolicy: policyRef(b.ResponseHeadersPolicyId, `${w}.ResponseHeadersPolicyId`, 'AWS::CloudFront::ResponseHeadersPolicy', MANAGED_RESPONSE_HEADERS_POLICIES, responseHeadersPolicyFromResource, false),
      allowedMethods: ((b.AllowedMethods as unknown[] | undefined) ?? ['GET', 'HEAD']).map(String),
      compress: b.Compress === true || b.Compress === 'true',
    };
  };

  function policyRef<P>(
    value: unknown,
    w: string,
    type: string,
    managed: Record<string, P>,
    fromResource: (id: string, props: Record<string, unknown>) => P,
    required: boolean,
  ): P | undefined {
    if (value === undefined || value === '') {
      if (required) throw new LocalEdgeConfigError(`${w} is missing (legacy ForwardedValues behaviors are not modeled)`);
      return undefined;
    }
    if (isResourceRef(value)) {
      if (typeOf(value.$resource) !== type) throw new LocalEdgeConfigError(`${w} refers to ${value.$resource}, which is not a ${type}`);
      return fromResource(value.$resource, propsOf(value.$resource));
    }
    const p = managed[String(value)];
    if (p === undefined) throw new LocalEdgeConfigError(`${w} "${String(value)}" is not a managed policy the local edge knows; define it in the template`);
    return p;
  }

  function cloudFrontFunction(raw: unknown, w: string): CloudFrontFunctionModel {
    const a = asMap(raw);
    if (a.EventType !== 'viewer-request') throw new LocalEdgeConfigError(`${w}.EventType "${String(a.EventType)}": only viewer-request CloudFront Functions are modeled by the local edge`);
    const arn = a.FunctionARN;
    if (!isResourceRef(arn) || typeOf(arn.$resource) !== 'AWS::CloudFront::Function') {
      throw new LocalEdgeConfigError(`${w}.FunctionARN must be !GetAtt <AWS::CloudFront::Function in this template>.FunctionARN so the local edge can run its code`);
    }
    const props = propsOf(arn.$resource);
    const config = asMap(props.FunctionConfig);
    const kvs = config.KeyValueStoreAssociations as unknown[] | undefined;
    if (kvs !== undefined && kvs.length > 0) throw new LocalEdgeConfigError(`${arn.$resource}.FunctionConfig.KeyValueStoreAssociations (KeyValueStore) is not modeled by the local edge`);
    const runtime = String(config.Runtime ?? '');
    if (runtime !== 'cloudfront-js-1.0' && runtime !== 'cloudfront-js-2.0') throw new LocalEdgeConfigError(`${arn.$resource}.FunctionConfig.Runtime "${runtime}" is not a CloudFront Functions runtime the local edge knows`);
    if (typeof props.FunctionCode !== 'string' || props.FunctionCode.trim() === '') throw new LocalEdgeConfigError(`${arn.$resource}.FunctionCode must be inline code`);
    return { eventType: 'viewer-request', functionId: arn.$resource, runtime, code: props.FunctionCode };
  }

  for (const o of origins) {
    if (o.kind === 'lambda-url' && o.functionId !== undefined && o.functionId in resources) {
      const env = asMap(asMap(asMap(resources[o.functionId]).Properties).Environment).Variables;
      const environment: Record<string, string> = {};
      for (const [name, value] of Object.entries(asMap(env))) {
        // Deploy-time values (resource ids, unresolvable intrinsics) are left out; the local edge supplies its own.
        let v: unknown;
        try {
          v = resolver.resolve(value, `${o.functionId}.Properties.Environment.Variables.${name}`);
        } catch {
          continue;
        }
        if ((typeof v === 'string' && !v.includes('${')) || typeof v === 'number' || typeof v === 'boolean') environment[name] = String(v);
      }
      o.function = { functionId: o.functionId, entryPoint: entryPointOf(o.functionId, resources), environment };
    }
  }

  const cacheBehaviors = ((cfg.CacheBehaviors as unknown[] | undefined) ?? []).map((b, i) => behavior(b, `${where}.CacheBehaviors[${i}]`, false));
  if (cfg.DefaultCacheBehavior === undefined) throw new LocalEdgeConfigError(`${where}.DefaultCacheBehavior is missing`);
  const behaviors = [...cacheBehaviors, behavior(cfg.DefaultCacheBehavior, `${where}.DefaultCacheBehavior`, true)];
  return { distributionId, behaviors, origins };
}

function modelOrigin(o: Record<string, unknown>, w: string, template: Record<string, unknown>): OriginModel {
  const id = String(o.Id ?? '');
  if (id === '') throw new LocalEdgeConfigError(`${w}.Id is missing`);
  const customHeaders: Record<string, string> = {};
  for (const h of (o.OriginCustomHeaders as unknown[] | undefined) ?? []) {
    const m = asMap(h);
    customHeaders[String(m.HeaderName).toLowerCase()] = typeof m.HeaderValue === 'string' ? m.HeaderValue : '';
  }
  const originPath = typeof o.OriginPath === 'string' ? o.OriginPath : '';
  if (o.S3OriginConfig !== undefined) return { id, kind: 's3', originPath, customHeaders };
  if (o.CustomOriginConfig === undefined) throw new LocalEdgeConfigError(`${w} (${id}) has neither S3OriginConfig nor CustomOriginConfig`);
  const functionId = lambdaUrlFunction(template, id);
  return functionId === undefined ? { id, kind: 'custom', originPath, customHeaders } : { id, kind: 'lambda-url', originPath, customHeaders, functionId };
}

/** The function behind an origin whose DomainName comes from a Lambda function URL (SAM FunctionUrlConfig or AWS::Lambda::Url). */
function lambdaUrlFunction(template: Record<string, unknown>, originId: string): string | undefined {
  const resources = asMap(template.Resources);
  const dist = Object.values(resources).map(asMap).find((r) => r.Type === 'AWS::CloudFront::Distribution');
  const rawOrigins = (asMap(asMap(asMap(dist?.Properties).DistributionConfig)).Origins as unknown[] | undefined) ?? [];
  const raw = rawOrigins.map(asMap).find((o) => o.Id === originId);
  const text = JSON.stringify(raw?.DomainName ?? '');
  const m = /"([A-Za-z0-9]+)(?:\.FunctionUrl|","FunctionUrl)/.exec(text);
  if (m === null) return undefined;
  const urlRes = m[1]!;
  const urlProps = asMap(asMap(resources[urlRes]).Properties);
  if (asMap(resources[urlRes]).Type === 'AWS::Lambda::Url') {
    const target = JSON.stringify(urlProps.TargetFunctionArn ?? '');
    const t = /"(?:Ref|Fn::GetAtt)":(?:\[)?"([A-Za-z0-9]+)/.exec(target);
    return t?.[1];
  }
  // SAM generates `<FunctionId>Url` for FunctionUrlConfig.
  return urlRes.endsWith('Url') && urlRes.slice(0, -3) in resources ? urlRes.slice(0, -3) : undefined;
}

function functionIdOf(arn: unknown, w: string, resources: Record<string, unknown>, resolver: IntrinsicResolver): string {
  if (!isResourceRef(arn)) {
    throw new LocalEdgeConfigError(`${w} must refer to a function in this template (!Ref Fn.Version or an AWS::Lambda::Version), not "${String(arn)}"`);
  }
  const ref: ResourceRef = arn;
  const type = String(asMap(resources[ref.$resource]).Type);
  if (type === 'AWS::Serverless::Function' || type === 'AWS::Lambda::Function') return ref.$resource;
  if (type === 'AWS::Lambda::Version') {
    const fn = resolver.resolve(asMap(asMap(resources[ref.$resource]).Properties).FunctionName, w);
    if (isResourceRef(fn)) return fn.$resource;
  }
  throw new LocalEdgeConfigError(`${w} refers to ${ref.$resource} (${type}), which is not a function the local edge can run`);
}

function entryPointOf(functionId: string, resources: Record<string, unknown>): string {
  const r = asMap(resources[functionId]);
  const entries = asMap(asMap(r.Metadata).BuildProperties).EntryPoints;
  const entry = Array.isArray(entries) ? entries[0] : undefined;
  if (typeof entry !== 'string' || !/^(?:\.\/)?src\/functions\/[A-Za-z0-9._-]+\/index\.ts$/.test(entry)) {
    throw new LocalEdgeConfigError(`${functionId}.Metadata.BuildProperties.EntryPoints must be [src/functions/<dir>/index.ts] so the local edge can find its bundle`);
  }
  return entry.replace(/^\.\//, '');
}

/** `src/functions/<dir>/index.ts` -> `dist/functions/<dir>/index.mjs` (scripts/build.mjs). */
export function bundleFor(entryPoint: string): string {
  return entryPoint.replace(/^src\//, 'dist/').replace(/\.ts$/, '.mjs');
}
