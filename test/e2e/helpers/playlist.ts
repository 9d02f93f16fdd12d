/** Just enough playlist reading for the tests: the child URIs of a multivariant or media playlist. */

export interface ChildUri {
  /** The URI exactly as written (rewritten: with credentials). */
  uri: string;
  /** Where it came from: `variant`, `media` (EXT-X-MEDIA TYPE=...), `iframe`, `map`, `key`, `segment`. */
  kind: 'variant' | 'media' | 'iframe' | 'map' | 'key' | 'segment';
  /** `EXT-X-BYTERANGE` / `BYTERANGE` as `length@offset` (offset may be absent). */
  byteRange?: string;
}

function attr(line: string, name: string): string | undefined {
  // Attribute names are matched at a list boundary so URI does not hit SERVER-URI; values are quoted strings here.
  const m = new RegExp(`(?:^|[:,])${name}="([^"]*)"`).exec(line);
  return m?.[1];
}

/** Child URIs in playlist order. Byte ranges without an offset continue from the previous range (RFC 8216 4.3.2.2). */
export function childUris(text: string): ChildUri[] {
  const out: ChildUri[] = [];
  let pendingVariant = false;
  let pendingRange: string | undefined;
  let nextOffset = 0;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '') continue;
    if (line.startsWith('#EXT-X-STREAM-INF:')) pendingVariant = true;
    else if (line.startsWith('#EXT-X-MEDIA:')) {
      const uri = attr(line, 'URI');
      if (uri !== undefined) out.push({ uri, kind: 'media' });
    } else if (line.startsWith('#EXT-X-I-FRAME-STREAM-INF:')) {
      const uri = attr(line, 'URI');
      if (uri !== undefined) out.push({ uri, kind: 'iframe' });
    } else if (line.startsWith('#EXT-X-MAP:')) {
      const uri = attr(line, 'URI');
      const range = attr(line, 'BYTERANGE');
      if (uri !== undefined) out.push(range === undefined ? { uri, kind: 'map' } : { uri, kind: 'map', byteRange: range });
    } else if (line.startsWith('#EXT-X-KEY:')) {
      const uri = attr(line, 'URI');
      if (uri !== undefined) out.push({ uri, kind: 'key' });
    } else if (line.startsWith('#EXT-X-BYTERANGE:')) {
      const [len, off] = line.slice('#EXT-X-BYTERANGE:'.length).split('@');
      const offset = off === undefined ? nextOffset : Number(off);
      pendingRange = `${len}@${offset}`;
      nextOffset = offset + Number(len);
    } else if (!line.startsWith('#')) {
      const entry: ChildUri = { uri: line, kind: pendingVariant ? 'variant' : 'segment' };
      if (pendingRange !== undefined) entry.byteRange = pendingRange;
      out.push(entry);
      pendingVariant = false;
      pendingRange = undefined;
    }
  }
  return out;
}

/** `length@offset` -> an HTTP Range header value. */
export function rangeHeader(byteRange: string): string {
  const [len, off] = byteRange.split('@').map(Number);
  return `bytes=${off ?? 0}-${(off ?? 0) + (len ?? 0) - 1}`;
}
