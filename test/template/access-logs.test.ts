/** CloudFront access logs (StandardLogs=true): optional, private, expiring, and without any credential-bearing field. */
import { describe, expect, it } from 'vitest';
import { readTemplate } from './template-file.js';

const { template } = readTemplate();
const r = template.Resources;

/** The fields of a CloudFront standard log record (standard-logs-reference.html, "Log file fields"). */
const ALL_FIELDS = [
  'date', 'time', 'x-edge-location', 'sc-bytes', 'c-ip', 'cs-method', 'cs(Host)', 'cs-uri-stem', 'sc-status', 'cs(Referer)',
  'cs(User-Agent)', 'cs-uri-query', 'cs(Cookie)', 'x-edge-result-type', 'x-edge-request-id', 'x-host-header', 'cs-protocol',
  'cs-bytes', 'time-taken', 'x-forwarded-for', 'ssl-protocol', 'ssl-cipher', 'x-edge-response-result-type', 'cs-protocol-version',
  'fle-status', 'fle-encrypted-fields', 'c-port', 'time-to-first-byte', 'x-edge-detailed-result-type', 'sc-content-type',
  'sc-content-len', 'sc-range-start', 'sc-range-end',
];
/** Fields that can carry a credential: the signed URL's query, signed cookies, a referring page's URL. */
const CREDENTIAL_FIELDS = ['cs-uri-query', 'cs(Cookie)', 'cs(Referer)'];

describe('access logs', () => {
  it('are off unless StandardLogs is true', () => {
    expect(template.Parameters.StandardLogs.Default).toBe('false');
    for (const id of ['StandardLogsBucket', 'StandardLogsBucketPolicy', 'StandardLogsSource', 'StandardLogsDestination', 'StandardLogsDelivery']) {
      expect(r[id].Condition, id).toBe('HasStandardLogs');
    }
  });

  it('log the distribution\'s access logs into the stack\'s bucket', () => {
    expect(r.StandardLogsSource.Properties.LogType).toBe('ACCESS_LOGS');
    expect(r.StandardLogsSource.Properties.ResourceArn).toEqual({ 'Fn::Sub': 'arn:${AWS::Partition}:cloudfront::${AWS::AccountId}:distribution/${Distribution}' });
    expect(r.StandardLogsDestination.Properties.DestinationResourceArn).toEqual({ 'Fn::GetAtt': ['StandardLogsBucket', 'Arn'] });
    expect(r.StandardLogsDelivery.Properties.DeliverySourceName).toEqual({ Ref: 'StandardLogsSource' });
  });

  it('never record a field that can carry a credential, and name only real fields', () => {
    const fields: string[] = r.StandardLogsDelivery.Properties.RecordFields;
    for (const f of CREDENTIAL_FIELDS) expect(fields).not.toContain(f);
    for (const f of fields) expect(ALL_FIELDS, f).toContain(f);
    expect(fields).toEqual(expect.arrayContaining(['date', 'time', 'c-ip', 'cs-uri-stem', 'sc-status', 'x-edge-detailed-result-type']));
  });

  it('keep the bucket private, TLS-only, encrypted, writable only by log delivery for this account, and expiring', () => {
    const bucket = r.StandardLogsBucket.Properties;
    expect(Object.values(bucket.PublicAccessBlockConfiguration).every((v) => v === true)).toBe(true);
    expect(bucket.OwnershipControls.Rules).toEqual([{ ObjectOwnership: 'BucketOwnerEnforced' }]);
    expect(bucket.LifecycleConfiguration.Rules[0]).toMatchObject({ Status: 'Enabled', ExpirationInDays: { Ref: 'StandardLogsRetentionDays' } });
    const statements = r.StandardLogsBucketPolicy.Properties.PolicyDocument.Statement;
    expect(statements.find((s: any) => s.Sid === 'DenyInsecureTransport').Condition).toEqual({ Bool: { 'aws:SecureTransport': 'false' } });
    const allows = statements.filter((s: any) => s.Effect === 'Allow');
    expect(allows).toHaveLength(1);
    expect(allows[0].Principal).toEqual({ Service: 'delivery.logs.amazonaws.com' });
    expect(allows[0].Action).toBe('s3:PutObject');
    expect(allows[0].Condition.StringEquals['aws:SourceAccount']).toEqual({ Ref: 'AWS::AccountId' });
  });
});
