/** A distribution's origins: S3, custom, or a Lambda function URL (whose function the local edge runs). */
import { asMap, isResourceRef } from './cfn-yaml.js';
import { LocalEdgeConfigError } from '../../errors.js';
import { corsRulesOf } from './s3-cors.js';
import type { OriginFunctionModel, OriginModel } from './model.js';
import type { TemplateContext } from './template-context.js';
import { entryPointOf } from './template-functions.js';

/** Every entry of DistributionConfig.Origins at `where`, with bucket CORS rules and function URL functions. */
export function modelOrigins(rawOrigins: unknown[], where: string, context: TemplateContext): OriginModel[] {
  const origins = rawOrigins.map((raw, i) => modelOrigin(asMap(raw), `${where}.Origins[${i}]`, context.template));
  for (const [i, origin] of origins.entries()) {
    const domain = asMap(rawOrigins[i]).DomainName;
    if (origin.kind === 's3' && isResourceRef(domain) && context.typeOf(domain.$resource) === 'AWS::S3::Bucket') {
      origin.corsRules = corsRulesOf(context.propsOf(domain.$resource));
    }
  }
  for (const origin of origins) {
    if (origin.kind === 'lambda-url' && origin.functionId !== undefined && origin.functionId in context.resources) {
      origin.function = originFunction(origin.functionId, context);
    }
  }
  return origins;
}

function modelOrigin(raw: Record<string, unknown>, where: string, template: Record<string, unknown>): OriginModel {
  const id = String(raw.Id ?? '');
  if (id === '') throw new LocalEdgeConfigError(`${where}.Id is missing`);
  const customHeaders: Record<string, string> = {};
  for (const header of (raw.OriginCustomHeaders as unknown[] | undefined) ?? []) {
    const fields = asMap(header);
    customHeaders[String(fields.HeaderName).toLowerCase()] = typeof fields.HeaderValue === 'string' ? fields.HeaderValue : '';
  }
  const originPath = typeof raw.OriginPath === 'string' ? raw.OriginPath : '';
  if (raw.S3OriginConfig !== undefined) return { id, kind: 's3', originPath, customHeaders };
  if (raw.CustomOriginConfig === undefined) throw new LocalEdgeConfigError(`${where} (${id}) has neither S3OriginConfig nor CustomOriginConfig`);
  const functionId = lambdaUrlFunction(template, id);
  return functionId === undefined ? { id, kind: 'custom', originPath, customHeaders } : { id, kind: 'lambda-url', originPath, customHeaders, functionId };
}

/** The function behind an origin whose DomainName comes from a Lambda function URL (SAM FunctionUrlConfig or AWS::Lambda::Url). */
function lambdaUrlFunction(template: Record<string, unknown>, originId: string): string | undefined {
  const resources = asMap(template.Resources);
  const distribution = Object.values(resources).map(asMap).find((r) => r.Type === 'AWS::CloudFront::Distribution');
  const rawOrigins = (asMap(asMap(asMap(distribution?.Properties).DistributionConfig)).Origins as unknown[] | undefined) ?? [];
  const rawOrigin = rawOrigins.map(asMap).find((o) => o.Id === originId);
  const domainJson = JSON.stringify(rawOrigin?.DomainName ?? '');
  const urlRef = /"([A-Za-z0-9]+)(?:\.FunctionUrl|","FunctionUrl)/.exec(domainJson);
  if (urlRef === null) return undefined;
  const urlResourceId = urlRef[1]!;
  const urlProps = asMap(asMap(resources[urlResourceId]).Properties);
  if (asMap(resources[urlResourceId]).Type === 'AWS::Lambda::Url') {
    const targetJson = JSON.stringify(urlProps.TargetFunctionArn ?? '');
    const targetRef = /"(?:Ref|Fn::GetAtt)":(?:\[)?"([A-Za-z0-9]+)/.exec(targetJson);
    return targetRef?.[1];
  }
  // SAM generates `<FunctionId>Url` for FunctionUrlConfig.
  return urlResourceId.endsWith('Url') && urlResourceId.slice(0, -3) in resources ? urlResourceId.slice(0, -3) : undefined;
}

/** The function's entry point and the environment variables that resolve locally. */
function originFunction(functionId: string, context: TemplateContext): OriginFunctionModel {
  const variables = asMap(asMap(asMap(context.resources[functionId]).Properties).Environment).Variables;
  const environment: Record<string, string> = {};
  for (const [name, value] of Object.entries(asMap(variables))) {
    // Deploy-time values (resource ids, unresolvable intrinsics) are left out; the local edge supplies its own.
    let resolved: unknown;
    try {
      resolved = context.resolver.resolve(value, `${functionId}.Properties.Environment.Variables.${name}`);
    } catch {
      continue;
    }
    if ((typeof resolved === 'string' && !resolved.includes('${')) || typeof resolved === 'number' || typeof resolved === 'boolean') environment[name] = String(resolved);
  }
  return { functionId, entryPoint: entryPointOf(functionId, context.resources), environment };
}
