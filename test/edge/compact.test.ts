import { gunzipSync } from 'node:zlib';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { CloudFrontResponseEvent } from 'aws-lambda';
import { compactHeader, compactPlaylistDetailed, replaceCredentials } from '../../src/edge/compact.js';
import { handler } from '../../src/edge/origin-response.js';
import { setLogSink } from '../../src/edge/log.js';
import { rewritePlaylist } from '../../src/rewriter/index.js';
import { bodyText, loadEvent } from '../helpers/events.js';
import { atEndpoint, s3Object, startFaultyS3, useCredentials } from '../helpers/s3.js';
import type { FaultyS3 } from '../helpers/s3.js';
import { MASTER, mediaPlaylist, suffixedCreds } from './playlists.js';

const C = 'Policy=eyJTdGF0ZW1lbnQiOltdfQ__&Signature=abc~def-ghi_&Key-Pair-Id=K2JCJMDEHXQW5F';
const URL_ = `https://d111111abcdef8.cloudfront.net/movies/42/720p/index.m3u8?${C}`;

const MEDIA = [
  '#EXTM3U',
  '#EXT-X-VERSION:6',
  '#EXT-X-TARGETDURATION:6',
  '#EXT-X-KEY:METHOD=AES-128,URI="keys/k1.bin?v=2"',
  '#EXT-X-MAP:URI="init.mp4"',
  '#EXTINF:6.000,',
  'seg0.ts',
  '#EXTINF:6.000,',
  'seg1.ts?token=a#t=3',
  '#EXTINF:6.000,',
  'https://cdn.thirdparty.example/seg2.ts',
  '#EXT-X-PREFETCH:seg3.ts',
  '#EXT-X-ENDLIST',
  '',
].join('\n');

describe('the compact form of a rewritten media playlist', () => {
  it('defines the credentials once after #EXTM3U, raises the version to 8 and refers to them from every rewritten URI', () => {
    const out = compactPlaylistDetailed(rewritePlaylist(MEDIA, { url: URL_ }), C);
    expect(out.skipped).toBeUndefined();
    expect(out.text).toBe([
      '#EXTM3U',
      `#EXT-X-DEFINE:NAME="cfhls",VALUE="${C}"`,
      '#EXT-X-VERSION:8',
      '#EXT-X-TARGETDURATION:6',
      '#EXT-X-KEY:METHOD=AES-128,URI="keys/k1.bin?v=2&{$cfhls}"',
      '#EXT-X-MAP:URI="init.mp4?{$cfhls}"',
      '#EXTINF:6.000,',
      'seg0.ts?{$cfhls}',
      '#EXTINF:6.000,',
      'seg1.ts?token=a&{$cfhls}#t=3',
      '#EXTINF:6.000,',
      'https://cdn.thirdparty.example/seg2.ts',
      // legacy EXT-X-PREFETCH is neither a URI line nor a quoted-string: no substitution, credentials stay in full
      `#EXT-X-PREFETCH:seg3.ts?${C}`,
      '#EXT-X-ENDLIST',
      '',
    ].join('\n'));
    expect(out.replaced).toBe(4);
  });

  it('substitutes back to exactly the full rewrite (RFC 8216bis 4.3 variable substitution)', () => {
    const full = rewritePlaylist(MEDIA, { url: URL_ });
    const compact = compactPlaylistDetailed(full, C).text;
    const substituted = compact
      .split('\n')
      .filter((l) => !l.startsWith('#EXT-X-DEFINE:'))
      .map((l) => l.split('{$cfhls}').join(C))
      .join('\n');
    expect(substituted).toBe(full.replace('#EXT-X-VERSION:6', '#EXT-X-VERSION:8'));
  });

  it('inserts EXT-X-VERSION:8 when the playlist has none, keeps a higher one, and keeps CRLF line endings', () => {
    const noVersion = '#EXTM3U\r\n#EXT-X-TARGETDURATION:6\r\n#EXTINF:6,\r\na.ts\r\n';
    expect(compactPlaylistDetailed(rewritePlaylist(noVersion, { url: URL_ }), C).text).toBe(
      `#EXTM3U\r\n#EXT-X-VERSION:8\r\n#EXT-X-DEFINE:NAME="cfhls",VALUE="${C}"\r\n#EXT-X-TARGETDURATION:6\r\n#EXTINF:6,\r\na.ts?{$cfhls}\r\n`,
    );
    const v9 = '#EXTM3U\n#EXT-X-TARGETDURATION:6\n#EXT-X-VERSION:9\n#EXTINF:6,\na.ts\n';
    expect(compactPlaylistDetailed(rewritePlaylist(v9, { url: URL_ }), C).text).toContain('\n#EXT-X-VERSION:9\n');
  });

  it('leaves multivariant playlists, unsafe credentials and a taken variable name in the full form, saying why', () => {
    const master = rewritePlaylist(MASTER, { url: URL_ });
    expect(compactPlaylistDetailed(master, C)).toEqual({ text: master, replaced: 0, skipped: 'not-a-media-playlist' });
    const media = rewritePlaylist(MEDIA, { url: URL_ });
    expect(compactHeader(media, `${C}"`)).toEqual({ skipped: 'unsafe-credentials' });
    expect(compactHeader(media, `${C}{$x}`)).toEqual({ skipped: 'unsafe-credentials' });
    const taken = MEDIA.replace('#EXT-X-TARGETDURATION:6', '#EXT-X-TARGETDURATION:6\n#EXT-X-DEFINE:NAME="cfhls",VALUE="x"');
    expect(compactHeader(taken, C)).toEqual({ skipped: 'variable-name-taken' });
  });

  it('replaces only credentials that end a query: not a longer value, not one inside a DEFINE value', () => {
    const text = `a.ts?${C}\nb.ts?${C}9\n#EXT-X-DEFINE:NAME="x",VALUE="${C}"\nc.ts?x=1&${C}\n`;
    expect(replaceCredentials(text, C)).toEqual({
      text: `a.ts?{$cfhls}\nb.ts?${C}9\n#EXT-X-DEFINE:NAME="x",VALUE="${C}"\nc.ts?x=1&{$cfhls}\n`,
      replaced: 2,
    });
  });

  it('stays linear on one hostile line holding 20k copies of the credentials', () => {
    const line = `#EXT-X-DATERANGE:ID="a",${Array.from({ length: 20_000 }, (_, i) => `X-URI="u${i}?${C}"`).join(',')}\n`;
    const t0 = performance.now();
    const out = replaceCredentials(line, C);
    expect(out.replaced).toBe(20_000);
    // A quadratic scan back to the line start would take minutes here; linear takes milliseconds.
    expect(performance.now() - t0).toBeLessThan(5_000);
  });
});

// --------------------------------------------------------------------------------------------- through the handler

let s3: FaultyS3;
let restoreEnv: () => void;
let logs: string[] = [];
let restoreSink: (line: string) => void;
const cf = (e: CloudFrontResponseEvent) => e.Records[0]!.cf;

/** S3 (a local HTTP server) answers every GetObject with `body`. */
function serve(body: string): void {
  s3.otherwise = s3Object(body);
}

/** The recorded S3 event with the compact header set on the origin (as template.yaml does when enabled). */
function compactEvent(value = 'define'): CloudFrontResponseEvent {
  const event = atEndpoint(loadEvent('origin-response/s3-playlist-200'), s3.endpoint);
  cf(event).request.uri = '/movies/42/720p/index.m3u8';
  cf(event).request.origin!.s3!.customHeaders['x-cfhls-compact'] = [{ key: 'X-Cfhls-Compact', value }];
  return event;
}

const eventCreds = suffixedCreds(cf(loadEvent('origin-response/s3-playlist-200')).request.querystring);
const EVENT_C = `Policy=${eventCreds.Policy}&Signature=${eventCreds.Signature}&Key-Pair-Id=${eventCreds['Key-Pair-Id']}`;

describe('origin-response with x-cfhls-compact: define', () => {
  beforeAll(async () => {
    s3 = await startFaultyS3();
    restoreEnv = useCredentials();
  });
  afterAll(async () => {
    restoreEnv();
    await s3.close();
  });
  beforeEach(() => {
    logs = [];
    restoreSink = setLogSink((line) => logs.push(line));
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-11-26T05:00:00Z'));
  });
  afterEach(() => {
    setLogSink(restoreSink);
    vi.useRealTimers();
  });

  it('answers a media playlist in the compact form', async () => {
    serve(mediaPlaylist(3));
    const response = await handler(compactEvent());
    expect(response.status).toBe('200');
    expect(response.headers['content-encoding']?.[0]?.value).toBe('br');
    const lines = bodyText(response).split('\n');
    expect(lines.slice(0, 3)).toEqual(['#EXTM3U', `#EXT-X-DEFINE:NAME="cfhls",VALUE="${EVENT_C}"`, '#EXT-X-VERSION:8']);
    expect(lines.filter((l) => l.startsWith('seg'))).toEqual(['seg00000.ts?{$cfhls}', 'seg00001.ts?{$cfhls}', 'seg00002.ts?{$cfhls}']);
    expect(response.headers['x-cfhls-rewrite']?.[0]?.value).toBe('rewritten');
    for (const line of logs) expect(line).not.toContain(eventCreds.Signature);
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
    const event = compactEvent();
    delete cf(event).request.headers['accept-encoding'];
    const response = await handler(event);
    expect(response.status).toBe('200');
    expect(response.bodyEncoding).toBe('text');
    expect(response.body!.length).toBeLessThanOrEqual(1_048_576);
    expect(response.body!.split('{$cfhls}').length - 1).toBe(20_000);
  });

  it('gzips the compact form when even it is over 1 MB and the viewer accepts only gzip', async () => {
    serve(mediaPlaylist(60_000));
    const event = compactEvent();
    cf(event).request.headers['accept-encoding'] = [{ key: 'Accept-Encoding', value: 'gzip' }];
    const response = await handler(event);
    expect(response.status).toBe('200');
    expect(response.headers['content-encoding']?.[0]?.value).toBe('gzip');
    const text = gunzipSync(Buffer.from(response.body!, 'base64')).toString('utf8');
    expect(text.split('{$cfhls}').length - 1).toBe(60_000);
  });

  it('answers 502 with the log line when the compact form is over 1 MB and the viewer does not accept gzip', async () => {
    serve(mediaPlaylist(60_000));
    const event = compactEvent();
    delete cf(event).request.headers['accept-encoding'];
    const response = await handler(event);
    expect(response.status).toBe('502');
    const line = JSON.parse(logs.find((l) => l.includes('1 MB'))!) as { form: string; hint: string };
    expect(line.form).toBe('compact');
    expect(line.hint).toMatch(/split the playlist/);
  });
});
