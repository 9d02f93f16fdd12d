import { describe, expect, it } from 'vitest';
import { PassThrough } from 'node:stream';
import { main } from '../../src/cli/main.js';
import { startLocalEdge } from '../../src/local-edge/index.js';
import { ensureBuilt } from '../helpers/build.js';

// template.yaml's ViewerRequestKind chooses the playlist behavior's viewer-request function; the local edge runs
// whichever the template selects (the CloudFront Function from its FunctionCode, Lambda@Edge from its bundle).

const playlistBehavior = (edge: Awaited<ReturnType<typeof startLocalEdge>>) => edge.model.behaviors.find((b) => b.pathPattern === '*.m3u8')!;

describe('ViewerRequestKind on the local edge', () => {
  it('runs the Lambda@Edge viewer-request by default', async () => {
    ensureBuilt();
    const edge = await startLocalEdge({ port: 0 });
    try {
      const b = playlistBehavior(edge);
      expect(b.functions.map((f) => `${f.eventType} ${f.functionId}`)).toEqual(['viewer-request ViewerRequestFunction', 'origin-response OriginResponseFunction']);
      expect(b.cloudFrontFunctions).toEqual([]);
    } finally {
      await edge.close();
    }
  }, 60_000);

  it('runs the CloudFront Function with ViewerRequestKind=cloudfront-function, and playlists are rewritten the same', async () => {
    ensureBuilt();
    const cfEdge = await startLocalEdge({ port: 0, parameters: { ViewerRequestKind: 'cloudfront-function' } });
    const lambdaEdge = await startLocalEdge({ port: 0 });
    try {
      const b = playlistBehavior(cfEdge);
      expect(b.cloudFrontFunctions.map((f) => `${f.eventType} ${f.functionId} ${f.runtime}`)).toEqual(['viewer-request ViewerRequestCloudFrontFunction cloudfront-js-2.0']);
      expect(b.functions.map((f) => f.eventType)).toEqual(['origin-response']);
      for (const path of ['/master.m3u8', '/v2/index.m3u8']) {
        const signedCf = cfEdge.sign(path);
        const viaCf = await fetch(signedCf);
        expect(viaCf.status).toBe(200);
        expect(viaCf.headers.get('x-cfhls-rewrite')).toBe('rewritten');
        const text = await viaCf.text();
        // The same rewrite as through the Lambda@Edge viewer-request, credentials aside.
        const viaLambda = await (await fetch(lambdaEdge.sign(path))).text();
        const strip = (t: string) => t.replace(/\?Policy=[^"\n]*/g, '?CREDENTIALS');
        expect(strip(text)).toBe(strip(viaLambda));
        const policy = /[?&]Policy=([^&]+)/.exec(signedCf)![1]!;
        expect(text).toContain(`?Policy=${policy}&`);
      }
      expect((await fetch(`${cfEdge.url}/master.m3u8`)).status).toBe(403);
    } finally {
      await Promise.all([cfEdge.close(), lambdaEdge.close()]);
    }
  }, 60_000);

  it('is what `cloudfront-hls serve --param ViewerRequestKind=cloudfront-function` serves', async () => {
    ensureBuilt();
    let out = '';
    const io = { stdin: new PassThrough(), stdout: { write: (s: string | Uint8Array) => (out += String(s)) }, stderr: { write: () => undefined } };
    const running = main(['serve', '--port', '0', '--quiet', '--param', 'ViewerRequestKind=cloudfront-function'], io);
    for (let i = 0; i < 100 && !out.includes('Ctrl-C'); i++) await new Promise((r) => setTimeout(r, 50));
    try {
      const signed = /^signed master URL .*: (\S+)$/m.exec(out)![1]!;
      const res = await fetch(signed);
      expect(res.status).toBe(200);
      expect(await res.text()).toMatch(/\.m3u8\?Policy=/);
    } finally {
      process.emit('SIGINT');
      expect(await running).toBe(0);
    }
  }, 60_000);
});
