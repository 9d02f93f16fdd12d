/** The media bucket of template.yaml: private, and readable by this distribution only. */
import { describe, expect, it } from 'vitest';
import { bucketProblems } from './bucket-checks.js';
import { distributionConfig as dc, readTemplate } from './template-file.js';

const { template, mutate } = readTemplate();

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
