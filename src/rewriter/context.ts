/**
 * The state of one rewrite: its fixed settings (the viewer's URL and credentials, the allowed hosts, the limits)
 * apart from what the scan finds and does (the playlist's variables, what happened to each URI). Built once per
 * playlist by {@link makeContext}.
 */
import { InvalidOptionError } from '../errors.js';
import { credentialParamNames, credentialWriter } from './credentials.js';
import type { CredentialWriter } from './credentials.js';
import type { RefusalReason, RewriteOptions, RewriteResult, WithheldReason } from './types.js';

/** What stays fixed for the whole playlist. */
export interface RewriteSettings {
  readonly viewer: URL;
  readonly allowHosts: ReadonlySet<string>;
  /** Writes the viewer's credentials into URIs (the only holder of their bytes). */
  readonly credentials: CredentialWriter;
  /** The signed-URL param names, lower case: QUERYPARAM/IMPORT names that would hand a player the credentials. */
  readonly credentialNamesLower: ReadonlySet<string>;
  /** Hosts content steering may move URLs to (RewriteOptions.steeringHosts), URL.host form; undefined: not allowed. */
  readonly steeringHosts?: ReadonlySet<string>;
  /** Most attributes a tag may have (RewriteLimits.maxAttributes). */
  readonly maxAttributes: number;
  /** Set when there is nothing to write (see SkipReason): known before any line is read. */
  readonly skipped?: RewriteResult['skipped'];
}

/** One rewrite: its fixed settings, and what the scan has read and done so far. */
export interface Context {
  readonly settings: RewriteSettings;
  /**
   * EXT-X-DEFINE variables: NAME/VALUE values; AMBIGUOUS marks a name players could read differently or whose value
   * comes from outside the playlist (IMPORT, QUERYPARAM).
   */
  variables: Map<string, string | typeof AMBIGUOUS>;
  rewritten: number;
  untouched: number;
  withheld: Partial<Record<WithheldReason, number>>;
  /** Set by a line past a limit or a rule: the scan stops at the next line. */
  refused?: RefusalReason;
}

/** A variable whose value players could read differently: URIs that need its value get no credentials. */
export const AMBIGUOUS = Symbol('ambiguous variable');

export function makeContext(options: RewriteOptions): Context {
  let viewer: URL;
  try {
    viewer = new URL(options.url);
  } catch (err) {
    throw new InvalidOptionError('url must be an absolute http(s) URL of the playlist', { cause: err });
  }
  if (viewer.protocol !== 'https:' && viewer.protocol !== 'http:') {
    throw new InvalidOptionError(`url must be an http(s) URL, got ${viewer.protocol}`);
  }
  const allowHosts = new Set<string>();
  for (const host of options.allowHosts ?? []) {
    const h = normalizeAllowedHost(host);
    if (h !== undefined) allowHosts.add(h);
  }
  const paramNames = credentialParamNames(options.credentialSuffix ?? '');
  const { writer, skipped } = credentialWriter(options, paramNames);
  const settings: RewriteSettings = {
    viewer,
    allowHosts,
    credentials: writer,
    credentialNamesLower: new Set([...paramNames].map((n) => n.toLowerCase())),
    maxAttributes: options.limits?.maxAttributes ?? Infinity,
    ...(options.steeringHosts !== undefined ? { steeringHosts: steeringHostsOf(options.steeringHosts, viewer, allowHosts) } : {}),
    ...(skipped !== undefined ? { skipped } : {}),
  };
  return { settings, variables: new Map(), rewritten: 0, untouched: 0, withheld: {} };
}

/**
 * An allowHosts entry as URL.host compares it: lower-case, default port dropped (`video.example.com:443` ->
 * `video.example.com`), any other port kept. An entry matches only its own port, so `video.example.com` does not
 * let `https://video.example.com:8443/` have credentials. Empty entries are ignored; anything but `host[:port]`
 * is an InvalidOptionError (a typo here must not silently widen or break the host rule).
 */
function normalizeAllowedHost(entry: string): string | undefined {
  const trimmed = entry.trim();
  if (trimmed === '') return undefined;
  let url: URL | undefined;
  try {
    url = new URL(`https://${trimmed}`);
  } catch {
    url = undefined;
  }
  if (url === undefined || url.pathname !== '/' || url.search !== '' || url.hash !== '' || url.username !== '' || url.password !== '' || trimmed.includes('/')) {
    throw new InvalidOptionError(`allowHosts entry ${JSON.stringify(trimmed.slice(0, 100))} is not a host name with an optional port`);
  }
  return url.host;
}

/** steeringHosts in URL.host form; each must be the viewer's host or an allowed host (else InvalidOptionError). */
function steeringHostsOf(entries: readonly string[], viewer: URL, allowHosts: ReadonlySet<string>): ReadonlySet<string> {
  const hosts = new Set<string>();
  for (const entry of entries) {
    const host = normalizeAllowedHost(entry);
    if (host === undefined) continue;
    if (host !== viewer.host && !allowHosts.has(host)) {
      throw new InvalidOptionError(`steering host ${JSON.stringify(host)} is not an allowed host: add it to allowHosts first (credentials follow steering there)`);
    }
    hosts.add(host);
  }
  return hosts;
}

export function untouched(uri: string, ctx: Context): string {
  ctx.untouched++;
  return uri;
}

/** Leaves a URI without credentials because readers could disagree on it, and counts why. */
export function withhold(reason: WithheldReason, ctx: Context, uri = ''): string {
  ctx.withheld[reason] = (ctx.withheld[reason] ?? 0) + 1;
  return untouched(uri, ctx);
}
