/**
 * Template limits and least privilege that CloudFormation's schema does not check: name lengths for any valid
 * stack name, the methods each behavior allows, CORS preflights, and log permissions scoped to the functions' own
 * log groups.
 */
import { describe, expect, it } from 'vitest';
import { behaviors } from './behavior-checks.js';
import { distributionConfig as dc, readTemplate } from './template-file.js';

const { template } = readTemplate();

/** The longest stack name CloudFormation accepts (128 characters) and a stack id for it. */
const STACK_NAME = `s${'x'.repeat(126)}s`;
const PSEUDO: Record<string, string> = {
  'AWS::StackName': STACK_NAME,
  'AWS::StackId': `arn:aws:cloudformation:us-east-1:123456789012:stack/${STACK_NAME}/1c2fa620-982a-11e3-aff7-50e2416294e0`,
  'AWS::Partition': 'aws',
  'AWS::AccountId': '123456789012',
  'AWS::Region': 'us-east-1',
};

/** Evaluates the intrinsics names are built with (Sub, Select, Split, Ref of a pseudo parameter). */
function evaluate(v: any): any {
  if (typeof v === 'string') return v;
  if (Array.isArray(v)) return v.map(evaluate);
  if (v?.Ref !== undefined) {
    if (!(v.Ref in PSEUDO)) throw new Error(`!Ref ${v.Ref} in a name`);
    return PSEUDO[v.Ref];
  }
  if (v?.['Fn::Split'] !== undefined) return String(evaluate(v['Fn::Split'][1])).split(v['Fn::Split'][0]);
  if (v?.['Fn::Select'] !== undefined) return evaluate(v['Fn::Select'][1])[Number(v['Fn::Select'][0])];
  if (v?.['Fn::Sub'] !== undefined) {
    const [text, vars] = typeof v['Fn::Sub'] === 'string' ? [v['Fn::Sub'], {}] : v['Fn::Sub'];
    return text.replace(/\$\{([^}]+)\}/g, (_: string, n: string) => (n in vars ? evaluate(vars[n]) : n in PSEUDO ? PSEUDO[n] : `\${${n}}`));
  }
  throw new Error(`cannot evaluate ${JSON.stringify(v)}`);
}

/**
 * Name limits, in characters: OAC 64 (API OriginAccessControlConfig), CloudFront Functions 64 (API CreateFunction),
 * Lambda function names 64 (API CreateFunction), distribution Comment 128 (API DistributionConfig).
 */
const LIMITS: Array<[string, (r: any) => unknown, number]> = [
  ['AWS::CloudFront::OriginAccessControl', (r) => r.Properties.OriginAccessControlConfig.Name, 64],
  ['AWS::CloudFront::Function', (r) => r.Properties.Name, 64],
  ['AWS::Serverless::Function', (r) => r.Properties.FunctionName, 64],
  ['AWS::CloudFront::Distribution', (r) => r.Properties.DistributionConfig.Comment, 128],
];

describe('names', () => {
  it('stay within their limits for a 128-character stack name', () => {
    let checked = 0;
    for (const [id, r] of Object.entries(template.Resources as Record<string, any>)) {
      for (const [type, get, max] of LIMITS) {
        if (r.Type !== type || get(r) === undefined) continue;
        const name = String(evaluate(get(r)));
        expect(name.length, `${id}: ${name}`).toBeLessThanOrEqual(max);
        expect(name, id).not.toContain('${');
        checked++;
      }
    }
    // 2 OACs, 2 CloudFront Functions (signer headers, viewer-request), 2 named edge functions, the signer, the distribution.
    expect(checked).toBe(8);
  });

  it('a name from the stack name would be caught', () => {
    const name = evaluate({ 'Fn::Sub': '${AWS::StackName}-media' });
    expect(name.length).toBeGreaterThan(64);
  });

  it('are unique per stack (each embeds the stack id\'s UUID)', () => {
    const oac = evaluate(template.Resources.MediaOriginAccessControl.Properties.OriginAccessControlConfig.Name);
    expect(oac).toBe('cfhls-1c2fa620-982a-11e3-aff7-50e2416294e0-media');
  });
});

describe('methods', () => {
  it('/api/* allows only what the signer answers: GET, HEAD, OPTIONS', () => {
    const api = dc(template).CacheBehaviors.find((b: any) => b.PathPattern === '/api/*');
    expect(api.AllowedMethods).toEqual(['GET', 'HEAD', 'OPTIONS']);
  });

  it('media and playlist behaviors allow OPTIONS for CORS preflights and cache only GET and HEAD', () => {
    for (const b of behaviors(template)) {
      expect(b.config.AllowedMethods, b.name).toEqual(['GET', 'HEAD', 'OPTIONS']);
      expect(b.config.CachedMethods ?? ['GET', 'HEAD'], b.name).toEqual(['GET', 'HEAD']);
    }
  });

  it('S3 sees the CORS request headers on every media behavior and answers preflights from AllowedPlayerOrigins', () => {
    const segments = dc(template).DefaultCacheBehavior;
    expect(segments.OriginRequestPolicyId).toBe('88a5eaf4-2fd4-4709-b370-b4c650ea3fcf'); // Managed-CORS-S3Origin
    const playlistHeaders = template.Resources.PlaylistOriginRequestPolicy.Properties.OriginRequestPolicyConfig.HeadersConfig.Headers;
    expect(playlistHeaders).toEqual(expect.arrayContaining(['Origin', 'Access-Control-Request-Method', 'Access-Control-Request-Headers']));
    const rules = template.Resources.MediaBucket.Properties.CorsConfiguration.CorsRules;
    expect(rules).toEqual([{ AllowedOrigins: { Ref: 'AllowedPlayerOrigins' }, AllowedMethods: ['GET', 'HEAD'], AllowedHeaders: ['Range'], MaxAge: 600 }]);
    const cors = template.Resources.CorsPolicy.Properties.ResponseHeadersPolicyConfig.CorsConfig;
    expect(cors.AccessControlAllowMethods.Items).toEqual(['GET', 'HEAD', 'OPTIONS']);
  });
});

describe('edge function roles', () => {
  const logResources = (role: string): string[] => {
    const statements = template.Resources[role].Properties.Policies.flatMap((p: any) => p.PolicyDocument.Statement);
    return statements.filter((s: any) => s.Action.some?.((a: string) => a.startsWith('logs:'))).flatMap((s: any) => s.Resource.map(evaluate));
  };

  it.each([
    ['ViewerRequestFunctionRole', 'ViewerRequestFunction'],
    ['OriginResponseFunctionRole', 'OriginResponseFunction'],
  ])('%s writes only to %s\'s log groups, in every region', (role, fn) => {
    const name = evaluate(template.Resources[fn].Properties.FunctionName);
    const groups = logResources(role);
    expect(groups.length).toBe(4);
    for (const arn of groups) {
      expect(arn).toMatch(new RegExp(`^arn:aws:logs:\\*:123456789012:log-group:/aws/lambda/(us-east-1\\.)?${name}(:\\*)?$`));
    }
    expect(groups).toContain(`arn:aws:logs:*:123456789012:log-group:/aws/lambda/us-east-1.${name}:*`);
  });

  it('the signer writes only to its own log group, in the stack\'s Region', () => {
    const name = evaluate(template.Resources.SignUrlFunction.Properties.FunctionName);
    expect(name).toMatch(/^cfhls-[0-9a-f-]{36}-sign-url$/);
    const statements = template.Resources.SignUrlFunctionRole.Properties.Policies.flatMap((p: any) => p.PolicyDocument.Statement);
    const logs = statements.filter((st: any) => Array.isArray(st.Action) && st.Action.some((a: string) => a.startsWith('logs:')));
    expect(logs.flatMap((st: any) => st.Resource.map(evaluate)).sort()).toEqual([
      `arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/${name}`,
      `arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/${name}:*`,
    ]);
  });

  it('origin-response reads only playlists (the keys its *.m3u8 behavior can ask for) from the media bucket', () => {
    const statements = template.Resources.OriginResponseFunctionRole.Properties.Policies.flatMap((p: any) => p.PolicyDocument.Statement);
    const reads = statements.filter((s: any) => ([] as string[]).concat(s.Action ?? []).includes('s3:GetObject'));
    expect(reads.map((s: any) => s.Resource)).toEqual([{ 'Fn::Sub': '${MediaBucket.Arn}/*.m3u8' }]);
    const origins = behaviors(template).filter((b) => (b.config.LambdaFunctionAssociations ?? []).some((l: any) => l.EventType === 'origin-response'));
    // Only the bucket's *.m3u8 behavior reads S3; the live playlist behavior reads its packager over HTTP.
    const s3Reads = origins.filter((b) => b.config.TargetOriginId === 'MediaOrigin');
    expect(s3Reads.map((b) => b.config.PathPattern)).toEqual(['*.m3u8']);
    expect(origins.filter((b) => b.config.TargetOriginId !== 'MediaOrigin').map((b) => b.config.TargetOriginId)).toEqual(['LiveOrigin']);
    const media = template.Resources.Distribution.Properties.DistributionConfig.Origins.find((o: any) => o.Id === 'MediaOrigin');
    expect(media.OriginPath).toBeUndefined();
  });
});
