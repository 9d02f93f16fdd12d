/**
 * The /api/* CloudFront Function (SignerViewerFunction) as template.yaml deploys it: 401 before any Lambda runs for a
 * request without a well-formed bearer token, the signer's headers for the rest.
 */
import { describe, expect, it } from 'vitest';
import { buildCloudFrontFunction, MAX_FUNCTION_BYTES } from '../../scripts/cloudfront-function.mjs';
import { isWellFormedBearer, MAX_AUTHORIZATION_CHARS } from '../../src/cloudfront/signer-headers.js';
import { deployedCode, runDeployedFunction } from '../helpers/cloudfront-function.js';

const RESOURCE = 'SignerViewerFunction';
const b64url = (v: unknown): string => Buffer.from(JSON.stringify(v)).toString('base64url');
/** A token with a JWT's shape (header.payload.signature); the signature is not checked here, only by the signer. */
const JWT = `${b64url({ alg: 'RS256', kid: 'k1' })}.${b64url({ sub: 'viewer', aud: 'a' })}.${Buffer.alloc(256, 7).toString('base64url')}`;

const run = (method: string, headers: string[]) => runDeployedFunction(RESOURCE, method, '/api/sign', headers);

describe('the signer\'s CloudFront Function', () => {
  it('is in template.yaml exactly as built from src/cloudfront-functions/signer-request.ts', async () => {
    // If this fails: node scripts/build.mjs --sync-template
    expect(deployedCode(RESOURCE)).toBe(await buildCloudFrontFunction('signer-request'));
    expect(Buffer.byteLength(deployedCode(RESOURCE))).toBeLessThan(MAX_FUNCTION_BYTES);
  });

  it.each([
    ['no Authorization', []],
    ['an empty one', ['Authorization', '']],
    ['another scheme', ['Authorization', `Basic ${Buffer.from('a:b').toString('base64')}`]],
    ['a bare token', ['Authorization', JWT]],
    ['a token of two parts', ['Authorization', `Bearer ${JWT.split('.').slice(0, 2).join('.')}`]],
    ['no signature', ['Authorization', `Bearer ${JWT.split('.').slice(0, 2).join('.')}.`]],
    ['a header that is not JSON', ['Authorization', 'Bearer a.b.c']],
    ['characters outside base64url', ['Authorization', `Bearer ${JWT.replace('.', '+.')}`]],
    ['an oversized token', ['Authorization', `Bearer ${JWT}${'A'.repeat(MAX_AUTHORIZATION_CHARS)}`]],
    ['only the signer\'s own header', ['X-Cfhls-Authorization', `Bearer ${JWT}`]],
  ])('answers 401 to a request with %s, before any Lambda runs', async (_case, headers) => {
    const r = await run('GET', headers as string[]);
    expect(r.kind).toBe('response');
    if (r.kind !== 'response') return;
    expect(r.statusCode).toBe(401);
    expect(r.headers['www-authenticate']?.value).toMatch(/^Bearer realm="cloudfront-hls"/);
    expect(r.headers['cache-control']?.value).toBe('no-store');
  });

  it('passes a well-formed bearer token on, with the signer\'s headers overwriting viewer-sent ones', async () => {
    const r = await run('GET', ['Authorization', `bearer ${JWT}`, 'X-Cfhls-Viewer-Host', 'evil.example', 'X-Cfhls-Viewer-Ip', '192.0.2.9']);
    expect(r.kind).toBe('request');
    if (r.kind !== 'request') return;
    expect(r.request.headers['x-cfhls-authorization']).toEqual({ value: `bearer ${JWT}` });
    expect(r.request.headers['x-cfhls-viewer-host']).toEqual({ value: 'd111111abcdef8.cloudfront.net' });
    expect(r.request.headers['x-cfhls-viewer-ip']).toEqual({ value: '203.0.113.178' });
  });

  it('lets a CORS preflight through without a token, and drops a smuggled copy of the header', async () => {
    const r = await run('OPTIONS', ['Origin', 'https://player.example', 'Access-Control-Request-Headers', 'authorization', 'X-Cfhls-Authorization', `Bearer ${JWT}`]);
    expect(r.kind).toBe('request');
    if (r.kind !== 'request') return;
    expect(r.request.headers['x-cfhls-authorization']).toBeUndefined();
  });
});

describe('isWellFormedBearer', () => {
  it('accepts the shape of a JWS compact token and nothing looser', () => {
    expect(isWellFormedBearer(`Bearer ${JWT}`)).toBe(true);
    expect(isWellFormedBearer(`BEARER  ${JWT}`)).toBe(true);
    expect(isWellFormedBearer(`Bearer ${JWT}.x`)).toBe(false);
    expect(isWellFormedBearer(undefined)).toBe(false);
  });
});
