/**
 * The Host names the local edge answers for. CloudFront routes a request by its Host header and refuses a name
 * that no distribution owns ("The requested alternate domain name (CNAME) isn't associated with the CloudFront
 * distribution", https://repost.aws/knowledge-center/resolve-cloudfront-bad-request-error); the local edge does
 * the same for its own names only. Without this a page on any site whose name resolves to 127.0.0.1 (DNS
 * rebinding) could read the dev token at /_local/dev-token and have the signer sign for its own host.
 */
import { isIP } from 'node:net';

/**
 * `host:port` values the edge listening on `listenHost:port` accepts: the listen address itself, plus `localhost`
 * (a name browsers resolve to loopback only). Port 80 is also accepted without `:80`, as browsers omit it.
 */
export function edgeHostNames(listenHost: string, port: number): Set<string> {
  const names = new Set<string>();
  for (const hostName of [isIP(listenHost) === 6 ? `[${listenHost}]` : listenHost, 'localhost']) {
    names.add(`${hostName.toLowerCase()}:${port}`);
    if (port === 80) names.add(hostName.toLowerCase());
  }
  return names;
}

/** Why a request is refused before any behavior runs, or undefined when it is for this edge. */
export function misdirected(host: string | undefined, target: string, accepted: ReadonlySet<string>): { status: 400 | 421; message: string } | undefined {
  // Only origin-form targets (`/path?query`); an absolute-form target names a host of its own.
  if (!target.startsWith('/')) return { status: 400, message: 'request target must be a path starting with /' };
  if (host === undefined || !accepted.has(host.toLowerCase())) {
    return { status: 421, message: `this local edge answers only for Host ${[...accepted].join(', ')}` };
  }
  return undefined;
}
