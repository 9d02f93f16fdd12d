/**
 * Sends the S3 reads of the built origin-response bundle, which runs in this process, to local S3-compatible
 * servers. The bundle does what it does in AWS: a SigV4-signed GET over HTTPS to the bucket's real S3 host
 * (`<bucket>.s3.<region>.amazonaws.com`, or path style on `s3.<region>.amazonaws.com`). Here `node:https`'s
 * `request` is wrapped once per process: a request for a host of a routed bucket goes to that bucket's local
 * endpoint instead, over HTTP, and otherwise exactly as signed (path, headers, and the S3 host in `Host`, which
 * the local server reads the bucket from as S3 does); every other request goes out untouched. The bundle holds no switch for
 * this, so nothing a distribution sends can move its S3 reads (and the session token they carry) elsewhere.
 */
import type { ClientRequest, IncomingMessage, RequestOptions } from 'node:http';

/** bucket -> local endpoint (`http://127.0.0.1:PORT`). Shared by every copy of this module in the process. */
type Routes = Map<string, URL>;
const ROUTES_KEY = Symbol.for('cloudfront-hls.local-edge.s3-routes');
const holder = globalThis as { [ROUTES_KEY]?: Routes };

/** S3 hosts: virtual-hosted `<bucket>.s3[.-]<region>.amazonaws.com[.cn]`, or path style without the bucket. */
const S3_HOST = /^(?:(.+)\.)?s3(?:[.-][a-z0-9-]+)?(?:\.dualstack)?(?:\.[a-z0-9-]+)?\.amazonaws\.com(?:\.cn)?$/;

/** The local endpoint a request for `host` + `path` goes to instead, or undefined when its bucket is not routed. */
export function localS3Target(routes: Routes, host: string, path: string): URL | undefined {
  const m = S3_HOST.exec(host.toLowerCase());
  if (m === null) return undefined;
  return routes.get(m[1] ?? path.split('/')[1] ?? '');
}

function install(): Routes {
  const existing = holder[ROUTES_KEY];
  if (existing !== undefined) return existing;
  const routes: Routes = new Map();
  holder[ROUTES_KEY] = routes;
  const https = process.getBuiltinModule('node:https');
  const http = process.getBuiltinModule('node:http');
  const original = https.request;
  // The bundle calls request(options, callback) with an options object (src/edge/origin-get.ts).
  const routed = ((options: unknown, ...rest: unknown[]): ClientRequest => {
    if (typeof options === 'object' && options !== null && !(options instanceof URL)) {
      const o = options as RequestOptions;
      const host = String(o.host ?? o.hostname ?? '');
      const target = localS3Target(routes, host, String(o.path ?? '/'));
      if (target !== undefined) {
        const { servername: _servername, hostname: _hostname, ...plain } = o as RequestOptions & { servername?: string };
        const callback = rest.find((r) => typeof r === 'function') as ((res: IncomingMessage) => void) | undefined;
        const headers = { ...(o.headers as Record<string, string> | undefined), host };
        return http.request({ ...plain, protocol: 'http:', host: target.hostname, port: Number(target.port), headers }, callback);
      }
    }
    return (original as (...args: unknown[]) => ClientRequest)(options, ...rest);
  }) as typeof https.request;
  https.request = routed;
  return routes;
}

/**
 * Routes the S3 reads for `bucket` made in this process to `endpoint` until the returned function is called (or
 * another route for the bucket replaces it).
 */
export function routeS3Bucket(bucket: string, endpoint: string): () => void {
  const routes = install();
  const url = new URL(endpoint);
  routes.set(bucket, url);
  return () => {
    if (routes.get(bucket) === url) routes.delete(bucket);
  };
}
