/** Checks of the two Lambda@Edge functions and their roles; a list of problems, empty when fine. */
import { FUNCTION_BUILD_OPTIONS } from '../../scripts/function-build-options.mjs';
import type { Template } from './cfn-yaml.js';

const EDGE_FUNCTIONS = { ViewerRequestFunction: 'lambda-edge-viewer-request', OriginResponseFunction: 'lambda-edge-origin-response' } as const;

/** Lambda@Edge rules for the two edge functions (CloudFront developer guide, "Restrictions on edge functions"). */
export function edgeFunctionProblems(template: Template): string[] {
  const problems: string[] = [];
  const globalsFn = template.Globals?.Function ?? {};
  for (const key of ['Environment', 'Layers', 'Tracing', 'VpcConfig', 'Architectures', 'Runtime', 'MemorySize', 'Timeout']) {
    if (key in globalsFn) problems.push(`Globals.Function.${key} applies to the edge functions too`);
  }
  for (const [id, dir] of Object.entries(EDGE_FUNCTIONS)) {
    const res = template.Resources?.[id];
    if (res?.Type !== 'AWS::Serverless::Function') { problems.push(`${id}: not an AWS::Serverless::Function`); continue; }
    const p = res.Properties ?? {};
    if ('Environment' in p) problems.push(`${id}: has Environment (Lambda@Edge rejects it)`);
    for (const key of ['Layers', 'VpcConfig', 'DeadLetterQueue', 'Tracing', 'ProvisionedConcurrencyConfig', 'ReservedConcurrentExecutions', 'FileSystemConfigs', 'ImageUri', 'FunctionUrlConfig', 'SnapStart', 'EphemeralStorage']) {
      if (key in p) problems.push(`${id}: ${key} is not supported by Lambda@Edge`);
    }
    if (p.Runtime !== 'nodejs22.x') problems.push(`${id}: Runtime ${p.Runtime}, expected nodejs22.x`);
    if (p.Architectures !== undefined && JSON.stringify(p.Architectures) !== '["x86_64"]') problems.push(`${id}: Lambda@Edge runs x86_64 only`);
    if (typeof p.AutoPublishAlias !== 'string' || p.AutoPublishAlias === '') problems.push(`${id}: no AutoPublishAlias (associations need a version)`);
    const isViewer = dir === 'lambda-edge-viewer-request';
    if (!(Number(p.Timeout) >= 1 && Number(p.Timeout) <= (isViewer ? 5 : 30))) problems.push(`${id}: Timeout ${p.Timeout} outside Lambda@Edge limits`);
    if (!(Number(p.MemorySize) >= 128 && Number(p.MemorySize) <= (isViewer ? 128 : 10240))) problems.push(`${id}: MemorySize ${p.MemorySize} outside Lambda@Edge limits`);
    const meta = res.Metadata ?? {};
    const bp = meta.BuildProperties ?? {};
    if (meta.BuildMethod !== 'esbuild') problems.push(`${id}: BuildMethod is not esbuild`);
    if (bp.Minify !== true) problems.push(`${id}: not minified`);
    if (bp.Sourcemap !== false) problems.push(`${id}: Sourcemap must be false (true adds NODE_OPTIONS to the environment)`);
    if (bp.Format !== 'esm' || bp.Target !== FUNCTION_BUILD_OPTIONS.target || JSON.stringify(bp.OutExtension) !== '[".js=.mjs"]') problems.push(`${id}: build must be esm/${FUNCTION_BUILD_OPTIONS.target} with .mjs output`);
    if (JSON.stringify(bp.EntryPoints) !== JSON.stringify([`src/functions/${dir}/index.ts`])) problems.push(`${id}: EntryPoints is not [src/functions/${dir}/index.ts]`);
    if (p.Handler !== 'index.handler') problems.push(`${id}: Handler is not index.handler`);
    // Role: trusted by both Lambda services, nothing more.
    const roleId = p.Role?.['Fn::GetAtt']?.[0];
    const role = roleId ? template.Resources?.[roleId] : undefined;
    if (role?.Type !== 'AWS::IAM::Role') { problems.push(`${id}: Role is not !GetAtt <an AWS::IAM::Role in this template>.Arn`); continue; }
    const trust = role.Properties?.AssumeRolePolicyDocument?.Statement ?? [];
    const services = trust.flatMap((s: any) => (s.Effect === 'Allow' ? [].concat(s.Principal?.Service ?? []) : [])).sort();
    if (JSON.stringify(services) !== '["edgelambda.amazonaws.com","lambda.amazonaws.com"]') problems.push(`${id}: role trust is ${JSON.stringify(services)}, expected lambda + edgelambda`);
    if (role.Properties?.ManagedPolicyArns !== undefined) problems.push(`${id}: role has managed policies (least privilege: inline only)`);
    const allowed = (role.Properties?.Policies ?? []).flatMap((pol: any) => pol.PolicyDocument?.Statement ?? []);
    for (const s of allowed) {
      const actions: string[] = [].concat(s.Action ?? []);
      for (const a of actions) {
        if (a.includes('*')) problems.push(`${id}: wildcard action ${a}`);
        else if (a.startsWith('logs:')) continue;
        // origin-response reads playlists only: the keys of its '*.m3u8' behavior.
        else if (a === 's3:GetObject' && !isViewer && JSON.stringify(s.Resource) === JSON.stringify({ 'Fn::Sub': '${MediaBucket.Arn}/*.m3u8' })) continue;
        else problems.push(`${id}: permission ${a} on ${JSON.stringify(s.Resource)} is more than it needs`);
      }
    }
  }
  return problems;
}
