/** The cache behaviors of template.yaml: signed URLs on every media behavior, and no playlist shared between viewers. */
import { describe, expect, it } from 'vitest';
import type { Template } from './cfn-yaml.js';
import { behaviors, mediaBehaviorProblems, PLAYLIST_KEY_QUERY_STRINGS, playlistCachingProblems, SUFFIXED_PARAMS } from './behavior-checks.js';
import { underKind } from './deployment.js';
import { distributionConfig as dc, readTemplate } from './template-file.js';

const { template, mutate } = readTemplate();
const playlist = (t: Template) => dc(t).CacheBehaviors.find((b: any) => b.PathPattern === '*.m3u8');

describe('media behaviors', () => {
  it('every media behavior requires signed URLs from the key group, over HTTPS', () => {
    expect(mediaBehaviorProblems(template)).toEqual([]);
    const media = behaviors(template).filter((b) => b.config.TargetOriginId === 'MediaOrigin');
    expect(media.map((b) => b.config.PathPattern ?? '(default)')).toEqual(['(default)', '*.m3u8']);
    // The live origin's behaviors (when LiveOriginDomain is set) are checked the same way.
    const live = behaviors(template).filter((b) => b.config.TargetOriginId === 'LiveOrigin');
    expect(live.map((b) => b.config.PathPattern)).toEqual([{ 'Fn::Sub': '${LivePathPattern}.m3u8' }, { Ref: 'LivePathPattern' }]);
  });

  it('a behavior that forgets the key group is caught', () => {
    expect(mediaBehaviorProblems(mutate((t) => { delete playlist(t).TrustedKeyGroups; }))).toEqual(['CacheBehaviors[3] *.m3u8: media without TrustedKeyGroups [!Ref KeyGroup]']);
    expect(mediaBehaviorProblems(mutate((t) => { dc(t).CacheBehaviors.push({ PathPattern: '*.key', TargetOriginId: 'MediaOrigin', ViewerProtocolPolicy: 'allow-all' }); })))
      .toEqual(['CacheBehaviors[4] *.key: serves plain HTTP', 'CacheBehaviors[4] *.key: media without TrustedKeyGroups [!Ref KeyGroup]']);
  });

  it('segments are cached long under a key without credentials, compressed, with CORS', () => {
    const def = dc(template).DefaultCacheBehavior;
    expect(def).toMatchObject({ TargetOriginId: 'MediaOrigin', Compress: true, CachePolicyId: { Ref: 'SegmentCachePolicy' }, ResponseHeadersPolicyId: { Ref: 'CorsPolicy' } });
    const cfg = template.Resources.SegmentCachePolicy.Properties.CachePolicyConfig;
    expect(cfg.ParametersInCacheKeyAndForwardedToOrigin.QueryStringsConfig).toEqual({ QueryStringBehavior: 'none' });
    expect(cfg.DefaultTTL).toBeGreaterThanOrEqual(86400);
    expect(cfg.MaxTTL).toBeGreaterThanOrEqual(cfg.DefaultTTL);
  });

  it('CORS allows the configured player origins and never credentials', () => {
    const cors = template.Resources.CorsPolicy.Properties.ResponseHeadersPolicyConfig.CorsConfig;
    expect(cors.AccessControlAllowOrigins.Items).toEqual({ Ref: 'AllowedPlayerOrigins' });
    expect(template.Parameters.AllowedPlayerOrigins).toMatchObject({ Type: 'CommaDelimitedList', Default: '*' });
    expect(cors.AccessControlAllowCredentials).toBe(false);
    for (const b of behaviors(template)) expect(b.config.ResponseHeadersPolicyId).toEqual({ Ref: 'CorsPolicy' });
  });
});

describe('playlist behavior', () => {
  it('cannot serve one viewer\'s rewritten playlist to another: the cache key holds every suffixed credential', () => {
    expect(playlistCachingProblems(template)).toEqual([]);
    for (const b of behaviors(template).filter((x) => JSON.stringify(x.config.PathPattern ?? '').includes('.m3u8'))) {
      expect(b.config.CachePolicyId, b.name).toEqual({ Ref: 'PlaylistCachePolicy' });
      expect(b.config.OriginRequestPolicyId, b.name).toEqual({ Ref: 'PlaylistOriginRequestPolicy' });
    }
    const cache = template.Resources.PlaylistCachePolicy.Properties.CachePolicyConfig;
    const key = cache.ParametersInCacheKeyAndForwardedToOrigin;
    // Every suffixed copy (Expires-PREFIX too: origin-response tells a canned policy from no credentials) and _HLS_*.
    expect(PLAYLIST_KEY_QUERY_STRINGS).toEqual(expect.arrayContaining([...SUFFIXED_PARAMS, 'Expires-PREFIX', '_HLS_msn', '_HLS_part', '_HLS_skip']));
    expect(key.QueryStringsConfig).toEqual({ QueryStringBehavior: 'whitelist', QueryStrings: PLAYLIST_KEY_QUERY_STRINGS });
    // At most 10 query strings per cache policy (cloudfront-limits.html).
    expect(key.QueryStringsConfig.QueryStrings.length).toBeLessThanOrEqual(10);
    // Normalized Accept-Encoding in the key (origin-response encodes the body per viewer), no headers or cookies.
    expect(key).toMatchObject({ EnableAcceptEncodingGzip: true, EnableAcceptEncodingBrotli: true, HeadersConfig: { HeaderBehavior: 'none' }, CookiesConfig: { CookieBehavior: 'none' } });
    // MinTTL 0: no-store answers are never kept; DefaultTTL 0: an answer without Cache-Control is never kept.
    expect(cache).toMatchObject({ MinTTL: 0, DefaultTTL: 0 });
    const orp = template.Resources.PlaylistOriginRequestPolicy.Properties.OriginRequestPolicyConfig;
    expect(orp.QueryStringsConfig).toEqual({ QueryStringBehavior: 'whitelist', QueryStrings: PLAYLIST_KEY_QUERY_STRINGS });
    // Accept-Encoding must not be named with the cache policy's normalization on (API_ParametersInCacheKeyAndForwardedToOrigin).
    expect(orp.HeadersConfig).toEqual({ HeaderBehavior: 'whitelist', Headers: ['Origin', 'Access-Control-Request-Method', 'Access-Control-Request-Headers'] });
  });

  it('a cache key without one suffixed credential, or with MinTTL over 0, is caught', () => {
    const params = (t: Template) => t.Resources.PlaylistCachePolicy.Properties.CachePolicyConfig.ParametersInCacheKeyAndForwardedToOrigin.QueryStringsConfig.QueryStrings as string[];
    for (const name of SUFFIXED_PARAMS) {
      expect(playlistCachingProblems(mutate((t) => { params(t).splice(params(t).indexOf(name), 1); })), name)
        .toEqual(['playlist responses are cached under a key that ignores the viewer credentials']);
    }
    expect(playlistCachingProblems(mutate((t) => { t.Resources.PlaylistCachePolicy.Properties.CachePolicyConfig.MinTTL = 1; })))
      .toEqual(['playlist cache policy MinTTL is not 0']);
  });

  it('runs both edge functions by version ARN (ViewerRequestKind lambda-edge, the default)', () => {
    expect(template.Parameters.ViewerRequestKind).toMatchObject({ Default: 'lambda-edge', AllowedValues: ['lambda-edge', 'cloudfront-function'] });
    expect(underKind(template, playlist(template).LambdaFunctionAssociations, 'lambda-edge')).toEqual([
      { EventType: 'viewer-request', LambdaFunctionARN: { Ref: 'ViewerRequestFunction.Version' } },
      { EventType: 'origin-response', LambdaFunctionARN: { Ref: 'OriginResponseFunction.Version' } },
    ]);
    expect(underKind(template, playlist(template).FunctionAssociations, 'lambda-edge')).toBeUndefined();
  });

  it('runs the viewer-request CloudFront Function and origin-response Lambda@Edge with ViewerRequestKind cloudfront-function', () => {
    expect(underKind(template, playlist(template).FunctionAssociations, 'cloudfront-function')).toEqual([
      { EventType: 'viewer-request', FunctionARN: { 'Fn::GetAtt': ['ViewerRequestCloudFrontFunction', 'FunctionARN'] } },
    ]);
    expect(underKind(template, playlist(template).LambdaFunctionAssociations, 'cloudfront-function')).toEqual([
      { EventType: 'origin-response', LambdaFunctionARN: { Ref: 'OriginResponseFunction.Version' } },
    ]);
    const fn = template.Resources.ViewerRequestCloudFrontFunction;
    expect(fn).toMatchObject({ Type: 'AWS::CloudFront::Function', Condition: 'ViewerRequestIsCloudFrontFunction', Properties: { AutoPublish: true, FunctionConfig: { Runtime: 'cloudfront-js-2.0' } } });
    // The Lambda@Edge viewer-request function (and its role) exist only when they are used.
    expect(template.Resources.ViewerRequestFunction.Condition).toBe('ViewerRequestIsLambdaEdge');
    expect(template.Resources.ViewerRequestFunctionRole.Condition).toBe('ViewerRequestIsLambdaEdge');
  });

  it('a viewer-request with both kinds at once, or with neither, is caught', () => {
    const both = mutate((t) => { playlist(t).FunctionAssociations = [{ EventType: 'viewer-request', FunctionARN: { 'Fn::GetAtt': ['ViewerRequestCloudFrontFunction', 'FunctionARN'] } }]; });
    expect(playlistCachingProblems(both)).toEqual(['lambda-edge: viewer-request has both a Lambda@Edge function and a CloudFront Function (CloudFront rejects this)']);
    const neither = mutate((t) => { delete playlist(t).FunctionAssociations; });
    expect(playlistCachingProblems(neither)).toEqual(['cloudfront-function: playlist behavior lacks the viewer-request CloudFront Function']);
  });

  it('a cache key that ignores the credentials is caught', () => {
    expect(playlistCachingProblems(mutate((t) => { playlist(t).CachePolicyId = { Ref: 'SegmentCachePolicy' }; })))
      .toEqual(['playlist responses are cached under a key that ignores the viewer credentials']);
  });

  it('a cache key holding every suffixed credential would be acceptable', () => {
    const keyed = mutate((t) => {
      t.Resources.PlaylistCachePolicy = structuredClone(t.Resources.SegmentCachePolicy);
      t.Resources.PlaylistCachePolicy.Properties.CachePolicyConfig.ParametersInCacheKeyAndForwardedToOrigin.QueryStringsConfig = { QueryStringBehavior: 'whitelist', QueryStrings: SUFFIXED_PARAMS };
      playlist(t).CachePolicyId = { Ref: 'PlaylistCachePolicy' };
    });
    expect(playlistCachingProblems(keyed)).toEqual([]);
  });

  it('an origin request policy that drops a credential, or a wrong association, is caught', () => {
    expect(playlistCachingProblems(mutate((t) => { t.Resources.PlaylistOriginRequestPolicy.Properties.OriginRequestPolicyConfig.QueryStringsConfig.QueryStrings.pop(); })))
      .toEqual(['playlist origin request policy does not forward the suffixed credentials and LL-HLS directives']);
    expect(playlistCachingProblems(mutate((t) => { playlist(t).LambdaFunctionAssociations[1].LambdaFunctionARN = { 'Fn::GetAtt': ['OriginResponseFunction', 'Arn'] }; })))
      .toEqual(['origin-response association is not !Ref OriginResponseFunction.Version']);
  });
});
