import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Parser } from 'm3u8-parser';
import { describe, expect, it } from 'vitest';
import { rewritePlaylistDetailed } from '../../src/rewriter/index.js';

// The playlists shipped in the m3u8-parser package, read in place (not copied), each rewritten and checked
// with m3u8-parser as an independent oracle.
const require = createRequire(import.meta.url);
const fixtureDir = join(dirname(require.resolve('m3u8-parser/package.json')), 'test', 'fixtures', 'integration');
const fixtures = readdirSync(fixtureDir).filter((f) => f.endsWith('.m3u8')).sort();

const CREDS = 'Policy=eyJTdGF0ZW1lbnQiOlt7~fake_&Signature=Ab~Cd-Ef_&Key-Pair-Id=K2JCJMDEHXQW5F&Hash-Algorithm=SHA256';
const BASE = 'https://d111.cloudfront.net/movies/42/master.m3u8';
const URL_SIGNED = `${BASE}?${CREDS}`;

function parse(text: string): Record<string, unknown> {
  const parser = new Parser();
  parser.on('warn', () => undefined);
  parser.push(text);
  parser.end();
  return parser.manifest;
}

/** Applies `fn` to every string in a parsed manifest. */
function mapStrings(value: unknown, fn: (s: string) => string): unknown {
  if (typeof value === 'string') return fn(value);
  if (Array.isArray(value)) return value.map((v) => mapStrings(v, fn));
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, mapStrings(v, fn)]));
  }
  return value;
}

const URI_KEYS = new Set(['uri', 'URI', 'serverUri', 'SERVER-URI']);
/** Every URI-valued string in a parsed manifest. */
function collectUris(value: unknown, out: string[] = []): string[] {
  if (Array.isArray(value)) for (const v of value) collectUris(v, out);
  else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (URI_KEYS.has(k) && typeof v === 'string') out.push(v);
      else collectUris(v, out);
    }
  }
  return out;
}

function stripCredentials(s: string): string {
  return s.split(`&${CREDS}`).join('').split(`?${CREDS}`).join('');
}

/** Independent host rule: http(s) URIs that resolve to the playlist's own host. */
function sameHost(uri: string): boolean {
  try {
    const u = new URL(uri, BASE);
    return u.protocol === 'https:' && u.host === new URL(BASE).host;
  } catch {
    return false;
  }
}

function occurrences(haystack: string, needle: string): number {
  return haystack.split(needle).length - 1;
}

describe('m3u8-parser fixtures as an oracle', () => {
  it('finds the 60 playlists shipped with m3u8-parser', () => {
    expect(fixtures.length).toBe(60);
  });

  for (const name of fixtures) {
    it(`${name}: same playlist once credentials are removed, and every same-host URI carries each credential exactly once`, () => {
      const input = readFileSync(join(fixtureDir, name), 'utf8');
      const { text: output, rewritten } = rewritePlaylistDetailed(input, { url: URL_SIGNED });
      const before = parse(input);
      const after = parse(output);

      // Segment counts, durations, attributes, every URI: identical with credentials removed.
      expect(mapStrings(after, stripCredentials)).toEqual(before);
      expect((after.segments as unknown[]).length).toBe((before.segments as unknown[]).length);

      const uris = collectUris(after);
      for (const uri of uris) {
        const expected = sameHost(uri) ? 1 : 0;
        for (const param of ['Policy=', 'Signature=', 'Key-Pair-Id=', 'Hash-Algorithm=']) {
          expect(occurrences(uri, param), `${param} in ${uri}`).toBe(expected);
        }
      }
      // Non-URI bytes: removing the credentials gives back the input exactly.
      expect(stripCredentials(output)).toBe(input);
      expect(rewritten).toBe(occurrences(output, CREDS));
    });
  }

  it('rewrites URIs in most fixtures (the oracle is not vacuous)', () => {
    let withRewrites = 0;
    for (const name of fixtures) {
      const input = readFileSync(join(fixtureDir, name), 'utf8');
      if (rewritePlaylistDetailed(input, { url: URL_SIGNED }).rewritten > 0) withRewrites++;
    }
    expect(withRewrites).toBeGreaterThan(40);
  });
});
