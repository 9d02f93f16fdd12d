import { existsSync, readFileSync } from 'node:fs';
import { generateKeyPairSync } from 'node:crypto';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/service/config.js';
import type { Template } from './cfn-yaml.js';
import {
  ALL_VIEWER_EXCEPT_HOST_HEADER, CACHING_DISABLED, PLAYLIST_KEY_QUERY_STRINGS, ROOT, SUFFIXED_PARAMS, behaviors, bucketProblems,
  edgeFunctionProblems, keyMaterialProblems, mediaBehaviorProblems, playlistCachingProblems, readTemplate, resolveValue,
  underKind,
} from './checks.js';

const { text, template } = readTemplate();
const mutate = (change: (t: Template) => void): Template => {
  const copy = structuredClone(template);
  change(copy);
  return copy;
};
const dc = (t: Template) => t.Resources.Distribution.Properties.DistributionConfig;
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

describe('edge functions', () => {
  it('follow the Lambda@Edge rules: no environment, nodejs22.x, version, limits, esbuild, edge role', () => {
    expect(edgeFunctionProblems(template)).toEqual([]);
  });

  it('an Environment on an edge function, directly or through Globals, is caught', () => {
    expect(edgeFunctionProblems(mutate((t) => { t.Resources.OriginResponseFunction.Properties.Environment = { Variables: { A: 'b' } }; })))
      .toEqual(['OriginResponseFunction: has Environment (Lambda@Edge rejects it)']);
    expect(edgeFunctionProblems(mutate((t) => { t.Globals = { Function: { Environment: { Variables: { A: 'b' } } } }; })))
      .toEqual(['Globals.Function.Environment applies to the edge functions too']);
  });

  it('a source map, a wrong runtime, a viewer timeout over 5 s or a role without edgelambda is caught', () => {
    expect(edgeFunctionProblems(mutate((t) => {
      const fn = t.Resources.ViewerRequestFunction;
      fn.Metadata.BuildProperties.Sourcemap = true;
      fn.Properties.Runtime = 'nodejs20.x';
      fn.Properties.Timeout = 10;
      t.Resources.ViewerRequestFunctionRole.Properties.AssumeRolePolicyDocument.Statement[0].Principal.Service = ['lambda.amazonaws.com'];
    }))).toEqual([
      'ViewerRequestFunction: Runtime nodejs20.x, expected nodejs22.x',
      'ViewerRequestFunction: Timeout 10 outside Lambda@Edge limits',
      'ViewerRequestFunction: Sourcemap must be false (true adds NODE_OPTIONS to the environment)',
      'ViewerRequestFunction: role trust is ["lambda.amazonaws.com"], expected lambda + edgelambda',
    ]);
  });

  it('only origin-response may read media, and only objects of the media bucket', () => {
    expect(edgeFunctionProblems(mutate((t) => {
      t.Resources.ViewerRequestFunctionRole.Properties.Policies.push({ PolicyName: 'x', PolicyDocument: { Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: { 'Fn::Sub': '${MediaBucket.Arn}/*' } }] } });
      t.Resources.OriginResponseFunctionRole.Properties.Policies[1].PolicyDocument.Statement[0].Action = 's3:*';
    }))).toEqual([
      'ViewerRequestFunction: permission s3:GetObject on {"Fn::Sub":"${MediaBucket.Arn}/*"} is more than it needs',
      'OriginResponseFunction: wildcard action s3:*',
    ]);
  });

  it('every function entry point the template builds exists', () => {
    for (const id of ['ViewerRequestFunction', 'OriginResponseFunction', 'SignUrlFunction']) {
      for (const entry of template.Resources[id].Metadata.BuildProperties.EntryPoints) expect(existsSync(join(ROOT, entry)), entry).toBe(true);
    }
  });

  it('no function in the template has an environment except the signer', () => {
    const withEnv = Object.entries<any>(template.Resources).filter(([, r]) => r.Properties?.Environment !== undefined).map(([id]) => id);
    expect(withEnv).toEqual(['SignUrlFunction']);
    expect(template.Globals).toBeUndefined();
  });
});

describe('media bucket', () => {
  it('is private, owner-enforced, TLS only and readable only by this distribution through OAC', () => {
    expect(bucketProblems(template)).toEqual([]);
  });

  it('a public or OAI-based setup is caught', () => {
    expect(bucketProblems(mutate((t) => { t.Resources.MediaBucket.Properties.PublicAccessBlockConfiguration.BlockPublicPolicy = false; })))
      .toEqual(['MediaBucket: BlockPublicPolicy is not true']);
    expect(bucketProblems(mutate((t) => { delete t.Resources.MediaBucketPolicy.Properties.PolicyDocument.Statement[1].Condition; })))
      .toEqual(['MediaBucket: CloudFront access not limited to this distribution (AWS:SourceArn)']);
    expect(bucketProblems(mutate((t) => { t.Resources.MediaBucketPolicy.Properties.PolicyDocument.Statement[1].Principal = '*'; })))
      .toEqual(['MediaBucket: allows "*"']);
    expect(bucketProblems(mutate((t) => {
      t.Resources.Oai = { Type: 'AWS::CloudFront::CloudFrontOriginAccessIdentity', Properties: {} };
      const media = dc(t).Origins[0];
      delete media.OriginAccessControlId;
      media.S3OriginConfig.OriginAccessIdentity = { 'Fn::Sub': 'origin-access-identity/cloudfront/${Oai}' };
    }))).toEqual([
      'legacy origin access identity present',
      'MediaOrigin: not behind an always-signing S3 origin access control',
      'MediaOrigin: S3OriginConfig.OriginAccessIdentity must be empty with OAC',
    ]);
  });
});

describe('signer service', () => {
  it('sits at /api/* before the playlist pattern, uncached, all viewer headers but Host forwarded', () => {
    const api = dc(template).CacheBehaviors[0];
    expect(api).toMatchObject({
      PathPattern: '/api/*', TargetOriginId: 'SignerOrigin', ViewerProtocolPolicy: 'https-only',
      CachePolicyId: CACHING_DISABLED, OriginRequestPolicyId: ALL_VIEWER_EXCEPT_HOST_HEADER,
    });
    expect(api.TrustedKeyGroups).toBeUndefined();
  });

  it('is a function URL with IAM auth that only this distribution can invoke through OAC', () => {
    const fn = template.Resources.SignUrlFunction;
    expect(fn.Properties.FunctionUrlConfig).toEqual({ AuthType: 'AWS_IAM' });
    const origin = dc(template).Origins.find((o: any) => o.Id === 'SignerOrigin');
    expect(origin.OriginAccessControlId).toEqual({ 'Fn::GetAtt': ['SignerOriginAccessControl', 'Id'] });
    expect(template.Resources.SignerOriginAccessControl.Properties.OriginAccessControlConfig)
      .toMatchObject({ OriginAccessControlOriginType: 'lambda', SigningBehavior: 'always', SigningProtocol: 'sigv4' });
    const permissions = Object.values<any>(template.Resources).filter((r) => r.Type === 'AWS::Lambda::Permission');
    expect(permissions.map((p) => p.Properties.Action).sort()).toEqual(['lambda:InvokeFunction', 'lambda:InvokeFunctionUrl']);
    for (const p of permissions) {
      expect(p.Properties.Principal).toBe('cloudfront.amazonaws.com');
      expect(JSON.stringify(p.Properties.SourceArn)).toContain('distribution/${Distribution}');
      expect(p.Properties.FunctionName).toEqual({ Ref: 'SignUrlFunction.Alias' });
    }
  });

  it('reads only its own private key, by name, from the store a parameter chooses', () => {
    const role = template.Resources.SignUrlFunctionRole.Properties;
    const statements = role.Policies.flatMap((p: any) => p.PolicyDocument.Statement);
    const text = JSON.stringify(statements);
    expect(text).not.toMatch(/"Action":"[a-z]+:\*"|"Resource":"\*"/);
    expect(text).toContain('secret:${PrivateKeyName}-??????');
    expect(text).toContain('parameter/${PrivateKeyName}');
    expect(text).toContain('kms:ViaService');
    expect(template.Parameters.PrivateKeyStore.AllowedValues).toEqual(['secretsmanager', 'ssm']);
    const env = template.Resources.SignUrlFunction.Properties.Environment.Variables;
    expect(Object.keys(env).every((k) => k.startsWith('CFHLS_'))).toBe(true);
    expect(env.CFHLS_PRIVATE_KEY_ID).toEqual({ Ref: 'PrivateKeyName' });
  });
});

describe('keys', () => {
  it('the key group trusts the key slots, the second one optional, from PEM parameters', () => {
    expect(template.Resources.KeyGroup.Properties.KeyGroupConfig.Items).toEqual([
      { 'Fn::If': ['HasFirstKey', { Ref: 'PublicKey' }, { Ref: 'AWS::NoValue' }] },
      { 'Fn::If': ['HasSecondKey', { Ref: 'SecondPublicKey' }, { Ref: 'AWS::NoValue' }] },
    ]);
    expect(template.Resources.SecondPublicKey.Condition).toBe('HasSecondKey');
    expect(template.Parameters.SecondPublicKeyPem.Default).toBe('');
    expect(template.Parameters.PublicKeyPem.Default).toBeUndefined();
  });

  it('the PEM parameters accept a real public key, in either line form, and refuse a private key', () => {
    const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const pub = publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const pattern = new RegExp(template.Parameters.PublicKeyPem.AllowedPattern);
    expect(pattern.test(pub)).toBe(true);
    expect(pattern.test(pub.replaceAll('\n', '\\n'))).toBe(true);
    expect(pattern.test('')).toBe(true);
    expect(pattern.test(privateKey.export({ type: 'pkcs8', format: 'pem' }).toString())).toBe(false);
  });
});

describe('no secret or key material in the template', () => {
  it('finds none in template.yaml', () => {
    expect(keyMaterialProblems(text)).toEqual([]);
  });

  it('would find a pasted private key, public key, access key id or long base64 secret', () => {
    const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const priv = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const pub = publicKey.export({ type: 'spki', format: 'pem' }).toString();
    expect(keyMaterialProblems(`${text}\n# ${priv.replaceAll('\n', '\n# ')}`)).toContain('a private key header');
    expect(keyMaterialProblems(text.replace("SecondPublicKeyPem:\n    Type: String\n    Default: ''", `SecondPublicKeyPem:\n    Type: String\n    Default: "${pub.replaceAll('\n', '\\n')}"`))).toContain('a PEM block with a body');
    expect(keyMaterialProblems(`${text}\n# AKIA${'Q'.repeat(16)}`)).toEqual(['an AWS access key id']);
    expect(keyMaterialProblems(`${text}\n# ${Buffer.from('x'.repeat(40)).toString('base64')}`)).toHaveLength(1);
  });
});

describe('signer configuration from the template', () => {
  const parameters = { PublicKeyPem: '-----BEGIN PUBLIC KEY-----\\nAA\\n-----END PUBLIC KEY-----\\n', JwtIssuer: 'https://auth.example.com/', JwtAudience: 'player' };
  const refs = { PublicKey: 'K1AAAAAAAAAAAA', SecondPublicKey: 'K2BBBBBBBBBBBB' };
  const env = (extra: Record<string, string> = {}) =>
    resolveValue(template, template.Resources.SignUrlFunction.Properties.Environment.Variables, { parameters: { ...parameters, ...extra }, refs }) as Record<string, string>;

  it('sets only variables the signer reads', () => {
    const source = readFileSync(join(ROOT, 'src', 'service', 'config.ts'), 'utf8');
    for (const name of Object.keys(template.Resources.SignUrlFunction.Properties.Environment.Variables)) expect(source, name).toContain(`'${name}'`);
  });

  it('signs with the key of the chosen slot, read by name from the chosen store', () => {
    expect(env()).toMatchObject({ CFHLS_KEY_PAIR_ID: 'K1AAAAAAAAAAAA', CFHLS_PRIVATE_KEY_SOURCE: 'secretsmanager', CFHLS_PRIVATE_KEY_ID: '/cloudfront-hls/private-key', CFHLS_CORS_ORIGINS: '*' });
    expect(env({ SigningKeySlot: '2', SecondPublicKeyPem: parameters.PublicKeyPem, PrivateKeyStore: 'ssm' })).toMatchObject({ CFHLS_KEY_PAIR_ID: 'K2BBBBBBBBBBBB', CFHLS_PRIVATE_KEY_SOURCE: 'ssm' });
  });

  it('is a configuration the signer accepts, with and without an alternate domain name', () => {
    expect(loadConfig(env({ AlternateDomainName: 'video.example.com', AcmCertificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/abc' }))).toMatchObject({
      distributionDomain: 'video.example.com', keyPairId: 'K1AAAAAAAAAAAA', routePath: '/api/sign',
      jwt: { issuer: 'https://auth.example.com/', audience: ['player'] },
    });
    // Without one, the distribution's own domain comes from the x-cfhls-viewer-host header at request time.
    expect(() => loadConfig(env())).not.toThrow();
  });
});
