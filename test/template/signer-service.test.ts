/** The signer service in template.yaml: how the distribution reaches it, what it may read, and the configuration it gets. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/service/config.js';
import { ALL_VIEWER_EXCEPT_HOST_HEADER, CACHING_DISABLED } from './behavior-checks.js';
import { resolveValue } from './deployment.js';
import { distributionConfig as dc, readTemplate, ROOT } from './template-file.js';

const { template } = readTemplate();

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
