/**
 * `--origin http(s)://HOST[:PORT][/PATH]`: an HTTP server of the user's (a live packager, an LL-HLS test origin)
 * fronted the way template.yaml's custom origins are. CloudFront's request and origin-response's own read both
 * reach it: the event's `request.origin.custom` names this host, port, protocol and path.
 */
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { LocalEdgeConfigError, LocalEdgeOriginError } from '../../errors.js';
import type { Origin, OriginResponse } from './origin.js';

/** Parsed `http(s)://HOST[:PORT][/PATH]`: no query, fragment or credentials. */
export interface HttpOriginTarget {
  protocol: 'http' | 'https';
  host: string;
  port: number;
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

function cfHeaders(headers: Record<string, string>): Record<string, Array<{ key: string; value: string }>> {
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), [{ key: name, value }]]));
}

function get(target: HttpOriginTarget, path: string, headers: Record<string, string>): Promise<OriginResponse> {
  const send = target.protocol === 'https' ? httpsRequest : httpRequest;
  return new Promise((resolvePromise, reject) => {
    const req = send({ host: target.host, port: target.port, path, method: 'GET', headers, timeout: 30_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const out: Array<[string, string]> = [];
        for (let i = 0; i + 1 < res.rawHeaders.length; i += 2) out.push([res.rawHeaders[i]!, res.rawHeaders[i + 1]!]);
        resolvePromise({ status: res.statusCode ?? 502, headers: out, body: Buffer.concat(chunks) });
      });
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new LocalEdgeOriginError('origin timed out')));
    req.on('error', reject);
    req.end();
  });
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
    fetch: (uri, query, headers) => get(target, `${target.path}${uri}${query ? `?${query}` : ''}`, headers),
    describe: () => `custom origin ${target.protocol}://${hostPart}:${target.port}${target.path}`,
    close: async () => {},
  };
}
