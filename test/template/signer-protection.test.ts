/** The signer's protection in template.yaml: the bearer-token CloudFront Function on /api/*, and the optional WAF rate limit. */
import { describe, expect, it } from 'vitest';
import { validateTemplate } from './cfn-validate.js';
import { behaviors } from './behavior-checks.js';
import { readTemplate } from './template-file.js';

const { template, mutate } = readTemplate();
const acl = template.Resources.SignerWebAcl;

describe('the signer behind the distribution', () => {
  it('runs the bearer-token CloudFront Function on every /api/* viewer request', () => {
    const api = behaviors(template).find((b) => b.config.PathPattern === '/api/*')!.config;
    expect(api.FunctionAssociations).toEqual([{ EventType: 'viewer-request', FunctionARN: { 'Fn::GetAtt': ['SignerViewerFunction', 'FunctionARN'] } }]);
    expect(template.Resources.SignerViewerFunction.Properties.FunctionCode).toContain('statusCode:401');
  });

  it('rate-limits /api/* per IP address with an optional CLOUDFRONT-scope web ACL', () => {
    expect(acl.Condition).toBe('HasSignerRateLimit');
    expect(acl.Properties.Scope).toBe('CLOUDFRONT');
    expect(acl.Properties.DefaultAction).toEqual({ Allow: {} });
    const [rule] = acl.Properties.Rules;
    expect(rule.Action).toEqual({ Block: { CustomResponse: { ResponseCode: 429 } } });
    const rate = rule.Statement.RateBasedStatement;
    expect(rate).toMatchObject({ Limit: { Ref: 'SignerRateLimit' }, AggregateKeyType: 'IP' });
    expect(rate.ScopeDownStatement.ByteMatchStatement).toMatchObject({ FieldToMatch: { UriPath: {} }, PositionalConstraint: 'STARTS_WITH', SearchString: '/api/' });
    expect(template.Resources.Distribution.Properties.DistributionConfig.WebACLId).toEqual({ 'Fn::If': ['HasSignerRateLimit', { 'Fn::GetAtt': ['SignerWebAcl', 'Arn'] }, { Ref: 'AWS::NoValue' }] });
  });

  it('has no web ACL by default, and refuses a limit under WAF\'s minimum of 10', () => {
    const param = template.Parameters.SignerRateLimit;
    expect(param.Default).toBe('0');
    const pattern = new RegExp(param.AllowedPattern);
    expect(['0', '10', '2000'].every((v) => pattern.test(v))).toBe(true);
    expect(['1', '9', '-5', '01', 'ten'].some((v) => pattern.test(v))).toBe(false);
  });

  it('is checked by the validator: a regional scope or a misspelt rule property fails', () => {
    expect(validateTemplate(mutate((t) => { t.Resources.SignerWebAcl.Properties.Scope = 'GLOBAL'; }))).toEqual(
      expect.arrayContaining([expect.stringMatching(/Scope: "GLOBAL" is not one of/)]),
    );
    expect(validateTemplate(mutate((t) => { t.Resources.SignerWebAcl.Properties.Rules[0].Statement.RateBasedStatement.AggregateKey = 'IP'; }))).toEqual(
      expect.arrayContaining([expect.stringMatching(/AggregateKey: unknown property/)]),
    );
  });
});
