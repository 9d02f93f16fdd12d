/** Checks of the media bucket and how CloudFront reaches it; a list of problems, empty when fine. */
import type { Template } from './cfn-yaml.js';
import { refName } from './template-file.js';

/** The media bucket: private, owner-enforced, TLS only, readable by this distribution through OAC only. */
export function bucketProblems(template: Template): string[] {
  const problems: string[] = [];
  const bucket = template.Resources?.MediaBucket?.Properties ?? {};
  const pab = bucket.PublicAccessBlockConfiguration ?? {};
  for (const k of ['BlockPublicAcls', 'BlockPublicPolicy', 'IgnorePublicAcls', 'RestrictPublicBuckets']) {
    if (pab[k] !== true) problems.push(`MediaBucket: ${k} is not true`);
  }
  if (bucket.OwnershipControls?.Rules?.[0]?.ObjectOwnership !== 'BucketOwnerEnforced') problems.push('MediaBucket: ownership is not BucketOwnerEnforced');
  if (bucket.WebsiteConfiguration !== undefined) problems.push('MediaBucket: website hosting is public by design');
  if (bucket.AccessControl !== undefined) problems.push('MediaBucket: canned ACL set');
  const policies = Object.values<any>(template.Resources ?? {}).filter((r) => r.Type === 'AWS::S3::BucketPolicy' && refName(r.Properties?.Bucket) === 'MediaBucket');
  if (policies.length !== 1) problems.push('MediaBucket: expected exactly one bucket policy');
  const statements: any[] = policies.flatMap((p) => p.Properties?.PolicyDocument?.Statement ?? []);
  const tls = statements.find((s) => s.Effect === 'Deny' && s.Condition?.Bool?.['aws:SecureTransport'] === 'false');
  if (!tls) problems.push('MediaBucket: no TLS-only (aws:SecureTransport) deny');
  for (const s of statements.filter((x) => x.Effect === 'Allow')) {
    const principal = JSON.stringify(s.Principal);
    if (principal !== '{"Service":"cloudfront.amazonaws.com"}') problems.push(`MediaBucket: allows ${principal}`);
    const sourceArn = s.Condition?.StringEquals?.['AWS:SourceArn'];
    if (!JSON.stringify(sourceArn ?? '').includes('distribution/${Distribution}')) problems.push('MediaBucket: CloudFront access not limited to this distribution (AWS:SourceArn)');
    if (JSON.stringify([].concat(s.Action)) !== '["s3:GetObject"]') problems.push(`MediaBucket: CloudFront may do more than s3:GetObject (${JSON.stringify(s.Action)})`);
  }
  // OAC, never the legacy OAI.
  if (Object.values<any>(template.Resources ?? {}).some((r) => r.Type === 'AWS::CloudFront::CloudFrontOriginAccessIdentity')) problems.push('legacy origin access identity present');
  const origins: any[] = template.Resources?.Distribution?.Properties?.DistributionConfig?.Origins ?? [];
  const media = origins.find((o) => o.Id === 'MediaOrigin');
  if (!media) problems.push('no MediaOrigin');
  else {
    const oacId = media.OriginAccessControlId?.['Fn::GetAtt']?.[0];
    const oac = oacId ? template.Resources?.[oacId]?.Properties?.OriginAccessControlConfig : undefined;
    if (oac?.OriginAccessControlOriginType !== 's3' || oac.SigningBehavior !== 'always' || oac.SigningProtocol !== 'sigv4') problems.push('MediaOrigin: not behind an always-signing S3 origin access control');
    if (media.S3OriginConfig?.OriginAccessIdentity !== '') problems.push('MediaOrigin: S3OriginConfig.OriginAccessIdentity must be empty with OAC');
    if (JSON.stringify(media.DomainName) !== JSON.stringify({ 'Fn::GetAtt': ['MediaBucket', 'RegionalDomainName'] })) problems.push('MediaOrigin: not the media bucket');
  }
  return problems;
}
