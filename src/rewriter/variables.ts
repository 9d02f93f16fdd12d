/**
 * EXT-X-DEFINE variables (RFC 8216bis 4.3, 4.4.2.3) as the rewriter needs them: the values that decide a URI's host,
 * and the definitions that refuse a playlist.
 */
import { attributeValue, duplicateName, isBlank, parseAttributeList } from '../hls/index.js';
import type { Attribute } from '../hls/index.js';
import { AMBIGUOUS } from './context.js';
import type { Context } from './context.js';
import { hostFixed } from './host-rule.js';

/** RFC 8216bis 4.2 VariableName, which is also what hls.js substitutes (`{$[a-zA-Z0-9-_]+}`). */
const VARIABLE_NAME = /^[A-Za-z0-9_-]+$/;

/**
 * EXT-X-DEFINE (RFC 8216bis 4.4.2.3): remembers NAME/VALUE variables, which come from the origin's playlist.
 * QUERYPARAM and IMPORT values come from outside the playlist (the viewer's URL, the parent playlist), so their
 * names are AMBIGUOUS here: a URI needs them only after its host is fixed. Refuses what players could read
 * differently or what would hand them the credentials (see {@link readDefinition}). A redefinition marks the name
 * AMBIGUOUS (hls.js keeps the first, a map the last).
 */
export function recordDefine(list: string, ctx: Context): void {
  const attributes = parseAttributeList(list, 0);
  if (attributes !== undefined && attributes.length > ctx.settings.maxAttributes) {
    ctx.refused = 'too-many-attributes';
    return;
  }
  const definition = attributes === undefined ? undefined : readDefinition(list, attributes);
  if (definition === undefined) {
    ctx.refused ??= 'variable-definition';
    return;
  }
  if (definition.kind !== 'value' && ctx.settings.credentialNamesLower.has(definition.name.trim().toLowerCase())) {
    // Any letter case: hls.js matches QUERYPARAM names exactly, other players may not.
    ctx.refused ??= 'credential-variable';
    return;
  }
  // hls.js overwrites an earlier definition with an IMPORT (variable-substitution.ts importVariableDefinition).
  if (definition.kind === 'import' && ctx.variables.has(definition.name)) {
    ctx.refused ??= 'variable-definition';
    return;
  }
  const clear = definition.kind === 'value' && !ctx.variables.has(definition.name);
  ctx.variables.set(definition.name, clear ? definition.value! : AMBIGUOUS);
}

const DEFINE_FORMS: Readonly<Record<string, 'value' | 'import' | 'queryparam'>> = { 'NAME,VALUE': 'value', IMPORT: 'import', QUERYPARAM: 'queryparam' };

/**
 * One of the three forms RFC 8216bis 4.4.2.3 allows, written so every reader reads it alike: quoted-string values,
 * names in upper case exactly (hls.js reads `attr.NAME`), no whitespace at `=`, no repeated attribute, a NAME in the
 * VariableName grammar, and no `{$` anywhere (hls.js substitutes inside NAME, VALUE, IMPORT and QUERYPARAM before
 * it reads them). Undefined for anything else.
 */
function readDefinition(list: string, attributes: readonly Attribute[]): { kind: 'value' | 'import' | 'queryparam'; name: string; value?: string } | undefined {
  if (list.includes('{$') || duplicateName(attributes) !== undefined) return undefined;
  const blankBeforeEquals = (a: Attribute) => isBlank(list.charCodeAt(a.valueStart - 2));
  if (attributes.some((a) => !a.quoted || !a.strict || blankBeforeEquals(a))) return undefined;
  const kind = DEFINE_FORMS[attributes.map((a) => a.name).sort().join(',')];
  if (kind === undefined) return undefined;
  const value = (name: string) => attributeValue(list, attributes.find((a) => a.name === name)!);
  if (kind === 'import') return { kind, name: value('IMPORT') };
  if (kind === 'queryparam') return { kind, name: value('QUERYPARAM') };
  const name = value('NAME');
  return VARIABLE_NAME.test(name) ? { kind, name, value: value('VALUE') } : undefined;
}

/** How much of a URI, variables substituted, is enough to know its scheme and host. */
export const PREFIX_LIMIT = 2048;

/**
 * The first PREFIX_LIMIT characters of `uri` with `{$name}` references (RFC 8216bis 4.3) substituted, up to
 * the first reference this playlist does not define clearly (IMPORT, QUERYPARAM, AMBIGUOUS) or an unclosed `{$`.
 * Returns undefined when such a reference comes before the host is fixed (`{$base}/seg.ts`). Bounded work per
 * URI however large or numerous the variables; the URI itself is written back unsubstituted, so the output never
 * grows by a variable's size. `complete` tells whether the prefix is the whole URI.
 */
export function substitutedPrefix(uri: string, ctx: Context): { prefix: string; complete: boolean } | undefined {
  let out = '';
  let pos = 0;
  while (pos < uri.length && out.length < PREFIX_LIMIT) {
    const room = PREFIX_LIMIT - out.length;
    const open = uri.indexOf('{$', pos);
    if (open === -1 || open - pos >= room) {
      const take = Math.min(room, uri.length - pos);
      out += uri.slice(pos, pos + take);
      pos += take;
      break;
    }
    out += uri.slice(pos, open);
    const close = uri.indexOf('}', open + 2);
    const value = close === -1 ? undefined : ctx.variables.get(uri.slice(open + 2, close));
    if (value === undefined || value === AMBIGUOUS) return hostFixed(out) ? { prefix: out, complete: false } : undefined;
    out += value.slice(0, PREFIX_LIMIT - out.length);
    pos = close + 1;
  }
  return { prefix: out, complete: pos >= uri.length && out.length < PREFIX_LIMIT };
}

/** `uri` with each reference to a variable whose value carries credentials of its own substituted. */
export function substituteCredentialVariables(uri: string, ctx: Context): string {
  let out = '';
  let pos = 0;
  for (;;) {
    const open = uri.indexOf('{$', pos);
    if (open === -1) break;
    const close = uri.indexOf('}', open + 2);
    if (close === -1) break;
    const value = ctx.variables.get(uri.slice(open + 2, close));
    const inline = typeof value === 'string' && value.length <= PREFIX_LIMIT && ctx.settings.credentials.appearsIn(value);
    out += inline ? uri.slice(pos, open) + value : uri.slice(pos, close + 1);
    pos = close + 1;
  }
  return out + uri.slice(pos);
}
