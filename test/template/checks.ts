/**
 * Security checks over a parsed template. Each returns a list of problems (empty = fine) so tests can show that
 * a weakened template is caught, not only that the real one passes.
 */
import { FUNCTION_BUILD_OPTIONS } from '../../scripts/function-build-options.mjs';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CREDENTIAL_PARAMS, CREDENTIAL_SUFFIX, playlistKeyQueryStrings } from '../../src/cloudfront/index.js';
import { parseCfnYaml } from './cfn-yaml.js';
import type { Template } from './cfn-yaml.js';

export const ROOT = join(import.meta.dirname, '..', '..');
export const TEMPLATE_PATH = join(ROOT, 'template.yaml');

/** The repository's template.yaml, as text and parsed. */
export function readTemplate(): { text: string; template: Template } {
  const text = readFileSync(TEMPLATE_PATH, 'utf8');
  return { text, template: parseCfnYaml(text) };
}

/** Managed policy ids (CloudFront developer guide, "Use managed cache/origin request policies"). */
export const CACHING_DISABLED = '4135ea2d-6df8-44a3-9df3-4b5a84be39ad';
export const ALL_VIEWER_EXCEPT_HOST_HEADER = 'b689b0a8-53d0-40ab-baf2-68738e2966ac';

/** The suffixed query params the viewer-request handler writes. */
export const SUFFIXED_PARAMS = CREDENTIAL_PARAMS.map((p) => `${p}${CREDENTIAL_SUFFIX}`);
/** What the playlist cache key and origin request policy name: every suffixed copy (Expires too) and `_HLS_*`. */
export const PLAYLIST_KEY_QUERY_STRINGS = playlistKeyQueryStrings();

export const EDGE_FUNCTIONS = { ViewerRequestFunction: 'lambda-edge-viewer-request', OriginResponseFunction: 'lambda-edge-origin-response' } as const;

const ref = (v: unknown): string | undefined =>
  v !== null && typeof v === 'object' && 'Ref' in v && typeof (v as { Ref: unknown }).Ref === 'string' ? (v as { Ref: string }).Ref : undefined;

export interface Behavior {
  name: string;
  config: Record<string, any>;
}

/**
 * Default behavior first, then the ordered cache behaviors. A behavior that exists under a condition
 * (`!If [HasLiveOrigin, behavior, NoValue]`) is included as it deploys when the condition holds, so every check
 * covers it too.
 */
export function behaviors(template: Template): Behavior[] {
  const dc = template.Resources?.Distribution?.Properties?.DistributionConfig ?? {};
  const unwrap = (b: Record<string, any>): Record<string, any> => (Array.isArray(b['Fn::If']) ? b['Fn::If'][1] : b);
  return [
    { name: 'DefaultCacheBehavior', config: dc.DefaultCacheBehavior ?? {} },
    ...((dc.CacheBehaviors ?? []) as Record<string, any>[]).map(unwrap).map((b, i) => ({ name: `CacheBehaviors[${i}] ${typeof b.PathPattern === 'string' ? b.PathPattern : JSON.stringify(b.PathPattern)}`, config: b })),
  ];
}

/** A behavior for playlists: `*.m3u8`, or a pattern (possibly `!Sub`) ending in `.m3u8`. */
export const isPlaylistBehavior = (b: Behavior): boolean => /\.m3u8"?\}?$/.test(JSON.stringify(b.config.PathPattern ?? ''));

/** Media = every behavior that reaches the media bucket. Each must require signed URLs from KeyGroup. */
export function mediaBehaviorProblems(template: Template): string[] {
  const problems: string[] = [];
  for (const b of behaviors(template)) {
    if (!['redirect-to-https', 'https-only'].includes(b.config.ViewerProtocolPolicy)) problems.push(`${b.name}: serves plain HTTP`);
    if (b.config.TargetOriginId === 'SignerOrigin') continue;
    const groups = b.config.TrustedKeyGroups;
    if (!Array.isArray(groups) || groups.length !== 1 || ref(groups[0]) !== 'KeyGroup') problems.push(`${b.name}: media without TrustedKeyGroups [!Ref KeyGroup]`);
    if (b.config.TrustedSigners !== undefined) problems.push(`${b.name}: legacy TrustedSigners`);
  }
  return problems;
}

/**
 * A rewritten playlist carries one viewer's credentials: it must never be served to another viewer. Either the
 * playlist behavior does not cache (CachingDisabled), or its cache key holds every suffixed credential param.
 */
export function playlistCachingProblems(template: Template): string[] {
  const playlists = behaviors(template).filter(isPlaylistBehavior);
  if (!playlists.some((b) => b.config.PathPattern === '*.m3u8')) return ['no *.m3u8 behavior'];
  const problems: string[] = [];
  for (const playlist of playlists) {
    for (const problem of playlistBehaviorProblems(template, playlist)) if (!problems.includes(problem)) problems.push(problem);
  }
  return problems;
}

function playlistBehaviorProblems(template: Template, playlist: Behavior): string[] {
  const problems: string[] = [];
  const cachePolicy = playlist.config.CachePolicyId;
  if (playlist.config.ForwardedValues !== undefined) problems.push('playlist behavior uses legacy ForwardedValues');
  if (cachePolicy !== CACHING_DISABLED) {
    const custom = ref(cachePolicy) ? template.Resources?.[ref(cachePolicy)!] : undefined;
    const config = custom?.Properties?.CachePolicyConfig;
    const qs = config?.ParametersInCacheKeyAndForwardedToOrigin?.QueryStringsConfig;
    const keyed = qs?.QueryStringBehavior === 'all' || (qs?.QueryStringBehavior === 'whitelist' && SUFFIXED_PARAMS.every((p) => qs.QueryStrings?.includes(p)));
    if (!keyed) problems.push('playlist responses are cached under a key that ignores the viewer credentials');
    // MinTTL > 0 would keep answers even with no-store or private, past the credentials' expiry (CachePolicyConfig:
    // https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_CachePolicyConfig.html).
    if (config !== undefined && Number(config.MinTTL) !== 0) problems.push('playlist cache policy MinTTL is not 0');
  }
  // The origin (and origin-response's own read) must see the suffixed credentials and the LL-HLS directives,
  // whatever cache policy the behavior has.
  const orpId = ref(playlist.config.OriginRequestPolicyId);
  const orp = orpId ? template.Resources?.[orpId]?.Properties?.OriginRequestPolicyConfig : undefined;
  const forwarded = orp?.QueryStringsConfig;
  const forwards = forwarded?.QueryStringBehavior === 'all' || (forwarded?.QueryStringBehavior === 'whitelist' && PLAYLIST_KEY_QUERY_STRINGS.every((p) => forwarded.QueryStrings?.includes(p)));
  if (!forwards) problems.push('playlist origin request policy does not forward the suffixed credentials and LL-HLS directives');
  // Each ViewerRequestKind: exactly one viewer-request function (Lambda@Edge or the CloudFront Function) and
  // Lambda@Edge on origin response, by version. A problem found under both kinds is listed once.
  for (const kind of VIEWER_REQUEST_KINDS) {
    const assoc = underKind(template, playlist.config.LambdaFunctionAssociations ?? [], kind) as Record<string, any>[];
    const cfAssoc = (underKind(template, playlist.config.FunctionAssociations, kind) ?? []) as Record<string, any>[];
    const add = (problem: string): void => void (problems.includes(problem) || problems.push(problem));
    const lambdaViewer = assoc.find((x) => x.EventType === 'viewer-request');
    const cfViewer = cfAssoc.find((x) => x.EventType === 'viewer-request');
    if (lambdaViewer !== undefined && cfViewer !== undefined) add(`${kind}: viewer-request has both a Lambda@Edge function and a CloudFront Function (CloudFront rejects this)`);
    if (kind === 'lambda-edge') {
      if (!lambdaViewer) add('playlist behavior lacks the viewer-request function');
      else if (ref(lambdaViewer.LambdaFunctionARN) !== 'ViewerRequestFunction.Version') add('viewer-request association is not !Ref ViewerRequestFunction.Version');
    } else {
      const arn = cfViewer?.FunctionARN?.['Fn::GetAtt'];
      if (!cfViewer) add(`${kind}: playlist behavior lacks the viewer-request CloudFront Function`);
      else if (JSON.stringify(arn) !== '["ViewerRequestCloudFrontFunction","FunctionARN"]') add(`${kind}: viewer-request is not !GetAtt ViewerRequestCloudFrontFunction.FunctionARN`);
    }
    const a = assoc.find((x) => x.EventType === 'origin-response');
    if (!a) add('playlist behavior lacks the origin-response function');
    else if (ref(a.LambdaFunctionARN) !== 'OriginResponseFunction.Version') add('origin-response association is not !Ref OriginResponseFunction.Version');
    for (const x of assoc) if (x.IncludeBody) add(`${x.EventType} association needlessly includes the body`);
  }
  return problems;
}

/** Values of the ViewerRequestKind parameter. */
export const VIEWER_REQUEST_KINDS = ['lambda-edge', 'cloudfront-function'] as const;

/**
 * `value` as deployed with ViewerRequestKind = `kind`: `Fn::If` on template conditions resolved and
 * `AWS::NoValue` dropped; every other intrinsic is left as written.
 */
export function underKind(template: Template, value: unknown, kind: string): unknown {
  const dep: Deployment = { parameters: { ViewerRequestKind: kind }, refs: {} };
  const NO_VALUE = Symbol('NoValue');
  const walk = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(walk).filter((x) => x !== NO_VALUE);
    if (v === null || typeof v !== 'object') return v;
    const entries = Object.entries(v);
    if (entries.length === 1 && entries[0]![0] === 'Ref' && entries[0]![1] === 'AWS::NoValue') return NO_VALUE;
    if (entries.length === 1 && entries[0]![0] === 'Fn::If') {
      const [name, yes, no] = entries[0]![1] as [string, unknown, unknown];
      return walk(resolveValue(template, { Condition: name }, dep) ? yes : no);
    }
    return Object.fromEntries(entries.map(([k, x]) => [k, walk(x)]).filter(([, x]) => x !== NO_VALUE));
  };
  const out = walk(value);
  return out === NO_VALUE ? undefined : out;
}

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
  const policies = Object.values<any>(template.Resources ?? {}).filter((r) => r.Type === 'AWS::S3::BucketPolicy' && ref(r.Properties?.Bucket) === 'MediaBucket');
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

const PEM_BLOCK = /-----BEGIN [A-Z0-9 ]+-----\s*[A-Za-z0-9+/=\s\\n]{40,}/;
const PRIVATE_KEY_HEADER = /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----/;
const ACCESS_KEY_ID = /\b(AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}\b/;
/** A run of base64(url) characters long enough to be a key or secret (ids and ARNs in the template are shorter). */
const LONG_BASE64_GLOBAL = /[A-Za-z0-9+/_-]{40,}={0,2}/g;
const AWS_SECRET_NAME = /aws_secret_access_key|secretaccesskey/i;

/** Scans template text for anything that looks like key material or a credential. */
export function keyMaterialProblems(text: string): string[] {
  const problems: string[] = [];
  if (PRIVATE_KEY_HEADER.test(text)) problems.push('a private key header');
  if (PEM_BLOCK.test(text)) problems.push('a PEM block with a body');
  if (ACCESS_KEY_ID.test(text)) problems.push('an AWS access key id');
  if (AWS_SECRET_NAME.test(text)) problems.push('an AWS secret access key');
  // Mixed case and digits: random bytes, not a separator line or a word.
  const long = text.match(LONG_BASE64_GLOBAL)?.find((run) => /[A-Z]/.test(run) && /[a-z]/.test(run) && /[0-9]/.test(run));
  if (long) problems.push(`a long base64 run (${long.slice(0, 4)}...)`);
  return problems;
}

/** Values for the template's intrinsics when evaluating it like CloudFormation would for one deployment. */
export interface Deployment {
  parameters: Record<string, string>;
  /** Stand-ins for `Ref <resource>` (e.g. a public key id). */
  refs: Record<string, string>;
}

/**
 * Evaluates the intrinsics this template uses (Ref, Fn::If, conditions, Fn::Join, Fn::Sub without GetAtt) for one
 * set of parameter values. Throws on anything else, so a test notices when the template outgrows it.
 */
export function resolveValue(template: Template, value: unknown, dep: Deployment): unknown {
  const params: Record<string, unknown> = {};
  for (const [name, p] of Object.entries<any>(template.Parameters ?? {})) {
    const raw = dep.parameters[name] ?? (p.Default === undefined ? undefined : String(p.Default));
    if (raw === undefined) continue;
    params[name] = p.Type === 'CommaDelimitedList' ? raw.split(',') : raw;
  }
  const NO_VALUE = Symbol('NoValue');
  const condition = (name: string): boolean => Boolean(evaluate(template.Conditions[name]));
  const evaluate = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(evaluate).filter((x) => x !== NO_VALUE);
    if (v === null || typeof v !== 'object') return v;
    const [fn, arg] = Object.entries(v)[0] as [string, any];
    switch (fn) {
      case 'Ref':
        if (arg === 'AWS::NoValue') return NO_VALUE;
        if (arg in params) return params[arg];
        if (arg in dep.refs) return dep.refs[arg];
        throw new Error(`resolveValue: no value for Ref ${arg}`);
      case 'Condition': return condition(arg);
      case 'Fn::If': return evaluate(condition(arg[0]) ? arg[1] : arg[2]);
      case 'Fn::Equals': return String(evaluate(arg[0])) === String(evaluate(arg[1]));
      case 'Fn::Not': return !evaluate(arg[0]);
      case 'Fn::And': return arg.every(evaluate);
      case 'Fn::Or': return arg.some(evaluate);
      case 'Fn::Join': return (evaluate(arg[1]) as unknown[]).join(arg[0]);
      case 'Fn::Sub': return String(arg).replace(/\$\{([^}]+)\}/g, (_m, name: string) => String(evaluate({ Ref: name })));
      default:
        if (fn.startsWith('Fn::')) throw new Error(`resolveValue: ${fn} not supported`);
        return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, evaluate(x)]).filter(([, x]) => x !== NO_VALUE));
    }
  };
  return evaluate(value);
}
