import { describe, expect, it } from 'vitest';
import { validateTemplate } from './cfn-validate.js';
import { parseCfnYaml } from './cfn-yaml.js';
import type { Template } from './cfn-yaml.js';
import { distributionConfig as dc, readTemplate } from './template-file.js';

const { template, mutate } = readTemplate();

describe('template.yaml against the CloudFormation resource specification', () => {
  it('validates with no problem', () => {
    expect(validateTemplate(template)).toEqual([]);
  });

  it('is a SAM template for us-east-1 with the contract resources', () => {
    expect(template.Transform).toBe('AWS::Serverless-2016-10-31');
    expect(JSON.stringify(template.Rules.DeployInUsEast1)).toContain('"AWS::Region"},"us-east-1"');
    const types = Object.fromEntries(Object.entries<any>(template.Resources).map(([id, r]) => [id, r.Type]));
    expect(types).toMatchObject({
      MediaBucket: 'AWS::S3::Bucket',
      Distribution: 'AWS::CloudFront::Distribution',
      KeyGroup: 'AWS::CloudFront::KeyGroup',
      PublicKey: 'AWS::CloudFront::PublicKey',
      SecondPublicKey: 'AWS::CloudFront::PublicKey',
      ViewerRequestFunction: 'AWS::Serverless::Function',
      OriginResponseFunction: 'AWS::Serverless::Function',
      SignUrlFunction: 'AWS::Serverless::Function',
      SegmentCachePolicy: 'AWS::CloudFront::CachePolicy',
      PlaylistOriginRequestPolicy: 'AWS::CloudFront::OriginRequestPolicy',
      CorsPolicy: 'AWS::CloudFront::ResponseHeadersPolicy',
    });
    expect(Object.keys(template.Outputs)).toEqual(expect.arrayContaining(['DistributionDomainName', 'MediaBucketName', 'SignerUrl', 'KeyGroupId']));
  });
});

describe('the validator catches a broken template', () => {
  const cases: [string, (t: Template) => void, RegExp][] = [
    ['an unknown property', (t) => { dc(t).DefaultCacheBehavior.TrustedKeyGroup = [{ Ref: 'KeyGroup' }]; }, /DefaultCacheBehavior\.TrustedKeyGroup: unknown property/],
    ['an unknown SAM function property', (t) => { t.Resources.SignUrlFunction.Properties.Enviroment = {}; }, /SignUrlFunction\.Properties\.Enviroment: unknown property/],
    ['a missing required property', (t) => { delete dc(t).DefaultCacheBehavior.TargetOriginId; }, /TargetOriginId: required property missing/],
    ['a missing required nested property', (t) => { delete t.Resources.MediaOriginAccessControl.Properties.OriginAccessControlConfig.SigningProtocol; }, /SigningProtocol: required property missing/],
    ['a wrong boolean', (t) => { dc(t).DefaultCacheBehavior.Compress = 'maybe'; }, /Compress: expected a boolean/],
    ['a wrong number', (t) => { t.Resources.ViewerRequestFunction.Properties.MemorySize = 'lots'; }, /MemorySize: expected a number/],
    ['a list where a mapping belongs', (t) => { dc(t).DefaultCacheBehavior = []; }, /DefaultCacheBehavior: expected a mapping/],
    ['a value outside an enum', (t) => { t.Resources.SignerUrlInvokePermission.Properties.FunctionUrlAuthType = 'OPEN'; }, /FunctionUrlAuthType: "OPEN" is not one of/],
    ['a broken !Ref', (t) => { dc(t).DefaultCacheBehavior.TrustedKeyGroups = [{ Ref: 'KeyGrup' }]; }, /Ref KeyGrup: no such parameter or resource/],
    ['a !Ref to a version SAM does not generate', (t) => { delete t.Resources.ViewerRequestFunction.Properties.AutoPublishAlias; }, /Ref ViewerRequestFunction\.Version: no such/],
    ['a !GetAtt to a missing resource', (t) => { dc(t).Origins[0].OriginAccessControlId = { 'Fn::GetAtt': ['MediaOAC', 'Id'] }; }, /GetAtt MediaOAC\.Id: no such resource/],
    ['a !GetAtt to a missing attribute', (t) => { dc(t).Origins[0].DomainName = { 'Fn::GetAtt': ['MediaBucket', 'RegionalDomain'] }; }, /has no attribute RegionalDomain/],
    ['a broken !Sub variable', (t) => { t.Resources.MediaBucketPolicy.Properties.PolicyDocument.Statement[1].Resource = { 'Fn::Sub': '${MediaBuckit.Arn}/*' }; }, /GetAtt MediaBuckit\.Arn: no such resource/],
    ['an unknown !Sub name', (t) => { t.Resources.KeyGroup.Properties.KeyGroupConfig.Name = { 'Fn::Sub': '${StackName}-signers' }; }, /Sub variable \$\{StackName\}/],
    ['an unknown condition', (t) => { dc(t).Aliases = { 'Fn::If': ['HasAlias', ['x'], { Ref: 'AWS::NoValue' }] }; }, /unknown condition "HasAlias"/],
    ['an unknown resource type', (t) => { t.Resources.MediaBucket.Type = 'AWS::S3::Bukket'; }, /unknown resource type "AWS::S3::Bukket"/],
    ['an unknown esbuild build property', (t) => { t.Resources.ViewerRequestFunction.Metadata.BuildProperties.SourceMap = false; }, /BuildProperties\.SourceMap: not an esbuild build property/],
    ['a parameter default its own pattern rejects', (t) => { t.Parameters.JwksUrl.Default = 'http://insecure'; }, /JwksUrl\.Default: default does not match AllowedPattern/],
    ['an unknown Globals property', (t) => { t.Globals = { Function: { Runtimes: 'nodejs22.x' } }; }, /Globals\.Function\.Runtimes: not a property/],
  ];
  it.each(cases)('reports %s', (_name, change, expected) => {
    const problems = validateTemplate(mutate(change));
    expect(problems.join('\n')).toMatch(expected);
  });
});

describe('the CloudFormation YAML reader', () => {
  it('turns every short-form tag into its long form', () => {
    const parsed = parseCfnYaml([
      'A: !Ref X',
      'B: !GetAtt Fn.Attr.Nested',
      "C: !Sub ['${A}', {A: !GetAtt [R, Arn]}]",
      "D: !If [C, !Join [',', [!Select [0, !Split ['/', !Base64 x]]]], !FindInMap [M, K, V]]",
      'E: !And [!Equals [a, b], !Or [!Not [!Condition C], !Condition D]]',
      'F: !ImportValue Exported',
      "G: !GetAZs ''",
    ].join('\n'));
    expect(parsed).toEqual({
      A: { Ref: 'X' },
      B: { 'Fn::GetAtt': ['Fn', 'Attr.Nested'] },
      C: { 'Fn::Sub': ['${A}', { A: { 'Fn::GetAtt': ['R', 'Arn'] } }] },
      D: { 'Fn::If': ['C', { 'Fn::Join': [',', [{ 'Fn::Select': [0, { 'Fn::Split': ['/', { 'Fn::Base64': 'x' }] }] }]] }, { 'Fn::FindInMap': ['M', 'K', 'V'] }] },
      E: { 'Fn::And': [{ 'Fn::Equals': ['a', 'b'] }, { 'Fn::Or': [{ 'Fn::Not': [{ Condition: 'C' }] }, { Condition: 'D' }] }] },
      F: { 'Fn::ImportValue': 'Exported' },
      G: { 'Fn::GetAZs': '' },
    });
  });

  it('rejects duplicate keys instead of keeping the last one', () => {
    expect(() => parseCfnYaml('A: 1\nA: 2\n')).toThrow();
  });
});
