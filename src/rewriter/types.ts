import type { CheckVerdict } from '../checker/index.js';

/** Options of {@link rewritePlaylist}. */
export interface RewriteOptions {
  /**
   * The URL the viewer requested the playlist with. Relative URIs resolve against it; its host is the viewer's host;
   * the credentials are read from its query (the only place they come from), named `<Param><credentialSuffix>`.
   */
  url: string;
  /** Further hosts (the distribution's alternate domain names) whose URIs also get credentials. */
  allowHosts?: readonly string[];
  /** Suffix of the credential params in `url`'s query: `''` (default) for a signed URL, `-PREFIX` at the edge. */
  credentialSuffix?: string;
  /** Bounds on hostile input; a playlist past one is refused (see {@link RefusalReason}). Default: none. */
  limits?: RewriteLimits;
  /**
   * Write the credentials once, in `#EXT-X-DEFINE:NAME="cfhls"`, and `{$cfhls}` in every URI (media playlists
   * only; players need EXT-X-DEFINE support). Default: false.
   */
  compact?: boolean;
  /**
   * Hosts an EXT-X-CONTENT-STEERING manifest may move playlists to (each must be the URL's host or in
   * `allowHosts`). A playlist with content steering is refused unless this is given: a steering manifest can clone
   * every credentialed URL onto any host it names (HLS content steering, PATHWAY-CLONES `URI-REPLACEMENT`).
   */
  steeringHosts?: readonly string[];
}

/**
 * Bounds that keep the worst accepted playlist within a function's time and memory (the edge sets them; see
 * src/edge/config.ts for the values and the measurements behind them). Each is checked as the scan goes, so a
 * playlist past a bound costs no more than the part read before it.
 */
export interface RewriteLimits {
  /** Longest URI line or `#EXT-X-` tag line, in characters (comments and other tags are not read). */
  maxLineChars?: number;
  /** Most attributes in one URI-carrying or EXT-X-DEFINE tag. */
  maxAttributes?: number;
  /** Largest rewritten text, in characters (input plus the credentials added). */
  maxOutputChars?: number;
}

/** Why a playlist was left in the full form when the compact form was asked for. */
export type CompactSkip = 'not-a-media-playlist' | 'unsafe-credentials' | 'variable-name-taken';

/** Why a playlist was returned without credentials. */
export type SkipReason = 'canned-policy' | 'no-credentials';

/**
 * Why a same-host-looking URI got no credentials: the players this project supports could read it differently,
 * so it fails closed.
 * - `whitespace-or-control`: a character some reader trims, strips or rewrites (Unicode White_Space, C0, DEL, `\`).
 * - `scheme-like-prefix`: a `:` before the first `/`, `?` or `#` that is not `http(s)://host` (hls.js passes
 *   `https:evil/x`, `1a://x` through unresolved and the browser resolves them against the page).
 * - `extra-slashes`: `///host` or `https:///host`, read as a host by some resolvers and a path by others.
 * - `duplicate-attribute`: the tag repeats an attribute (hls.js keeps the last, others the first).
 * - `loose-attribute`: whitespace between `=` and a quoted value, or after its closing quote (hls.js then reads
 *   the quotes as part of the value), or a `"` inside an unquoted value, in any attribute of the tag.
 * - `ambiguous-variable`: a `{$name}` whose value players could read differently (redefined, duplicated or
 *   unquoted EXT-X-DEFINE attributes, a VALUE that itself holds a reference).
 * - `not-absolute`: an X-ASSET-URI not written as an absolute `http(s)://host` URL (relative, `/path`, `//host`,
 *   or its host from a variable): hls.js resolves it against the page, not the playlist (src/hls ABSOLUTE_ONLY).
 */
export type WithheldReason =
  | 'whitespace-or-control'
  | 'scheme-like-prefix'
  | 'extra-slashes'
  | 'duplicate-attribute'
  | 'loose-attribute'
  | 'ambiguous-variable'
  | 'not-absolute';

/**
 * Why a playlist must not be served at all (see {@link RewriteResult.refused}); {@link REFUSAL_MESSAGES} says each
 * in a sentence.
 * - `control-character`: a line holds a terminator some player splits at and others do not (a CR not followed by
 *   LF, U+2028, U+2029, U+0085) or another C0 control: the rest of such a line becomes a new line to a player.
 * - `credential-variable`: EXT-X-DEFINE QUERYPARAM or IMPORT names a credential param (`Signature`, ...): a player
 *   would copy the viewer's credentials wherever the playlist uses the variable.
 * - `variable-definition`: an EXT-X-DEFINE players could read differently: not exactly `NAME="..",VALUE=".."`,
 *   `IMPORT=".."` or `QUERYPARAM=".."`; a `{$` inside it (hls.js substitutes there); an IMPORT of a name already
 *   defined (hls.js overwrites it); or one hidden mid-line, where hls.js's multivariant parser still finds it.
 * - `content-steering`: EXT-X-CONTENT-STEERING without `steeringHosts`, or with a steering manifest that is not on an
 *   allowed host (a `data:` URI, a third party).
 * - `failed-check`: the rewritten text failed the independent post-condition (src/checker/); see
 *   {@link RewriteResult.check}.
 * - `line-too-long`, `too-many-attributes`, `output-too-large`: past one of {@link RewriteLimits}.
 */
export type RefusalReason =
  | 'control-character'
  | 'credential-variable'
  | 'variable-definition'
  | 'content-steering'
  | 'failed-check'
  | 'line-too-long'
  | 'too-many-attributes'
  | 'output-too-large';

/** One sentence per {@link RefusalReason}, for errors and logs (no playlist bytes in them). */
export const REFUSAL_MESSAGES: Readonly<Record<RefusalReason, string>> = {
  'control-character':
    'a line holds a CR without LF, U+2028, U+2029, U+0085 or a control character, where players split lines differently',
  'credential-variable':
    "the playlist defines a variable from a credential query param (EXT-X-DEFINE QUERYPARAM/IMPORT of Policy, Signature, Key-Pair-Id, ...); a player would copy the viewer's credentials wherever it is used",
  'variable-definition':
    'an EXT-X-DEFINE is malformed, holds a {$ reference, re-imports a defined name or is hidden mid-line, so players could read its variables differently',
  'content-steering':
    'the playlist uses EXT-X-CONTENT-STEERING, which can move every credentialed URL to another host: allow it by naming the steering hosts (rewrite --steering-host, template parameter SteeringHosts), each an allowed host, with the steering manifest on an allowed host',
  'failed-check':
    'the rewritten playlist failed the post-condition check (a credential some player could send to another host)',
  'line-too-long': 'the playlist is past a limit set for hostile input (line-too-long)',
  'too-many-attributes': 'the playlist is past a limit set for hostile input (too-many-attributes)',
  'output-too-large': 'the playlist is past a limit set for hostile input (output-too-large)',
};

/** Result of {@link rewritePlaylistDetailed}. */
export interface RewriteResult {
  /** The playlist text (rewritten, or the input less any BOM when skipped). */
  text: string;
  /** URIs that received credentials. */
  rewritten: number;
  /** URIs left as they were (other hosts, non-HTTP schemes). */
  untouched: number;
  /** Set when nothing could be propagated. */
  skipped?: SkipReason;
  /** URIs that looked same-host but got no credentials because readers could disagree, by reason (also counted in `untouched`). */
  withheld: Partial<Record<WithheldReason, number>>;
  /** Set when the playlist must not be served to this viewer; `text` is then empty. */
  refused?: RefusalReason;
  /** With `refused: 'failed-check'`: what the post-condition found, and on which output line. */
  check?: CheckVerdict;
  /** When `compact` was asked for: `applied`, or why the playlist kept the full form. */
  compact?: 'applied' | CompactSkip;
}

/** A {@link RewriteResult} without the text, for a playlist rewritten in chunks. */
export type RewriteSummary = Omit<RewriteResult, 'text'>;
