import type { Credentials } from './credentials.js';

/** Options of {@link rewritePlaylist}. */
export interface RewriteOptions {
  /**
   * The URL the viewer requested the playlist with. Relative URIs resolve against it; its host is the
   * viewer's host; credentials are read from its query unless `credentials` is given.
   */
  url: string;
  /** Further hosts (the distribution's alternate domain names) whose URIs also get credentials. */
  allowHosts?: readonly string[];
  /** Credentials to propagate (raw query bytes). Default: read from `url`'s query, named `<Param><credentialSuffix>`. */
  credentials?: Credentials;
  /** Suffix of the credential params in `url`'s query: `''` (default) for a signed URL, `-PREFIX` at the edge. */
  credentialSuffix?: string;
}

/** Why a playlist was returned without credentials. */
export type SkipReason = 'canned-policy' | 'no-credentials';

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
}
