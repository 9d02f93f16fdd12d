/**
 * Intrinsic functions and references for the offline template validator (cfn-validate.ts): every `Ref`,
 * `Fn::GetAtt`, `Fn::Sub` variable and `Fn::If`/`Condition` name must have a target, and each function's argument
 * must have its shape.
 */
import type { Template } from './cfn-yaml.js';
import { specResource } from './cfn-spec.js';

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

/** SAM transforms these to the types on the right; their GetAtt attributes are those of the result. */
const SAM_ATTRIBUTE_TYPES: Record<string, string> = {
  'AWS::Serverless::Function': 'AWS::Lambda::Function',
  'AWS::Serverless::LayerVersion': 'AWS::Lambda::LayerVersion',
  'AWS::Serverless::SimpleTable': 'AWS::DynamoDB::Table',
  'AWS::Serverless::StateMachine': 'AWS::StepFunctions::StateMachine',
};

export const isObject = (v: unknown): v is Record<string, any> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** The function name if `v` is an intrinsic function call (`{ Ref: ... }`, `{ 'Fn::X': ... }`). */
export function intrinsicName(v: unknown): string | undefined {
  if (!isObject(v)) return undefined;
  const keys = Object.keys(v);
  if (keys.length !== 1) return undefined;
  const k = keys[0]!;
  return k === 'Ref' || k === 'Condition' || k.startsWith('Fn::') ? k : undefined;
}

export const isNoValue = (v: unknown): boolean => isObject(v) && v.Ref === 'AWS::NoValue' && Object.keys(v).length === 1;

export interface Context {
  template: Template;
  errors: string[];
  /** logical id (or SAM-generated id) -> resource type */
  resourceTypes: Map<string, string>;
  parameters: Set<string>;
  conditions: Set<string>;
}

export interface ValueOptions {
  inCondition?: boolean;
  inRule?: boolean;
  skipIfBranches?: boolean;
  subVariables?: Set<string>;
}

const listOf = (length: number) => (arg: unknown): boolean => Array.isArray(arg) && arg.length === length;
const delimiterAndOne = (arg: unknown): boolean => Array.isArray(arg) && arg.length === 2 && typeof arg[0] === 'string';
const twoToTen = (arg: unknown): boolean => Array.isArray(arg) && arg.length >= 2 && arg.length <= 10;
/** The argument each of these functions takes, and the problem reported when it does not fit; then the argument is walked. */
const ARGUMENT_SHAPES: Record<string, { fits: (arg: unknown) => boolean; message: string }> = {
  'Fn::Equals': { fits: listOf(2), message: 'Equals takes two values' },
  'Fn::Not': { fits: listOf(1), message: 'Not takes one condition' },
  'Fn::And': { fits: twoToTen, message: 'Fn::And takes 2 to 10 conditions' },
  'Fn::Or': { fits: twoToTen, message: 'Fn::Or takes 2 to 10 conditions' },
  'Fn::Join': { fits: delimiterAndOne, message: 'Join takes [delimiter, list]' },
  'Fn::Split': { fits: delimiterAndOne, message: 'Split takes [delimiter, string]' },
  'Fn::Select': { fits: listOf(2), message: 'Select takes [index, list]' },
};

/** Walks any value and checks every intrinsic function and reference in it. */
export function checkValue(ctx: Context, path: string, value: unknown, opts: ValueOptions): void {
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
    case 'Fn::FindInMap':
      if (!Array.isArray(arg) || arg.length < 3) err('FindInMap takes [map, key, key]');
      else if (typeof arg[0] === 'string' && !Object.hasOwn(ctx.template.Mappings ?? {}, arg[0])) err(`FindInMap: unknown mapping ${arg[0]}`);
      checkValue(ctx, path, arg, opts);
      return;
    default: {
      const shape = ARGUMENT_SHAPES[fn];
      if (shape !== undefined && !shape.fits(arg)) err(shape.message);
      checkValue(ctx, path, arg, opts);
    }
  }
}

function checkGetAtt(ctx: Context, path: string, target: string, attr: string): void {
  const type = ctx.resourceTypes.get(target);
  if (!type) { ctx.errors.push(`${path}: GetAtt ${target}.${attr}: no such resource`); return; }
  const spec = specResource(SAM_ATTRIBUTE_TYPES[type] ?? type);
  const attributes = Object.keys(spec?.attributes ?? {});
  if (!attributes.includes(attr)) ctx.errors.push(`${path}: GetAtt ${target}.${attr}: ${type} has no attribute ${attr} (has ${attributes.join(', ') || 'none'})`);
}
