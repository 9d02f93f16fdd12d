/**
 * EXT-X-DEFINE variables (RFC 8216bis 4.3, 4.4.2.3) as the rewriter needs them: the values that decide a URI's
 * host, and the credential variables (QUERYPARAM/IMPORT of a credential param) whose uses must be checked.
 */
import { attributeValue, duplicateName, parseAttributeList } from '../hls/index.js';
import { AMBIGUOUS } from './context.js';
import type { Context } from './context.js';
import { hostFixed } from './host-rule.js';

/** RFC 8216bis 4.2 VariableName, which is also what hls.js substitutes (`{$[a-zA-Z0-9-_]+}`). */
const VARIABLE_NAME = /^[A-Za-z0-9_-]+$/;

/**
 * EXT-X-DEFINE (RFC 8216bis 4.4.2.3): remembers NAME/VALUE variables, which come from the origin's playlist.
 * QUERYPARAM and IMPORT variables are left for the player to resolve: QUERYPARAM values come from the viewer's
 * URL, and copying viewer bytes into the playlist would let a viewer inject quotes, attributes or lines. A
 * QUERYPARAM or IMPORT that names a credential param is remembered, so its uses can be checked (see
 * {@link credentialVariableEscapes}). A definition players could read differently (duplicate or unquoted
 * attributes, a redefinition: hls.js keeps the first, a map the last; a VALUE holding a reference, which hls.js
 * substitutes at definition time) marks its name AMBIGUOUS.
 */
export function recordDefine(list: string, ctx: Context): void {
  const attributes = parseAttributeList(list, 0);
  if (attributes === undefined) return;
  if (attributes.length > ctx.maxAttributes) {
    ctx.refused = 'too-many-attributes';
    return;
  }
  for (const a of attributes) {
    if ((a.name === 'QUERYPARAM' || a.name === 'IMPORT') && isCredentialName(attributeValue(list, a), ctx)) {
      ctx.credentialVariables.add(attributeValue(list, a).trim());
    }
  }
  const nameAttribute = attributes.find((x) => x.name === 'NAME');
  const valueAttribute = attributes.find((x) => x.name === 'VALUE');
  if (nameAttribute === undefined) return;
  const name = attributeValue(list, nameAttribute);
  if (!VARIABLE_NAME.test(name)) return; // players never substitute it
  const value = valueAttribute === undefined ? undefined : attributeValue(list, valueAttribute);
  const clear =
    value !== undefined &&
    nameAttribute.quoted && nameAttribute.strict && valueAttribute!.quoted && valueAttribute!.strict &&
    duplicateName(attributes) === undefined &&
    !ctx.variables.has(name) &&
    !value.includes('{$');
  ctx.variables.set(name, clear ? value : AMBIGUOUS);
}

/**
 * True for the name of a param that carries credentials in the playlist URL (`Signature`, `Policy-PREFIX`, ...),
 * in any letter case: hls.js matches QUERYPARAM names exactly, other players may not.
 */
function isCredentialName(raw: string, ctx: Context): boolean {
  return ctx.credentialNamesLower.has(raw.trim().toLowerCase());
}

/**
 * How many references to credential variables (see {@link isCredentialName}) text[from, to) holds. The scan counts
 * them in every line, not only URIs (a foreign or withheld URI, another attribute, a DEFINE value, even a comment:
 * fail closed), and again in each URI that gets credentials: a player would copy the viewer's own credentials out
 * of the playlist URL into the others, so more references in all than inside credentialed URIs refuses the playlist.
 */
export function credentialReferences(text: string, from: number, to: number, ctx: Context): number {
  let count = 0;
  let pos = text.indexOf('{$', from);
  while (pos !== -1 && pos < to) {
    const close = text.indexOf('}', pos + 2);
    if (close === -1 || close >= to) break;
    if (ctx.credentialVariables.has(text.slice(pos + 2, close))) count++;
    pos = text.indexOf('{$', pos + 2);
  }
  return count;
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
    const inline = typeof value === 'string' && value.length <= PREFIX_LIMIT && ctx.credentials.appearsIn(value);
    out += inline ? uri.slice(pos, open) + value : uri.slice(pos, close + 1);
    pos = close + 1;
  }
  return out + uri.slice(pos);
}
