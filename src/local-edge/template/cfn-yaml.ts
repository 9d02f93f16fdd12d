/**
 * CloudFormation/SAM YAML: parse with the short-form intrinsic tags (`!Ref`, `!GetAtt`, `!Sub`, ...) and
 * evaluate the intrinsics the local edge needs, with parameter defaults and conditions.
 * Values that only exist after deployment (resource ARNs, domain names) become {@link ResourceRef} markers.
 */
import { parse } from 'yaml';
import type { Tags } from 'yaml';
import { LocalEdgeConfigError } from '../../errors.js';

const FUNCTIONS = [
  'Ref', 'GetAtt', 'Sub', 'If', 'Join', 'Select', 'Split', 'Equals', 'Not', 'And', 'Or', 'Condition',
  'FindInMap', 'Base64', 'ImportValue', 'GetAZs', 'Cidr', 'Length', 'ToJsonString',
] as const;

function tagKey(name: string): string {
  return name === 'Ref' || name === 'Condition' ? name : `Fn::${name}`;
}

/** The short-form intrinsic tags, each read into its long form (`!GetAtt A.B` -> `{ 'Fn::GetAtt': ['A', 'B'] }`). */
export const CFN_TAGS: Tags = FUNCTIONS.flatMap((name) => [
  { tag: `!${name}`, resolve: (s: string) => ({ [tagKey(name)]: name === 'GetAtt' ? splitGetAtt(s) : s }) },
  { tag: `!${name}`, collection: 'seq' as const, resolve: (s: { toJSON(): unknown }) => ({ [tagKey(name)]: s.toJSON() }) },
  { tag: `!${name}`, collection: 'map' as const, resolve: (m: { toJSON(): unknown }) => ({ [tagKey(name)]: m.toJSON() }) },
]) as unknown as Tags;

function splitGetAtt(s: string): string[] {
  const dot = s.indexOf('.');
  return dot === -1 ? [s] : [s.slice(0, dot), s.slice(dot + 1)];
}

/** Parses template text; CloudFormation tags become their long form (`{ "Fn::If": [...] }`). */
export function parseTemplateText(text: string, file = 'template'): Record<string, unknown> {
  let doc: unknown;
  try {
    doc = parse(text, { customTags: CFN_TAGS, prettyErrors: true, uniqueKeys: false });
  } catch (err) {
    throw new LocalEdgeConfigError(`${file}: not valid YAML: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`, { cause: err });
  }
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) throw new LocalEdgeConfigError(`${file}: not a CloudFormation template (no top-level map)`);
  return doc as Record<string, unknown>;
}

/** A value known only after deployment: `!Ref Resource` or `!GetAtt Resource.Attr`. */
export interface ResourceRef {
  readonly $resource: string;
  /** Attribute (`Arn`, `Version`, ...) or undefined for a plain Ref. */
  readonly attribute?: string;
}

export function isResourceRef(v: unknown): v is ResourceRef {
  return typeof v === 'object' && v !== null && typeof (v as ResourceRef).$resource === 'string';
}

/** Marker removed from lists and maps (`!Ref AWS::NoValue`). */
const NO_VALUE = Symbol('AWS::NoValue');

const PSEUDO: Record<string, string> = {
  'AWS::Region': 'us-east-1',
  'AWS::AccountId': '123456789012',
  'AWS::StackName': 'cloudfront-hls-local',
  'AWS::StackId': 'arn:aws:cloudformation:us-east-1:123456789012:stack/cloudfront-hls-local/local',
  'AWS::Partition': 'aws',
  'AWS::URLSuffix': 'amazonaws.com',
};

/**
 * Parameter overrides as CloudFormation takes them at deploy time: a name the template does not declare, or a value
 * outside the parameter's AllowedValues, is refused (CloudFormation fails the deployment; silently running with the
 * default instead would test something else).
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/parameters-section-structure.html
 */
function checkOverrides(parameters: Record<string, unknown>, overrides: Record<string, string>): void {
  for (const [name, value] of Object.entries(overrides)) {
    if (!Object.hasOwn(parameters, name)) {
      throw new LocalEdgeConfigError(`template has no parameter "${name}" (its parameters: ${Object.keys(parameters).join(', ')})`);
    }
    const allowed = asMap(parameters[name]).AllowedValues;
    if (Array.isArray(allowed) && !allowed.map(String).includes(value)) {
      throw new LocalEdgeConfigError(`parameter ${name}: "${value}" is not one of its AllowedValues (${allowed.join(', ')})`);
    }
  }
}

/** Evaluates intrinsics with parameter values (overrides > Default) and the template's Conditions. */
export class IntrinsicResolver {
  private readonly params: Record<string, unknown> = {};
  private readonly conditionCache = new Map<string, boolean>();
  private readonly resources: Record<string, unknown>;
  private readonly conditions: Record<string, unknown>;
  private readonly mappings: Record<string, unknown>;

  constructor(template: Record<string, unknown>, overrides: Record<string, string> = {}) {
    this.resources = asMap(template.Resources);
    this.conditions = asMap(template.Conditions);
    this.mappings = asMap(template.Mappings);
    checkOverrides(asMap(template.Parameters), overrides);
    for (const [name, def] of Object.entries(asMap(template.Parameters))) {
      const definition = asMap(def);
      const value = overrides[name] ?? definition.Default;
      // A parameter without Default resolves to '' (the local edge needs none of the deploy-only ones).
      if (value === undefined) this.params[name] = '';
      else {
        this.params[name] = definition.Type === 'CommaDelimitedList' && typeof value === 'string' ? value.split(',') : value;
      }
    }
  }

  /** The value of a condition by name. */
  condition(name: string): boolean {
    const cached = this.conditionCache.get(name);
    if (cached !== undefined) return cached;
    if (!(name in this.conditions)) throw new LocalEdgeConfigError(`template: condition "${name}" is not defined`);
    const value = this.resolve(this.conditions[name], `Conditions.${name}`);
    const holds = value === true || value === 'true';
    this.conditionCache.set(name, holds);
    return holds;
  }

  /** Deep-resolves a node; `where` names it in errors. */
  resolve(node: unknown, where: string): unknown {
    const resolved = this.resolveInner(node, where);
    return resolved === NO_VALUE ? undefined : resolved;
  }

  private resolveInner(node: unknown, where: string): unknown {
    if (Array.isArray(node)) return node.map((item, i) => this.resolveInner(item, `${where}[${i}]`)).filter((item) => item !== NO_VALUE);
    if (node === null || typeof node !== 'object') return node;
    const map = node as Record<string, unknown>;
    const keys = Object.keys(map);
    if (keys.length === 1) {
      const key = keys[0]!;
      const arg = map[key];
      if (key === 'Ref') return this.ref(String(arg), where);
      if (key === 'Condition' && typeof arg === 'string' && where.includes('Conditions')) return this.condition(arg);
      if (key.startsWith('Fn::')) return this.intrinsic(key.slice(4), arg, where);
    }
    const out: Record<string, unknown> = {};
    for (const [name, child] of Object.entries(map)) {
      const resolved = this.resolveInner(child, `${where}.${name}`);
      if (resolved !== NO_VALUE) out[name] = resolved;
    }
    return out;
  }

  private ref(name: string, where: string): unknown {
    if (name === 'AWS::NoValue') return NO_VALUE;
    if (name in PSEUDO) return PSEUDO[name];
    if (name in this.params) return this.params[name];
    // SAM: `!Ref Fn.Version` / `!Ref Fn.Alias` (AutoPublishAlias).
    const dot = name.indexOf('.');
    const base = dot === -1 ? name : name.slice(0, dot);
    if (base in this.resources) return dot === -1 ? { $resource: base } : { $resource: base, attribute: name.slice(dot + 1) };
    throw new LocalEdgeConfigError(`template: ${where}: !Ref ${name} names no parameter or resource`);
  }

  private intrinsic(name: string, arg: unknown, where: string): unknown {
    const resolveArg = (node: unknown): unknown => this.resolveInner(node, where);
    switch (name) {
      case 'GetAtt': {
        const parts = Array.isArray(arg) ? arg.map(String) : splitGetAtt(String(arg));
        // No existence check: SAM generates resources (`<Fn>Url`, `<Fn>Role`) that the template never lists.
        return { $resource: parts[0]!, attribute: parts.slice(1).join('.') };
      }
      case 'If': {
        const [condition, whenTrue, whenFalse] = arg as [string, unknown, unknown];
        return this.condition(condition) ? resolveArg(whenTrue) : resolveArg(whenFalse);
      }
      case 'Equals': {
        const [left, right] = (arg as unknown[]).map(resolveArg);
        return JSON.stringify(left) === JSON.stringify(right);
      }
      case 'Not': return !(resolveArg((arg as unknown[])[0]) as boolean);
      case 'And': return (arg as unknown[]).every((operand) => resolveArg(operand) === true);
      case 'Or': return (arg as unknown[]).some((operand) => resolveArg(operand) === true);
      case 'Join': {
        const [sep, list] = arg as [string, unknown];
        const items = resolveArg(list);
        return (Array.isArray(items) ? items : [items]).map((item) => this.asText(item)).join(sep);
      }
      case 'Split': {
        const [sep, source] = arg as [string, unknown];
        return this.asText(resolveArg(source)).split(sep);
      }
      case 'Select': {
        const [index, list] = arg as [unknown, unknown];
        const items = resolveArg(list);
        return Array.isArray(items) ? items[Number(resolveArg(index))] : `\${Select}`;
      }
      case 'Sub': {
        const [text, vars] = Array.isArray(arg) ? (arg as [string, Record<string, unknown>]) : [String(arg), {}];
        return text.replace(/\$\{([^}!][^}]*)\}/g, (_m, name: string) => {
          if (name in vars) return this.asText(resolveArg(vars[name]));
          if (name in PSEUDO) return PSEUDO[name]!;
          if (name in this.params) return this.asText(this.params[name]);
          return `\${${name}}`; // a resource attribute: known after deployment only
        });
      }
      case 'FindInMap': {
        const [mapName, topKey, secondKey] = (arg as unknown[]).map(resolveArg) as [string, string, string];
        const value = asMap(asMap(this.mappings[mapName])[topKey])[secondKey];
        if (value === undefined) throw new LocalEdgeConfigError(`template: ${where}: !FindInMap [${mapName}, ${topKey}, ${secondKey}] has no value`);
        return resolveArg(value);
      }
      case 'Base64': return Buffer.from(this.asText(resolveArg(arg))).toString('base64');
      case 'ToJsonString': return JSON.stringify(resolveArg(arg));
      case 'Length': { const list = resolveArg(arg); return Array.isArray(list) ? list.length : 0; }
      case 'ImportValue': case 'GetAZs': case 'Cidr':
        return { $resource: `Fn::${name}`, attribute: JSON.stringify(arg) };
      default:
        throw new LocalEdgeConfigError(`template: ${where}: intrinsic Fn::${name} is not supported by the local edge`);
    }
  }

  private asText(value: unknown): string {
    if (isResourceRef(value)) return `\${${value.$resource}${value.attribute ? `.${value.attribute}` : ''}}`;
    return typeof value === 'string' ? value : JSON.stringify(value);
  }
}

export function asMap(v: unknown): Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}
