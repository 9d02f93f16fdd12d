/**
 * The checker's own reading of an attribute list, deliberately stricter than any player and independent of the
 * rewriter's parser (src/hls/grammar.ts): RFC 8216 4.2 `AttributeName=AttributeValue` pairs separated by commas,
 * a quoted-string value with no `"` inside and nothing between its closing quote and the next comma. Spaces and
 * tabs are tolerated before a name only (hls.js trims names).
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
    while (pos < end && (line.charCodeAt(pos) === 0x20 || line.charCodeAt(pos) === 0x09)) pos++;
    const nameStart = pos;
    while (pos < end && isNameChar(line.charCodeAt(pos))) pos++;
    if (pos === nameStart || line.charCodeAt(pos) !== 0x3d /* = */) return undefined;
    const name = line.slice(nameStart, pos);
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

/** RFC 8216 4.2 AttributeName is `[A-Z0-9-]`; lower case is read too, as players do. */
function isNameChar(c: number): boolean {
  return (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || c === 0x2d;
}

/** True when another attribute has the same name, compared without case (hls.js keeps the last, others the first). */
export function isRepeated(attributes: readonly StrictAttribute[], index: number): boolean {
  const name = attributes[index]!.name.toUpperCase();
  return attributes.some((a, i) => i !== index && a.name.toUpperCase() === name);
}
