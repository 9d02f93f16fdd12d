import { CloudFrontHlsError } from '../errors.js';

/** The template (or a flag) describes something the local edge cannot model; the message names the construct. */
export class LocalEdgeConfigError extends CloudFrontHlsError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('LocalEdgeConfig', message, options);
    this.name = 'LocalEdgeConfigError';
  }
}
