/**
 * The request of a CloudFront Functions event, shared by the viewer-request CloudFront Function and the local edge
 * that runs it, in the runtime 2.0 subset (see credentials.ts). CloudFront Functions hand the query over parsed:
 * `{ name: { value, multiValue? } }`, values as the viewer sent them (still percent-encoded), and a function may
 * return the query as a string (the AWS example "Normalize query string parameters" does).
 * https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/functions-event-structure.html
 * https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/example_cloudfront_functions_normalize_query_string_parameters_section.html
 */

/** `{ name: { value, multiValue? } }` as CloudFront Functions see query strings, headers and cookies. */
export type CfFunctionValues = Record<string, { value: string; multiValue?: Array<{ value: string }> }>;

/** `event.request` of a CloudFront Functions viewer-request event. */
export interface CfFunctionRequest {
  method: string;
  uri: string;
  /** As CloudFront hands it over; a function may return it as a string instead. */
  querystring: CfFunctionValues | string;
  headers: CfFunctionValues;
  cookies: CfFunctionValues;
}

/** The query as one `name=value&...` string, each name's values in the order given; a bare name for an empty value. */
export function cfQueryString(querystring: CfFunctionValues | string | undefined): string {
  if (typeof querystring === 'string') return querystring;
  if (querystring === undefined || querystring === null) return '';
  const parts: string[] = [];
  const names = Object.keys(querystring);
  for (let i = 0; i < names.length; i++) {
    const name = names[i]!;
    const entry = querystring[name]!;
    const values = entry.multiValue !== undefined && entry.multiValue.length > 0 ? entry.multiValue : [entry];
    for (let j = 0; j < values.length; j++) {
      const value = values[j]!.value;
      parts.push(value === '' ? name : `${name}=${value}`);
    }
  }
  return parts.join('&');
}
