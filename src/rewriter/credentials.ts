/**
 * The viewer's credentials inside the rewriter, and the one file of it that holds their bytes: which credentials
 * a rewrite carries (read from the options), whether they can be written at all, and how they are written: appended
 * to a URI's query, or in the compact form (opt-in, `RewriteOptions.compact`) once, in
 * `#EXT-X-DEFINE:NAME="cfhls",VALUE="<credentials>"`, with every URI referring to them as `{$cfhls}`
 * (RFC 8216bis 4.3 variable substitution, 4.4.2.3 EXT-X-DEFINE). The compact form shrinks a 100k-segment playlist
 * with ~640-byte credentials from ~68 MB to ~4 MB; players without variable substitution cannot play it.
 */
import { CREDENTIAL_SUFFIX, SIGNED_URL_PARAMS, credentialKind, credentialQuery, readCredentials, splitUrl } from '../cloudfront/index.js';
import { isMediaPlaylist } from '../hls/index.js';
import type { CompactSkip, RewriteOptions, SkipReason } from './types.js';

/** The variable name the compact form defines (RFC 8216bis 4.3: `[a-zA-Z0-9_-]`). */
export const COMPACT_VARIABLE = 'cfhls';
/** What a URI carries in the compact form instead of the credentials. */
export const COMPACT_REFERENCE = `{$${COMPACT_VARIABLE}}`;
/** RFC 8216bis 8: variable substitution (EXT-X-DEFINE) requires EXT-X-VERSION 8 or higher. */
export const COMPACT_MIN_VERSION = 8;

/** `literal`: the credentials themselves, even in the compact form (where `as-configured` is `{$cfhls}`). */
export type CredentialForm = 'as-configured' | 'literal';

/** CloudFront's URL-safe base64 (`-`, `_`, `~`), key ids, and percent-encoding. Anchored, no nesting: linear. */
const SAFE_CREDENTIAL = /^[A-Za-z0-9_~.%-]+$/;

/**
 * The signed-URL param names a URI's query may already carry (bare, with the edge's `-PREFIX`, and with
 * `suffix`): removed before the credentials are appended, so rewriting twice equals rewriting once.
 */
export function credentialParamNames(suffix: string): ReadonlySet<string> {
  const names = new Set<string>();
  for (const name of SIGNED_URL_PARAMS) {
    names.add(name);
    names.add(name + CREDENTIAL_SUFFIX);
    if (suffix !== '') names.add(name + suffix);
  }
  return names;
}

/** Writes one viewer's credentials into URIs; built once per playlist by {@link credentialWriter}. */
export class CredentialWriter {
  /** `Policy=..&Signature=..&Key-Pair-Id=..[&Hash-Algorithm=..]` as written into URIs (or `{$cfhls}`). */
  #written: string;
  /** `?` + #written, one flat string shared by every URI without a query. */
  #queryWritten: string;
  readonly #literal: string;
  readonly #queryLiteral: string;
  readonly #paramNames: ReadonlySet<string>;
  readonly #secrets: readonly string[];

  constructor(query: string, paramNames: ReadonlySet<string>, secrets: readonly string[] = []) {
    this.#secrets = secrets;
    // join() returns one flat string; `'?' + s` would be a two-part rope that every URI then copies through.
    this.#written = this.#literal = query;
    this.#queryWritten = this.#queryLiteral = ['?', query].join('');
    this.#paramNames = paramNames;
  }

  /** Most characters one URI grows by. */
  get maxGrowth(): number {
    return Math.max(this.#queryWritten.length, this.#queryLiteral.length);
  }

  /**
   * What the post-condition (src/checker/) looks for in the output: the values that must never reach another host
   * (Policy and Signature; Key-Pair-Id is public), and the credentials as written, which it recognises whole.
   */
  forChecker(): { secrets: readonly string[]; written: string } {
    return { secrets: this.#secrets, written: this.#literal };
  }

  /** What follows a relative reference without query or fragment (the fast path: `seg1.ts` + `?Policy=...`). */
  get afterPlain(): string {
    return this.#queryWritten;
  }

  /**
   * True when `text` holds a credential param of its own (`Signature=...` at its start or after `?` or `&`, under
   * any name that {@link append} removes): a variable with such a value is substituted before appending, so the
   * stale copy is removed.
   */
  appearsIn(text: string): boolean {
    for (const piece of text.split(/[?&]/)) {
      const eq = piece.indexOf('=');
      if (eq !== -1 && this.#paramNames.has(piece.slice(0, eq))) return true;
    }
    return false;
  }

  /**
   * Appends the credentials to the query (before any fragment), after removing credentials already present,
   * so rewriting twice equals rewriting once. Every other query byte is kept as it was.
   */
  append(uri: string, form: CredentialForm = 'as-configured'): string {
    const [credentials, queryCredentials] = form === 'literal' ? [this.#literal, this.#queryLiteral] : [this.#written, this.#queryWritten];
    const hash = uri.indexOf('#');
    const fragment = hash === -1 ? '' : uri.slice(hash);
    const head = hash === -1 ? uri : uri.slice(0, hash);
    const q = head.indexOf('?');
    if (q === -1) return hash === -1 ? head + queryCredentials : `${head}${queryCredentials}${fragment}`;
    const path = head.slice(0, q);
    const query = head.slice(q + 1);
    let kept = query;
    if (query.includes('=')) {
      const isCredential = (piece: string): boolean => {
        const eq = piece.indexOf('=');
        return this.#paramNames.has(eq === -1 ? piece : piece.slice(0, eq));
      };
      const pieces = query.split('&');
      const keep = pieces.filter((piece) => !isCredential(piece));
      if (keep.length !== pieces.length) {
        kept = keep.join('&');
        // Credentials we wrote last stood after a '&' that may have been the query's own (`x=1&&` was written
        // `x=1&&Policy=...`): keep that '&', so rewriting twice equals rewriting once.
        if (keep.length > 0 && isCredential(pieces.at(-1) ?? '')) kept += '&';
      }
    }
    const separator = kept === '' || kept.endsWith('&') ? '' : '&';
    return `${path}?${kept}${separator}${credentials}${fragment}`;
  }

  /**
   * Switches to the compact form when `body` can take it: returns the body with the DEFINE header, and from then
   * on URIs get `{$cfhls}`; otherwise the body unchanged and why.
   */
  compact(body: string): { body: string; compact: 'applied' | CompactSkip } {
    const skip = compactSkip(body, this.#literal);
    if (skip !== undefined) return { body, compact: skip };
    this.#written = COMPACT_REFERENCE;
    this.#queryWritten = `?${COMPACT_REFERENCE}`;
    return { body: withCompactHeader(body, this.#literal), compact: 'applied' };
  }
}

/**
 * The credentials of a rewrite: those named `<Param><credentialSuffix>` in `options.url`'s query. `skipped` says why there is nothing to write: a canned policy covers one URL only, and
 * incomplete credentials or bytes beyond URL-safe base64 and percent-encoding (a quote, a comma, a space, a
 * newline would break the playlist) are not propagated.
 */
export function credentialWriter(options: RewriteOptions, paramNames: ReadonlySet<string>): { writer: CredentialWriter; skipped?: SkipReason } {
  const credentials = readCredentials(splitUrl(options.url).query, options.credentialSuffix ?? '');
  const safe = Object.values(credentials).every((v) => v === undefined || SAFE_CREDENTIAL.test(v));
  const kind = safe ? credentialKind(credentials) : 'none';
  const secrets = [credentials.Policy, credentials.Signature].filter((v): v is string => v !== undefined && v !== '');
  const writer = new CredentialWriter(credentialQuery(credentials), paramNames, secrets);
  if (kind === 'canned') return { writer, skipped: 'canned-policy' };
  if (kind === 'none') return { writer, skipped: 'no-credentials' };
  return { writer };
}

/** Why `text` cannot take the compact form with `credentials`, or undefined when it can. */
function compactSkip(text: string, credentials: string): CompactSkip | undefined {
  if (!isMediaPlaylist(text)) return 'not-a-media-playlist';
  // A quoted-string (RFC 8216 4.2) may not hold `"`, CR or LF; `{$` would read as a reference.
  if (credentials === '' || /["\r\n]/.test(credentials) || credentials.includes('{$')) return 'unsafe-credentials';
  if (text.includes(COMPACT_REFERENCE) || text.includes(`"${COMPACT_VARIABLE}"`)) return 'variable-name-taken';
  return undefined;
}

/**
 * Inserts `#EXT-X-DEFINE:NAME="cfhls",VALUE="<credentials>"` (and `#EXT-X-VERSION:8` when there is none) after the
 * `#EXTM3U` line, and raises an existing EXT-X-VERSION below 8. Keeps the first line's line ending.
 */
function withCompactHeader(text: string, credentials: string): string {
  const nl = text.indexOf('\n');
  const eol = nl > 0 && text.charCodeAt(nl - 1) === 0x0d ? '\r\n' : '\n';
  const headEnd = nl === -1 ? text.length : nl + 1;
  const head = nl === -1 ? text + eol : text.slice(0, headEnd);
  const define = `#EXT-X-DEFINE:NAME="${COMPACT_VARIABLE}",VALUE="${credentials}"${eol}`;
  let rest = text.slice(headEnd);
  const version = findVersion(rest);
  let versionLine = '';
  if (version === undefined) {
    versionLine = `#EXT-X-VERSION:${COMPACT_MIN_VERSION}${eol}`;
  } else if (!(version.value >= COMPACT_MIN_VERSION)) {
    rest = `${rest.slice(0, version.start)}${COMPACT_MIN_VERSION}${rest.slice(version.end)}`;
  }
  return head + versionLine + define + rest;
}

/** Offsets of the EXT-X-VERSION value in `text` (the playlist after its first line), or undefined. */
function findVersion(text: string): { start: number; end: number; value: number } | undefined {
  const tag = '#EXT-X-VERSION:';
  let at: number;
  if (text.startsWith(tag)) {
    at = 0;
  } else {
    at = text.indexOf(`\n${tag}`);
    if (at === -1) return undefined;
    at += 1;
  }
  const start = at + tag.length;
  let end = start;
  while (end < text.length && text.charCodeAt(end) !== 0x0a && text.charCodeAt(end) !== 0x0d) end++;
  const raw = text.slice(start, end).trim();
  return { start, end, value: /^\d{1,9}$/.test(raw) ? Number(raw) : Number.NaN };
}
