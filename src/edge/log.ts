/**
 * Structured logging for the edge functions: one JSON line per call, with credential values redacted.
 * Lambda@Edge writes stdout to CloudWatch Logs in the region nearest the viewer.
 */
import { CREDENTIAL_SUFFIX } from '../cloudfront/params.js';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Matches `Policy=...`, `Signature=...` (also `CloudFront-Policy=`, `X-Amz-Signature=` and the suffixed copies)
 * up to the next delimiter. No nested quantifiers: linear time on any input.
 */
const SECRET_PAIR = new RegExp(
  `((?:Policy|Signature)(?:${escapeRegExp(CREDENTIAL_SUFFIX)})?)=[^&;\\s"',#<>]*`,
  'gi',
);
/** Object keys whose values are secrets whatever they look like. */
const SECRET_KEY = new RegExp(`^(?:CloudFront-)?(?:Policy|Signature)(?:${escapeRegExp(CREDENTIAL_SUFFIX)})?$`, 'i');

export const REDACTED = 'REDACTED';

/**
 * Replaces every `-----BEGIN ...-----` ... `-----END ...-----` block (a PEM key an error message might quote)
 * with `REDACTED`; an unterminated block is cut to the end. An indexOf loop, so linear on any input.
 */
function redactPem(text: string): string {
  let begin = text.indexOf('-----BEGIN ');
  if (begin === -1) return text;
  let out = '';
  let pos = 0;
  while (begin !== -1) {
    out += `${text.slice(pos, begin)}${REDACTED}`;
    const end = text.indexOf('-----END ', begin);
    if (end === -1) return out;
    const close = text.indexOf('-----', end + 9);
    pos = close === -1 ? text.length : close + 5;
    begin = text.indexOf('-----BEGIN ', pos);
  }
  return out + text.slice(pos);
}

/**
 * Returns a copy of `value` in which every Policy/Signature value (in query strings, cookies, or under keys of
 * those names) is replaced by `REDACTED`. Errors become `{ name, message, code? }` (no stack: it may quote input).
 *
 * @example redact('a.m3u8?Policy=eyJ&Key-Pair-Id=K1') // 'a.m3u8?Policy=REDACTED&Key-Pair-Id=K1'
 */
export function redact(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return redactPem(value).replace(SECRET_PAIR, `$1=${REDACTED}`);
  if (value === null || typeof value !== 'object') return value;
  if (depth > 8) return '[…]';
  if (value instanceof Error) {
    const e = value as Error & { code?: unknown; $metadata?: { httpStatusCode?: unknown } };
    const out: Record<string, unknown> = { name: e.name, message: redact(e.message) };
    if (typeof e.code === 'string') out.code = e.code;
    if (typeof e.$metadata?.httpStatusCode === 'number') out.status = e.$metadata.httpStatusCode;
    return out;
  }
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = SECRET_KEY.test(k) ? REDACTED : redact(v, depth + 1);
  return out;
}

/** Where log lines go; tests replace it. */
export let sink: (line: string) => void = (line) => {
  process.stdout.write(`${line}\n`);
};

/** Replaces the log sink (tests); returns the previous one. */
export function setLogSink(next: (line: string) => void): (line: string) => void {
  const prev = sink;
  sink = next;
  return prev;
}

/**
 * Writes one JSON line: `{ level, fn, msg, ...fields }`, redacted.
 *
 * @example log('warn', 'origin-response', 'canned-policy', { uri: '/a.m3u8', requestId })
 */
export function log(level: LogLevel, fn: string, msg: string, fields: Record<string, unknown> = {}): void {
  try {
    sink(JSON.stringify(redact({ level, fn, msg, ...fields })));
  } catch {
    // Logging must never break a response.
  }
}
