/**
 * The headers an origin receives: those in the cache key plus the origin request policy's; Host is the origin's.
 */
import type { CloudFrontHeaders } from 'aws-lambda';
import type { BehaviorModel } from '../template/model.js';

export function originHeaders(viewer: CloudFrontHeaders, behavior: BehaviorModel, originDomain: string): CloudFrontHeaders {
  const orp = behavior.originRequestPolicy?.headers;
  const forward = (name: string): boolean => {
    if (name === 'host') return false;
    if (behavior.cachePolicy.headers.includes(name)) return true;
    if (orp === undefined) return false;
    if (orp.behavior === 'allViewer' || orp.behavior === 'allViewerAndWhitelistCloudFront') return true;
    if (orp.behavior === 'allExcept') return !orp.names.includes(name);
    return orp.behavior === 'whitelist' && orp.names.includes(name);
  };
  const out: CloudFrontHeaders = { host: [{ key: 'Host', value: originDomain }] };
  for (const [name, list] of Object.entries(viewer)) if (forward(name)) out[name] = list;
  out['user-agent'] ??= [{ key: 'User-Agent', value: 'Amazon CloudFront' }];
  out.via = [{ key: 'Via', value: '1.1 local-edge (CloudFront)' }];
  return out;
}
