/**
 * The post-condition of every rewrite, checked on the output and independent of the code that wrote it: every
 * occurrence of the viewer's credential bytes, and every reference to a variable holding them, sits inside a URI
 * place, and every reading of that URI lands on the playlist's host or an allowed host. The output is read the most
 * permissive way any player reads it (see ./lines.ts, ./variables.ts, ./readings.ts), so a reading nobody
 * foresaw in the writer still meets this check before a byte leaves.
 */
import { emptyFacts, inspectLine, stopTable } from './lines.js';
import type { LineFacts } from './lines.js';
import { destination } from './readings.js';
import type { Destination } from './readings.js';
import { judgeLine } from './places.js';
import { VariableTable } from './variables.js';

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

/**
 * Checks a rewritten playlist fed in line-aligned pieces (each ends after a line feed, or at the end of the text).
 *
 * @example
 * ```ts
 * const checker = new OutputChecker(options);
 * checker.feed(text);
 * const verdict = checker.finish(); // undefined: safe to send
 * ```
 */
export class OutputChecker {
  readonly #state: CheckState;
  readonly #stops: Uint8Array;
  readonly #facts = emptyFacts();
  #line = 0;
  #verdict: CheckVerdict | undefined;

  constructor(options: CheckOptions) {
    this.#state = {
      options: { ...options, secrets: options.secrets.filter((v) => v.length >= MIN_SECRET_CHARS) },
      to: destination(options.playlistUrl, options.allowedHosts),
      variables: new VariableTable(),
      credentialVariables: new Set(),
      unjudgedReferences: new Set(),
      credentialsSeen: false,
      steering: false,
      steeringServerJudged: false,
    };
    this.#stops = stopTable(this.#state.options);
  }

  /** Reads `piece`; returns the verdict so far (undefined while nothing failed). */
  feed(piece: string): CheckVerdict | undefined {
    let pos = 0;
    while (this.#verdict === undefined && pos < piece.length) {
      let nl = piece.indexOf('\n', pos);
      if (nl === -1) nl = piece.length;
      let end = nl;
      if (end > pos && piece.charCodeAt(end - 1) === 0x0d) end--;
      this.#line++;
      const facts: LineFacts | string = inspectLine(piece, pos, end, this.#state.options, this.#stops, this.#facts);
      const failure = typeof facts === 'string' ? facts : judgeLine(piece, facts, this.#state);
      if (failure !== undefined) this.#verdict = { failure: failure as CheckFailure, line: this.#line };
      pos = nl + 1;
    }
    return this.#verdict;
  }

  /** The verdict once every piece is fed: undefined when the output may be sent. */
  finish(): CheckVerdict | undefined {
    const s = this.#state;
    if (this.#verdict === undefined && s.steering && s.credentialsSeen && !steeringAllowed(s)) {
      this.#verdict = { failure: 'content-steering', line: this.#line };
    }
    return this.#verdict;
  }
}

/**
 * Steering may carry credentials only when the operator named the hosts it may move URLs to (each an allowed
 * host) and the steering manifest itself comes from an allowed host (never `data:` or a third party).
 */
function steeringAllowed(s: CheckState): boolean {
  const hosts = s.options.steeringHosts;
  if (hosts === undefined || !s.steeringServerJudged) return false;
  return [...hosts].every((h) => s.to.hosts.has(h));
}

/** Checks a whole rewritten playlist: see {@link OutputChecker}. */
export function checkOutput(text: string, options: CheckOptions): CheckVerdict | undefined {
  const checker = new OutputChecker(options);
  checker.feed(text);
  return checker.finish();
}
