import { describe, expect, it } from 'vitest';
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';
import { handler, suffixCredentials } from '../../src/edge/viewer-request.js';
import { loadEvent } from '../helpers/events.js';

const entry = fileURLToPath(new URL('../../src/functions/lambda-edge-viewer-request/index.ts', import.meta.url));

/** Raw `name=value` pairs of a query, in order. */
const pairs = (q: string): string[] => (q === '' ? [] : q.split('&'));
const value = (q: string, name: string): string[] =>
  pairs(q).filter((p) => p.split('=', 1)[0] === name).map((p) => p.slice(name.length + 1));

describe('viewer-request handler', () => {
  it('copies Policy, Signature and Key-Pair-Id to suffixed names and leaves the originals exactly as they were', async () => {
    const event = loadEvent('viewer-request/with-credentials');
    const original = event.Records[0]!.cf.request.querystring;
    const request = await handler(event);
    expect(request.querystring.startsWith(`${original}&`)).toBe(true);
    for (const name of ['Policy', 'Signature', 'Key-Pair-Id']) {
      expect(value(request.querystring, `${name}-PREFIX`)).toEqual(value(original, name));
      expect(value(request.querystring, name)).toEqual(value(original, name));
    }
    expect(value(request.querystring, 'Hash-Algorithm-PREFIX')).toEqual([]);
    expect(value(request.querystring, 'Expires-PREFIX')).toEqual([]);
  });

  it('copies the raw bytes of a signature that contains ~, - and _ without re-encoding them', async () => {
    const event = loadEvent('viewer-request/with-credentials');
    const sig = value(event.Records[0]!.cf.request.querystring, 'Signature')[0]!;
    expect(sig).toMatch(/~/);
    expect(sig).toMatch(/-/);
    expect(sig).toMatch(/_/);
    const request = await handler(event);
    expect(value(request.querystring, 'Signature-PREFIX')).toEqual([sig]);
    expect(request.querystring).not.toContain('%7E');
  });

  it('keeps percent-encoded bytes as they arrived', () => {
    expect(suffixCredentials('Policy=a%7Eb&Signature=c~d%3D&Key-Pair-Id=K1')).toBe(
      'Policy=a%7Eb&Signature=c~d%3D&Key-Pair-Id=K1&Policy-PREFIX=a%7Eb&Signature-PREFIX=c~d%3D&Key-Pair-Id-PREFIX=K1',
    );
  });

  it('copies Hash-Algorithm when the URL was signed with SHA-256', async () => {
    const request = await handler(loadEvent('viewer-request/with-credentials-sha256'));
    expect(value(request.querystring, 'Hash-Algorithm-PREFIX')).toEqual(['SHA256']);
    expect(value(request.querystring, 'Hash-Algorithm')).toEqual(['SHA256']);
  });

  it('copies Expires of a canned-policy URL so origin-response can tell why it cannot propagate', async () => {
    const event = loadEvent('viewer-request/canned-policy');
    const original = event.Records[0]!.cf.request.querystring;
    const request = await handler(event);
    expect(value(request.querystring, 'Expires-PREFIX')).toEqual(value(original, 'Expires'));
    expect(value(request.querystring, 'Policy-PREFIX')).toEqual([]);
  });

  it('returns a request without credentials unchanged', async () => {
    const event = loadEvent('viewer-request/without-credentials');
    const before = structuredClone(event.Records[0]!.cf.request);
    const request = await handler(event);
    expect(request).toEqual(before);
  });

  it('leaves a query without credentials byte for byte, even with odd pieces', () => {
    for (const q of ['', 'a=1', 'a=1&&b', '&lang=en&', 'x=%7E~', 'policy=lowercase-is-not-ours']) {
      expect(suffixCredentials(q)).toBe(q);
    }
  });

  it('drops suffixed params the viewer sent and copies only the credentials that reached CloudFront', async () => {
    const event = loadEvent('viewer-request/viewer-sent-suffixed');
    const original = event.Records[0]!.cf.request.querystring;
    expect(original).toContain('Policy-PREFIX=forged');
    const request = await handler(event);
    expect(value(request.querystring, 'Policy-PREFIX')).toEqual(value(original, 'Policy'));
    expect(value(request.querystring, 'Signature-PREFIX')).toEqual(value(original, 'Signature'));
    expect(value(request.querystring, 'Key-Pair-Id-PREFIX')).toEqual(value(original, 'Key-Pair-Id'));
    expect(request.querystring).not.toContain('forged');
    expect(request.querystring).not.toContain('KFORGED');
    expect(value(request.querystring, 'lang')).toEqual(['en']);
  });

  it('drops viewer-sent suffixed params even when the request has no credentials', () => {
    expect(suffixCredentials('Policy-PREFIX=x&a=1&Signature-PREFIX=y&Key-Pair-Id-PREFIX=z')).toBe('a=1');
  });

  it('copies nothing when a credential param is duplicated (which copy did CloudFront check?)', async () => {
    const event = loadEvent('viewer-request/duplicated-params');
    const original = event.Records[0]!.cf.request.querystring;
    const request = await handler(event);
    expect(request.querystring).toBe(original);
    expect(request.querystring).not.toContain('-PREFIX');
  });

  it('copies nothing for a credential param without a value', () => {
    expect(suffixCredentials('Policy&Signature=&Key-Pair-Id=K1')).toBe('Policy&Signature=&Key-Pair-Id=K1&Key-Pair-Id-PREFIX=K1');
  });

  it('gives the same result when run twice (a retried request is not double-suffixed)', async () => {
    const once = suffixCredentials(loadEvent('viewer-request/with-credentials').Records[0]!.cf.request.querystring);
    expect(suffixCredentials(once)).toBe(once);
  });

  it('never throws, even on an event without a query string', async () => {
    const event = loadEvent('viewer-request/with-credentials');
    (event.Records[0]!.cf.request as { querystring?: string }).querystring = undefined;
    await expect(handler(event)).resolves.toBeDefined();
  });

  it('bundles without any AWS SDK into a few KB', async () => {
    const out = await build({
      entryPoints: [entry], bundle: true, platform: 'node', format: 'esm', minify: true, write: false, logLevel: 'silent',
    });
    const code = out.outputFiles[0]!.text;
    expect(code.length).toBeLessThan(8 * 1024);
    expect(code).not.toMatch(/@aws-sdk|S3Client|@smithy/);
  });
});

describe('viewer-request URL length limit', () => {
  it('does not copy credentials that would push the URL past 8,192 characters, and drops viewer-sent copies', async () => {
    const big = 'A'.repeat(3000);
    const event = {
      Records: [{ cf: { config: { distributionDomainName: 'd111.cloudfront.net', distributionId: 'E1', eventType: 'viewer-request', requestId: 'r1' },
        request: { clientIp: '203.0.113.1', headers: {}, method: 'GET', uri: '/movies/42/master.m3u8',
          querystring: `Policy=${big}&Signature=${big}&Key-Pair-Id=K1&Signature-PREFIX=forged` } } }],
    };
    const out = await handler(event as never);
    expect(out.querystring).toBe(`Policy=${big}&Signature=${big}&Key-Pair-Id=K1`);
  });
});
