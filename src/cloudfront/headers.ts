/**
 * Headers as CloudFront's Lambda@Edge events carry them: lower-case keys, each an array of `{ key, value }`
 * (https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/lambda-event-structure.html).
 */
import type { CloudFrontHeaders } from 'aws-lambda';

/** First value of a header (any letter case of `name`), or undefined. */
export function headerValue(headers: CloudFrontHeaders | undefined, name: string): string | undefined {
  return headers?.[name.toLowerCase()]?.[0]?.value;
}

/**
 * Reason phrases (RFC 9110 15) for the statuses CloudFront events carry in `statusDescription` here. A table, not
 * node:http's STATUS_CODES: the edge bundle loads node:http only when it fetches (cold-start cost).
 */
export const STATUS_TEXT: Readonly<Record<number, string>> = {
  200: 'OK',
  206: 'Partial Content',
  304: 'Not Modified',
  400: 'Bad Request',
  403: 'Forbidden',
  404: 'Not Found',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
};
