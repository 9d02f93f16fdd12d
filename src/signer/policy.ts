/**
 * CloudFront policy statements: building the exact JSON CloudFront signs, parsing it back, and the
 * input checks that keep a signer from minting URLs CloudFront would reject.
 *
 * The JSON shape and key order follow the CloudFront Developer Guide ("Create a signed URL using a canned
 * policy" / "... custom policy"): no whitespace. For a canned policy the bytes matter (CloudFront rebuilds the
 * statement from the request and checks the signature over it); for a custom policy the bytes travel in the URL.
 */
import { BlockList, isIP } from 'node:net';
import { PolicyParseError, SigningInputError } from '../errors.js';
import { resourceCovers } from './wildcard.js';

/** Epoch seconds above this are almost certainly milliseconds (1e11 s is the year 5138). */
const MAX_EPOCH_SECONDS = 1e11;

/** One statement's conditions (epoch seconds, CIDR). */
export interface PolicyConditions {
  dateLessThan: number;
  dateGreaterThan?: number;
  ipAddress?: string;
}

/** A parsed single-statement policy. */
export interface PolicyStatement extends PolicyConditions {
  resource: string;
}

/**
 * The canned-policy statement CloudFront rebuilds from a request:
 * `{"Statement":[{"Resource":"URL","Condition":{"DateLessThan":{"AWS:EpochTime":N}}}]}`.
 */
export function cannedPolicyJson(url: string, expires: number): string {
  return `{"Statement":[{"Resource":${JSON.stringify(url)},"Condition":{"DateLessThan":{"AWS:EpochTime":${expires}}}}]}`;
}

/**
 * The custom-policy JSON, no whitespace, conditions in the documented order
 * (DateLessThan, DateGreaterThan, IpAddress).
 *
 * @example customPolicyJson({ resource: 'https://d111.cloudfront.net/movies/42/*', dateLessThan: 1767225600 })
 */
export function customPolicyJson(s: PolicyStatement): string {
  const condition: Record<string, unknown> = { DateLessThan: { 'AWS:EpochTime': s.dateLessThan } };
  if (s.dateGreaterThan !== undefined) condition.DateGreaterThan = { 'AWS:EpochTime': s.dateGreaterThan };
  if (s.ipAddress !== undefined) condition.IpAddress = { 'AWS:SourceIp': s.ipAddress };
  return JSON.stringify({ Statement: [{ Resource: s.resource, Condition: condition }] });
}


function epochOf(v: unknown, where: string): number {
  const t = (v as Record<string, unknown> | undefined)?.['AWS:EpochTime'];
  if (typeof t !== 'number' || !Number.isInteger(t) || t < 0) throw new PolicyParseError(`${where} must have an integer AWS:EpochTime`);
  return t;
}

/** Parses a custom policy's JSON text; throws {@link PolicyParseError} for anything CloudFront would call malformed. */
export function parsePolicy(json: string): PolicyStatement {
  let doc: unknown;
  try {
    doc = JSON.parse(json);
  } catch {
    throw new PolicyParseError('policy is not JSON');
  }
  const statements = (doc as { Statement?: unknown } | null)?.Statement;
  // CloudFront accepts exactly one statement per policy.
  if (!Array.isArray(statements) || statements.length !== 1) throw new PolicyParseError('policy must have exactly one Statement');
  const st = statements[0] as { Resource?: unknown; Condition?: Record<string, unknown> } | null;
  if (st === null || typeof st !== 'object') throw new PolicyParseError('Statement must be an object');
  const resource = st.Resource ?? '*'; // Resource is optional in a custom policy: omitted means any file.
  if (typeof resource !== 'string' || resource === '') throw new PolicyParseError('Resource must be a string');
  const cond = st.Condition;
  if (cond === undefined || cond === null || typeof cond !== 'object') throw new PolicyParseError('Condition is required');
  for (const k of Object.keys(cond)) {
    if (k !== 'DateLessThan' && k !== 'DateGreaterThan' && k !== 'IpAddress') throw new PolicyParseError(`unknown condition ${k}`);
  }
  const out: PolicyStatement = { resource, dateLessThan: epochOf(cond.DateLessThan, 'DateLessThan') };
  if (cond.DateGreaterThan !== undefined) out.dateGreaterThan = epochOf(cond.DateGreaterThan, 'DateGreaterThan');
  if (cond.IpAddress !== undefined) {
    const ip = (cond.IpAddress as Record<string, unknown>)['AWS:SourceIp'];
    if (typeof ip !== 'string' || parseCidr(ip) === undefined) throw new PolicyParseError('IpAddress must have an AWS:SourceIp CIDR');
    out.ipAddress = ip;
  }
  return out;
}

/** A parsed CIDR block. */
export interface Cidr {
  address: string;
  prefix: number;
  family: 'ipv4' | 'ipv6';
}

/** Parses `a.b.c.d/n`, `a.b.c.d` (as /32), IPv6 `x::y/n` or a bare IPv6 address (as /128). */
export function parseCidr(cidr: string): Cidr | undefined {
  const slash = cidr.indexOf('/');
  const address = slash === -1 ? cidr : cidr.slice(0, slash);
  const v = isIP(address);
  if (v === 0) return undefined;
  const max = v === 4 ? 32 : 128;
  let prefix = max;
  if (slash !== -1) {
    const p = cidr.slice(slash + 1);
    if (!/^\d{1,3}$/.test(p)) return undefined;
    prefix = Number(p);
    if (prefix > max) return undefined;
  }
  return { address, prefix, family: v === 4 ? 'ipv4' : 'ipv6' };
}

/** Normalizes a CIDR for a policy (`1.2.3.4` -> `1.2.3.4/32`); throws a clear error when it is not one. */
export function normalizeCidr(cidr: string): string {
  const c = parseCidr(cidr.trim());
  if (c === undefined) throw new SigningInputError(`IP address "${cidr}" is not an IPv4 or IPv6 address or CIDR block`);
  return `${c.address}/${c.prefix}`;
}

/** True when `ip` is inside the CIDR block (IPv4-mapped IPv6 viewers match IPv4 blocks). */
export function ipInCidr(ip: string, cidr: string): boolean {
  const c = parseCidr(cidr);
  let addr = ip.trim();
  if (c === undefined) return false;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(addr);
  if (mapped && c.family === 'ipv4') addr = mapped[1]!;
  const fam = isIP(addr);
  if (fam === 0 || (fam === 4 ? 'ipv4' : 'ipv6') !== c.family) return false;
  const list = new BlockList();
  list.addSubnet(c.address, c.prefix, c.family);
  return list.check(addr, c.family);
}

/**
 * Converts an expiry/start given as epoch seconds, a Date or an ISO string to epoch seconds, rejecting
 * millisecond-looking numbers and non-integers with a message that names `field`.
 */
export function toEpochSeconds(value: number | Date | string, field: string): number {
  if (value instanceof Date) {
    const ms = value.getTime();
    if (Number.isNaN(ms)) throw new SigningInputError(`${field} is not a valid date`);
    return Math.floor(ms / 1000);
  }
  if (typeof value === 'string') {
    const s = value.trim();
    if (/^\d+$/.test(s)) return toEpochSeconds(Number(s), field);
    const ms = Date.parse(s);
    if (Number.isNaN(ms)) throw new SigningInputError(`${field} "${value}" is neither epoch seconds nor an ISO 8601 date`);
    return Math.floor(ms / 1000);
  }
  if (!Number.isFinite(value) || !Number.isInteger(value) || value < 0) {
    throw new SigningInputError(`${field} must be a whole number of epoch seconds`);
  }
  if (value >= MAX_EPOCH_SECONDS) {
    throw new SigningInputError(`${field} ${value} looks like milliseconds; CloudFront policies use epoch seconds (${Math.floor(value / 1000)}?)`);
  }
  return value;
}

/**
 * The default Resource for a URL: its folder plus `*` (`https://host/movies/42/master.m3u8` ->
 * `https://host/movies/42/*`), so one signature covers every file of the title and, through the trailing `*`,
 * any query string.
 */
export function folderResource(url: string): string {
  const q = url.search(/[?#]/);
  const noQuery = q === -1 ? url : url.slice(0, q);
  // In a Resource, * and ? are wildcards: a folder holding them would widen the policy to other folders.
  if (/[*?]/.test(noQuery)) {
    throw new SigningInputError('the URL path contains * or ?, which a policy Resource reads as wildcards; pass --resource explicitly');
  }
  const schemeEnd = noQuery.indexOf('://');
  const pathStart = noQuery.indexOf('/', schemeEnd + 3);
  if (pathStart === -1) return `${noQuery}/*`;
  return `${noQuery.slice(0, noQuery.lastIndexOf('/') + 1)}*`;
}

/** Throws unless `resource` covers `url`. */
export function assertResourceCovers(resource: string, url: string): void {
  if (!resourceCovers(resource, url)) {
    throw new SigningInputError(`resource "${resource}" does not cover the URL being signed (${url.split('?')[0]}); CloudFront would answer 403`);
  }
}
