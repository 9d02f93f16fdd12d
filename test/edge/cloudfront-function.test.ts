import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CloudFrontRequestEvent } from 'aws-lambda';
import { handler } from '../../src/edge/viewer-request.js';
import { buildCloudFrontFunction, MAX_FUNCTION_BYTES } from '../../scripts/cloudfront-function.mjs';
import { loadEvent } from '../helpers/events.js';
import { cloudFrontFunctionRunner, deployedCode, ROOT } from '../helpers/cloudfront-function.js';

// The viewer-request CloudFront Function is built from the same TypeScript rule as the Lambda@Edge handler
// (src/cloudfront/credentials.ts). These tests hold the deployed code (template.yaml) to the source and to the Lambda@Edge
// handler on every recorded event; test/hostile/viewer-request.test.ts runs the hostile cases on both.

const cf = cloudFrontFunctionRunner();
const EVENTS = readdirSync(join(ROOT, 'events', 'viewer-request')).map((f) => f.replace(/\.json$/, ''));

describe('the viewer-request CloudFront Function', () => {
  it('is in template.yaml exactly as built from src/cloudfront-functions/viewer-request.ts', async () => {
    // If this fails: node scripts/build.mjs --sync-template
    expect(deployedCode()).toBe(await buildCloudFrontFunction('viewer-request'));
  });

  it('stays under the 10 KB CloudFront Functions code limit and defines a top-level handler', () => {
    const code = deployedCode();
    expect(Buffer.byteLength(code)).toBeLessThan(MAX_FUNCTION_BYTES);
    expect(code).toMatch(/(?:^|\n)function handler\(event\)/);
    // No module syntax: CloudFront Functions are scripts.
    expect(code).not.toMatch(/\bimport\s*[{(*]|\bexport\s*[{*]|\brequire\(/);
  });

  it.each(EVENTS)('answers the recorded event %s as the Lambda@Edge handler does', async (name) => {
    const event = loadEvent<CloudFrontRequestEvent>(`viewer-request/${name}`);
    const request = event.Records[0]!.cf.request;
    const rawHeaders = Object.values(request.headers).flatMap((values) => values.flatMap(({ key, value }) => [key ?? '', value]));
    const viaCf = await cf.run(request.querystring, request.uri, rawHeaders);
    const converted = structuredClone(event);
    converted.Records[0]!.cf.request.querystring = cf.asSent(request.querystring);
    expect(viaCf).toBe((await handler(converted)).querystring);
  });

  it('copies the credentials of the recorded signed request to suffixed params', async () => {
    const request = loadEvent<CloudFrontRequestEvent>('viewer-request/with-credentials').Records[0]!.cf.request;
    const out = await cf.run(request.querystring, request.uri);
    for (const name of ['Policy', 'Signature', 'Key-Pair-Id']) {
      const original = /(?:^|&)([^=&]+)=([^&]*)/g;
      const value = [...request.querystring.matchAll(original)].find((m) => m[1] === name)?.[2];
      expect(value).toBeDefined();
      expect(out).toContain(`&${name}-PREFIX=${value}`);
    }
  });

  it('passes the request on unchanged when the event is not what it expects (never throws)', async () => {
    const broken = cloudFrontFunctionRunner(`${deployedCode()}\n;globalThis.__cfhls.handler({ request: null });`);
    await expect(broken.run('Policy=a&Signature=b&Key-Pair-Id=K1')).resolves.toContain('Policy-PREFIX=a');
  });
});
