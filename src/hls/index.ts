/** The HLS playlist grammar: URI-carrying tags and attributes, the attribute-list parser, every URI place. */
export {
  URI_ATTRIBUTES,
  ABSOLUTE_ONLY,
  PREFETCH_TAG,
  DEFINE_TAG,
  STEERING_TAG,
  STREAM_INF_TAG,
  BYTERANGE_TAG,
  BOM,
  isBlank,
  parseAttributeList,
  attributeValue,
  duplicateName,
} from './grammar.js';
export type { Attribute, UriKind } from './grammar.js';
export { uriPlaces } from './places.js';
export { classifyLine, lineRanges, tagValue, isMediaPlaylist, isPlaylist, assertPlaylist } from './lines.js';
export type { ClassifiedLine, LineKind } from './lines.js';
export type { UriPlace } from './places.js';
