/**
 * Independent checks of a rewritten playlist, written without the rewriter's internals: the m3u8-parser
 * fixtures (read in place), a credential set that cannot occur by chance, and checkers for "no non-URI byte
 * changed" and "credentials only on URIs that resolve to an allowed https host".
 */
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Parser } from 'm3u8-parser';

const require = createRequire(import.meta.url);
/** node_modules/m3u8-parser/test/fixtures/integration, read in place (never copied). */
export const FIXTURE_DIR = join(dirname(require.resolve('m3u8-parser/package.json')), 'test', 'fixtures', 'integration');

/** The 60 playlists shipped with m3u8-parser, by file name. */
export function loadFixtures(): Array<{ name: string; text: string }> {
  return readdirSync(FIXTURE_DIR)
    .filter((f) => f.endsWith('.m3u8'))
    .sort()
    .map((name) => ({ name, text: readFileSync(join(FIXTURE_DIR, name), 'utf8') }));
}

/** Credentials whose bytes (`~`, `_`, `-`) break under any re-encoding. */
export const CREDS = 'Policy=eyJIb3N0aWxlIjp0cnVlfQ~~_&Signature=Zz~Yy-Xx_Ww&Key-Pair-Id=KHOSTILE0001';
/** The viewer's host matches the https URIs of the fixtures; `priv.example.com` is an alternate domain name. */
export const VIEWER_BASE = 'https://example.com/movies/42/master.m3u8';
export const VIEWER_URL = `${VIEWER_BASE}?${CREDS}`;
export const ALLOW_HOSTS = ['priv.example.com'] as const;
const ALLOWED = new Set<string>(['example.com', ...ALLOW_HOSTS]);

/**
 * Checks that `output` is `input` (less a leading BOM) with only `CREDS` inserted, each optionally preceded by a
 * `?` or `&` separator that was not in the input. Returns a description of the first difference, or undefined.
 */
export function nonUriBytesProblem(input: string, output: string): string | undefined {
  const expected = input.startsWith('\ufeff') ? input.slice(1) : input;
  const pieces = output.split(CREDS);
  let at = 0;
  for (let i = 0; i < pieces.length; i++) {
    const piece = pieces[i]!;
    const last = i === pieces.length - 1;
    if (expected.startsWith(piece, at)) {
      at += piece.length;
    } else if (!last && (piece.endsWith('?') || piece.endsWith('&')) && expected.startsWith(piece.slice(0, -1), at)) {
      at += piece.length - 1;
    } else {
      return `output differs from input near input offset ${at}: ${JSON.stringify(expected.slice(at, at + 60))} vs ${JSON.stringify(piece.slice(0, 60))}`;
    }
  }
  return at === expected.length ? undefined : `output ends early at input offset ${at} of ${expected.length}`;
}

/**
 * Characters some URL parser ignores or treats as `/` (WHATWG: `\\` anywhere, tab/CR/LF anywhere, C0 or space
 * at either end): a URI holding one cannot be trusted to stay on a host.
 */
const AMBIGUOUS = /[\x00-\x1f\x7f\\]|^ | $/;

/**
 * Every URI in `output` that carries `CREDS`, checked against the host rule. Returns a description of the
 * first URI that carries credentials but must not, or undefined.
 */
export function foreignCredentialProblem(output: string, base = VIEWER_BASE): string | undefined {
  const lines = output.split('\n');
  for (const raw of lines) {
    if (!raw.includes(CREDS)) continue;
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    const uris: string[] = [];
    if (line.startsWith('#EXT-X-PREFETCH:')) {
      uris.push(line.slice('#EXT-X-PREFETCH:'.length).trim());
    } else if (line.startsWith('#')) {
      // Attribute values are quoted strings, which cannot contain `"` (RFC 8216 4.2).
      let from = 0;
      for (;;) {
        const hit = line.indexOf(CREDS, from);
        if (hit === -1) break;
        const open = line.lastIndexOf('"', hit);
        const close = line.indexOf('"', hit);
        if (open === -1 || close === -1) return `credentials outside a quoted attribute: ${line.slice(0, 200)}`;
        uris.push(line.slice(open + 1, close));
        from = close + 1;
      }
    } else {
      uris.push(line.trim()); // players trim URI lines (m3u8-parser uses String.prototype.trim)
    }
    for (const uri of uris) {
      if (uri.split(CREDS).length !== 2) return `credentials not exactly once in ${uri.slice(0, 200)}`;
      if (AMBIGUOUS.test(uri)) return `credentials on a URI with a control character, space or backslash: ${JSON.stringify(uri.slice(0, 200))}`;
      let resolved: URL;
      try {
        resolved = new URL(uri, base);
      } catch {
        return `credentials on an unparsable URI: ${JSON.stringify(uri.slice(0, 200))}`;
      }
      if (resolved.protocol !== 'https:') return `credentials on a ${resolved.protocol} URI: ${uri.slice(0, 200)}`;
      if (resolved.username !== '' || resolved.password !== '') return `credentials on a URI with userinfo: ${uri.slice(0, 200)}`;
      if (!ALLOWED.has(resolved.host)) return `credentials sent to foreign host ${resolved.host}: ${JSON.stringify(uri.slice(0, 200))}`;
    }
  }
  return undefined;
}

/** m3u8-parser's model of a playlist (warnings ignored). Throws whatever the parser throws. */
export function parse(text: string): Record<string, unknown> {
  const parser = new Parser();
  parser.on('warn', () => undefined);
  parser.on('info', () => undefined);
  parser.push(text);
  parser.end();
  return parser.manifest;
}

/** Removes the credentials (and a separator left dangling) from every string of a parsed manifest. */
export function withoutCredentials(value: unknown): unknown {
  if (typeof value === 'string') {
    return value.split(`?${CREDS}`).join('').split(`&${CREDS}`).join('').split(CREDS).join('').replace(/[?&]+(?=#|$)/, '');
  }
  if (Array.isArray(value)) return value.map(withoutCredentials);
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withoutCredentials(v)]));
  }
  return value;
}

/** Wall-clock milliseconds of `fn`, and its result. */
export function timed<T>(fn: () => T): { ms: number; value: T } {
  const start = performance.now();
  const value = fn();
  return { ms: performance.now() - start, value };
}
