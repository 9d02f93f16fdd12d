/**
 * The one loader of recorded CloudFront events (events/<name>.json). Each call returns a fresh structuredClone,
 * so a test may change its copy freely.
 */
import { readFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import type { CloudFrontRequestEvent, CloudFrontResponseEvent } from 'aws-lambda';

const EVENTS_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'events');
const cache = new Map<string, unknown>();

/** Names of the recorded events, as `loadEvent` takes them. */
export type ViewerRequestEventName = `viewer-request/${string}`;
export type OriginResponseEventName = `origin-response/${string}`;

/**
 * Loads `events/<name>.json` (e.g. `viewer-request/with-credentials`) as a private copy.
 *
 * @example const event = loadEvent('origin-response/s3-playlist-200');
 */
export function loadEvent(name: ViewerRequestEventName): CloudFrontRequestEvent;
export function loadEvent(name: OriginResponseEventName): CloudFrontResponseEvent;
export function loadEvent<T = unknown>(name: string): T;
export function loadEvent(name: string): unknown {
  let parsed = cache.get(name);
  if (parsed === undefined) {
    parsed = JSON.parse(readFileSync(join(EVENTS_DIR, `${name}.json`), 'utf8')) as unknown;
    cache.set(name, parsed);
  }
  return structuredClone(parsed);
}

/**
 * The text of a generated body as a viewer reads it: base64 decoded, then Brotli or gzip decoded per the
 * response's Content-Encoding.
 */
export function bodyText(response: { headers: Record<string, Array<{ value: string }> | undefined>; body?: string; bodyEncoding?: 'text' | 'base64' }): string {
  if (response.body === undefined) throw new Error('response has no generated body');
  const bytes = response.bodyEncoding === 'base64' ? Buffer.from(response.body, 'base64') : Buffer.from(response.body, 'utf8');
  const coding = response.headers['content-encoding']?.[0]?.value;
  if (coding === 'br') return brotliDecompressSync(bytes).toString('utf8');
  if (coding === 'gzip') return gunzipSync(bytes).toString('utf8');
  if (coding !== undefined) throw new Error(`unexpected Content-Encoding ${coding}`);
  return bytes.toString('utf8');
}

/** Points a recorded custom-origin event at a plain-HTTP origin on 127.0.0.1:`port` (a test's own server). */
export function atLocalCustomOrigin(event: CloudFrontResponseEvent, port: number): CloudFrontResponseEvent {
  const origin = event.Records[0]!.cf.request.origin!.custom!;
  origin.domainName = '127.0.0.1';
  origin.port = port;
  origin.protocol = 'http';
  return event;
}

/** Sets the viewer's Accept-Encoding on a recorded origin-response event; `undefined` removes the header. */
export function withAcceptEncoding(event: CloudFrontResponseEvent, value: string | undefined): CloudFrontResponseEvent {
  const headers = event.Records[0]!.cf.request.headers;
  if (value === undefined) delete headers['accept-encoding'];
  else headers['accept-encoding'] = [{ key: 'Accept-Encoding', value }];
  return event;
}
