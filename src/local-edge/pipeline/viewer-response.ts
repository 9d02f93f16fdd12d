/** What CloudFront does to a response on its way to the viewer: error bodies, byte ranges, response headers policy. */
import type { ResponseHeadersPolicy } from '../template/policies.js';

/** A response as the local edge sends it to the viewer. */
export interface ViewerResponse {
  status: number;
  headers: Array<[string, string]>;
  body: Buffer;
}

/** CloudFront's plain-text error answer. */
export function errorResponse(status: number, message: string): ViewerResponse {
  return { status, headers: [['Content-Type', 'text/plain; charset=utf-8'], ['X-Cache', 'Error from cloudfront']], body: Buffer.from(`${message}\n`) };
}

/** Single-range `Range: bytes=a-b` on a 200, as CloudFront serves ranges from a full object. */
export function applyRange(response: ViewerResponse, range: string | undefined): ViewerResponse {
  if (range === undefined || response.status !== 200) return response;
  const match = /^bytes=(\d*)-(\d*)$/.exec(range.trim());
  if (match === null || (match[1] === '' && match[2] === '')) return response;
  const size = response.body.length;
  let start = match[1] === '' ? Math.max(0, size - Number(match[2])) : Number(match[1]);
  let end = match[1] === '' || match[2] === '' ? size - 1 : Math.min(Number(match[2]), size - 1);
  if (start >= size || start > end) {
    return { status: 416, headers: [['Content-Range', `bytes */${size}`]], body: Buffer.alloc(0) };
  }
  start = Math.max(0, start);
  end = Math.max(start, end);
  return { status: 206, headers: [...response.headers, ['Content-Range', `bytes ${start}-${end}/${size}`]], body: response.body.subarray(start, end + 1) };
}

/** Adds the response headers policy's CORS (when the request has a matching Origin), custom and security headers. */
export function applyResponsePolicy<R extends ViewerResponse>(response: R, policy: ResponseHeadersPolicy | undefined, requestOrigin: string | undefined, method: string): R {
  if (policy === undefined) return response;
  const has = (name: string): boolean => response.headers.some(([k]) => k.toLowerCase() === name);
  const set = (name: string, value: string, override: boolean): void => {
    if (has(name)) {
      if (!override) return;
      response.headers = response.headers.filter(([k]) => k.toLowerCase() !== name);
    }
    response.headers.push([name, value]);
  };
  response.headers = response.headers.filter(([k]) => !policy.remove.includes(k.toLowerCase()));
  const cors = policy.cors;
  if (cors !== undefined && requestOrigin !== undefined) {
    const anyOrigin = cors.allowOrigins.includes('*');
    if (anyOrigin || cors.allowOrigins.includes(requestOrigin)) {
      set('access-control-allow-origin', anyOrigin && !cors.allowCredentials ? '*' : requestOrigin, cors.originOverride);
      if (cors.allowCredentials) set('access-control-allow-credentials', 'true', cors.originOverride);
      if (cors.exposeHeaders.length > 0) set('access-control-expose-headers', cors.exposeHeaders.join(', '), cors.originOverride);
      if (method === 'OPTIONS') {
        set('access-control-allow-methods', cors.allowMethods.join(', '), cors.originOverride);
        if (cors.allowHeaders.length > 0) set('access-control-allow-headers', cors.allowHeaders.join(', '), cors.originOverride);
        if (cors.maxAgeSec !== undefined) set('access-control-max-age', String(cors.maxAgeSec), cors.originOverride);
      }
      if (!anyOrigin) set('vary', 'Origin', false);
    }
  }
  for (const header of policy.add) set(header.name, header.value, header.override);
  return response;
}
