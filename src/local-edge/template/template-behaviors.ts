/** A distribution's cache behaviors: origin, trusted key groups, functions, policies, methods, compression. */
import { asMap, isResourceRef } from './cfn-yaml.js';
import { LocalEdgeConfigError } from '../../errors.js';
import {
  MANAGED_CACHE_POLICIES,
  MANAGED_ORIGIN_REQUEST_POLICIES,
  MANAGED_RESPONSE_HEADERS_POLICIES,
  cachePolicyFromResource,
  originRequestPolicyFromResource,
  responseHeadersPolicyFromResource,
} from './policies.js';
import type { BehaviorModel, OriginModel } from './model.js';
import type { TemplateContext } from './template-context.js';
import { checkOneFunctionPerEvent, cloudFrontFunction, lambdaAtEdgeAssociation } from './template-functions.js';

/** One CacheBehaviors entry (or the DefaultCacheBehavior) at `where`. */
export function modelBehavior(raw: unknown, where: string, isDefault: boolean, originById: Map<string, OriginModel>, context: TemplateContext): BehaviorModel {
  const fields = asMap(raw);
  const pathPattern = isDefault ? '*' : String(fields.PathPattern ?? '');
  if (!isDefault && pathPattern === '') throw new LocalEdgeConfigError(`${where}.PathPattern is missing`);
  const origin = originById.get(String(fields.TargetOriginId));
  if (origin === undefined) throw new LocalEdgeConfigError(`${where}.TargetOriginId "${String(fields.TargetOriginId)}" names no origin`);
  if (fields.ForwardedValues !== undefined) throw new LocalEdgeConfigError(`${where}.ForwardedValues (legacy cache settings) is not modeled by the local edge; use a CachePolicyId`);
  const cloudFrontFunctions = ((fields.FunctionAssociations as unknown[] | undefined) ?? []).map((a, i) => cloudFrontFunction(a, `${where}.FunctionAssociations[${i}]`, context));
  const requiresSignature = requiresSignatureOf(fields, where);
  const functions = ((fields.LambdaFunctionAssociations as unknown[] | undefined) ?? []).map((a, i) => lambdaAtEdgeAssociation(a, `${where}.LambdaFunctionAssociations[${i}]`, context));
  checkOneFunctionPerEvent(where, functions, cloudFrontFunctions);
  return {
    pathPattern,
    isDefault,
    origin,
    requiresSignature,
    functions,
    cloudFrontFunctions,
    ...behaviorPolicies(fields, where, context),
    allowedMethods: ((fields.AllowedMethods as unknown[] | undefined) ?? ['GET', 'HEAD']).map(String),
    compress: fields.Compress === true || fields.Compress === 'true',
  };
}

/** TrustedKeyGroups present: every request needs a valid signed URL or cookies. Legacy TrustedSigners are refused. */
function requiresSignatureOf(fields: Record<string, unknown>, where: string): boolean {
  if (fields.TrustedSigners !== undefined && (fields.TrustedSigners as unknown[]).length > 0 && fields.TrustedKeyGroups === undefined) {
    throw new LocalEdgeConfigError(`${where}.TrustedSigners (legacy AWS-account signers) is not modeled; use TrustedKeyGroups`);
  }
  const keyGroups = (fields.TrustedKeyGroups as unknown[] | undefined) ?? [];
  return keyGroups.length > 0;
}

function behaviorPolicies(fields: Record<string, unknown>, where: string, context: TemplateContext): Pick<BehaviorModel, 'cachePolicy' | 'originRequestPolicy' | 'responseHeadersPolicy'> {
  return {
    cachePolicy: policyRef(fields.CachePolicyId, `${where}.CachePolicyId`, context, 'AWS::CloudFront::CachePolicy', MANAGED_CACHE_POLICIES, cachePolicyFromResource, true)!,
    originRequestPolicy: policyRef(fields.OriginRequestPolicyId, `${where}.OriginRequestPolicyId`, context, 'AWS::CloudFront::OriginRequestPolicy', MANAGED_ORIGIN_REQUEST_POLICIES, originRequestPolicyFromResource, false),
    responseHeadersPolicy: policyRef(fields.ResponseHeadersPolicyId, `${where}.ResponseHeadersPolicyId`, context, 'AWS::CloudFront::ResponseHeadersPolicy', MANAGED_RESPONSE_HEADERS_POLICIES, responseHeadersPolicyFromResource, false),
  };
}

/** A policy id: a managed policy's id, or a reference to a policy resource of this template. */
function policyRef<P>(
  value: unknown,
  where: string,
  context: TemplateContext,
  type: string,
  managed: Record<string, P>,
  fromResource: (id: string, props: Record<string, unknown>) => P,
  required: boolean,
): P | undefined {
  if (value === undefined || value === '') {
    if (required) throw new LocalEdgeConfigError(`${where} is missing (legacy ForwardedValues behaviors are not modeled)`);
    return undefined;
  }
  if (isResourceRef(value)) {
    if (context.typeOf(value.$resource) !== type) throw new LocalEdgeConfigError(`${where} refers to ${value.$resource}, which is not a ${type}`);
    return fromResource(value.$resource, context.propsOf(value.$resource));
  }
  const policy = managed[String(value)];
  if (policy === undefined) throw new LocalEdgeConfigError(`${where} "${String(value)}" is not a managed policy the local edge knows; define it in the template`);
  return policy;
}
