/** Resource and Globals properties against the CloudFormation specification, for cfn-validate.ts. */
import { checkValue, intrinsicName, isNoValue, isObject } from './cfn-intrinsics.js';
import type { Context } from './cfn-intrinsics.js';
import { specDb } from './cfn-spec.js';
import type { PropertySpec, PropertyType } from './cfn-spec.js';

/** Checks a mapping against spec properties: unknown and missing required ones, then each value. */
export function checkObject(ctx: Context, path: string, value: Record<string, any>, props: Record<string, PropertySpec>): void {
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
export function checkProperty(ctx: Context, path: string, value: unknown, type: PropertyType): void {
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
