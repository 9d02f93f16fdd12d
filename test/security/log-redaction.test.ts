import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { AwsV4Signer } from 'aws4fetch';
import { handler as viewerRequest } from '../../src/edge/viewer-request.js';
import { handler as originResponse } from '../../src/edge/origin-response.js';
import { generateKeyPair, loadPrivateKey, signUrl } from '../../src/signer/index.js';
import { readCredentials } from '../../src/cloudfront/index.js';
import { loadEvent } from '../helpers/events.js';
import { atEndpoint, s3Object, startFaultyS3, useCredentials } from '../helpers/s3.js';
import type { FaultyS3 } from '../helpers/s3.js';

// Runs the edge handlers through success and every failure path with real signed credentials, with the default
// log sink, and captures everything written to stdout, stderr and the console. No Policy or Signature value
// (raw, suffixed, or percent-decoded) and no PEM key may appear in it.

let s3: FaultyS3;
let restoreEnv: () => void;
const captured: string[] = [];
const keys = generateKeyPair({ type: 'rsa' });
const HOST = 'd111111abcdef8.cloudfront.net';
const signed = signUrl({
  url: `https://${HOST}/movies/42/master.m3u8`,
  keyPairId: 'K2JCJMDEHXQW5F',
  privateKey: keys.privateKeyPem,
  expires: Math.floor(Date.now() / 1000) + 3600,
  ipAddress: '203.0.113.0/24',
});
const query = signed.slice(signed.indexOf('?') + 1);
const creds = readCredentials(query);
const pemBody = keys.privateKeyPem.split('\n').filter((l) => l && !l.startsWith('-----'));
const SECRETS = [creds.Policy!, creds.Signature!, decodeURIComponent(creds.Signature!), ...pemBody.slice(0, 3)];

/** S3 (a local HTTP server) answers with an error whose XML message quotes the signed URL. */
function fail(code: string, status: number): FaultyS3['otherwise'] {
  return (_req, res) => {
    res.writeHead(status, { 'Content-Type': 'application/xml' });
    res.end(`<Error><Code>${code}</Code><Message>${code} for ${signed}</Message></Error>`);
  };
}

/** The signing library throws an unexpected error (the one place left where one can arise mid-fetch). */
function signerThrows(error: Error): () => void {
  const spy = vi.spyOn(AwsV4Signer.prototype, 'sign').mockRejectedValue(error);
  return () => spy.mockRestore();
}

beforeAll(async () => {
  s3 = await startFaultyS3();
  restoreEnv = useCredentials();
  const grab = (chunk: unknown) => {
    captured.push(typeof chunk === 'string' ? chunk : Buffer.isBuffer(chunk) ? chunk.toString('utf8') : String(chunk));
    return true;
  };
  vi.spyOn(process.stdout, 'write').mockImplementation(grab as typeof process.stdout.write);
  vi.spyOn(process.stderr, 'write').mockImplementation(grab as typeof process.stderr.write);
  for (const m of ['log', 'info', 'warn', 'error', 'debug'] as const) {
    vi.spyOn(console, m).mockImplementation((...args: unknown[]) => void captured.push(args.map(String).join(' ')));
  }
});
afterAll(async () => {
  vi.restoreAllMocks();
  restoreEnv();
  await s3.close();
});

/** viewer-request with the signed query, then origin-response with whatever it produced. */
async function throughBothHandlers(originQuery?: (q: string) => string): Promise<void> {
  const vr = loadEvent('viewer-request/with-credentials');
  vr.Records[0]!.cf.request.querystring = query;
  const forwarded = await viewerRequest(vr);
  const or = atEndpoint(loadEvent('origin-response/s3-playlist-200'), s3.endpoint);
  or.Records[0]!.cf.request.querystring = originQuery ? originQuery(forwarded.querystring) : forwarded.querystring;
  await originResponse(or);
}

describe('log redaction across handler runs', () => {
  it('keeps every credential and the private key out of all output, on success and on every failure path', async () => {
    const playlist = '#EXTM3U\n#EXT-X-TARGETDURATION:4\n#EXTINF:4,\nseg0.ts\n#EXT-X-ENDLIST\n';
    s3.otherwise = s3Object(playlist);
    await throughBothHandlers();
    s3.otherwise = s3Object('not a playlist');
    await throughBothHandlers();
    s3.otherwise = s3Object(`#EXTM3U\n${'#EXTINF:4,\nsegment-with-a-long-name-000000.ts\n'.repeat(40_000)}`);
    await throughBothHandlers(); // over 1 MB: gzip path
    for (const [name, status] of [['NoSuchKey', 404], ['AccessDenied', 403], ['SlowDown', 503], ['Weird', 418]] as const) {
      s3.otherwise = fail(name, status);
      await throughBothHandlers();
    }
    // An unexpected error whose message quotes the signed URL and the credentials.
    const restoreSigner = signerThrows(new TypeError(`cannot read ${signed} Signature-PREFIX=${creds.Signature}`));
    await throughBothHandlers();
    restoreSigner();
    // Canned-policy credentials and a request that breaks the viewer-request handler.
    const canned = `Expires=1798761600&Signature-PREFIX=${creds.Signature}&Key-Pair-Id-PREFIX=K2JCJMDEHXQW5F`;
    await throughBothHandlers(() => canned);
    const broken = loadEvent('viewer-request/with-credentials');
    (broken.Records[0]!.cf.request as { querystring: unknown }).querystring = { toString: () => query };
    await viewerRequest(broken);

    const all = captured.join('\n');
    expect(captured.length).toBeGreaterThanOrEqual(8); // the runs did log
    expect(all).toContain('REDACTED');
    for (const secret of SECRETS) expect(all).not.toContain(secret);
    expect(all).not.toMatch(/PRIVATE KEY/);
  });

  it('redacts a PEM private key that an error message happens to quote', async () => {
    captured.length = 0;
    const restoreSigner = signerThrows(new TypeError(`unexpected key material: ${keys.privateKeyPem}`));
    await throughBothHandlers();
    restoreSigner();
    const all = captured.join('\n');
    expect(all).toContain('unexpected key material');
    for (const line of pemBody.slice(0, 3)) expect(all).not.toContain(line);
  });

  it('keeps the private key out of the signer error messages for a damaged or encrypted key', () => {
    const damaged = keys.privateKeyPem.replace(/\n[A-Za-z0-9+/]{20}/, '\n!!!!');
    const messages: string[] = [];
    for (const attempt of [
      () => loadPrivateKey(damaged),
      () => loadPrivateKey(keys.privateKeyPem.slice(0, 200)),
      () => signUrl({ url: 'not a url', keyPairId: 'K1', privateKey: keys.privateKeyPem, expires: 1 }),
    ]) {
      try {
        attempt();
      } catch (err) {
        messages.push(`${(err as Error).message} ${String((err as Error).cause ?? '')}`);
      }
    }
    expect(messages).toHaveLength(3);
    for (const m of messages) for (const line of pemBody.slice(0, 3)) expect(m).not.toContain(line);
  });
});
