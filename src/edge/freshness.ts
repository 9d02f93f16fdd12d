/**
 * How long a viewer may reuse a rewritten playlist, from the playlist itself (RFC 8216 section 6.3.4 and
 * draft-pantos-hls-rfc8216bis section 6.3.4): a client reloads a live media playlist after one target duration,
 * or after half of it when the playlist did not change, so a copy older than half the target duration (half the
 * part target with LL-HLS parts) can hold back new segments. A playlist with EXT-X-ENDLIST or
 * EXT-X-PLAYLIST-TYPE:VOD never changes again (section 4.4.3.5), so it may be kept until the credentials it
 * carries expire. A multivariant playlist keeps the default.
 */
import { tagValue } from '../hls/index.js';
import { DEFAULT_MAX_AGE_SECONDS } from './config.js';

/** Upper bound for a finished (ENDLIST/VOD) playlist; the policy's DateLessThan lowers it further. */
export const FINISHED_MAX_AGE_SECONDS = 86_400;

/** Seconds a viewer may cache this playlist, before the policy expiry and the origin's own Cache-Control apply. */
export function playlistMaxAgeLimit(text: string): number {
  const target = Number(tagValue(text, 'EXT-X-TARGETDURATION'));
  if (!Number.isFinite(target) || target <= 0) return DEFAULT_MAX_AGE_SECONDS; // multivariant, or no usable target
  if (tagValue(text, 'EXT-X-ENDLIST') !== undefined || tagValue(text, 'EXT-X-PLAYLIST-TYPE')?.toUpperCase() === 'VOD') {
    return FINISHED_MAX_AGE_SECONDS;
  }
  const part = /PART-TARGET=([0-9.]+)/.exec(tagValue(text, 'EXT-X-PART-INF') ?? '');
  const reload = part !== null && Number(part[1]) > 0 ? Math.min(target, Number(part[1])) : target;
  return Math.floor(reload / 2);
}
