/**
 * A CORS preflight from a player page on another origin, through the local edge: CloudFront checks the signed
 * URL, forwards Origin and Access-Control-Request-* to S3, whose CORS rule answers 200, and the response headers
 * policy sets the headers the browser checks.
 */
import { describe, expect, it } from 'vitest';
import { startLocalEdgeForSuite } from '../helpers/local-edge.js';
import { rawRequest } from './raw-get.js';

const PLAYER = 'https://player.example.com';
const preflight = (origin: string) => ({ Origin: origin, 'Access-Control-Request-Method': 'GET', 'Access-Control-Request-Headers': 'range' });

describe('CORS preflight through the local edge', () => {
  const edge = startLocalEdgeForSuite({ parameters: { AllowedPlayerOrigins: PLAYER } });

  it.each(['/v1/seg0.m4s', '/v1/index.m3u8'])('succeeds for %s from an allowed origin', async (path) => {
    const res = await rawRequest(edge().sign(path), preflight(PLAYER), 'OPTIONS');
    expect(res.status).toBe(200);
    expect(res.headers['access-control-allow-origin']).toBe(PLAYER);
    expect(String(res.headers['access-control-allow-methods']).split(/,\s*/)).toContain('GET');
    expect(String(res.headers['access-control-allow-headers']).toLowerCase().split(/,\s*/)).toContain('range');
    expect(res.headers['access-control-max-age']).toBe('600');
    expect(res.headers['access-control-allow-credentials']).toBeUndefined();
  });

  it('does not store the preflight answer: a GET afterwards gets the segment', async () => {
    const url = edge().sign('/v1/seg1.m4s');
    await rawRequest(url, preflight(PLAYER), 'OPTIONS');
    const res = await rawRequest(url);
    expect(res.status).toBe(200);
    expect(res.body.length).toBeGreaterThan(0);
  });

  it('is refused for another origin, and without a signature', async () => {
    const other = await rawRequest(edge().sign('/v1/seg0.m4s'), preflight('https://evil.example'), 'OPTIONS');
    expect(other.status).toBe(403);
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
    const unsigned = await rawRequest(`${edge().url}/v1/seg0.m4s`, preflight(PLAYER), 'OPTIONS');
    expect(unsigned.status).toBe(403);
  });
});
