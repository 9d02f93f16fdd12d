/**
 * Offline CloudFormation template validator for tests.
 *
 * Resource properties are checked against the CloudFormation resource specification shipped in
 * `@aws-cdk/aws-service-spec` (the database the AWS CDK generates its L1 classes from, built from the
 * CloudFormation registry schemas and, for `AWS::Serverless::*`, from SAM's published JSON schema):
 * unknown properties, missing required properties, wrong primitive types and values outside an enum are errors.
 * References are checked here: every `Ref`, `Fn::GetAtt`, `Fn::Sub` variable, `Fn::If`/`Condition` name and
 * `DependsOn` must have a target, including the resources SAM generates (`<Fn>.Version`, `<Fn>.Alias`,
 * `<Fn>Url`, `<Fn>Role`).
 *
 * Not covered (cfn-lint covers them, see docs/deployment.md, "Checked offline"): whether a reference to a conditional resource is
 * guarded by a matching condition, service-side limits and cross-property rules.
 */
import { loadAwsServiceSpecSync } from '@aws-cdk/aws-service-spec';
import type { Template } from './cfn-yaml.js';

type SpecDb = ReturnType<typeof loadAwsServiceSpecSync>;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type SpecResource = any;

interface PropertyType {
  type: string;
  allowedValues?: (string | number)[];
  element?: PropertyType;
  types?: PropertyType[];
  reference?: { $ref: string };
}
interface PropertySpec {
  type: PropertyType;
  required?: boolean;
}

let cachedDb: SpecDb | undefined;
/** The specification database (loading takes about a second; cached per process). */
export function specDb(): SpecDb {
  cachedDb ??= loadAwsServiceSpecSync();
  return cachedDb;
}

/** Resource type -> spec entity, or undefined for an unknown type. */
export function specResource(type: string): SpecResource | undefined {
  const found = specDb().lookup('resource', 'cloudFormationType', 'equals', type);
  return found.length === 1 ? found[0] : undefined;
}

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
const PSEUDO_PARAMETERS = new Set([
  'AWS::AccountId', 'AWS::NotificationARNs', 'AWS::NoValue', 'AWS::Partition', 'AWS::Region', 'AWS::StackId',
  'AWS::StackName', 'AWS::URLSuffix',
]);
const FUNCTIONS = new Set([
  'Ref', 'Condition', 'Fn::GetAtt', 'Fn::Sub', 'Fn::If', 'Fn::Equals', 'Fn::Not', 'Fn::And', 'Fn::Or', 'Fn::Join',
  'Fn::Select', 'Fn::Split', 'Fn::FindInMap', 'Fn::Base64', 'Fn::ImportValue', 'Fn::GetAZs', 'Fn::Cidr',
  'Fn::Length', 'Fn::ToJsonString',
  // Rule-only functions
  'Fn::Contains', 'Fn::EachMemberEquals', 'Fn::EachMemberIn', 'Fn::RefAll', 'Fn::ValueOf', 'Fn::ValueOfAll',
]);
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

/** SAM transforms these to the types on the right; their GetAtt attributes are those of the result. */
const SAM_ATTRIBUTE_TYPES: Record<string, string> = {
  'AWS::Serverless::Function': 'AWS::Lambda::Function',
  'AWS::Serverless::LayerVersion': 'AWS::Lambda::LayerVersion',
  'AWS::Serverless::SimpleTable': 'AWS::DynamoDB::Table',
  'AWS::Serverless::StateMachine': 'AWS::StepFunctions::StateMachine',
};

const isObject = (v: unknown): v is Record<string, any> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** The function name if `v` is an intrinsic function call (`{ Ref: ... }`, `{ 'Fn::X': ... }`). */
function intrinsicName(v: unknown): string | undefined {
  if (!isObject(v)) return undefined;
  const keys = Object.keys(v);
  if (keys.length !== 1) return undefined;
  const k = keys[0]!;
  return k === 'Ref' || k === 'Condition' || k.startsWith('Fn::') ? k : undefined;
}

const isNoValue = (v: unknown): boolean => isObject(v) && v.Ref === 'AWS::NoValue' && Object.keys(v).length === 1;

interface Context {
  template: Template;
  errors: string[];
  /** logical id (or SAM-generated id) -> resource type */
  resourceTypes: Map<string, string>;
  parameters: Set<string>;
  conditions: Set<string>;
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

/** Checks a mapping against spec properties: unknown and missing required ones, then each value. */
function checkObject(ctx: Context, path: string, value: Record<string, any>, props: Record<string, PropertySpec>): void {
  for (const [k, v] of Object.entries(value)) {
    const prop = props[k];
    if (!prop) { ctx.errors.push(`${path}.${k}: unknown property`); continue; }
    checkProperty(ctx, `${path}.${k}`, v, prop.type);
  }
  for (const [k, prop] of Object.entries(props)) {
    if (prop.required && !(k in value)) ctx.errors.push(`${path}.${k}: required property missing`);
  }
}

/** Checks one value against a spec type; intrinsics are checked for their references (and `Fn::If` per branch). */
function checkProperty(ctx: Context, path: string, value: unknown, type: PropertyType): void {
  const fn = intrinsicName(value);
  if (fn === 'Fn::If') {
    checkValue(ctx, path, value, { skipIfBranches: true });
    const args = (value as any)['Fn::If'];
    if (Array.isArray(args) && args.length === 3) {
      for (const [i, branch] of [args[1], args[2]].entries()) if (!isNoValue(branch)) checkProperty(ctx, `${path}[If branch ${i + 1}]`, branch, type);
    }
    return;
  }
  if (fn) { checkValue(ctx, path, value, {}); return; }
  const problems = typeProblems(ctx, path, value, type);
  ctx.errors.push(...problems);
}

/** Type problems of a literal value (recursing into collections and nested type definitions). */
function typeProblems(ctx: Context, path: string, value: unknown, type: PropertyType): string[] {
  const collect = (fnBody: () => void): string[] => {
    const before = ctx.errors.length;
    fnBody();
    return ctx.errors.splice(before);
  };
  switch (type.type) {
    case 'string':
    case 'date-time':
      if (typeof value === 'string') {
        if (type.allowedValues && !type.allowedValues.includes(value)) return [`${path}: ${JSON.stringify(value)} is not one of ${type.allowedValues.join(', ')}`];
        return [];
      }
      // CloudFormation turns YAML numbers and booleans into strings for string properties.
      return typeof value === 'number' || typeof value === 'boolean' ? [] : [`${path}: expected a string`];
    case 'number':
    case 'integer': {
      const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
      if (typeof n !== 'number' || Number.isNaN(n)) return [`${path}: expected a number`];
      if (type.type === 'integer' && !Number.isInteger(n)) return [`${path}: expected an integer`];
      return [];
    }
    case 'boolean':
      return typeof value === 'boolean' || value === 'true' || value === 'false' ? [] : [`${path}: expected a boolean`];
    case 'json':
      return collect(() => checkValue(ctx, path, value, {}));
    case 'null':
      return value === null ? [] : [`${path}: expected null`];
    case 'tag':
      return isObject(value) && 'Key' in value && 'Value' in value ? collect(() => checkValue(ctx, path, value, {})) : [`${path}: expected a tag {Key, Value}`];
    case 'array':
      if (!Array.isArray(value)) return [`${path}: expected a list`];
      return collect(() => value.forEach((item, i) => {
        if (isNoValue(item)) return;
        checkProperty(ctx, `${path}[${i}]`, item, type.element!);
      }));
    case 'map':
      if (!isObject(value)) return [`${path}: expected a mapping`];
      return collect(() => {
        for (const [k, item] of Object.entries(value)) if (!isNoValue(item)) checkProperty(ctx, `${path}.${k}`, item, type.element!);
      });
    case 'ref': {
      if (!isObject(value)) return [`${path}: expected a mapping`];
      const def = specDb().get('typeDefinition', type.reference!.$ref) as { properties: Record<string, PropertySpec> };
      return collect(() => checkObject(ctx, path, value, def.properties));
    }
    case 'union': {
      // Valid if any member type accepts it; otherwise report the closest member's problems.
      let best: string[] | undefined;
      const kind = Array.isArray(value) ? 'array' : isObject(value) ? 'object' : 'scalar';
      const fits = (t: PropertyType): boolean =>
        kind === 'array' ? t.type === 'array' : kind === 'object' ? ['ref', 'map', 'json', 'tag'].includes(t.type) : !['array', 'ref', 'map', 'tag'].includes(t.type);
      // Members of the value's own shape first, so a tie reports the relevant member's problems.
      const members = [...(type.types ?? [])].sort((a, b) => Number(fits(b)) - Number(fits(a)));
      for (const member of members) {
        const problems = typeProblems(ctx, path, value, member);
        if (problems.length === 0) return [];
        if (!best || (!fits(members[0]!) && problems.length < best.length)) best = problems;
      }
      return best ?? [`${path}: no type accepts this value`];
    }
    default:
      return [`${path}: unsupported spec type ${type.type}`];
  }
}

interface ValueOptions {
  inCondition?: boolean;
  inRule?: boolean;
  skipIfBranches?: boolean;
  subVariables?: Set<string>;
}

/** Walks any value and checks every intrinsic function and reference in it. */
function checkValue(ctx: Context, path: string, value: unknown, opts: ValueOptions): void {
  if (Array.isArray(value)) {
    for (const [i, v] of value.entries()) checkValue(ctx, `${path}[${i}]`, v, opts);
    return;
  }
  if (!isObject(value)) return;
  const fn = intrinsicName(value);
  if (!fn) {
    for (const [k, v] of Object.entries(value)) {
      if (k.startsWith('Fn::')) ctx.errors.push(`${path}.${k}: unknown intrinsic function`);
      checkValue(ctx, `${path}.${k}`, v, opts);
    }
    return;
  }
  if (!FUNCTIONS.has(fn)) { ctx.errors.push(`${path}: unknown intrinsic function ${fn}`); return; }
  const arg = value[fn];
  const err = (m: string) => ctx.errors.push(`${path}: ${m}`);
  switch (fn) {
    case 'Ref':
      if (typeof arg !== 'string') { err('Ref takes a name'); return; }
      if (opts.inCondition || opts.inRule) {
        if (!ctx.parameters.has(arg) && !PSEUDO_PARAMETERS.has(arg)) err(`Ref ${arg}: conditions and rules may only reference parameters`);
        return;
      }
      if (!ctx.parameters.has(arg) && !PSEUDO_PARAMETERS.has(arg) && !ctx.resourceTypes.has(arg)) err(`Ref ${arg}: no such parameter or resource`);
      return;
    case 'Condition':
      if (typeof arg !== 'string' || !ctx.conditions.has(arg)) err(`unknown condition ${JSON.stringify(arg)}`);
      return;
    case 'Fn::GetAtt': {
      const [target, attr] = typeof arg === 'string' ? [arg.slice(0, arg.indexOf('.')), arg.slice(arg.indexOf('.') + 1)] : Array.isArray(arg) ? arg : [];
      if (typeof target !== 'string' || typeof attr !== 'string') { err('GetAtt takes [resource, attribute]'); return; }
      checkGetAtt(ctx, path, target, attr);
      return;
    }
    case 'Fn::Sub': {
      const [text, vars] = typeof arg === 'string' ? [arg, {}] : Array.isArray(arg) ? arg : [undefined, undefined];
      if (typeof text !== 'string' || !isObject(vars)) { err('Sub takes a string or [string, {vars}]'); return; }
      checkValue(ctx, path, vars, opts);
      const local = new Set(Object.keys(vars));
      for (const m of text.matchAll(/\$\{([^}]*)\}/g)) {
        const name = m[1]!.trim();
        if (name.startsWith('!')) continue; // ${!Literal}
        if (local.has(name) || ctx.parameters.has(name) || PSEUDO_PARAMETERS.has(name) || ctx.resourceTypes.has(name)) continue;
        const dot = name.indexOf('.');
        if (dot > 0) { checkGetAtt(ctx, path, name.slice(0, dot), name.slice(dot + 1)); continue; }
        err(`Sub variable \${${name}}: no such parameter, resource or variable`);
      }
      return;
    }
    case 'Fn::If': {
      if (!Array.isArray(arg) || arg.length !== 3 || typeof arg[0] !== 'string') { err('If takes [condition, then, else]'); return; }
      if (!ctx.conditions.has(arg[0])) err(`If: unknown condition ${JSON.stringify(arg[0])}`);
      if (!opts.skipIfBranches) { checkValue(ctx, `${path}[then]`, arg[1], opts); checkValue(ctx, `${path}[else]`, arg[2], opts); }
      return;
    }
    case 'Fn::Equals':
      if (!Array.isArray(arg) || arg.length !== 2) err('Equals takes two values');
      checkValue(ctx, path, arg, opts);
      return;
    case 'Fn::Not':
      if (!Array.isArray(arg) || arg.length !== 1) err('Not takes one condition');
      checkValue(ctx, path, arg, opts);
      return;
    case 'Fn::And':
    case 'Fn::Or':
      if (!Array.isArray(arg) || arg.length < 2 || arg.length > 10) err(`${fn} takes 2 to 10 conditions`);
      checkValue(ctx, path, arg, opts);
      return;
    case 'Fn::Join':
      if (!Array.isArray(arg) || arg.length !== 2 || typeof arg[0] !== 'string') err('Join takes [delimiter, list]');
      checkValue(ctx, path, arg, opts);
      return;
    case 'Fn::Split':
      if (!Array.isArray(arg) || arg.length !== 2 || typeof arg[0] !== 'string') err('Split takes [delimiter, string]');
      checkValue(ctx, path, arg, opts);
      return;
    case 'Fn::Select':
      if (!Array.isArray(arg) || arg.length !== 2) err('Select takes [index, list]');
      checkValue(ctx, path, arg, opts);
      return;
    case 'Fn::FindInMap':
      if (!Array.isArray(arg) || arg.length < 3) err('FindInMap takes [map, key, key]');
      else if (typeof arg[0] === 'string' && !Object.hasOwn(ctx.template.Mappings ?? {}, arg[0])) err(`FindInMap: unknown mapping ${arg[0]}`);
      checkValue(ctx, path, arg, opts);
      return;
    default:
      checkValue(ctx, path, arg, opts);
  }
}

function checkGetAtt(ctx: Context, path: string, target: string, attr: string): void {
  const type = ctx.resourceTypes.get(target);
  if (!type) { ctx.errors.push(`${path}: GetAtt ${target}.${attr}: no such resource`); return; }
  const spec = specResource(SAM_ATTRIBUTE_TYPES[type] ?? type);
  const attributes = Object.keys(spec?.attributes ?? {});
  if (!attributes.includes(attr)) ctx.errors.push(`${path}: GetAtt ${target}.${attr}: ${type} has no attribute ${attr} (has ${attributes.join(', ') || 'none'})`);
}
