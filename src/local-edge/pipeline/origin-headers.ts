/**
 * The headers an origin receives: those in the cache key plus the origin request policy's, Accept-Encoding as the
 * cache policy normalizes it; Host is the origin's.
 */
import type { CloudFrontHeaders } from 'aws-lambda';
import { normalizedAcceptEncoding } from './accept-encoding.js';
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
  const encoding = normalizedAcceptEncoding(behavior.cachePolicy, viewer['accept-encoding']?.[0]?.value);
  if (encoding !== undefined) {
    delete out['accept-encoding'];
    if (encoding !== '') out['accept-encoding'] = [{ key: 'Accept-Encoding', value: encoding }];
  }
  out['user-agent'] ??= [{ key: 'User-Agent', value: 'Amazon CloudFront' }];
  out.via = [{ key: 'Via', value: '1.1 local-edge (CloudFront)' }];
  return out;
}
