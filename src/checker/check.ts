/**
 * The post-condition of every rewrite, checked on the output and independent of the code that wrote it: every
 * occurrence of the viewer's credential bytes, and every reference to a variable holding them, sits inside a URI
 * place, and every reading of that URI lands on the playlist's host or an allowed host. The output is read the most
 * permissive way any player reads it (see ./lines.ts, ./variables.ts, ./readings.ts), so a reading nobody
 * foresaw in the writer still meets this check before a byte leaves.
 */
import { emptyFacts, inspectLine, nextLineStart, plainLineEnd, stopTable } from './lines.js';
import type { LineFacts } from './lines.js';
import { judgeLine } from './places.js';
import { destination } from './readings.js';
import { MIN_SECRET_CHARS } from './types.js';
import type { CheckFailure, CheckOptions, CheckState, CheckVerdict } from './types.js';
import { VariableTable } from './variables.js';

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
    this.#state = newCheckState(options);
    this.#stops = stopTable(this.#state.options);
  }

  /** Reads `piece`; returns the verdict so far (undefined while nothing failed). */
  feed(piece: string): CheckVerdict | undefined {
    const state = this.#state;
    const stops = this.#stops;
    let pos = 0;
    while (this.#verdict === undefined && pos < piece.length) {
      this.#line++;
      const plainEnd = plainLineEnd(piece, pos, state.options, stops);
      if (plainEnd !== -1) {
        if (plainEnd > pos && piece.charCodeAt(pos) !== 0x23 /* # */) state.credentialsSeen = true;
        pos = nextLineStart(piece, plainEnd);
        continue;
      }
      let nl = piece.indexOf('\n', pos);
      if (nl === -1) nl = piece.length;
      let end = nl;
      if (end > pos && piece.charCodeAt(end - 1) === 0x0d) end--;
      const facts: LineFacts | string = inspectLine(piece, pos, end, state.options, stops, this.#facts);
      const failure = typeof facts === 'string' ? facts : judgeLine(piece, facts, state);
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

/** The state of a check before its first line. */
export function newCheckState(options: CheckOptions): CheckState {
  return {
    options: { ...options, secrets: options.secrets.filter((v) => v.length >= MIN_SECRET_CHARS) },
    to: destination(options.playlistUrl, options.allowedHosts),
    variables: new VariableTable(),
    credentialVariables: new Set(),
    unjudgedReferences: new Set(),
    credentialsSeen: false,
    steering: false,
    steeringServerJudged: false,
  };
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
