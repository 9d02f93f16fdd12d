/**
 * CloudFormation YAML for tests: the short-form intrinsic tags (`!Ref`, `!GetAtt`, `!Sub`, ...) read into their long
 * JSON forms (`{ Ref: ... }`, `{ 'Fn::GetAtt': [...] }`) with the local edge's tag table, parsed strictly as
 * CloudFormation does (duplicate keys and aliases refused).
 */
import { parse } from 'yaml';
import { CFN_TAGS } from '../../src/local-edge/template/cfn-yaml.js';

/** A parsed template: plain JSON values with intrinsics in long form. */
export type Template = Record<string, any>;

/** Parses CloudFormation YAML (short or long intrinsic forms) into the JSON shape CloudFormation works on. */
export function parseCfnYaml(text: string): Template {
  const doc = parse(text, { customTags: CFN_TAGS, strict: true, uniqueKeys: true, maxAliasCount: 0 }) as unknown;
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) throw new Error('template is not a YAML mapping');
  return doc as Template;
}
