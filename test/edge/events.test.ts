import { describe, expect, it } from 'vitest';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadEvent } from '../helpers/events.js';

const dir = fileURLToPath(new URL('../../events/', import.meta.url));
const names = readdirSync(dir, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .flatMap((d) => readdirSync(`${dir}${d.name}`).filter((f) => f.endsWith('.json')).map((f) => `${d.name}/${f.slice(0, -5)}`));

type Headers = Record<string, Array<{ key?: string; value: string }>>;
interface AnyCf {
  config: { distributionDomainName: string; distributionId: string; eventType: string; requestId: string };
  request: { clientIp: string; method: string; uri: string; querystring: string; headers: Headers; origin?: { s3?: { customHeaders: Headers }; custom?: { customHeaders: Headers } } };
  response?: { status: string; statusDescription: string; headers: Headers };
}

function expectCloudFrontHeaders(headers: Headers): void {
  for (const [name, values] of Object.entries(headers)) {
    expect(name).toBe(name.toLowerCase());
    expect(Array.isArray(values)).toBe(true);
    for (const v of values) {
      expect(v.key?.toLowerCase()).toBe(name);
      expect(typeof v.value).toBe('string');
    }
  }
}

describe('recorded events', () => {
  it('include every case the handlers are tested with', () => {
    expect(names).toEqual(expect.arrayContaining([
      'viewer-request/with-credentials', 'viewer-request/without-credentials', 'viewer-request/viewer-sent-suffixed',
      'viewer-request/duplicated-params', 'origin-response/s3-playlist-200', 'origin-response/s3-segment-200',
      'origin-response/s3-404', 'origin-response/s3-canned-policy', 'origin-response/s3-signed-cookie',
      'origin-response/custom-playlist-200', 'origin-response/custom-segment-200', 'origin-response/custom-404',
      'origin-response/custom-canned-policy', 'origin-response/custom-signed-cookie',
    ]));
  });

  it.each(names)('%s has the shape of the AWS documentation samples', (name) => {
    const event = loadEvent<{ Records: Array<{ cf: AnyCf }> }>(name);
    expect(event.Records).toHaveLength(1);
    const cf = event.Records[0]!.cf;
    expect(cf.config.eventType).toBe(name.split('/')[0]);
    expect(cf.config.distributionDomainName).toMatch(/\.cloudfront\.net$/);
    expect(typeof cf.request.querystring).toBe('string');
    expect(cf.request.uri.startsWith('/')).toBe(true);
    expectCloudFrontHeaders(cf.request.headers);
    if (cf.config.eventType === 'origin-response') {
      const origin = cf.request.origin!;
      expect(Boolean(origin.s3) !== Boolean(origin.custom)).toBe(true); // exactly one origin kind
      expectCloudFrontHeaders((origin.s3 ?? origin.custom)!.customHeaders);
      expect(cf.response!.status).toMatch(/^\d{3}$/);
      expectCloudFrontHeaders(cf.response!.headers);
    } else {
      expect(cf.response).toBeUndefined();
      expect(cf.request.origin).toBeUndefined();
    }
  });

  it('hands out a private copy on every load', () => {
    const a = loadEvent('viewer-request/with-credentials');
    a.Records[0]!.cf.request.querystring = 'changed';
    expect(loadEvent('viewer-request/with-credentials').Records[0]!.cf.request.querystring).not.toBe('changed');
  });
});
