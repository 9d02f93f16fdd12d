/**
 * How an S3 bucket answers a CORS preflight (`OPTIONS` with `Origin` and `Access-Control-Request-Method`), from
 * its CorsConfiguration: the first rule whose AllowedOrigins (one `*` wildcard each) match the Origin, whose
 * AllowedMethods hold the requested method and whose AllowedHeaders cover every requested header answers 200;
 * no rule, or no CORS configuration, is 403. S3 sees only the headers CloudFront forwards (origin request policy).
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/cors.html ("How does Amazon S3 evaluate the CORS
 * configuration on a bucket?") and https://docs.aws.amazon.com/AmazonS3/latest/API/RESTOPTIONSobject.html
 */
import { asMap } from './cfn-yaml.js';

export interface S3CorsRule {
  allowedOrigins: string[];
  allowedMethods: string[];
  allowedHeaders: string[];
  maxAge?: number;
}

/** The rules of a resolved `AWS::S3::Bucket` CorsConfiguration (none when the bucket has no CORS configuration). */
export function corsRulesOf(bucketProps: Record<string, unknown>): S3CorsRule[] {
  const rules = asMap(bucketProps.CorsConfiguration).CorsRules;
  return (Array.isArray(rules) ? rules : []).map((rawRule) => {
    const rule = asMap(rawRule);
    const list = (value: unknown): string[] => (Array.isArray(value) ? value.map(String) : []);
    return {
      allowedOrigins: list(rule.AllowedOrigins),
      allowedMethods: list(rule.AllowedMethods).map((method) => method.toUpperCase()),
      allowedHeaders: list(rule.AllowedHeaders).map((header) => header.toLowerCase()),
      ...(rule.MaxAge !== undefined ? { maxAge: Number(rule.MaxAge) } : {}),
    };
  });
}

/** `*` matches any run of characters (S3 allows one per pattern); matching ignores case for headers only. */
function matches(pattern: string, value: string): boolean {
  const star = pattern.indexOf('*');
  if (star === -1) return pattern === value;
  const head = pattern.slice(0, star);
  const tail = pattern.slice(star + 1);
  return value.length >= head.length + tail.length && value.startsWith(head) && value.endsWith(tail);
}

/** S3's answer to a preflight whose forwarded headers are `headers` (lowercase names). */
export function s3Preflight(rules: readonly S3CorsRule[], headers: Record<string, string | undefined>): { status: number; headers: Array<[string, string]>; body: Buffer } {
  const origin = headers.origin;
  const method = headers['access-control-request-method'];
  const forbidden = { status: 403, headers: [['Content-Type', 'application/xml']] as Array<[string, string]>, body: Buffer.from('<Error><Code>AccessForbidden</Code><Message>CORSResponse: This CORS request is not allowed.</Message></Error>') };
  if (origin === undefined || method === undefined) return forbidden;
  const requested = (headers['access-control-request-headers'] ?? '').split(',').map((h) => h.trim().toLowerCase()).filter((h) => h !== '');
  const rule = rules.find((r) => r.allowedOrigins.some((o) => matches(o, origin))
    && r.allowedMethods.includes(method.toUpperCase())
    && requested.every((h) => r.allowedHeaders.some((a) => matches(a, h))));
  if (rule === undefined) return forbidden;
  const out: Array<[string, string]> = [
    ['Access-Control-Allow-Origin', rule.allowedOrigins.includes('*') ? '*' : origin],
    ['Access-Control-Allow-Methods', rule.allowedMethods.join(', ')],
    ['Vary', 'Origin, Access-Control-Request-Headers, Access-Control-Request-Method'],
  ];
  if (requested.length > 0) out.push(['Access-Control-Allow-Headers', requested.join(', ')]);
  if (rule.maxAge !== undefined) out.push(['Access-Control-Max-Age', String(rule.maxAge)]);
  return { status: 200, headers: out, body: Buffer.alloc(0) };
}
