import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { exportJWK } from 'jose';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { verifySignedUrl } from '../../src/signer/index.js';
import { freezeClock } from '../helpers/clock.js';
import { FIXTURES, idp, KID, NOW_MS, SIGNER_PEM, SIGNER_PUBLIC_PEM, signerEnv, token } from './helpers.js';
import { mockAwsClient } from '../helpers/aws-mock.js';

const sm = mockAwsClient(SecretsManagerClient);
let server: Server;
let jwksUrl: string;
let jwksHits = 0;
let logSpy: { mock: { calls: unknown[][] }; mockRestore(): void };

/** A recorded event with the viewer's token in `header` (behind CloudFront OAC: x-cfhls-authorization). */
function event(name: string, jwt: string, header = 'authorization'): APIGatewayProxyEventV2 {
  const e = structuredClone(JSON.parse(readFileSync(join(FIXTURES, 'events', name), 'utf8')) as APIGatewayProxyEventV2);
  e.headers[header] = `Bearer ${jwt}`;
  return e;
}

type Handler = (e: APIGatewayProxyEventV2) => Promise<APIGatewayProxyStructuredResultV2>;
async function loadHandler(env: Record<string, string | undefined>): Promise<Handler> {
  for (const [k, v] of Object.entries(env)) vi.stubEnv(k, v);
  vi.resetModules();
  return ((await import('../../src/functions/sign-url/index.js')) as { handler: Handler }).handler;
}

beforeAll(async () => {
  const jwk = { ...(await exportJWK(idp.publicKey)), kid: 'idp-1', alg: 'RS256', use: 'sig' };
  server = createServer((req, res) => {
    jwksHits++;
    if (req.url !== '/jwks.json') {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [jwk] }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  jwksUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks.json`;
});
afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});
freezeClock(NOW_MS);
beforeEach(() => {
  sm.reset();
  sm.on(GetSecretValueCommand).resolves({ SecretString: SIGNER_PEM });
  jwksHits = 0;
  logSpy = vi.spyOn(console, 'log').mockImplementation(() => undefined);
});
afterEach(() => {
  vi.unstubAllEnvs();
  logSpy.mockRestore();
});

describe('sign-url handler', () => {
  it('signs for an API Gateway HTTP API event, with CORS for the allowed origin', async () => {
    const handler = await loadHandler(signerEnv({ CFHLS_JWKS_URL: jwksUrl, CFHLS_CORS_ORIGINS: 'https://player.example.com' }));
    const res = await handler(event('http-api-v2.json', await token({}, { kid: 'idp-1' })));
    expect(res.statusCode).toBe(200);
    expect(res.headers?.['access-control-allow-origin']).toBe('https://player.example.com');
    const { url } = JSON.parse(res.body!) as { url: string };
    expect(verifySignedUrl(url, { keys: { [KID]: SIGNER_PUBLIC_PEM }, now: NOW_MS }).ok).toBe(true);
  });

  it('redirects for a Function URL event behind CloudFront and binds the viewer address', async () => {
    const handler = await loadHandler(signerEnv({ CFHLS_JWKS_URL: jwksUrl, CFHLS_BIND_CLIENT_IP: 'true', CFHLS_HASH_ALGORITHM: 'SHA256' }));
    const res = await handler(event('function-url.json', await token({}, { kid: 'idp-1' })));
    expect(res.statusCode).toBe(302);
    const location = String(res.headers?.location);
    expect(location).toContain('&Hash-Algorithm=SHA256');
    const keys = { [KID]: SIGNER_PUBLIC_PEM };
    expect(verifySignedUrl(location, { keys, now: NOW_MS, clientIp: '203.0.113.9' }).ok).toBe(true);
    expect(verifySignedUrl(location, { keys, now: NOW_MS, clientIp: '130.176.0.1' }).ok).toBe(false);
  });

  it('signs behind CloudFront OAC with the token from x-cfhls-authorization and the host from x-cfhls-viewer-host', async () => {
    const handler = await loadHandler(signerEnv({ CFHLS_JWKS_URL: jwksUrl, CFHLS_DISTRIBUTION_DOMAIN: undefined }));
    const e = event('function-url-oac.json', await token({}, { kid: 'idp-1' }), 'x-cfhls-authorization');
    expect(e.headers.authorization).toMatch(/^AWS4-HMAC-SHA256 /); // OAC's SigV4, not the viewer's token
    const res = await handler(e);
    expect(res.statusCode).toBe(200);
    const { url } = JSON.parse(res.body!) as { url: string };
    expect(url).toMatch(/^https:\/\/d111111abcdef8\.cloudfront\.net\/movies\/42\/master\.m3u8\?Policy=/);
    expect(verifySignedUrl(url, { keys: { [KID]: SIGNER_PUBLIC_PEM }, now: NOW_MS }).ok).toBe(true);
    delete e.headers['x-cfhls-viewer-host'];
    expect((await handler(e)).statusCode).toBe(500);
  });

  it('fetches the private key and the JWKS once for many calls', async () => {
    const handler = await loadHandler(signerEnv({ CFHLS_JWKS_URL: jwksUrl }));
    const jwt = await token({}, { kid: 'idp-1' });
    for (let i = 0; i < 30; i++) expect((await handler(event('http-api-v2.json', jwt))).statusCode).toBe(200);
    expect(sm).toHaveReceivedCommandTimes(GetSecretValueCommand, 1);
    expect(sm).toHaveReceivedCommandWith(GetSecretValueCommand, { SecretId: 'cfhls/private-key' });
    expect(jwksHits).toBe(1);
    // One log line and one EMF metric record per call (test/setup.ts hands both to console.log).
    const lines = logSpy.mock.calls.map((c: unknown[]) => String(c[0]));
    const records = lines.filter((l) => l.startsWith('{"_aws":')).map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toHaveLength(60);
    expect(records).toHaveLength(30);
    expect(records.every((r) => r.Function === 'sign-url' && r.Outcome === 'signed' && r.SignerRequests === 1)).toBe(true);
    const logged = lines.join('\n');
    expect(logged).toContain('"outcome":"signed"');
    expect(logged).not.toContain(jwt.split('.')[2]);
    expect(logged).not.toMatch(/Signature|Policy=|BEGIN/);
  });

  it('answers 401 for a token whose kid the JWKS does not have', async () => {
    const handler = await loadHandler(signerEnv({ CFHLS_JWKS_URL: jwksUrl }));
    const res = await handler(event('http-api-v2.json', await token({}, { kid: 'unknown-kid' })));
    expect(res.statusCode).toBe(401);
    expect(res.headers?.['www-authenticate']).toContain('invalid_token');
  });

  it('answers 503 when the JWKS endpoint is not there', async () => {
    const handler = await loadHandler(signerEnv({ CFHLS_JWKS_URL: jwksUrl.replace('/jwks.json', '/missing.json') }));
    const res = await handler(event('http-api-v2.json', await token({}, { kid: 'idp-1' })));
    expect(res.statusCode).toBe(503);
    expect(res.body).toBe('{"error":"unavailable"}');
  });

  it('fails at cold start with a message naming the missing variable', async () => {
    await expect(loadHandler(signerEnv({ CFHLS_JWKS_URL: jwksUrl, CFHLS_KEY_PAIR_ID: undefined }))).rejects.toThrowError(/CFHLS_KEY_PAIR_ID is required/);
  });
});
