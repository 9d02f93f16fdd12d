/** Lambda@Edge associations and CloudFront Functions of a behavior, as template.yaml declares them. */
import { asMap, isResourceRef } from './cfn-yaml.js';
import { LocalEdgeConfigError } from '../../errors.js';
import type { CloudFrontFunctionModel, EdgeEventType, EdgeFunctionAssociation } from './model.js';
import type { TemplateContext } from './template-context.js';

const EVENT_TYPES: readonly EdgeEventType[] = ['viewer-request', 'origin-request', 'origin-response', 'viewer-response'];

/** One LambdaFunctionAssociations entry at `where`. */
export function lambdaAtEdgeAssociation(raw: unknown, where: string, context: TemplateContext): EdgeFunctionAssociation {
  const association = asMap(raw);
  const eventType = String(association.EventType) as EdgeEventType;
  if (!EVENT_TYPES.includes(eventType)) throw new LocalEdgeConfigError(`${where}.EventType "${String(association.EventType)}" is not a Lambda@Edge event type`);
  const functionId = functionIdOf(association.LambdaFunctionARN, `${where}.LambdaFunctionARN`, context);
  const entryPoint = entryPointOf(functionId, context.resources);
  return { eventType, functionId, entryPoint, bundle: bundleFor(entryPoint), includeBody: association.IncludeBody === true };
}

/** One FunctionAssociations entry at `where`: a viewer-request AWS::CloudFront::Function of this template. */
export function cloudFrontFunction(raw: unknown, where: string, context: TemplateContext): CloudFrontFunctionModel {
  const association = asMap(raw);
  if (association.EventType !== 'viewer-request') throw new LocalEdgeConfigError(`${where}.EventType "${String(association.EventType)}": only viewer-request CloudFront Functions are modeled by the local edge`);
  const arn = association.FunctionARN;
  if (!isResourceRef(arn) || context.typeOf(arn.$resource) !== 'AWS::CloudFront::Function') {
    throw new LocalEdgeConfigError(`${where}.FunctionARN must be !GetAtt <AWS::CloudFront::Function in this template>.FunctionARN so the local edge can run its code`);
  }
  const functionId = arn.$resource;
  const props = context.propsOf(functionId);
  const config = asMap(props.FunctionConfig);
  const keyValueStores = config.KeyValueStoreAssociations as unknown[] | undefined;
  if (keyValueStores !== undefined && keyValueStores.length > 0) throw new LocalEdgeConfigError(`${functionId}.FunctionConfig.KeyValueStoreAssociations (KeyValueStore) is not modeled by the local edge`);
  const runtime = String(config.Runtime ?? '');
  if (runtime !== 'cloudfront-js-1.0' && runtime !== 'cloudfront-js-2.0') throw new LocalEdgeConfigError(`${functionId}.FunctionConfig.Runtime "${runtime}" is not a CloudFront Functions runtime the local edge knows`);
  if (typeof props.FunctionCode !== 'string' || props.FunctionCode.trim() === '') throw new LocalEdgeConfigError(`${functionId}.FunctionCode must be inline code`);
  return { eventType: 'viewer-request', functionId, runtime, code: props.FunctionCode };
}

/** CloudFront allows one function per event type on a behavior, of either kind. */
export function checkOneFunctionPerEvent(where: string, lambdaAtEdge: EdgeFunctionAssociation[], cloudFrontFunctions: CloudFrontFunctionModel[]): void {
  const seen = new Set<string>(cloudFrontFunctions.map((f) => f.eventType));
  for (const association of lambdaAtEdge) {
    // https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/edge-function-restrictions-all.html
    if (cloudFrontFunctions.some((f) => f.eventType === association.eventType)) throw new LocalEdgeConfigError(`${where}: ${association.eventType} has both a CloudFront Function and a Lambda@Edge function; CloudFront allows one function per event`);
    if (seen.has(association.eventType)) throw new LocalEdgeConfigError(`${where}.LambdaFunctionAssociations has two ${association.eventType} functions`);
    seen.add(association.eventType);
  }
}

function functionIdOf(arn: unknown, where: string, context: TemplateContext): string {
  if (!isResourceRef(arn)) {
    throw new LocalEdgeConfigError(`${where} must refer to a function in this template (!Ref Fn.Version or an AWS::Lambda::Version), not "${String(arn)}"`);
  }
  const resourceId = arn.$resource;
  const type = String(asMap(context.resources[resourceId]).Type);
  if (type === 'AWS::Serverless::Function' || type === 'AWS::Lambda::Function') return resourceId;
  if (type === 'AWS::Lambda::Version') {
    const functionName = context.resolver.resolve(asMap(asMap(context.resources[resourceId]).Properties).FunctionName, where);
    if (isResourceRef(functionName)) return functionName.$resource;
  }
  throw new LocalEdgeConfigError(`${where} refers to ${resourceId} (${type}), which is not a function the local edge can run`);
}

/** The function's `src/functions/<dir>/index.ts` from Metadata.BuildProperties.EntryPoints. */
export function entryPointOf(functionId: string, resources: Record<string, unknown>): string {
  const resource = asMap(resources[functionId]);
  const entries = asMap(asMap(resource.Metadata).BuildProperties).EntryPoints;
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
