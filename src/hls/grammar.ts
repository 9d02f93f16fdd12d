/**
 * The HLS playlist grammar this project reads (RFC 8216, draft-pantos-hls-rfc8216bis): which tags and attributes
 * hold URIs a player fetches, and the attribute-list syntax. The rewriter and `cloudfront-hls verify` both read
 * playlists through this module, so they agree on where every URI is.
 */

/** What a URI in a playlist points at, by where it is written. */
export type UriKind =
  | 'variant' // URI line after EXT-X-STREAM-INF
  | 'segment' // any other URI line
  | 'rendition' // EXT-X-MEDIA URI
  | 'iframe-playlist' // EXT-X-I-FRAME-STREAM-INF URI
  | 'image-playlist' // EXT-X-IMAGE-STREAM-INF URI (Roku/Apple image media playlists)
  | 'key' // EXT-X-KEY and EXT-X-SESSION-KEY URI
  | 'map' // EXT-X-MAP URI (initialization section)
  | 'session-data' // EXT-X-SESSION-DATA URI (JSON)
  | 'part' // EXT-X-PART URI (LL-HLS)
  | 'preload-hint' // EXT-X-PRELOAD-HINT URI (LL-HLS)
  | 'rendition-report' // EXT-X-RENDITION-REPORT URI (LL-HLS)
  | 'steering-manifest' // EXT-X-CONTENT-STEERING SERVER-URI (JSON)
  | 'interstitial-asset' // EXT-X-DATERANGE X-ASSET-URI (a playlist)
  | 'interstitial-asset-list' // EXT-X-DATERANGE X-ASSET-LIST (JSON)
  | 'daterange-uri' // EXT-X-DATERANGE X-URI
  | 'prefetch'; // legacy #EXT-X-PREFETCH:<uri>

/**
 * Tags whose attribute lists hold URIs a player fetches, each attribute with the kind of URI it holds
 * (RFC 8216bis 4.4.4.4, 4.4.4.5, 4.4.4.9, 4.4.5.1, 4.4.5.2, 4.4.5.3, 4.4.6.1-4.4.6.5, 4.4.6.6, and the HLS
 * interstitials attributes of EXT-X-DATERANGE). Lookups are by exact attribute name, so `URI` never matches
 * inside `SERVER-URI` or `X-ASSET-URI`.
 */
export const URI_ATTRIBUTES: ReadonlyMap<string, ReadonlyMap<string, UriKind>> = new Map([
  ['EXT-X-MEDIA', new Map([['URI', 'rendition']])],
  ['EXT-X-I-FRAME-STREAM-INF', new Map([['URI', 'iframe-playlist']])],
  ['EXT-X-IMAGE-STREAM-INF', new Map([['URI', 'image-playlist']])],
  ['EXT-X-KEY', new Map([['URI', 'key']])],
  ['EXT-X-SESSION-KEY', new Map([['URI', 'key']])],
  ['EXT-X-MAP', new Map([['URI', 'map']])],
  ['EXT-X-SESSION-DATA', new Map([['URI', 'session-data']])],
  ['EXT-X-PART', new Map([['URI', 'part']])],
  ['EXT-X-PRELOAD-HINT', new Map([['URI', 'preload-hint']])],
  ['EXT-X-RENDITION-REPORT', new Map([['URI', 'rendition-report']])],
  ['EXT-X-CONTENT-STEERING', new Map([['SERVER-URI', 'steering-manifest']])],
  ['EXT-X-DATERANGE', new Map([['X-ASSET-URI', 'interstitial-asset'], ['X-ASSET-LIST', 'interstitial-asset-list'], ['X-URI', 'daterange-uri']])],
] as Array<[string, Map<string, UriKind>]>);

/**
 * URI kinds some player resolves against the embedding page instead of the playlist, so that only an absolute
 * `http(s)://host/...` URL names one place to every reader. hls.js 1.7.4 hands an X-ASSET-URI to an asset player
 * without a base URL (src/controller/interstitial-player.ts, loadSource: `new URL(uri)` throws for a relative or
 * `//host` reference, which then goes to `loadSource` as written, and the browser resolves it against the page).
 */
export const ABSOLUTE_ONLY: ReadonlySet<UriKind> = new Set<UriKind>(['interstitial-asset']);

/** Legacy low-latency tag whose whole value is a URI: `#EXT-X-PREFETCH:<uri>`. */
export const PREFETCH_TAG = 'EXT-X-PREFETCH';
/** Content steering (RFC 8216bis 4.4.6.6): its SERVER-URI names a manifest that can move every URL to other hosts. */
export const STEERING_TAG = 'EXT-X-CONTENT-STEERING';
/** Variable definitions (RFC 8216bis 4.4.2.3). */
export const DEFINE_TAG = 'EXT-X-DEFINE';
/** The tag whose next URI line is a variant stream. */
export const STREAM_INF_TAG = 'EXT-X-STREAM-INF';
/** The tag that gives the next media segment's byte range. */
export const BYTERANGE_TAG = 'EXT-X-BYTERANGE';
/** RFC 8216 4.1 forbids a byte order mark; players that meet one fail. */
export const BOM = '\uFEFF';

/** Space and tab: the only characters every reader (WHATWG URL, hls.js, ffmpeg) trims from a URI line alike. */
export const isBlank = (c: number): boolean => c === 0x20 || c === 0x09;

/** One `NAME=value` of an attribute list (RFC 8216 4.2), as offsets into the line. */
export interface Attribute {
  name: string;
  valueStart: number;
  valueEnd: number;
  quoted: boolean;
  /**
   * False when whitespace sits between `=` and the value or after a closing quote: tolerated by this parser,
   * but hls.js then keeps the quotes as part of the value, so the URI it fetches differs from the one judged here.
   */
  strict: boolean;
}

/**
 * Parses an attribute list from `start` per RFC 8216 4.2: comma-separated `AttributeName=AttributeValue`,
 * where a quoted-string may itself contain commas. Whitespace around names is tolerated (as players do).
 * Returns undefined for a list it cannot read to the end (an unterminated quote, a piece without `=`), so the
 * caller leaves the line exactly as it was. Linear: every character is visited once.
 *
 * @example parseAttributeList('#EXT-X-MAP:URI="init.mp4",BYTERANGE="720@0"', 11) // two attributes
 */
export function parseAttributeList(line: string, start: number): Attribute[] | undefined {
  const attributes: Attribute[] = [];
  let pos = start;
  const length = line.length;
  while (pos < length) {
    const eq = line.indexOf('=', pos);
    if (eq === -1) return line.slice(pos).trim() === '' ? attributes : undefined;
    const name = line.slice(pos, eq).trim();
    // An empty name (`=X`) is read by hls.js as part of a longer one: readers disagree, so the list is unreadable.
    if (name === '' || name.includes(',')) return undefined;
    let valueStart = eq + 1;
    while (valueStart < length && isBlank(line.charCodeAt(valueStart))) valueStart++;
    let strict = valueStart === eq + 1;
    let valueEnd: number;
    let next: number;
    let quoted = false;
    if (line.charCodeAt(valueStart) === 0x22 /* " */) {
      const close = line.indexOf('"', valueStart + 1);
      if (close === -1) return undefined;
      quoted = true;
      valueEnd = close + 1;
      const comma = line.indexOf(',', valueEnd);
      const gap = comma === -1 ? line.slice(valueEnd) : line.slice(valueEnd, comma);
      if (gap.trim() !== '') return undefined;
      if (gap !== '') strict = false;
      next = comma === -1 ? length : comma + 1;
    } else {
      const comma = line.indexOf(',', valueStart);
      valueEnd = comma === -1 ? length : comma;
      next = comma === -1 ? length : comma + 1;
    }
    attributes.push({ name, valueStart, valueEnd, quoted, strict });
    pos = next;
  }
  return attributes;
}

/** An attribute's value as text, without the quotes of a quoted-string. */
export function attributeValue(line: string, a: Attribute): string {
  return a.quoted ? line.slice(a.valueStart + 1, a.valueEnd - 1) : line.slice(a.valueStart, a.valueEnd);
}

/**
 * The first attribute name that occurs twice, compared case-insensitively (hls.js keeps the last of duplicates,
 * other readers the first; some compare names without case), or undefined.
 */
export function duplicateName(attributes: readonly Attribute[]): string | undefined {
  const seen = new Set<string>();
  for (const a of attributes) {
    const key = a.name.toUpperCase();
    if (seen.has(key)) return a.name;
    seen.add(key);
  }
  return undefined;
}
