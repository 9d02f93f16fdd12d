/**
 * Every place in a playlist where a player finds a URI to fetch, in order, read with the one grammar of
 * ./grammar.ts. `cloudfront-hls verify` walks a stream with it; the rewriter uses the same table and parser.
 */
import { BOM, BYTERANGE_TAG, PREFETCH_TAG, STREAM_INF_TAG, URI_ATTRIBUTES, attributeValue, isBlank, parseAttributeList } from './grammar.js';
import type { UriKind } from './grammar.js';

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
  for (const raw of body.split('\n')) {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    const trimmed = line.trim();
    if (trimmed === '') continue;
    if (!trimmed.startsWith('#')) {
      yield byteRange !== undefined && nextKind === 'segment' ? { kind: nextKind, uri: stripBlanks(line), byteRange } : { kind: nextKind, uri: stripBlanks(line) };
      nextKind = 'segment';
      byteRange = undefined;
      continue;
    }
    const colon = trimmed.indexOf(':');
    const tag = trimmed.slice(1, colon === -1 ? undefined : colon);
    if (tag === STREAM_INF_TAG) nextKind = 'variant';
    else if (tag === BYTERANGE_TAG) byteRange = trimmed.slice(colon + 1);
    else if (tag === PREFETCH_TAG && colon !== -1) yield { kind: 'prefetch', uri: stripBlanks(trimmed.slice(colon + 1)), tag };
    else if (colon !== -1) yield* attributePlaces(trimmed, tag, colon + 1);
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
