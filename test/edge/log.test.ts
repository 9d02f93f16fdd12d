import { afterEach, describe, expect, it } from 'vitest';
import { log, redact, setLogSink } from '../../src/edge/log.js';

let restore: ((line: string) => void) | undefined;
afterEach(() => {
  if (restore) setLogSink(restore);
  restore = undefined;
});

describe('redact', () => {
  it('removes Policy and Signature values from query strings and keeps the rest', () => {
    expect(redact('/a.m3u8?lang=en&Policy=eyJ~a-b_&Signature=s~ig&Key-Pair-Id=K1#t')).toBe(
      '/a.m3u8?lang=en&Policy=REDACTED&Signature=REDACTED&Key-Pair-Id=K1#t',
    );
  });

  it('removes the suffixed copies, signed cookies and presigned S3 signatures', () => {
    expect(redact('Policy-PREFIX=p1&Signature-PREFIX=s1')).toBe('Policy-PREFIX=REDACTED&Signature-PREFIX=REDACTED');
    expect(redact('CloudFront-Policy=p2; CloudFront-Signature=s2; CloudFront-Key-Pair-Id=K1')).toBe(
      'CloudFront-Policy=REDACTED; CloudFront-Signature=REDACTED; CloudFront-Key-Pair-Id=K1',
    );
    expect(redact('https://b.s3.amazonaws.com/k?X-Amz-Signature=abc123&X-Amz-Date=1')).toBe(
      'https://b.s3.amazonaws.com/k?X-Amz-Signature=REDACTED&X-Amz-Date=1',
    );
  });

  it('redacts values under Policy/Signature keys and walks nested objects and arrays', () => {
    expect(redact({ Policy: 'p', nested: [{ 'Signature-PREFIX': 's', uri: '/x?Signature=s3' }], n: 1 })).toEqual({
      Policy: 'REDACTED',
      nested: [{ 'Signature-PREFIX': 'REDACTED', uri: '/x?Signature=REDACTED' }],
      n: 1,
    });
  });

  it('turns errors into name, message and status without a stack', () => {
    const err = Object.assign(new Error('bad /x?Signature=s4'), { name: 'AccessDenied', $metadata: { httpStatusCode: 403 } });
    expect(redact(err)).toEqual({ name: 'AccessDenied', message: 'bad /x?Signature=REDACTED', status: 403 });
  });
});

describe('log', () => {
  it('writes one JSON line per call, redacted', () => {
    const lines: string[] = [];
    restore = setLogSink((l) => lines.push(l));
    log('warn', 'origin-response', 'canned-policy', { uri: '/a.m3u8', query: 'Expires-PREFIX=1&Signature-PREFIX=sig' });
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toContain('\n');
    expect(JSON.parse(lines[0]!)).toEqual({
      level: 'warn', fn: 'origin-response', msg: 'canned-policy', uri: '/a.m3u8', query: 'Expires-PREFIX=1&Signature-PREFIX=REDACTED',
    });
  });

  it('never throws, even on values JSON cannot encode', () => {
    restore = setLogSink(() => {});
    expect(() => log('info', 'x', 'y', { big: 10n })).not.toThrow();
  });
});
