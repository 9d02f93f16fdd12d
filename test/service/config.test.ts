import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/service/index.js';
import { signerEnv } from './helpers.js';

describe('loadConfig', () => {
  it('fills documented defaults around the required variables', () => {
    const c = loadConfig(signerEnv());
    expect(c).toMatchObject({
      distributionDomain: 'd111111abcdef8.cloudfront.net',
      privateKey: { source: 'secretsmanager', id: 'cfhls/private-key', maxAgeSeconds: 300 },
      jwt: { jwksUrl: 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_TEST/.well-known/jwks.json', audience: ['player-app'] },
      entitlementClaim: 'entitlements',
      routePath: '/api/sign',
      contentParam: 'content',
      contentPrefix: '/',
      masterPlaylist: 'master.m3u8',
      ttlSeconds: 21600,
      hashAlgorithm: 'SHA1',
      bindClientIp: false,
      corsOrigins: [],
    });
  });

  it('reads every optional variable', () => {
    const c = loadConfig(
      signerEnv({
        CFHLS_PRIVATE_KEY_SOURCE: 'ssm',
        CFHLS_JWKS_URL: 'http://127.0.0.1:9999/jwks.json',
        CFHLS_JWT_AUDIENCE: 'a, b',
        CFHLS_ENTITLEMENT_CLAIM: 'custom:titles',
        CFHLS_ROUTE_PATH: '/v1/play/',
        CFHLS_CONTENT_PARAM: 'id',
        CFHLS_CONTENT_PREFIX: '/media/',
        CFHLS_MASTER_PLAYLIST: 'index.m3u8',
        CFHLS_TTL_SECONDS: '300',
        CFHLS_HASH_ALGORITHM: 'sha-256',
        CFHLS_BIND_CLIENT_IP: 'true',
        CFHLS_CORS_ORIGINS: 'https://player.example.com, https://b.example.com/',
      }),
    );
    expect(c).toMatchObject({
      privateKey: { source: 'ssm' },
      jwt: { jwksUrl: 'http://127.0.0.1:9999/jwks.json', audience: ['a', 'b'] },
      entitlementClaim: 'custom:titles',
      routePath: '/v1/play',
      contentParam: 'id',
      contentPrefix: '/media/',
      masterPlaylist: 'index.m3u8',
      ttlSeconds: 300,
      hashAlgorithm: 'SHA256',
      bindClientIp: true,
      corsOrigins: ['https://player.example.com', 'https://b.example.com'],
    });
  });

  it('names every missing required variable in one error', () => {
    let err: unknown;
    try {
      loadConfig({});
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    const m = (err as Error).message;
    for (const name of ['CFHLS_KEY_PAIR_ID', 'CFHLS_PRIVATE_KEY_SOURCE', 'CFHLS_PRIVATE_KEY_ID', 'CFHLS_JWT_ISSUER', 'CFHLS_JWT_AUDIENCE']) {
      expect(m).toContain(name);
    }
  });

  it('leaves CFHLS_DISTRIBUTION_DOMAIN optional: the host then comes from each request', () => {
    const c = loadConfig(signerEnv({ CFHLS_DISTRIBUTION_DOMAIN: undefined }));
    expect(c.distributionDomain).toBeUndefined();
    expect(loadConfig(signerEnv({ CFHLS_DISTRIBUTION_DOMAIN: 'Video.Example.com' })).distributionDomain).toBe('video.example.com');
  });

  it.each([
    ['CFHLS_DISTRIBUTION_DOMAIN', 'https://d111.cloudfront.net/'],
    ['CFHLS_DISTRIBUTION_DOMAIN', 'd111.cloudfront.net:443'],
    ['CFHLS_PRIVATE_KEY_SOURCE', 'dynamodb'],
    ['CFHLS_TTL_SECONDS', '21600000'],
    ['CFHLS_TTL_SECONDS', '1.5'],
    ['CFHLS_HASH_ALGORITHM', 'MD5'],
    ['CFHLS_JWKS_URL', 'http://idp.example.com/jwks.json'],
    ['CFHLS_CONTENT_PREFIX', 'media'],
    ['CFHLS_CORS_ORIGINS', 'player.example.com'],
    ['CFHLS_BIND_CLIENT_IP', 'maybe'],
    ['CFHLS_PRIVATE_KEY', '-----BEGIN PRIVATE KEY-----'],
  ])('rejects %s=%s with a message naming it', (name, value) => {
    expect(() => loadConfig(signerEnv({ [name]: value }))).toThrowError(new RegExp(name));
  });

  it('never echoes a pasted private key', () => {
    expect(() => loadConfig(signerEnv({ CFHLS_PRIVATE_KEY: '-----BEGIN PRIVATE KEY-----SECRET' }))).not.toThrowError(/SECRET/);
  });
});
