/**
 * The checker's own reading of an attribute list, independent of the rewriter's parser (src/hls/grammar.ts):
 * `AttributeName=AttributeValue` pairs separated by commas (RFC 8216 4.2), a name being whatever precedes `=`,
 * trimmed (as hls.js reads it), a quoted-string value with no `"` inside, nothing at all between `=` and the value
 * and nothing between its closing quote and the next comma. Names are compared trimmed and without case, so
 * `\u00a0URI` repeats `URI`.
 *
 * Why strict is safe: hls.js's `(.+?)=(".*?"|.*?)(?:,|$)` reads such a list with the same boundaries, and when it
 * starts mid-line (its multivariant regexes find `#EXT-X-MEDIA:` anywhere) every value it can form across a
 * boundary starts with the `,` that ends a strict value: a relative reference, resolved on the playlist's host.
 */

/** One attribute, as offsets into the line; `quoted` values span [valueStart + 1, valueEnd - 1). */
export interface StrictAttribute {
  name: string;
  valueStart: number;
  valueEnd: number;
  quoted: boolean;
}

/** The attributes of line[start, end), or undefined when the list is not strictly well formed. Linear. */
export function strictAttributes(line: string, start: number, end: number): StrictAttribute[] | undefined {
  const attributes: StrictAttribute[] = [];
  let pos = start;
  while (pos < end) {
    const eq = line.indexOf('=', pos);
    if (eq === -1 || eq >= end) return undefined;
    // hls.js reads a name as everything up to `=` (`(.+?)=`) and trims it; a comma there would end the attribute.
    const name = line.slice(pos, eq).trim();
    if (name === '' || name.includes(',')) return undefined;
    pos = eq;
    const valueStart = pos + 1;
    let valueEnd: number;
    let quoted = false;
    if (line.charCodeAt(valueStart) === 0x22 /* " */) {
      const close = line.indexOf('"', valueStart + 1);
      if (close === -1 || close >= end) return undefined;
      valueEnd = close + 1;
      quoted = true;
    } else {
      valueEnd = valueStart;
      while (valueEnd < end && line.charCodeAt(valueEnd) !== 0x2c && line.charCodeAt(valueEnd) !== 0x22) valueEnd++;
      if (line.charCodeAt(valueEnd) === 0x22) return undefined;
    }
    attributes.push({ name, valueStart, valueEnd, quoted });
    if (valueEnd === end) return attributes;
    if (line.charCodeAt(valueEnd) !== 0x2c /* , */) return undefined;
    pos = valueEnd + 1;
  }
  return attributes;
}

/** True when another attribute has the same name, compared without case (hls.js keeps the last, others the first). */
export function isRepeated(attributes: readonly StrictAttribute[], index: number): boolean {
  const name = attributes[index]!.name.toUpperCase();
  return attributes.some((a, i) => i !== index && a.name.toUpperCase() === name);
}
