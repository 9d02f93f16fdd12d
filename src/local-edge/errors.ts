import { CloudFrontHlsError } from '../errors.js';

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
