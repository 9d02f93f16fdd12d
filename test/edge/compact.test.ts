import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { CloudFrontResponseEvent } from 'aws-lambda';
import { handler } from '../../src/edge/origin-response.js';
import { bodyText, withAcceptEncoding } from '../helpers/events.js';
import { MASTER, mediaPlaylist } from './playlists.js';
import { cf, creds, startScriptedS3ForFile } from './s3-origin.js';

// --------------------------------------------------------------------------------------------- through the handler

const { logs, event, serve } = startScriptedS3ForFile();

/** The recorded S3 event with the compact header set on the origin (as template.yaml does when enabled). */
function compactEvent(value = 'define'): CloudFrontResponseEvent {
  const recorded = event();
  cf(recorded).request.uri = '/movies/42/720p/index.m3u8';
  cf(recorded).request.origin!.s3!.customHeaders['x-cfhls-compact'] = [{ key: 'X-Cfhls-Compact', value }];
  return recorded;
}

const EVENT_C = `Policy=${creds.Policy}&Signature=${creds.Signature}&Key-Pair-Id=${creds['Key-Pair-Id']}`;

describe('origin-response with x-cfhls-compact: define', () => {
  it('answers a media playlist in the compact form', async () => {
    serve(mediaPlaylist(3));
    const response = await handler(compactEvent());
    expect(response.status).toBe('200');
    expect(response.headers['content-encoding']?.[0]?.value).toBe('br');
    const lines = bodyText(response).split('\n');
    expect(lines.slice(0, 3)).toEqual(['#EXTM3U', `#EXT-X-DEFINE:NAME="cfhls",VALUE="${EVENT_C}"`, '#EXT-X-VERSION:8']);
    expect(lines.filter((l) => l.startsWith('seg'))).toEqual(['seg00000.ts?{$cfhls}', 'seg00001.ts?{$cfhls}', 'seg00002.ts?{$cfhls}']);
    expect(response.headers['x-cfhls-rewrite']?.[0]?.value).toBe('rewritten');
    for (const line of logs) expect(line).not.toContain(creds.Signature);
  });

  it('keeps multivariant playlists in the full form', async () => {
    serve(MASTER);
    const response = await handler(compactEvent());
    expect(response.status).toBe('200');
    expect(bodyText(response)).not.toContain('EXT-X-DEFINE');
    expect(bodyText(response)).toContain(`720p/index.m3u8?${EVENT_C}`);
    expect(logs.some((l) => l.includes('compact form requested'))).toBe(false);
  });

  it('writes credentials in full when the header has another value (the template default is off)', async () => {
    serve(mediaPlaylist(3));
    const response = await handler(compactEvent('off'));
    expect(bodyText(response)).not.toContain('{$cfhls}');
    expect(bodyText(response)).toContain(`seg00000.ts?${EVENT_C}`);
  });

  it('fits a 20k-segment media playlist in 1 MB as text when the viewer does not accept gzip', async () => {
    serve(mediaPlaylist(20_000));
    const response = await handler(withAcceptEncoding(compactEvent(), undefined));
    expect(response.status).toBe('200');
    expect(response.bodyEncoding).toBe('text');
    expect(response.body!.length).toBeLessThanOrEqual(1_048_576);
    expect(response.body!.split('{$cfhls}').length - 1).toBe(20_000);
  });

  it('gzips the compact form when even it is over 1 MB and the viewer accepts only gzip', async () => {
    serve(mediaPlaylist(60_000));
    const response = await handler(withAcceptEncoding(compactEvent(), 'gzip'));
    expect(response.status).toBe('200');
    expect(response.headers['content-encoding']?.[0]?.value).toBe('gzip');
    const text = gunzipSync(Buffer.from(response.body!, 'base64')).toString('utf8');
    expect(text.split('{$cfhls}').length - 1).toBe(60_000);
  });

  it('answers 502 with the log line when the compact form is over 1 MB and the viewer does not accept gzip', async () => {
    serve(mediaPlaylist(60_000));
    const response = await handler(withAcceptEncoding(compactEvent(), undefined));
    expect(response.status).toBe('502');
    const line = JSON.parse(logs.find((l) => l.includes('1 MB'))!) as { compact: string; hint: string };
    expect(line.compact).toBe('applied');
    expect(line.hint).toMatch(/split the playlist/);
  });
});
