/**
 * Offline CloudFormation template validator for tests.
 *
 * Resource properties are checked against the CloudFormation resource specification shipped in
 * `@aws-cdk/aws-service-spec` (the database the AWS CDK generates its L1 classes from, built from the
 * CloudFormation registry schemas and, for `AWS::Serverless::*`, from SAM's published JSON schema):
 * unknown properties, missing required properties, wrong primitive types and values outside an enum are errors
 * (cfn-spec.ts, cfn-properties.ts). References are checked too (cfn-intrinsics.ts): every `Ref`, `Fn::GetAtt`, `Fn::Sub` variable, `Fn::If`/`Condition` name and
 * `DependsOn` must have a target, including the resources SAM generates (`<Fn>.Version`, `<Fn>.Alias`,
 * `<Fn>Url`, `<Fn>Role`).
 *
 * Not covered (cfn-lint covers them, see docs/deployment.md, "Checked offline"): whether a reference to a conditional resource is
 * guarded by a matching condition, service-side limits and cross-property rules.
 */
import type { Template } from './cfn-yaml.js';
import { checkValue, isObject } from './cfn-intrinsics.js';
import type { Context } from './cfn-intrinsics.js';
import { checkObject, checkProperty } from './cfn-properties.js';
import { specResource } from './cfn-spec.js';
import type { PropertySpec } from './cfn-spec.js';

const TOP_LEVEL = new Set([
  'AWSTemplateFormatVersion', 'Description', 'Metadata', 'Parameters', 'Rules', 'Mappings', 'Conditions',
  'Transform', 'Resources', 'Outputs', 'Globals',
]);
const RESOURCE_KEYS = new Set([
  'Type', 'Properties', 'DependsOn', 'Condition', 'DeletionPolicy', 'UpdateReplacePolicy', 'Metadata',
  'CreationPolicy', 'UpdatePolicy',
]);
const PARAMETER_KEYS = new Set([
  'Type', 'Default', 'AllowedValues', 'AllowedPattern', 'ConstraintDescription', 'Description', 'MaxLength',
  'MaxValue', 'MinLength', 'MinValue', 'NoEcho',
]);
const PARAMETER_TYPES = new Set(['String', 'Number', 'List<Number>', 'CommaDelimitedList']);
const OUTPUT_KEYS = new Set(['Value', 'Description', 'Export', 'Condition']);
/**
 * SAM's documented esbuild build properties (aws-lambda-builders, nodejs_npm_esbuild): the subset this
 * validator accepts under `Metadata.BuildProperties` of a function with `BuildMethod: esbuild`.
 */
const ESBUILD_PROPERTIES = new Set([
  'Minify', 'Sourcemap', 'Target', 'Format', 'MainFields', 'SourcesContent', 'External', 'Loader', 'OutExtension',
  'Banner', 'EntryPoints', 'UseNpmCi',
]);
/** Sections of SAM `Globals` and the resource type whose properties each may carry. */
const GLOBALS_SECTIONS: Record<string, string> = {
  Function: 'AWS::Serverless::Function',
  Api: 'AWS::Serverless::Api',
  HttpApi: 'AWS::Serverless::HttpApi',
  SimpleTable: 'AWS::Serverless::SimpleTable',
  StateMachine: 'AWS::Serverless::StateMachine',
  LayerVersion: 'AWS::Serverless::LayerVersion',
};

/** Resources SAM adds for an `AWS::Serverless::Function`, by the logical id suffix it gives them. */
function samGenerated(id: string, resource: any): Record<string, string> {
  const out: Record<string, string> = {};
  if (resource?.Type !== 'AWS::Serverless::Function') return out;
  const props = resource.Properties ?? {};
  if (props.AutoPublishAlias !== undefined) {
    out[`${id}.Version`] = 'AWS::Lambda::Version';
    out[`${id}.Alias`] = 'AWS::Lambda::Alias';
  }
  if (props.FunctionUrlConfig !== undefined) out[`${id}Url`] = 'AWS::Lambda::Url';
  if (props.Role === undefined) out[`${id}Role`] = 'AWS::IAM::Role';
  return out;
}

/** Validates a parsed template; returns every problem found as `<path>: <message>` (empty = valid). */
export function validateTemplate(template: Template): string[] {
  const ctx: Context = {
    template,
    errors: [],
    resourceTypes: new Map(),
    parameters: new Set(Object.keys(template.Parameters ?? {})),
    conditions: new Set(Object.keys(template.Conditions ?? {})),
  };
  const err = (path: string, message: string) => ctx.errors.push(`${path}: ${message}`);

  for (const key of Object.keys(template)) if (!TOP_LEVEL.has(key)) err(key, 'unknown top-level section');
  if (!isObject(template.Resources) || Object.keys(template.Resources).length === 0) err('Resources', 'required and must not be empty');

  const resources: Record<string, any> = isObject(template.Resources) ? template.Resources : {};
  for (const [id, res] of Object.entries(resources)) {
    if (isObject(res) && typeof res.Type === 'string') ctx.resourceTypes.set(id, res.Type);
    for (const [gid, gtype] of Object.entries(samGenerated(id, res))) ctx.resourceTypes.set(gid, gtype);
  }
  const usesSam = [...ctx.resourceTypes.values()].some((t) => t.startsWith('AWS::Serverless::'));
  const transforms = ([] as unknown[]).concat(template.Transform ?? []);
  if (usesSam && !transforms.includes('AWS::Serverless-2016-10-31')) err('Transform', 'AWS::Serverless resources need Transform AWS::Serverless-2016-10-31');

  // Parameters
  for (const [name, p] of Object.entries<any>(template.Parameters ?? {})) {
    const path = `Parameters.${name}`;
    if (!isObject(p)) { err(path, 'must be a mapping'); continue; }
    for (const k of Object.keys(p)) if (!PARAMETER_KEYS.has(k)) err(`${path}.${k}`, 'unknown parameter attribute');
    if (typeof p.Type !== 'string' || !(PARAMETER_TYPES.has(p.Type) || p.Type.startsWith('AWS::'))) err(`${path}.Type`, `invalid parameter type ${JSON.stringify(p.Type)}`);
    if (p.Default !== undefined) {
      const def = String(p.Default);
      if (p.AllowedPattern !== undefined && p.Type === 'String' && !new RegExp(p.AllowedPattern).test(def)) {
        err(`${path}.Default`, `default does not match AllowedPattern`);
      }
      if (Array.isArray(p.AllowedValues) && !p.AllowedValues.map(String).includes(def)) err(`${path}.Default`, 'default is not one of AllowedValues');
    }
  }

  // Conditions
  for (const [name, c] of Object.entries<any>(template.Conditions ?? {})) checkValue(ctx, `Conditions.${name}`, c, { inCondition: true });

  // Rules
  for (const [name, r] of Object.entries<any>(template.Rules ?? {})) {
    const path = `Rules.${name}`;
    if (!isObject(r) || !Array.isArray(r.Assertions)) { err(path, 'needs an Assertions list'); continue; }
    for (const k of Object.keys(r)) if (k !== 'Assertions' && k !== 'RuleCondition') err(`${path}.${k}`, 'unknown rule attribute');
    if (r.RuleCondition !== undefined) checkValue(ctx, `${path}.RuleCondition`, r.RuleCondition, { inRule: true });
    r.Assertions.forEach((a: any, i: number) => {
      if (!isObject(a) || a.Assert === undefined) err(`${path}.Assertions[${i}]`, 'needs Assert');
      else {
        for (const k of Object.keys(a)) if (k !== 'Assert' && k !== 'AssertDescription') err(`${path}.Assertions[${i}].${k}`, 'unknown assertion attribute');
        checkValue(ctx, `${path}.Assertions[${i}].Assert`, a.Assert, { inRule: true });
      }
    });
  }

  // Globals (SAM)
  for (const [section, body] of Object.entries<any>(template.Globals ?? {})) {
    const type = GLOBALS_SECTIONS[section];
    if (!type) { err(`Globals.${section}`, 'unknown Globals section'); continue; }
    const spec = specResource(type);
    for (const [k, v] of Object.entries<any>(body ?? {})) {
      const prop = spec?.properties[k] as PropertySpec | undefined;
      if (!prop) err(`Globals.${section}.${k}`, `not a property of ${type}`);
      else checkProperty(ctx, `Globals.${section}.${k}`, v, prop.type);
    }
  }

  // Resources
  for (const [id, res] of Object.entries<any>(resources)) {
    const path = `Resources.${id}`;
    if (!isObject(res)) { err(path, 'must be a mapping'); continue; }
    for (const k of Object.keys(res)) if (!RESOURCE_KEYS.has(k)) err(`${path}.${k}`, 'unknown resource attribute');
    if (res.Condition !== undefined && !ctx.conditions.has(res.Condition)) err(`${path}.Condition`, `unknown condition ${JSON.stringify(res.Condition)}`);
    for (const dep of ([] as unknown[]).concat(res.DependsOn ?? [])) {
      if (typeof dep !== 'string' || !Object.hasOwn(resources, dep)) err(`${path}.DependsOn`, `unknown resource ${JSON.stringify(dep)}`);
    }
    for (const policy of ['DeletionPolicy', 'UpdateReplacePolicy'] as const) {
      if (res[policy] !== undefined && !['Delete', 'Retain', 'RetainExceptOnCreate', 'Snapshot'].includes(res[policy])) err(`${path}.${policy}`, 'invalid policy');
    }
    const spec = typeof res.Type === 'string' ? specResource(res.Type) : undefined;
    if (!spec) { err(`${path}.Type`, `unknown resource type ${JSON.stringify(res.Type)}`); continue; }
    if (res.Properties !== undefined && !isObject(res.Properties)) { err(`${path}.Properties`, 'must be a mapping'); continue; }
    checkObject(ctx, `${path}.Properties`, res.Properties ?? {}, spec.properties as Record<string, PropertySpec>);
    if (res.Type === 'AWS::Serverless::Function') checkSamBuildMetadata(ctx, path, res);
  }

  // Outputs
  for (const [name, o] of Object.entries<any>(template.Outputs ?? {})) {
    const path = `Outputs.${name}`;
    if (!isObject(o) || o.Value === undefined) { err(path, 'needs a Value'); continue; }
    for (const k of Object.keys(o)) if (!OUTPUT_KEYS.has(k)) err(`${path}.${k}`, 'unknown output attribute');
    if (o.Condition !== undefined && !ctx.conditions.has(o.Condition)) err(`${path}.Condition`, `unknown condition ${JSON.stringify(o.Condition)}`);
    checkValue(ctx, `${path}.Value`, o.Value, {});
  }
  return ctx.errors;
}

function checkSamBuildMetadata(ctx: Context, path: string, res: any): void {
  const meta = res.Metadata;
  if (meta === undefined || meta.BuildMethod === undefined) return;
  if (meta.BuildMethod !== 'esbuild') return;
  const props = meta.BuildProperties;
  if (!isObject(props)) { ctx.errors.push(`${path}.Metadata.BuildProperties: required for BuildMethod esbuild`); return; }
  for (const [k, v] of Object.entries(props)) {
    if (!ESBUILD_PROPERTIES.has(k)) ctx.errors.push(`${path}.Metadata.BuildProperties.${k}: not an esbuild build property SAM supports`);
    else if (['Minify', 'Sourcemap', 'SourcesContent', 'UseNpmCi'].includes(k) && typeof v !== 'boolean') ctx.errors.push(`${path}.Metadata.BuildProperties.${k}: must be a boolean`);
    else if (['External', 'Loader', 'OutExtension', 'Banner', 'EntryPoints'].includes(k) && (!Array.isArray(v) || v.some((x) => typeof x !== 'string'))) ctx.errors.push(`${path}.Metadata.BuildProperties.${k}: must be a list of strings`);
  }
  if (!Array.isArray(props.EntryPoints) || props.EntryPoints.length === 0) ctx.errors.push(`${path}.Metadata.BuildProperties.EntryPoints: required, a non-empty list`);
}
