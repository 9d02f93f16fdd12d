/**
 * The template as CloudFormation deploys it for one set of parameter values: the intrinsics it uses evaluated, and
 * a value as deployed under each ViewerRequestKind.
 */
import type { Template } from './cfn-yaml.js';

/** Values for the template's intrinsics when evaluating it like CloudFormation would for one deployment. */
export interface Deployment {
  parameters: Record<string, string>;
  /** Stand-ins for `Ref <resource>` (e.g. a public key id). */
  refs: Record<string, string>;
}

/**
 * Evaluates the intrinsics this template uses (Ref, Fn::If, conditions, Fn::Join, Fn::Sub without GetAtt) for one
 * set of parameter values. Throws on anything else, so a test notices when the template outgrows it.
 */
export function resolveValue(template: Template, value: unknown, dep: Deployment): unknown {
  const params: Record<string, unknown> = {};
  for (const [name, p] of Object.entries<any>(template.Parameters ?? {})) {
    const raw = dep.parameters[name] ?? (p.Default === undefined ? undefined : String(p.Default));
    if (raw === undefined) continue;
    params[name] = p.Type === 'CommaDelimitedList' ? raw.split(',') : raw;
  }
  const NO_VALUE = Symbol('NoValue');
  const condition = (name: string): boolean => Boolean(evaluate(template.Conditions[name]));
  const evaluate = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(evaluate).filter((x) => x !== NO_VALUE);
    if (v === null || typeof v !== 'object') return v;
    const [fn, arg] = Object.entries(v)[0] as [string, any];
    switch (fn) {
      case 'Ref':
        if (arg === 'AWS::NoValue') return NO_VALUE;
        if (arg in params) return params[arg];
        if (arg in dep.refs) return dep.refs[arg];
        throw new Error(`resolveValue: no value for Ref ${arg}`);
      case 'Condition': return condition(arg);
      case 'Fn::If': return evaluate(condition(arg[0]) ? arg[1] : arg[2]);
      case 'Fn::Equals': return String(evaluate(arg[0])) === String(evaluate(arg[1]));
      case 'Fn::Not': return !evaluate(arg[0]);
      case 'Fn::And': return arg.every(evaluate);
      case 'Fn::Or': return arg.some(evaluate);
      case 'Fn::Join': return (evaluate(arg[1]) as unknown[]).join(arg[0]);
      case 'Fn::Sub': return String(arg).replace(/\$\{([^}]+)\}/g, (_m, name: string) => String(evaluate({ Ref: name })));
      default:
        if (fn.startsWith('Fn::')) throw new Error(`resolveValue: ${fn} not supported`);
        return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, evaluate(x)]).filter(([, x]) => x !== NO_VALUE));
    }
  };
  return evaluate(value);
}

/** Values of the ViewerRequestKind parameter. */
export const VIEWER_REQUEST_KINDS = ['lambda-edge', 'cloudfront-function'] as const;

/**
 * `value` as deployed with ViewerRequestKind = `kind`: `Fn::If` on template conditions resolved and
 * `AWS::NoValue` dropped; every other intrinsic is left as written.
 */
export function underKind(template: Template, value: unknown, kind: string): unknown {
  const dep: Deployment = { parameters: { ViewerRequestKind: kind }, refs: {} };
  const NO_VALUE = Symbol('NoValue');
  const walk = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(walk).filter((x) => x !== NO_VALUE);
    if (v === null || typeof v !== 'object') return v;
    const entries = Object.entries(v);
    if (entries.length === 1 && entries[0]![0] === 'Ref' && entries[0]![1] === 'AWS::NoValue') return NO_VALUE;
    if (entries.length === 1 && entries[0]![0] === 'Fn::If') {
      const [name, yes, no] = entries[0]![1] as [string, unknown, unknown];
      return walk(resolveValue(template, { Condition: name }, dep) ? yes : no);
    }
    return Object.fromEntries(entries.map(([k, x]) => [k, walk(x)]).filter(([, x]) => x !== NO_VALUE));
  };
  const out = walk(value);
  return out === NO_VALUE ? undefined : out;
}
