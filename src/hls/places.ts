/**
 * Every place in a playlist where a player finds a URI to fetch, in order, read with the one grammar of
 * ./grammar.ts. `cloudfront-hls verify` walks a stream with it; the rewriter uses the same table and parser.
 */
import { BOM, BYTERANGE_TAG, PREFETCH_TAG, STREAM_INF_TAG, URI_ATTRIBUTES, attributeValue, isBlank, parseAttributeList } from './grammar.js';
import type { UriKind } from './grammar.js';
import { classifyLine, lineRanges } from './lines.js';

/** One URI of a playlist, as written (spaces and tabs around a URI line removed). */
export interface UriPlace {
  kind: UriKind;
  uri: string;
  /** The tag the URI sits in (`EXT-X-MAP`, ...); undefined for a URI line. */
  tag?: string;
  /** The tag's other attributes, values unquoted (`METHOD`, `BYTERANGE`, ...). */
  attributes?: Readonly<Record<string, string>>;
  /** For a media segment: the EXT-X-BYTERANGE value that applies to it (RFC 8216 4.3.2.2). */
  byteRange?: string;
}

/**
 * Yields every URI place of `text`: URI lines (variants after EXT-X-STREAM-INF, segments otherwise), the URI
 * attributes of {@link URI_ATTRIBUTES} (quoted-string values only, RFC 8216 4.4) and `#EXT-X-PREFETCH:` values.
 * A tag whose attribute list does not parse yields nothing: the rewriter leaves such a line alone too.
 */
export function* uriPlaces(text: string): Generator<UriPlace> {
  let nextKind: UriKind = 'segment';
  let byteRange: string | undefined;
  const body = text.startsWith(BOM) ? text.slice(1) : text;
  for (const [start, end] of lineRanges(body)) {
    const line = classifyLine(body, start, end);
    if (line.kind === 'uri') {
      const uri = stripBlanks(body.slice(start, end));
      yield byteRange !== undefined && nextKind === 'segment' ? { kind: nextKind, uri, byteRange } : { kind: nextKind, uri };
      nextKind = 'segment';
      byteRange = undefined;
      continue;
    }
    if (line.kind !== 'tag') continue;
    const value = line.valueStart === undefined ? undefined : body.slice(line.valueStart, end).trimEnd();
    if (line.tag === STREAM_INF_TAG) nextKind = 'variant';
    else if (line.tag === BYTERANGE_TAG) byteRange = value;
    else if (line.tag === PREFETCH_TAG && value !== undefined) yield { kind: 'prefetch', uri: stripBlanks(value), tag: line.tag };
    else if (value !== undefined) yield* attributePlaces(value, line.tag!, 0);
  }
}

function* attributePlaces(line: string, tag: string, start: number): Generator<UriPlace> {
  const kinds = URI_ATTRIBUTES.get(tag);
  if (kinds === undefined) return;
  const list = parseAttributeList(line, start);
  if (list === undefined) return;
  const attributes: Record<string, string> = {};
  for (const a of list) attributes[a.name] = attributeValue(line, a);
  for (const a of list) {
    const kind = kinds.get(a.name);
    if (kind !== undefined && a.quoted && attributeValue(line, a).trim() !== '') yield { kind, uri: attributeValue(line, a), tag, attributes };
  }
}

function stripBlanks(s: string): string {
  let start = 0;
  let end = s.length;
  while (start < end && isBlank(s.charCodeAt(start))) start++;
  while (end > start && isBlank(s.charCodeAt(end - 1))) end--;
  return s.slice(start, end);
}
