/**
 * Every error cloudfront-hls throws on purpose, in one place. Each class extends {@link CloudFrontHlsError}, sets
 * `name`, carries a stable `code` from {@link ERROR_CODES} and passes `{ cause }` on. Messages never contain key
 * material, signatures or policies: they may reach logs.
 */

/** The stable `code` of each error, for callers that branch on it (`err.code === 'UnsafePlaylist'`). */
export const ERROR_CODES = [
  'NotAPlaylist', // input that is not an HLS playlist
  'InvalidOption', // a caller-supplied option or argument
  'UnsafePlaylist', // a playlist that must not be served with credentials
  'InvalidKeyFile', // a key that cannot sign or verify CloudFront URLs
  'InvalidSigningInput', // signing input CloudFront would reject
  'MalformedPolicy', // a policy that cannot be parsed
  'InvalidConfig', // the signer service's environment
  'KeySource', // fetching the signer's private key
  'Usage', // command-line usage
  'LocalEdgeConfig', // what the local edge cannot model
  'LocalEdgeFunction', // a function the local edge runs failed
  'LocalEdgeRequest', // a viewer request the local edge will not pass on
  'LocalEdgeOrigin', // the local edge's origin did not answer
  'ReadFailed', // a file or stream could not be read
  'AwsAccess', // an AWS API the CLI calls refused (credentials, permissions) or kept throttling
  // origin-response's origin read (OriginFetchError): 404, 403, 503, 502, 502
  'OriginNotFound',
  'OriginForbidden',
  'OriginUnavailable',
  'PlaylistTooLarge',
  'OriginError',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

/** Base class: every error this package throws on purpose is a `CloudFrontHlsError`. */
export class CloudFrontHlsError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
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

/** A private or public key that cannot be used to sign or verify CloudFront URLs. */
export class KeyFormatError extends CloudFrontHlsError {
  /** What is wrong, for callers that branch on it. */
  readonly problem: 'malformed' | 'encrypted' | 'public-key' | 'wrong-type' | 'wrong-size' | 'bad-passphrase';
  constructor(problem: KeyFormatError['problem'], message: string, options?: { cause?: unknown }) {
    super('InvalidKeyFile', message, options);
    this.name = 'KeyFormatError';
    this.problem = problem;
  }
}

/** Signing input that would produce a URL CloudFront rejects (expiry in the past, resource not covering the URL, ...). */
export class SigningInputError extends CloudFrontHlsError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('InvalidSigningInput', message, options);
    this.name = 'SigningInputError';
  }
}

/** Why a policy could not be parsed; maps to CloudFront's MalformedPolicy. */
export class PolicyParseError extends CloudFrontHlsError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('MalformedPolicy', message, options);
    this.name = 'PolicyParseError';
  }
}

/** Invalid or missing configuration of the signer service; the message names every offending variable. */
export class ConfigError extends CloudFrontHlsError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('InvalidConfig', message, options);
    this.name = 'ConfigError';
  }
}

/** The signer's key could not be fetched or is unusable. The message names the source, never the key. */
export class KeySourceError extends CloudFrontHlsError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('KeySource', message, options);
    this.name = 'KeySourceError';
  }
}

/** Bad command-line usage: printed as one line, exit code 2. */
export class UsageError extends CloudFrontHlsError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('Usage', message, options);
    this.name = 'UsageError';
  }
}

/**
 * An AWS API the CLI calls (CloudWatch Logs for `logs`) refused the request: no or invalid credentials, missing
 * permission, or throttling that outlasted the retries. The message says what to do; the SDK error is the cause.
 */
export class AwsAccessError extends CloudFrontHlsError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('AwsAccess', message, options);
    this.name = 'AwsAccessError';
  }
}

/** Why origin-response could not read the playlist; the handler maps each to what the viewer sees. */
export type OriginFetchCode = 'OriginNotFound' | 'OriginForbidden' | 'OriginUnavailable' | 'PlaylistTooLarge' | 'OriginError';

/** Fetching the playlist body from the origin failed. The message is for logs only, never for viewers. */
export class OriginFetchError extends CloudFrontHlsError {
  declare readonly code: OriginFetchCode;
  constructor(code: OriginFetchCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.name = 'OriginFetchError';
  }
}

/** The template (or a flag) describes something the local edge cannot model; the message names the construct. */
export class LocalEdgeConfigError extends CloudFrontHlsError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('LocalEdgeConfig', message, options);
    this.name = 'LocalEdgeConfigError';
  }
}

/**
 * A function the local edge runs (Lambda@Edge, CloudFront Function, the function behind a function URL) failed,
 * timed out, was not loaded, or returned something CloudFront would refuse. The viewer sees a generic 502.
 */
export class LocalEdgeFunctionError extends CloudFrontHlsError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('LocalEdgeFunction', message, options);
    this.name = 'LocalEdgeFunctionError';
  }
}

/** A viewer request the local edge will not pass on (for example a body over the function URL limit). */
export class LocalEdgeRequestError extends CloudFrontHlsError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('LocalEdgeRequest', message, options);
    this.name = 'LocalEdgeRequestError';
  }
}

/** The origin behind the local edge did not answer (timeout, refused connection). */
export class LocalEdgeOriginError extends CloudFrontHlsError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('LocalEdgeOrigin', message, options);
    this.name = 'LocalEdgeOriginError';
  }
}
