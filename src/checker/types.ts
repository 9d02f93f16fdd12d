/** The checker's vocabulary: its options, its verdicts and the state it carries from line to line. */
import type { Destination } from './readings.js';
import type { VariableTable } from './variables.js';

/**
 * Shortest value searched for on its own. Real CloudFront values are far longer (an ECDSA P-256 signature is about
 * 96 URL-safe base64 characters, RSA-2048 344, a policy over 100), and a shorter value is no credential CloudFront
 * accepts; searching for it would flag ordinary text. Shorter values are still found inside `written`.
 */
export const MIN_SECRET_CHARS = 8;

/** Why a rewritten playlist failed the check; see {@link OutputChecker}. */
export type CheckFailure =
  /** A line terminator other than LF or CRLF (CR, U+2028, U+2029, U+0085) or a C0 control: readers split lines differently. */
  | 'line-break'
  /** Credential bytes, or a reference to a variable holding them, outside every URI place. */
  | 'credential-outside-uri'
  /** A credentialed URI that some reading sends to a host that is not allowed, or that readers could read apart. */
  | 'foreign-host'
  /** EXT-X-DEFINE QUERYPARAM or IMPORT of a signed-URL param: the player would copy the credentials itself. */
  | 'credential-variable'
  /** An EXT-X-DEFINE players could read differently (malformed, a reference inside, hidden mid-line). */
  | 'unreadable-definition'
  /** Content steering could move credentialed URLs to hosts the operator has not allowed. */
  | 'content-steering';

export interface CheckOptions {
  /** The URL the viewer fetched the playlist with: relative URIs resolve against it; its host is allowed. */
  playlistUrl: URL;
  /** Further hosts (URL.host form) credentials may go to. */
  allowedHosts: ReadonlySet<string>;
  /** The credential values that must stay with the viewer (the Policy and Signature values), raw. */
  secrets: readonly string[];
  /** The credentials as the rewriter writes them into a query (`Policy=...&Signature=...`): skipped in one step. */
  written: string;
  /** Lower-case names of the signed-URL params (bare and suffixed). */
  credentialNames: ReadonlySet<string>;
  /** Hosts content steering may move URLs to, when the operator allowed steering (each also allowed). */
  steeringHosts?: ReadonlySet<string>;
}

/** A failed check: why, and the 1-based line of the output where it was found (never the line's text). */
export interface CheckVerdict {
  failure: CheckFailure;
  line: number;
}

/** State that spans lines. */
export interface CheckState {
  options: CheckOptions;
  to: Destination;
  variables: VariableTable;
  /** Names of variables holding credentials (a DEFINE whose VALUE holds them, as the compact form writes). */
  credentialVariables: Set<string>;
  /** Names referenced outside a judged URI place: they must never come to hold credentials. */
  unjudgedReferences: Set<string>;
  credentialsSeen: boolean;
  steering: boolean;
  /** SERVER-URI of a steering tag was judged and found on an allowed host. */
  steeringServerJudged: boolean;
}

