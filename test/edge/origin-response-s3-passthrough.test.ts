/**
 * What origin-response with an S3 origin does not rewrite: segments, origin errors, signed-cookie viewers, HEAD,
 * canned policies and bodies that are not playlists pass through; S3 errors and malformed events become short
 * generic answers.
 */
import { describe, expect, it } from 'vitest';
import { handler } from '../../src/edge/origin-response.js';
import { loadEvent } from '../helpers/events.js';
import { atEndpoint, s3Error } from '../helpers/s3.js';
import type { Reply } from '../helpers/s3.js';
import { suffixedCreds } from './playlists.js';
import { cf, startScriptedS3ForFile } from './s3-origin.js';

const { s3, logs, event, serve, expectNoLeaks } = startScriptedS3ForFile();

describe('origin-response handler with an S3 origin', () => {
  it('passes a 200 segment through untouched without fetching anything', async () => {
    const recorded = atEndpoint(loadEvent('origin-response/s3-segment-200'), s3().endpoint);
    const before = structuredClone(cf(recorded).response);
    const response = await handler(recorded);
    expect(response).toEqual(before);
    expect(s3().requests).toHaveLength(0);
  });

  it('passes a 404 from the origin through untouched', async () => {
    const recorded = atEndpoint(loadEvent('origin-response/s3-404'), s3().endpoint);
    const before = structuredClone(cf(recorded).response);
    expect(await handler(recorded)).toEqual(before);
    expect(s3().requests).toHaveLength(0);
  });

  it('passes a playlist requested by a signed-cookie viewer through untouched', async () => {
    const recorded = atEndpoint(loadEvent('origin-response/s3-signed-cookie'), s3().endpoint);
    const before = structuredClone(cf(recorded).response);
    expect(await handler(recorded)).toEqual(before);
    expect(s3().requests).toHaveLength(0);
  });

  it('passes a HEAD request through untouched', async () => {
    const recorded = event();
    (cf(recorded).request as { method: string }).method = 'HEAD';
    const before = structuredClone(cf(recorded).response);
    expect(await handler(recorded)).toEqual(before);
  });

  it('leaves a canned-policy playlist unchanged with a warning log and a header saying why', async () => {
    const recorded = atEndpoint(loadEvent('origin-response/s3-canned-policy'), s3().endpoint);
    const response = await handler(recorded);
    expect(response.status).toBe('200');
    expect(response.body).toBeUndefined();
    expect(response.headers['x-cfhls-rewrite']).toEqual([{ key: 'X-Cfhls-Rewrite', value: 'skipped; reason=canned-policy' }]);
    expect(response.headers['content-length']).toBeDefined();
    expect(s3().requests).toHaveLength(0);
    const line = JSON.parse(logs.find((l) => l.includes('canned'))!) as { level: string };
    expect(line.level).toBe('warn');
    for (const l of logs) expect(l).not.toContain(suffixedCreds(cf(recorded).request.querystring.replace('Expires', 'Policy')).Signature);
  });

  it('passes a body that is not a playlist through unchanged with a warning log', async () => {
    serve(Buffer.from([0x47, 0x40, 0x11, 0x10, 0x00, 0xff, 0xfe]));
    const response = await handler(event());
    expect(response.status).toBe('200');
    expect(response.body).toBeUndefined();
    expect(response.headers['content-length']).toEqual(cf(loadEvent('origin-response/s3-playlist-200')).response.headers['content-length']);
    expect(response.headers['x-cfhls-rewrite']?.[0]?.value).toBe('skipped; reason=not-a-playlist');
    expect(logs.some((l) => (JSON.parse(l) as { level: string }).level === 'warn')).toBe(true);
  });

  it.each([
    ['NoSuchKey', '404', 'Not Found', s3Error('NoSuchKey', 404)],
    ['AccessDenied', '403', 'Forbidden', s3Error('AccessDenied', 403)],
    ['SlowDown (throttling)', '503', 'Service Unavailable', s3Error('SlowDown', 503)],
    ['an S3 500', '503', 'Service Unavailable', s3Error('InternalError', 500)],
    ['a timeout', '503', 'Service Unavailable', s3Error('RequestTimeout', 400)],
    ['an unexpected error', '502', 'Bad Gateway', s3Error('InvalidObjectState', 400)],
  ] as Array<[string, string, string, Reply]>)('answers %s with a short generic %s', async (_label, status, text, reply) => {
    s3().otherwise = reply;
    const response = await handler(event());
    expect(response.status).toBe(status);
    expect(response.statusDescription).toBe(text);
    expect(response.body).toBe(`${text}\n`);
    expect(response.headers['content-type']?.[0]?.value).toBe('text/plain; charset=utf-8');
    expect(response.headers['content-length']).toBeUndefined();
    expect(response.headers.etag).toBeUndefined();
    if (status === '503') expect(Number(response.headers['retry-after']?.[0]?.value)).toBeGreaterThan(0);
    else expect(response.headers['retry-after']).toBeUndefined();
    expect(logs.length).toBeGreaterThan(0);
    expectNoLeaks(response);
  });

  it('never throws: a malformed event becomes a generic 502', async () => {
    const recorded = event();
    (cf(recorded).request as { querystring: unknown }).querystring = 42;
    const response = await handler(recorded);
    expect(response.status).toBe('502');
    expect(response.body).toBe('Bad Gateway\n');
  });
});
