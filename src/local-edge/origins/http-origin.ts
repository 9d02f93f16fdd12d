/**
 * `--origin http(s)://HOST[:PORT][/PATH]`: an HTTP server of the user's (a live packager, an LL-HLS test origin)
 * fronted the way template.yaml's custom origins are. CloudFront's request and origin-response's own read both
 * reach it: the event's `request.origin.custom` names this host, port, protocol and path.
 */
import { LocalEdgeConfigError } from '../../errors.js';
import { cfHeaders, originGet } from './origin.js';
import type { Origin, OriginAddress } from './origin.js';

/** Parsed `http(s)://HOST[:PORT][/PATH]`: no query, fragment or credentials. */
export interface HttpOriginTarget extends OriginAddress {
  /** '' or a path without a trailing slash, prepended to every request (CloudFront's OriginPath). */
  path: string;
}

export function parseHttpOrigin(spec: string): HttpOriginTarget {
  let url: URL;
  try {
    url = new URL(spec);
  } catch (err) {
    throw new LocalEdgeConfigError(`--origin ${spec}: not a URL`, { cause: err });
  }
  const protocol = url.protocol === 'http:' ? 'http' : url.protocol === 'https:' ? 'https' : undefined;
  if (protocol === undefined) throw new LocalEdgeConfigError(`--origin ${spec}: only http:// and https:// origins`);
  if (url.search !== '' || url.hash !== '' || url.username !== '' || url.password !== '') {
    throw new LocalEdgeConfigError(`--origin ${spec}: no query, fragment or user info (CloudFront's origin is HOST[:PORT][/PATH])`);
  }
  const host = url.hostname.replace(/^\[|\]$/g, '');
  return { protocol, host, port: url.port === '' ? (protocol === 'https' ? 443 : 80) : Number(url.port), path: url.pathname.replace(/\/+$/, '') };
}

/** The origin at `spec`; nothing is started (the server is the user's). */
export function httpOrigin(spec: string): Origin {
  const target = parseHttpOrigin(spec);
  const hostPart = target.host.includes(':') ? `[${target.host}]` : target.host;
  return {
    kind: 'http',
    eventOrigin: (customHeaders, originPath) => ({
      custom: {
        customHeaders: cfHeaders(customHeaders),
        domainName: target.host,
        keepaliveTimeout: 5,
        path: `${target.path}${originPath}`,
        port: target.port,
        protocol: target.protocol,
        readTimeout: 30,
        sslProtocols: ['TLSv1.2'],
      },
    }),
    fetch: (uri, query, headers) => originGet(target, `${target.path}${uri}${query ? `?${query}` : ''}`, headers),
    describe: () => `custom origin ${target.protocol}://${hostPart}:${target.port}${target.path}`,
    close: async () => {},
  };
}
