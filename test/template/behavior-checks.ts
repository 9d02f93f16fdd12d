/**
 * Checks of the distribution's cache behaviors: signed URLs on every media behavior, and playlists never served to
 * another viewer. Each returns a list of problems (empty = fine) so tests can show that a weakened template is
 * caught, not only that the real one passes.
 */
import { CREDENTIAL_PARAMS, CREDENTIAL_SUFFIX, playlistKeyQueryStrings } from '../../src/cloudfront/index.js';
import type { Template } from './cfn-yaml.js';
import { underKind, VIEWER_REQUEST_KINDS } from './deployment.js';
import { refName } from './template-file.js';

/** Managed policy ids (CloudFront developer guide, "Use managed cache/origin request policies"). */
export const CACHING_DISABLED = '4135ea2d-6df8-44a3-9df3-4b5a84be39ad';
export const ALL_VIEWER_EXCEPT_HOST_HEADER = 'b689b0a8-53d0-40ab-baf2-68738e2966ac';

/** The suffixed query params the viewer-request handler writes. */
export const SUFFIXED_PARAMS = CREDENTIAL_PARAMS.map((p) => `${p}${CREDENTIAL_SUFFIX}`);
/** What the playlist cache key and origin request policy name: every suffixed copy (Expires too) and `_HLS_*`. */
export const PLAYLIST_KEY_QUERY_STRINGS = playlistKeyQueryStrings();

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
    if (!Array.isArray(groups) || groups.length !== 1 || refName(groups[0]) !== 'KeyGroup') problems.push(`${b.name}: media without TrustedKeyGroups [!Ref KeyGroup]`);
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
    const custom = refName(cachePolicy) ? template.Resources?.[refName(cachePolicy)!] : undefined;
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
  const orpId = refName(playlist.config.OriginRequestPolicyId);
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
      else if (refName(lambdaViewer.LambdaFunctionARN) !== 'ViewerRequestFunction.Version') add('viewer-request association is not !Ref ViewerRequestFunction.Version');
    } else {
      const arn = cfViewer?.FunctionARN?.['Fn::GetAtt'];
      if (!cfViewer) add(`${kind}: playlist behavior lacks the viewer-request CloudFront Function`);
      else if (JSON.stringify(arn) !== '["ViewerRequestCloudFrontFunction","FunctionARN"]') add(`${kind}: viewer-request is not !GetAtt ViewerRequestCloudFrontFunction.FunctionARN`);
    }
    const a = assoc.find((x) => x.EventType === 'origin-response');
    if (!a) add('playlist behavior lacks the origin-response function');
    else if (refName(a.LambdaFunctionARN) !== 'OriginResponseFunction.Version') add('origin-response association is not !Ref OriginResponseFunction.Version');
    for (const x of assoc) if (x.IncludeBody) add(`${x.EventType} association needlessly includes the body`);
  }
  return problems;
}
