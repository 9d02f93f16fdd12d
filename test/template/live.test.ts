import { describe, expect, it } from 'vitest';
import { resolveValue } from './deployment.js';
import type { Deployment } from './deployment.js';
import { readTemplate } from './template-file.js';

const { template } = readTemplate();
const dc = template.Resources.Distribution.Properties.DistributionConfig;
const refs = {
  'ViewerRequestFunction.Version': 'vr:1', 'OriginResponseFunction.Version': 'or:1', KeyGroup: 'kg', CorsPolicy: 'cors',
  PlaylistCachePolicy: 'pcp', PlaylistOriginRequestPolicy: 'porp', SegmentCachePolicy: 'scp',
};
const deploy = (parameters: Record<string, string>): Deployment => ({ parameters, refs });
const LIVE = { LiveOriginDomain: 'abcd.egress.mediapackagev2.us-east-1.amazonaws.com' };
/** The live origin entry (index 2) and the cache behaviors as deployed, without the ones needing other resources. */
const liveOrigin = (p: Record<string, string>) => (resolveValue(template, [dc.Origins[2]], deploy(p)) as Record<string, any>[])[0];
const liveBehaviors = (p: Record<string, string>) => resolveValue(template, dc.CacheBehaviors.slice(1, 3), deploy(p)) as Record<string, any>[];

describe('IPv6 and IP-bound URLs', () => {
  it('turns IPv6 off whenever BindViewerIp is true (IpAddress conditions match IPv4 only)', () => {
    expect(resolveValue(template, dc.IPV6Enabled, deploy({}))).toBe(true);
    expect(resolveValue(template, dc.IPV6Enabled, deploy({ BindViewerIp: 'false' }))).toBe(true);
    expect(resolveValue(template, dc.IPV6Enabled, deploy({ BindViewerIp: 'true' }))).toBe(false);
  });
});

describe('live origin', () => {
  it('is absent by default: no origin, no behaviors', () => {
    expect(liveOrigin({})).toBeUndefined();
    expect(liveBehaviors({})).toEqual([]);
  });

  it('fronts the packager over HTTPS with the playlist behavior first, then its segments', () => {
    expect(liveOrigin(LIVE)).toEqual({
      Id: 'LiveOrigin', DomainName: LIVE.LiveOriginDomain,
      CustomOriginConfig: { OriginProtocolPolicy: 'https-only', OriginSSLProtocols: ['TLSv1.2'] },
      OriginCustomHeaders: [{ HeaderName: 'x-cfhls-compact', HeaderValue: 'off' }],
    });
    const [playlists, segments] = liveBehaviors(LIVE);
    expect(playlists).toMatchObject({
      PathPattern: '/out/v1/*.m3u8', TargetOriginId: 'LiveOrigin', CachePolicyId: 'pcp', OriginRequestPolicyId: 'porp', TrustedKeyGroups: ['kg'],
      LambdaFunctionAssociations: [{ EventType: 'viewer-request', LambdaFunctionARN: 'vr:1' }, { EventType: 'origin-response', LambdaFunctionARN: 'or:1' }],
    });
    expect(segments).toMatchObject({ PathPattern: '/out/v1/*', TargetOriginId: 'LiveOrigin', CachePolicyId: 'scp', TrustedKeyGroups: ['kg'] });
    // The live playlist pattern sits before '*.m3u8', which would otherwise send live playlists to the bucket.
    expect(dc.CacheBehaviors[3].PathPattern).toBe('*.m3u8');
  });

  it('adds Origin Shield and the MediaPackage v2 CDN authorization header from Secrets Manager when given', () => {
    const secret = 'arn:aws:secretsmanager:us-west-2:123456789012:secret:mp-cdn-AbCdEf';
    const origin = liveOrigin({ ...LIVE, LiveOriginShieldRegion: 'us-west-2', LiveCdnAuthSecretArn: secret, AlternateDomainName: 'video.example.com' })!;
    expect(origin.OriginShield).toEqual({ Enabled: true, OriginShieldRegion: 'us-west-2' });
    expect(origin.OriginCustomHeaders).toEqual([
      { HeaderName: 'x-cfhls-allow-hosts', HeaderValue: 'video.example.com' },
      { HeaderName: 'x-cfhls-compact', HeaderValue: 'off' },
      // A dynamic reference: the value is resolved at deploy time and never written into the template.
      { HeaderName: 'X-MediaPackageV2-CDNIdentifier', HeaderValue: `{{resolve:secretsmanager:${secret}:SecretString:MediaPackageV2CDNIdentifier}}` },
    ]);
  });

  it('refuses a path pattern that does not end in /*', () => {
    const pattern = new RegExp(template.Parameters.LivePathPattern.AllowedPattern);
    expect(pattern.test('/out/v1/*')).toBe(true);
    expect(pattern.test('/out/v1/index.m3u8')).toBe(false);
    expect(pattern.test('*')).toBe(false);
  });
});

describe('shared credentials', () => {
  it('are off by default and reach the signer as CFHLS_SHARED_WINDOW_SECONDS, which it accepts', async () => {
    const { loadConfig } = await import('../../src/service/config.js');
    expect(template.Parameters.SharedCredentialWindowSeconds).toMatchObject({ Type: 'Number', Default: 0, MinValue: 0, MaxValue: 86400 });
    const env = template.Resources.SignUrlFunction.Properties.Environment.Variables;
    expect(env.CFHLS_SHARED_WINDOW_SECONDS).toEqual({ Ref: 'SharedCredentialWindowSeconds' });
    const base = { CFHLS_KEY_PAIR_ID: 'K2JCJMDEHXQW5F', CFHLS_PRIVATE_KEY_SOURCE: 'ssm', CFHLS_PRIVATE_KEY_ID: '/k', CFHLS_JWT_ISSUER: 'https://auth.example.com/', CFHLS_JWT_AUDIENCE: 'a' };
    for (const value of [template.Parameters.SharedCredentialWindowSeconds.MinValue, template.Parameters.SharedCredentialWindowSeconds.MaxValue]) {
      expect(loadConfig({ ...base, CFHLS_SHARED_WINDOW_SECONDS: String(value) }).sharedWindowSeconds).toBe(value);
    }
  });
});
