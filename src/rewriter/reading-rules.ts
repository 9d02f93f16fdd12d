/**
 * Reading rules: what makes the rewriter refuse a playlist before reading a line of it, because players would split
 * or read it differently from this rewriter (docs/rewriting.md, "Refusals").
 */
import { isBlank } from '../hls/index.js';
import type { RefusalReason } from './types.js';

/**
 * Terminators players disagree on, and other C0 controls: ffmpeg and ExoPlayer end a line at a bare CR, hls.js's
 * regexes also at U+2028 and U+2029 (JavaScript's `.`), some readers at U+0085. Such a line is one line to the
 * rewriter and two to a player, whose second half can put credentials in front of another host. A CR at the very
 * end of the text ends the last line for everyone. Character class and a one-character lookahead: linear.
 */
const SPLIT_LINE = /[\x00-\x08\x0b\x0c\x0e-\x1f\x85\u2028\u2029]|\r(?!\n|$)/;

/**
 * Tags hls.js's multivariant parser finds anywhere, even mid-line (its MASTER_PLAYLIST_REGEX has no line anchor),
 * with the refusal each earns there: a hidden definition changes what later URIs mean, hidden steering moves them.
 */
const HIDDEN_TAGS: ReadonlyArray<[string, RefusalReason]> = [
  ['#EXT-X-DEFINE:', 'variable-definition'],
  ['#EXT-X-CONTENT-STEERING', 'content-steering'],
];

/** Why players could split or read `body` differently from this rewriter, before any line is rewritten. */
export function readingProblem(body: string): RefusalReason | undefined {
  if (SPLIT_LINE.test(body)) return 'control-character';
  for (const [tag, reason] of HIDDEN_TAGS) {
    for (let at = body.indexOf(tag); at !== -1; at = body.indexOf(tag, at + tag.length)) {
      let lineStart = at;
      while (lineStart > 0 && isBlank(body.charCodeAt(lineStart - 1))) lineStart--;
      if (lineStart > 0 && body.charCodeAt(lineStart - 1) !== 0x0a) return reason;
    }
  }
  return undefined;
}
