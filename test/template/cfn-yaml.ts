/**
 * CloudFormation YAML for tests: parses the short-form intrinsic tags (`!Ref`, `!GetAtt`, `!Sub`, ...) into their
 * long JSON forms (`{ Ref: ... }`, `{ 'Fn::GetAtt': [...] }`), exactly as CloudFormation reads them.
 */
import { parse } from 'yaml';
import type { CollectionTag, ScalarTag, YAMLMap, YAMLSeq } from 'yaml';

/** Short tag -> long function name. `!Ref` and `!Condition` are the two without an `Fn::` prefix. */
const FUNCTIONS: Record<string, string> = {
  Ref: 'Ref',
  Condition: 'Condition',
  GetAtt: 'Fn::GetAtt',
  Sub: 'Fn::Sub',
  If: 'Fn::If',
  Equals: 'Fn::Equals',
  Not: 'Fn::Not',
  And: 'Fn::And',
  Or: 'Fn::Or',
  Join: 'Fn::Join',
  Select: 'Fn::Select',
  Split: 'Fn::Split',
  FindInMap: 'Fn::FindInMap',
  Base64: 'Fn::Base64',
  ImportValue: 'Fn::ImportValue',
  GetAZs: 'Fn::GetAZs',
  Cidr: 'Fn::Cidr',
  Length: 'Fn::Length',
  ToJsonString: 'Fn::ToJsonString',
};

/** `!GetAtt A.B.C` means `['A', 'B.C']`: only the first dot separates the resource from the attribute. */
function scalarValue(name: string, value: string): unknown {
  if (name === 'GetAtt') {
    const dot = value.indexOf('.');
    return dot === -1 ? [value] : [value.slice(0, dot), value.slice(dot + 1)];
  }
  return value;
}

function tagsFor(name: string, fn: string): (ScalarTag | CollectionTag)[] {
  const tag = `!${name}`;
  const scalar: ScalarTag = { tag, resolve: (value: string) => ({ [fn]: scalarValue(name, value) }) };
  const seq: CollectionTag = {
    tag,
    collection: 'seq',
    resolve: (value: YAMLMap.Parsed | YAMLSeq.Parsed) => ({ [fn]: value.toJSON() }),
  };
  const map: CollectionTag = {
    tag,
    collection: 'map',
    resolve: (value: YAMLMap.Parsed | YAMLSeq.Parsed) => ({ [fn]: value.toJSON() }),
  };
  return [scalar, seq, map];
}

const CUSTOM_TAGS = Object.entries(FUNCTIONS).flatMap(([name, fn]) => tagsFor(name, fn));

/** A parsed template: plain JSON values with intrinsics in long form. */
export type Template = Record<string, any>;

/** Parses CloudFormation YAML (short or long intrinsic forms) into the JSON shape CloudFormation works on. */
export function parseCfnYaml(text: string): Template {
  const doc = parse(text, { customTags: CUSTOM_TAGS, strict: true, uniqueKeys: true, maxAliasCount: 0 }) as unknown;
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) throw new Error('template is not a YAML mapping');
  return doc as Template;
}
