import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.js';
import { discoverTitles, LocalEdgeConfigError, loadTemplate, startLocalEdge } from '../../src/local-edge/index.js';
import type { LocalEdge } from '../../src/local-edge/index.js';
import { compileCloudFrontFunction, toCfFunctionRequest } from '../../src/local-edge/function-runtime/cf-function.js';
import { mediaHostOf } from '../../src/service/service.js';
import type { SignerConfig } from '../../src/service/config.js';
import { ensureBuilt } from '../helpers/build.js';

const root = join(__dirname, '..', '..');
const templateText = readFileSync(join(root, 'template.yaml'), 'utf8');
// 2031-03-04T05:06:07Z: the signer, the JWT checks and the edge all read this frozen clock.
const NOW_MS = Date.UTC(2031, 2, 4, 5, 6, 7);
/** The signer's TTL as template.yaml configures it (SignedUrlTtlSeconds' default). */
const templateTtl = (): number => Number(loadTemplate(join(root, 'template.yaml')).origins.find((o) => o.kind === 'lambda-url')!.function!.environment.CFHLS_TTL_SECONDS);


/** The first URI line after `#EXT-X-STREAM-INF` / `#EXTINF`, or the first URI line at all. */
function firstUriLine(playlist: string): string {
  return playlist.split('\n').find((l) => l !== '' && !l.startsWith('#'))!;
}

function withTemplate(edit: (text: string) => string): { file: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'cfhls-signer-'));
  const file = join(dir, 'template.yaml');
  writeFileSync(file, edit(templateText));
  return { file, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

function replaceOnce(text: string, from: string, to: string): string {
  if (!text.includes(from)) throw new Error(`template has no "${from}"`);
  return text.replace(from, to);
}

describe('the local edge serving the signer behind /api/* as template.yaml deploys it', () => {
  let edge: LocalEdge;
  const signerLog: Array<{ status: number; outcome: string }> = [];
  let sign: (query: string, token?: string, headers?: Record<string, string>) => Promise<Response>;

  beforeAll(async () => {
    ensureBuilt();
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(NOW_MS);
    edge = await startLocalEdge({ port: 0, onSignerLog: (r) => signerLog.push(r) });
    sign = (query, token, headers = {}) =>
      fetch(`${edge.signer!.signUrl}?${query}`, { headers: { ...(token !== undefined && { authorization: `Bearer ${token}` }), ...headers }, redirect: 'manual' });
  }, 60_000);

  afterAll(async () => {
    await edge?.close();
    vi.useRealTimers();
  });

  it('starts a dev issuer and a viewer token entitled to the sample, with no "not served" note', async () => {
    expect(edge.notes.join('\n')).not.toMatch(/not served/);
    expect(edge.signer).toMatchObject({ signUrl: `${edge.url}/api/sign`, contentParam: 'content', issuer: `${edge.url}/_local/oidc`, titles: { sample: '/' } });
    const jwks = (await (await fetch(edge.signer!.jwksUrl)).json()) as { keys: Array<Record<string, unknown>> };
    expect(jwks.keys).toHaveLength(1);
    expect(jwks.keys[0]).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256' });
    expect(jwks.keys[0]).not.toHaveProperty('d');
    const claims = JSON.parse(Buffer.from(edge.signer!.token.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;
    expect(claims).toMatchObject({ iss: edge.signer!.issuer, aud: 'cloudfront-hls-local', entitlements: ['sample'], exp: NOW_MS / 1000 + 43_200 });
  });

  it('signs the sample with the dev token: 200 with { url, expiresAt } for the edge itself, TTL from the template', async () => {
    const res = await sign('content=sample', edge.signer!.token);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const body = (await res.json()) as { url: string; expiresAt: number };
    expect(Object.keys(body).sort()).toEqual(['expiresAt', 'url']);
    expect(templateTtl()).toBeGreaterThanOrEqual(60);
    expect(body.expiresAt).toBe(NOW_MS / 1000 + templateTtl());
    expect(body.url).toMatch(new RegExp(`^${edge.url.replace(/\./g, '\\.')}/master\\.m3u8\\?Policy=[^&]+&Signature=[^&]+&Key-Pair-Id=${edge.keyPairId}$`));
  });

  it('hands out a URL that plays through the same edge: rewritten master, variant and a segment', async () => {
    const { url } = (await (await sign('content=sample', edge.signer!.token)).json()) as { url: string };
    const master = await fetch(url);
    expect(master.status).toBe(200);
    expect(master.headers.get('x-cfhls-rewrite')).toBe('rewritten');
    const variantUri = firstUriLine(await master.text());
    expect(variantUri).toMatch(/\?Policy=.+&Signature=.+&Key-Pair-Id=/);
    const variant = await fetch(new URL(variantUri, url));
    expect(variant.status).toBe(200);
    expect(variant.headers.get('x-cfhls-rewrite')).toBe('rewritten');
    const segmentUri = firstUriLine(await variant.text());
    const segment = await fetch(new URL(segmentUri, new URL(variantUri, url)));
    expect(segment.status).toBe(200);
    expect((await segment.arrayBuffer()).byteLength).toBeGreaterThan(100);
    expect((await fetch(url.split('?')[0]!)).status).toBe(403);
  });

  it('answers 302 to the signed master URL with redirect=1', async () => {
    const res = await sign('content=sample&redirect=1', edge.signer!.token);
    expect(res.status).toBe(302);
    const location = res.headers.get('location')!;
    expect(location.startsWith(`${edge.url}/master.m3u8?Policy=`)).toBe(true);
    expect((await fetch(location)).status).toBe(200);
  });

  it('answers 401 with a bare Bearer challenge without a token, from the CloudFront Function: the signer never runs', async () => {
    const before = signerLog.length;
    const res = await sign('content=sample');
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer realm="cloudfront-hls"');
    expect(signerLog.length).toBe(before);
  });

  it('answers 401 invalid_token for a token of another audience or an expired one', async () => {
    const otherAudience = await edge.signer!.mintToken({ audience: 'someone-else' });
    const expired = await edge.signer!.mintToken({ expiresInSeconds: -60 });
    for (const t of [otherAudience, expired, `${edge.signer!.token.slice(0, -4)}AAAA`]) {
      const res = await sign('content=sample', t);
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe('Bearer realm="cloudfront-hls", error="invalid_token"');
    }
  });

  it('answers 403 for a title the token does not list', async () => {
    const t = await edge.signer!.mintToken({ entitlements: ['movies/42'] });
    const res = await sign('content=sample', t);
    expect(res.status).toBe(403);
    expect(await res.json()).toEqual({ error: 'forbidden' });
  });

  it('answers 400 for malformed content ids and for ids that are not a title of the origin', async () => {
    for (const q of ['content=..%2Fetc', 'content=sample%2F*', 'content=a%3Fb', 'content=', 'other=sample']) {
      const res = await sign(q, edge.signer!.token);
      expect(res.status, q).toBe(400);
    }
    const entitledToUnknown = await edge.signer!.mintToken({ entitlements: ['nope'] });
    expect((await sign('content=nope', entitledToUnknown)).status).toBe(400);
    expect(signerLog.at(-1)).toMatchObject({ status: 400, outcome: 'unknown-content-id' });
  });

  it('runs SignerViewerFunction from the template: viewer-sent x-cfhls-* headers are replaced, not trusted', async () => {
    // A viewer naming another host or smuggling a token copy: the function overwrites the host and deletes the copy.
    const res = await sign('content=sample', edge.signer!.token, { 'x-cfhls-viewer-host': 'evil.example.com' });
    expect(((await res.json()) as { url: string }).url.startsWith(`${edge.url}/`)).toBe(true);
    const smuggled = await sign('content=sample', undefined, { 'x-cfhls-authorization': `Bearer ${edge.signer!.token}` });
    expect(smuggled.status).toBe(401);
  });

  it('applies the CORS response headers policy and logs the call as not needing a signature, without the token', async () => {
    const res = await sign('content=sample', edge.signer!.token, { origin: 'https://player.example' });
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    const entry = edge.requests.at(-1)!;
    expect(entry).toMatchObject({ path: '/api/sign', status: 200, behavior: '/api/*', signed: false, unprotected: true, cache: 'Disabled' });
    expect(JSON.stringify(edge.requests)).not.toContain(edge.signer!.token.split('.')[2]!);
  });

  it('serves the dev token to the player page on loopback', async () => {
    const dev = (await (await fetch(`${edge.url}/_local/dev-token`)).json()) as { token: string; titles: string[] };
    expect(dev).toMatchObject({ token: edge.signer!.token, titles: ['sample'] });
    expect(await (await fetch(edge.playerUrl)).text()).toContain('/_local/dev-token');
  });
});

/** A token with a JWT's shape (the CloudFront Function checks the shape only). */
const SHAPED_TOKEN = `${Buffer.from('{"alg":"ES256"}').toString('base64url')}.${Buffer.from('{"sub":"v"}').toString('base64url')}.c2ln`;

describe('signer modeling limits and startup errors', () => {
  it('models the /api/* CloudFront Function from template.yaml', () => {
    const api = loadTemplate(join(root, 'template.yaml')).behaviors.find((b) => b.pathPattern === '/api/*')!;
    expect(api.cloudFrontFunctions.map((f) => [f.eventType, f.functionId, f.runtime])).toEqual([['viewer-request', 'SignerViewerFunction', 'cloudfront-js-2.0']]);
    expect(api.origin.function).toMatchObject({ functionId: 'SignUrlFunction', entryPoint: 'src/functions/sign-url/index.ts' });
    expect(api.origin.function!.environment).toMatchObject({ CFHLS_ROUTE_PATH: '/api/sign', CFHLS_TTL_SECONDS: expect.stringMatching(/^\d+$/), CFHLS_ENTITLEMENT_CLAIM: 'entitlements' });
    // Deploy-time values (the public key's id, the key store) are left out; the local edge supplies its own.
    expect(api.origin.function!.environment).not.toHaveProperty('CFHLS_KEY_PAIR_ID');
  });

  it('runs the CloudFront Function code with CloudFront\'s event shape; the host is the distribution\'s, not the viewer\'s Host', async () => {
    const api = loadTemplate(join(root, 'template.yaml')).behaviors.find((b) => b.pathPattern === '/api/*')!;
    const fn = compileCloudFrontFunction(api.cloudFrontFunctions[0]!);
    const request = toCfFunctionRequest('GET', '/api/sign', 'content=x', ['Host', 'evil.example', 'X-Cfhls-Viewer-Host', 'evil.example', 'Authorization', `Bearer ${SHAPED_TOKEN}`, 'Cookie', 'k=v']);
    const r = await fn.run({ version: '1.0', context: { distributionDomainName: 'd1.cloudfront.net', distributionId: 'E1', eventType: 'viewer-request', requestId: 'r' }, viewer: { ip: '192.0.2.1' }, request });
    expect(r.kind).toBe('request');
    if (r.kind !== 'request') return;
    expect(r.request.headers['x-cfhls-authorization']).toEqual({ value: `Bearer ${SHAPED_TOKEN}` });
    expect(r.request.headers['x-cfhls-viewer-host']).toEqual({ value: 'd1.cloudfront.net' });
    expect(r.request.cookies).toEqual({ k: { value: 'v' } });
  });

  it('refuses a CloudFront Function that does not load, naming it', () => {
    expect(() => compileCloudFrontFunction({ eventType: 'viewer-request', functionId: 'Broken', runtime: 'cloudfront-js-2.0', code: 'function handler(event) {' }))
      .toThrow(/Broken\.FunctionCode does not load/);
    expect(() => compileCloudFrontFunction({ eventType: 'viewer-request', functionId: 'NoHandler', runtime: 'cloudfront-js-2.0', code: 'var x = 1;' }))
      .toThrow(/NoHandler\.FunctionCode defines no function named handler/);
  });

  it('refuses to start when a function URL origin runs something other than the signer', async () => {
    ensureBuilt();
    const t = withTemplate((s) => replaceOnce(s, '          - src/functions/sign-url/index.ts', '          - src/functions/reports/index.ts'));
    try {
      await expect(startLocalEdge({ port: 0, template: t.file })).rejects.toThrow(LocalEdgeConfigError);
      await expect(startLocalEdge({ port: 0, template: t.file })).rejects.toThrow(/SignUrlFunction \(src\/functions\/reports\/index\.ts\).*only the signer/);
    } finally {
      t.cleanup();
    }
  });

  it('refuses a viewer-response CloudFront Function and caching on the signer behavior', async () => {
    ensureBuilt();
    const vres = withTemplate((s) => replaceOnce(s, '              - EventType: viewer-request\n                FunctionARN: !GetAtt SignerViewerFunction.FunctionARN', '              - EventType: viewer-response\n                FunctionARN: !GetAtt SignerViewerFunction.FunctionARN'));
    const cached = withTemplate((s) => replaceOnce(s, "            CachePolicyId: 4135ea2d-6df8-44a3-9df3-4b5a84be39ad # Managed-CachingDisabled\n            OriginRequestPolicyId: b689b0a8", '            CachePolicyId: 658327ea-f89d-4fab-a63d-7e88639e58f6\n            OriginRequestPolicyId: b689b0a8'));
    try {
      await expect(startLocalEdge({ port: 0, template: vres.file })).rejects.toThrow(/EventType "viewer-response": only viewer-request CloudFront Functions/);
      await expect(startLocalEdge({ port: 0, template: cached.file })).rejects.toThrow(/only CachingDisabled is modeled on a function URL behavior/);
    } finally {
      vres.cleanup();
      cached.cleanup();
    }
  });

  it('without SignerViewerFunction the signer never sees the viewer\'s token, as behind OAC in AWS', async () => {
    ensureBuilt();
    const t = withTemplate((s) => replaceOnce(s, '            FunctionAssociations:\n              - EventType: viewer-request\n                FunctionARN: !GetAtt SignerViewerFunction.FunctionARN\n', ''));
    const edge = await startLocalEdge({ port: 0, template: t.file });
    try {
      const res = await fetch(`${edge.signer!.signUrl}?content=sample`, { headers: { authorization: `Bearer ${edge.signer!.token}` } });
      expect(res.status).toBe(401);
    } finally {
      await edge.close();
      t.cleanup();
    }
  });
});

describe('titles and local media hosts', () => {
  it('finds every folder holding a master playlist, the origin root named after its folder', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cfhls-titles-'));
    try {
      const lib = join(dir, 'my library');
      for (const d of ['', 'movies/42', 'movies/43/extras', 'no-master', '.hidden']) mkdirSync(join(lib, d), { recursive: true });
      for (const d of ['', 'movies/42', 'movies/43/extras', '.hidden']) writeFileSync(join(lib, d, 'master.m3u8'), '#EXTM3U\n');
      expect(discoverTitles(lib, 'master.m3u8')).toEqual({ 'my-library': '/', 'movies/42': '/movies/42/', 'movies/43/extras': '/movies/43/extras/' });
      expect(discoverTitles(join(root, 'sample'), 'master.m3u8')).toEqual({ sample: '/' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('accepts a loopback viewer host with a port only when loopbackHttp is set', () => {
    const config = {} as SignerConfig;
    const req = { method: 'GET', path: '/api/sign', query: {}, headers: { 'x-cfhls-viewer-host': '127.0.0.1:8080' } };
    expect(mediaHostOf(config, req)).toBeUndefined();
    expect(mediaHostOf(config, req, { loopbackHttp: false })).toBeUndefined();
    expect(mediaHostOf(config, req, { loopbackHttp: true })).toBe('127.0.0.1:8080');
    expect(mediaHostOf(config, { ...req, headers: { 'x-cfhls-viewer-host': 'evil.example.com:8080' } }, { loopbackHttp: true })).toBeUndefined();
  });
});

describe('serve prints the signer', () => {
  it('prints a dev viewer token and a curl line that works as printed', async () => {
    ensureBuilt();
    let out = '';
    const io = { stdin: new PassThrough(), stdout: { write: (s: string | Uint8Array) => (out += String(s)) }, stderr: { write: (s: string | Uint8Array) => (out += String(s)) } };
    const running = main(['serve', '--port', '0', '--quiet'], io);
    for (let i = 0; i < 200 && !out.includes('Ctrl-C'); i++) await new Promise((r) => setTimeout(r, 50));
    try {
      expect(out).toMatch(/^dev viewer token \(valid 12 h, entitlements: sample\): [\w-]+\.[\w-]+\.[\w-]+$/m);
      const curl = /^try: curl -H "Authorization: Bearer ([\w.-]+)" "(http:\/\/127\.0\.0\.1:\d+\/api\/sign\?content=sample)"$/m.exec(out);
      expect(curl).not.toBeNull();
      const res = await fetch(curl![2]!, { headers: { authorization: `Bearer ${curl![1]!}` } });
      expect(res.status).toBe(200);
      const { url } = (await res.json()) as { url: string };
      expect((await fetch(url)).status).toBe(200);
    } finally {
      process.emit('SIGINT');
      expect(await running).toBe(0);
    }
  }, 30_000);
});
