/**
 * EXT-X-DEFINE as the most permissive player reads it (RFC 8216bis 4.4.2.3; hls.js
 * src/utils/variable-substitution.ts): the first definition of a name wins, IMPORT takes a value from the parent
 * playlist that this document cannot see (and in hls.js overwrites an earlier local definition), QUERYPARAM takes
 * a value from the playlist URL's query, and hls.js substitutes references inside NAME, VALUE, IMPORT and
 * QUERYPARAM themselves. Whatever this reader cannot pin down is UNKNOWN, and a URI needing it fails closed.
 */
import { strictAttributes } from './attributes.js';

/** A variable whose value some player could take from somewhere this document does not show. */
export const UNKNOWN = Symbol('unknown value');
export type VariableValue = string | typeof UNKNOWN;

/** hls.js's reference pattern (`\{\$([a-zA-Z0-9-_]+)\}`), which also matches RFC 8216bis 4.2 VariableName. */
const REFERENCE = /\{\$([a-zA-Z0-9_-]+)\}/g;

const DEFINE_ATTRIBUTES = new Set(['NAME', 'VALUE', 'IMPORT', 'QUERYPARAM']);

/** Outcome of reading one EXT-X-DEFINE line. */
export type DefineEffect =
  | { kind: 'value'; name: string; value: string; valueStart: number; valueEnd: number }
  | { kind: 'unknown'; name: string }
  | { kind: 'credential-param'; name: string }
  | { kind: 'unreadable' };

/**
 * Reads the attribute list line[start, end) of an EXT-X-DEFINE. `credentialNames` are the lower-case signed-URL
 * param names: a QUERYPARAM or IMPORT of one hands the player the credentials to copy wherever it likes.
 */
export function readDefine(line: string, start: number, end: number, credentialNames: ReadonlySet<string>): DefineEffect {
  const attributes = strictAttributes(line, start, end);
  // A reference anywhere in a definition is substituted by hls.js before the definition is read.
  if (attributes === undefined || line.slice(start, end).includes('{$')) return { kind: 'unreadable' };
  // Names exactly as RFC 8216bis writes them: hls.js reads `attr.NAME` case-sensitively, others may not.
  const byName = new Map(attributes.map((a) => [a.name, a]));
  if (byName.size !== attributes.length || attributes.some((a) => !a.quoted || !DEFINE_ATTRIBUTES.has(a.name))) return { kind: 'unreadable' };
  const text = (name: string) => {
    const a = byName.get(name);
    return a === undefined ? undefined : line.slice(a.valueStart + 1, a.valueEnd - 1);
  };
  const imported = text('IMPORT') ?? text('QUERYPARAM');
  if (imported !== undefined) {
    if (credentialNames.has(imported.trim().toLowerCase())) return { kind: 'credential-param', name: imported };
    return attributes.length === 1 ? { kind: 'unknown', name: imported } : { kind: 'unreadable' };
  }
  const name = text('NAME');
  const value = byName.get('VALUE');
  if (name === undefined || value === undefined || attributes.length !== 2 || !/^[A-Za-z0-9_-]+$/.test(name)) return { kind: 'unreadable' };
  return { kind: 'value', name, value: text('VALUE')!, valueStart: value.valueStart + 1, valueEnd: value.valueEnd - 1 };
}

/** The variables of one playlist under the permissive reading. */
export class VariableTable {
  readonly #values = new Map<string, VariableValue>();

  /** Records a definition; a second definition of a name leaves it UNKNOWN (hls.js keeps the first, others the last). */
  define(name: string, value: VariableValue): void {
    this.#values.set(detach(name), this.#values.has(name) ? UNKNOWN : typeof value === 'string' ? detach(value) : value);
  }

  value(name: string): VariableValue | undefined {
    return this.#values.get(name);
  }

  /**
   * `uri` with every reference substituted, or the text before the first reference whose value is UNKNOWN (then
   * `complete` is false). Undefined references stay as written, as in hls.js. Substituted text longer than
   * `maxChars` is cut there and reported incomplete: a reader of an incomplete string must fail closed.
   */
  substitute(uri: string, maxChars: number): { text: string; complete: boolean } {
    let out = '';
    let from = 0;
    REFERENCE.lastIndex = 0;
    for (let m = REFERENCE.exec(uri); m !== null; m = REFERENCE.exec(uri)) {
      const value = this.value(m[1]!);
      if (value === undefined) continue;
      out += uri.slice(from, m.index);
      if (value === UNKNOWN) return { text: out, complete: false };
      out += value;
      from = m.index + m[0].length;
      if (out.length > maxChars) return { text: out.slice(0, maxChars), complete: false };
    }
    return { text: out + uri.slice(from), complete: true };
  }
}

/**
 * A copy of `s` that does not point into the text it was sliced from: a V8 slice keeps its whole parent alive, and
 * the parent here is a piece of the rewritten output (credentials and all), which must be freed once encoded.
 */
function detach(s: string): string {
  return s.length < 13 ? s : (JSON.parse(JSON.stringify(s)) as string);
}
