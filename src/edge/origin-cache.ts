/**
 * Origin playlist bytes kept in the instance's memory, so a warm origin-response skips its second origin read.
 *
 * CloudFront has already fetched the object once (the event carries its status and headers, not its body). When
 * the event's strong validator equals the one stored with bytes we read earlier, those bytes are the object's
 * bytes: no second request. Only origin bytes are kept, never anything a viewer's request shaped (credentials,
 * host, rewritten text). Bounded in bytes, least recently used first out, one in-flight fetch per key.
 */
import type { CloudFrontHeaders } from 'aws-lambda';
import { ORIGIN_CACHE_MAX_BYTES } from './config.js';
import type { FetchedBody } from './fetch-body.js';

/**
 * The strong validator of a response: its `ETag` unless weak (`W/`, RFC 9110 section 8.8.3), plus S3's
 * `x-amz-version-id` when present. Undefined when there is no strong ETag: then nothing identifies the bytes.
 */
export function strongValidator(etag: string | undefined, versionId?: string): string | undefined {
  const tag = etag?.trim();
  if (!tag || tag.startsWith('W/')) return undefined;
  return versionId ? `${tag} ${versionId.trim()}` : tag;
}

/** {@link strongValidator} of a response in CloudFront's header shape. */
export function eventValidator(headers: CloudFrontHeaders): string | undefined {
  return strongValidator(headers.etag?.[0]?.value, headers['x-amz-version-id']?.[0]?.value);
}

interface Entry {
  validator: string;
  bytes: Buffer;
}

/** A byte-bounded LRU of origin bodies, one entry (the newest version seen) per key. */
export class OriginBodyCache {
  private readonly entries = new Map<string, Entry>();
  private size = 0;

  constructor(readonly maxBytes: number) {}

  /** Bytes stored under `key` if they carry `validator`; a hit becomes the most recently used entry. */
  get(key: string, validator: string): Buffer | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined || entry.validator !== validator) return undefined;
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry.bytes;
  }

  /** Stores `bytes` under `key` and the validator they came with, evicting the least recently used first. */
  set(key: string, validator: string, bytes: Buffer): void {
    this.delete(key);
    if (bytes.length > this.maxBytes) return;
    for (const [oldest, entry] of this.entries) {
      if (this.size + bytes.length <= this.maxBytes) break;
      this.entries.delete(oldest);
      this.size -= entry.bytes.length;
    }
    this.entries.set(key, { validator, bytes });
    this.size += bytes.length;
  }

  delete(key: string): void {
    const entry = this.entries.get(key);
    if (entry === undefined) return;
    this.entries.delete(key);
    this.size -= entry.bytes.length;
  }

  clear(): void {
    this.entries.clear();
    this.size = 0;
  }

  /** Bytes held now. */
  get bytes(): number {
    return this.size;
  }

  /** Keys held now, least recently used first. */
  keys(): string[] {
    return [...this.entries.keys()];
  }
}

/** The instance's cache: module scope, so later invocations of the same instance reuse it. */
export const originCache = new OriginBodyCache(ORIGIN_CACHE_MAX_BYTES);
const inFlight = new Map<string, Promise<FetchedBody>>();

/** How a body was obtained: `hit` (no origin request), `fetched`, or `joined` (another call's fetch). */
export type ReadKind = 'hit' | 'fetched' | 'joined';

/**
 * The origin bytes for `key` (origin, object and content encoding): from the cache when `validator` (the event's)
 * matches, else from `fetch`, whose result is stored under the validator that came back with it. Concurrent
 * calls for one key and validator share one fetch. Errors are not cached.
 */
export async function readThrough(
  key: string,
  validator: string | undefined,
  fetch: () => Promise<FetchedBody>,
  cache: OriginBodyCache = originCache,
): Promise<{ body: FetchedBody; read: ReadKind }> {
  if (validator !== undefined) {
    const bytes = cache.get(key, validator);
    if (bytes !== undefined) return { body: { bytes }, read: 'hit' };
  }
  const flightKey = `${key}\n${validator ?? ''}`;
  const pending = inFlight.get(flightKey);
  if (pending !== undefined) return { body: await pending, read: 'joined' };
  const started = fetch().then((body) => {
    const stored = strongValidator(body.etag, body.versionId);
    if (stored !== undefined) cache.set(key, stored, body.bytes);
    return body;
  });
  inFlight.set(flightKey, started);
  try {
    return { body: await started, read: 'fetched' };
  } finally {
    inFlight.delete(flightKey);
  }
}
