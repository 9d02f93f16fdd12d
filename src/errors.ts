/**
 * Typed errors of cloudfront-hls. Each sets `name`, carries a stable `code` and passes `{ cause }` on.
 * Messages never contain key material, signatures or policies: they may reach logs.
 */

/** Base class: every error this package throws on purpose is a `CloudFrontHlsError`. */
export class CloudFrontHlsError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CloudFrontHlsError';
    this.code = code;
  }
}

/** Input that is not an HLS playlist (empty, no `#EXTM3U`, binary). */
export class NotAPlaylistError extends CloudFrontHlsError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('NotAPlaylist', message, options);
    this.name = 'NotAPlaylistError';
  }
}

/** A caller-supplied option or argument is invalid; the message names it. */
export class InvalidOptionError extends CloudFrontHlsError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('InvalidOption', message, options);
    this.name = 'InvalidOptionError';
  }
}

/**
 * A playlist that must not be served to a viewer with credentials in its URL: for example one that copies a
 * credential query param (EXT-X-DEFINE QUERYPARAM) into a URI the rewriter could not vouch for.
 */
export class UnsafePlaylistError extends CloudFrontHlsError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('UnsafePlaylist', message, options);
    this.name = 'UnsafePlaylistError';
  }
}
