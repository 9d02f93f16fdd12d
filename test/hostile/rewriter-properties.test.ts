import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isPlaylist, rewritePlaylistDetailed } from '../../src/rewriter/index.js';
import {
  ALLOW_HOSTS,
  CREDS,
  VIEWER_URL,
  foreignCredentialProblem,
  loadFixtures,
  nonUriBytesProblem,
  parse,
  withoutCredentials,
} from './oracle.js';
import { hlsJsLeak, whatwgLeak } from './readers.js';

// Property-based tests over the 60 m3u8-parser fixtures, mutated: lines deleted, duplicated, swapped and
// inserted (from other fixtures and from a pool of hostile URIs), line endings switched, characters inserted,
// bodies truncated. The rewriter must never throw, change no byte outside URIs, put credentials only on https
// URIs of the viewer's hosts, be idempotent, and keep every playlist m3u8-parser reads readable the same way.

const fixtures = loadFixtures();
const OPTIONS = { url: VIEWER_URL, allowHosts: [...ALLOW_HOSTS] };
const rewrite = (text: string) => rewritePlaylistDetailed(text, OPTIONS);

/** URIs a playlist may carry: same host, allowed host, foreign, non-HTTP, and forms that parsers disagree on. */
const HOSTILE_URIS = [
  'seg.ts', '/movies/42/a.ts', '../b.ts', 'https://example.com/x.ts', 'HTTPS://EXAMPLE.COM/up.ts', '//priv.example.com/y.ts',
  'a.ts?x=1', 'a.ts#t=1', 'a.ts?x=%7E~&y', 'a.ts?x=1&', 'https://evil.example/a.ts', 'http://example.com/clear.ts',
  '//evil.example/a.ts', '///evil.example/a.ts', 'skd://key42', 'data:text/plain,abc', 'https://example.com:8443/a.ts',
  'https://example.com.evil.example/a.ts', 'https://example.com@evil.example/a.ts', 'https://user:pw@example.com/a.ts',
  'https://evil.example\\@example.com/a.ts', 'https://example.com./a.ts', 'https:evil.example/a.ts',
  // WHATWG URL (browsers, Chromium's native player) reads `\` as `/` and drops tabs, CR, LF and leading C0/space.
  '/\\evil.example/a.ts', '\\\\evil.example/a.ts', '\\/evil.example/a.ts', '/\t/evil.example/a.ts', '/\r/evil.example/a.ts',
  ' //evil.example/a.ts', ' https://evil.example/a.ts', '\u0001https://evil.example/a.ts', 'h\tttps://evil.example/a.ts',
  '{$v}/a.ts', 'p/{$v}.ts', '{$host}/a.ts', 'q/{$unknown}.ts', '/{$slash}/evil.example/a.ts',
];
const DEFINES = [
  '#EXT-X-DEFINE:NAME="v",VALUE="p/q"',
  '#EXT-X-DEFINE:NAME="host",VALUE="https://evil.example"',
  '#EXT-X-DEFINE:NAME="slash",VALUE="/"',
  '#EXT-X-DEFINE:NAME="v",VALUE="https://evil.example/"',
];
const placed = fc.tuple(fc.constantFrom(...HOSTILE_URIS), fc.constantFrom(...HOSTILE_URIS), fc.nat(6)).map(([u, w, how]) => {
  switch (how) {
    case 0: return `#EXT-X-MAP:URI="${u}"`;
    case 1: return `#EXT-X-KEY:METHOD=AES-128,URI="${u}",IV=0x1`;
    case 2: return `#EXT-X-PREFETCH:${u}`;
    case 3: return `#EXT-X-DATERANGE:ID="d",X-ASSET-URI="${u}",X-URI="${w}",START-DATE="2026-01-01T00:00:00Z"`;
    case 4: return `#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="a,b",NAME="n",URI="${u}"`;
    default: return u;
  }
});
const fixtureLines = fixtures.flatMap((f) => f.text.split('\n'));
// Variable definitions are optional: substituting a defined variable inside a URI is allowed to change its bytes.
const insertedLine = (defines: boolean) => fc.oneof(
  { weight: 3, arbitrary: placed },
  { weight: defines ? 1 : 0, arbitrary: fc.constantFrom(...DEFINES) },
  { weight: 2, arbitrary: fc.constantFrom(...fixtureLines) },
  { weight: 1, arbitrary: fc.constantFrom('#EXT-X-KEY:METHOD=AES-128,URI="k.key', '#EXT-X-MAP:URI=', '#EXT-X-MAP:URI="a"junk,URI="b.mp4"', '#EXTINF:4,', '', '  ', '#EXT-X-MAP:', '#EXT', '#') },
);
const JUNK = ['?', '&', '#', '"', ',', '=', ':', '/', '{', '$', '}', '\r', '\n', '\t', ' ', '\0', '\\', 'a', 'Z', '9', '.', '%', '~', '\ufeff', '\u00e9', '\u{1F600}', '\ud800'];

type Mutation =
  | { kind: 'insert'; at: number; line: string }
  | { kind: 'delete' | 'dup' | 'crlf' | 'truncate'; at: number }
  | { kind: 'swap'; at: number; with: number }
  | { kind: 'char'; at: number; ch: string }
  | { kind: 'bom' | 'no-final-newline' };

const mutation = (defines: boolean): fc.Arbitrary<Mutation> => fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), line: insertedLine(defines) }) },
  fc.record({ kind: fc.constantFrom('delete' as const, 'dup' as const, 'crlf' as const), at: fc.nat() }),
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }) },
  fc.record({ kind: fc.constant('swap' as const), at: fc.nat(), with: fc.nat() }),
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('char' as const), at: fc.nat(), ch: fc.constantFrom(...JUNK) }) },
  fc.record({ kind: fc.constantFrom('bom' as const, 'no-final-newline' as const) }),
);

function mutate(text: string, m: Mutation): string {
  const lines = text.split('\n');
  const i = 'at' in m ? m.at % lines.length : 0;
  switch (m.kind) {
    case 'insert': lines.splice(i + 1, 0, m.line); break; // after line i: #EXTM3U stays first
    case 'delete': if (i > 0) lines.splice(i, 1); break;
    case 'dup': lines.splice(i, 0, lines[i]!); break;
    case 'crlf': lines[i] = lines[i]!.endsWith('\r') ? lines[i]!.slice(0, -1) : `${lines[i]!}\r`; break;
    case 'swap': {
      const j = m.with % lines.length;
      if (i > 0 && j > 0) [lines[i], lines[j]] = [lines[j]!, lines[i]!];
      break;
    }
    case 'char': {
      const at = 'at' in m ? m.at % (text.length + 1) : 0;
      return text.slice(0, at) + m.ch + text.slice(at);
    }
    case 'truncate': return text.slice(0, m.at % (text.length + 1));
    case 'bom': return text.startsWith('\ufeff') ? text : `\ufeff${text}`;
    case 'no-final-newline': return text.replace(/\r?\n$/, '');
  }
  return lines.join('\n');
}

const mutatedWith = (defines: boolean) => fc
  .tuple(fc.constantFrom(...fixtures), fc.array(mutation(defines), { minLength: 1, maxLength: 8 }))
  .map(([fixture, mutations]) => mutations.reduce(mutate, fixture.text));
/** Mutated fixtures, variable definitions included. */
const mutated = mutatedWith(true);
/** Mutated fixtures that still are playlists (first line #EXTM3U, at most one BOM, no NUL). */
const mutatedPlaylist = mutated.filter((text) => isPlaylist(text));

const RUNS = { numRuns: 300 };

/**
 * True (and checked empty) when the rewriter refused the playlist: then nothing of it is served. Never by the
 * post-condition: the writer's own rules must keep it from firing, so a `failed-check` here is a writer bug (or a
 * false alarm of the check) that the harness has found.
 */
function refusedWhole(out: ReturnType<typeof rewritePlaylistDetailed>): boolean {
  if (out.refused === undefined) return false;
  expect(out.refused, JSON.stringify(out.check)).not.toBe('failed-check');
  expect(out.text).toBe('');
  return true;
}

describe('rewriter properties over mutated m3u8-parser fixtures', () => {
  it('reads all 60 fixtures as seeds', () => {
    expect(fixtures.length).toBe(60);
  });

  it('never throws and changes no byte outside URIs (only credentials and their separator are added)', () => {
    fc.assert(
      fc.property(mutatedWith(false), (text) => {
        const out = rewrite(text);
        if (refusedWhole(out)) return;
        expect(nonUriBytesProblem(text, out.text)).toBeUndefined();
        expect(out.text.split(CREDS).length - 1).toBe(out.rewritten);
      }),
      RUNS,
    );
  });

  it('never puts credentials on a foreign host, a non-https URI, or a URI that a URL parser could resolve elsewhere', () => {
    fc.assert(
      fc.property(mutated, (text) => {
        expect(foreignCredentialProblem(rewrite(text).text)).toBeUndefined();
      }),
      RUNS,
    );
  });

  it('never lets hls.js or a WHATWG reader (variables substituted) send a credential to a foreign host', async () => {
    await fc.assert(
      fc.asyncProperty(mutated, async (text) => {
        const out = rewrite(text);
        if (refusedWhole(out)) return; // nothing is served
        expect(whatwgLeak(out.text, VIEWER_URL)).toBeUndefined();
        expect(await hlsJsLeak(out.text, VIEWER_URL)).toBeUndefined();
      }),
      { numRuns: 150 },
    );
  });

  it('is idempotent: rewriting the output again changes nothing', () => {
    fc.assert(
      fc.property(mutatedPlaylist, (text) => {
        const once = rewrite(text).text;
        expect(rewrite(once).text).toBe(once);
      }),
      RUNS,
    );
  });

  it('keeps every playlist m3u8-parser reads readable, with the same model once credentials are removed', () => {
    fc.assert(
      fc.property(mutatedPlaylist, (text) => {
        let before: Record<string, unknown>;
        try {
          before = parse(text.replace(/^\ufeff/, ''));
        } catch {
          return; // the input did not parse: nothing to keep
        }
        const out = rewrite(text);
        if (refusedWhole(out)) return; // nothing is served
        const after = parse(out.text);
        expect(withoutCredentials(after)).toEqual(withoutCredentials(before));
      }),
      RUNS,
    );
  });

  it('never throws on arbitrary bytes decoded as UTF-8 after #EXTM3U, with or without credentials', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2000 }), fc.boolean(), (bytes, signed) => {
        const text = `#EXTM3U\n${new TextDecoder().decode(bytes)}`;
        const out = rewritePlaylistDetailed(text, { url: signed ? VIEWER_URL : 'https://example.com/m.m3u8' });
        if (refusedWhole(out)) return;
        expect(nonUriBytesProblem(text, out.text)).toBeUndefined();
      }),
      RUNS,
    );
  });
});
