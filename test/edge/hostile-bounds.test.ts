/**
 * The bounds on hostile playlists (src/edge/config.ts: MAX_ORIGIN_PLAYLIST_BYTES and REWRITE_LIMITS), proven with
 * the worst shapes found: the built origin-response bundle serves one event in a fresh node process (S3 answered
 * by a local server on 127.0.0.1), and each accepted or refused playlist must cost at most a third of the
 * function's 15 s timeout in CPU time and half its 512 MB in peak RSS (template.yaml). The child's heap is
 * capped at 256 MB, so a bound that does not hold fails the run instead of swapping.
 */
import { describe, expect, it } from 'vitest';
import { measureHandlerMemory } from '../../bench/big-playlists.js';
import { MAX_ORIGIN_PLAYLIST_BYTES, REWRITE_LIMITS } from '../../src/edge/config.js';
import { buildOriginResponseForFile } from '../helpers/build.js';

const MB = 1_048_576;
const CPU_BUDGET_MS = 15_000 / 3;
const RSS_BUDGET = 256 * MB;
const bundle = buildOriginResponseForFile('cfhls-bounds-test-');

/** `line` repeated to just under `bytes`, after a media playlist header. */
function filled(line: string, bytes = MAX_ORIGIN_PLAYLIST_BYTES - 64, head = '#EXTM3U\n#EXT-X-TARGETDURATION:4\n'): string {
  return head + line.repeat(Math.floor((bytes - head.length) / line.length));
}

const attributes = (n: number) => Array.from({ length: n }, (_, i) => `X-A${i}="v"`).join(',');

/** [name, playlist, status expected, the log line's reason when refused] */
const SHAPES: Array<[string, () => string, string, string | undefined]> = [
  ['16 MB of one-byte URI lines (8M URIs)', () => filled('a\n'), '502', 'output-too-large'],
  ['URI lines up to the output limit (accepted)', () => {
    const line = 'seg-0000000.ts\n';
    const uris = Math.floor(REWRITE_LIMITS.maxOutputChars / 700);
    return filled(line, uris * line.length);
  }, '200', undefined],
  ['16 MB of URI tags at the line length limit', () => filled(`#EXT-X-MAP:URI="${'a'.repeat(REWRITE_LIMITS.maxLineChars - 20)}"\n`), '200', undefined],
  ['16 MB of DATERANGE tags at the attribute limit', () => filled(`#EXT-X-DATERANGE:ID="d",${attributes(REWRITE_LIMITS.maxAttributes - 2)},X-ASSET-URI="a.m3u8"\n`), '200', undefined],
  ['16 MB of distinct EXT-X-DEFINE variables, each used once', () => {
    let i = 0;
    let text = '#EXTM3U\n#EXT-X-TARGETDURATION:4\n';
    const parts: string[] = [text];
    let size = text.length;
    while (size < MAX_ORIGIN_PLAYLIST_BYTES - 200) {
      text = `#EXT-X-DEFINE:NAME="v${i}",VALUE="p${'q'.repeat(40)}"\n#EXTINF:4,\n{$v${i}}/s.ts\n`;
      parts.push(text);
      size += text.length;
      i++;
    }
    return parts.join('');
  }, '200', undefined],
  ['one 4 MB line of URI="k", repeated', () => `#EXTM3U\n#EXT-X-KEY:${'URI="k",'.repeat(512 * 1024)}\n`, '502', 'line-too-long'],
  ['a tag with one attribute past the limit', () => `#EXTM3U\n#EXT-X-MAP:${attributes(REWRITE_LIMITS.maxAttributes)},URI="i.mp4"\n`, '502', 'too-many-attributes'],
];

describe('origin-response on the worst playlists it accepts or refuses', () => {
  for (const [name, make, status, reason] of SHAPES) {
    it(`${name}: answers ${status}${reason ? ` (${reason})` : ''} within a third of the timeout in CPU and half the memory`, async () => {
      const playlist = make();
      expect(Buffer.byteLength(playlist)).toBeLessThanOrEqual(MAX_ORIGIN_PLAYLIST_BYTES);
      const run = await measureHandlerMemory({ segments: 0, playlist, bundle: bundle(), maxOldSpaceMb: 256, acceptEncoding: 'br, gzip' });
      console.log(`${name}: ${(playlist.length / MB).toFixed(1)} MB in, status ${run.child.status}, `
        + `${run.child.cpuMs.toFixed(0)} ms CPU, peak RSS ${(run.child.peakRssBytes / MB).toFixed(0)} MB`);
      expect(run.child.status).toBe(status);
      if (reason !== undefined) {
        const refusals = run.stdout.split('\n').filter((l) => l.includes('playlist refused'));
        expect(refusals).toHaveLength(1);
        expect(JSON.parse(refusals[0]!)).toMatchObject({ level: 'error', reason });
        expect(run.body).toBe('Bad Gateway\n');
      }
      expect(run.child.cpuMs).toBeLessThan(CPU_BUDGET_MS);
      expect(run.child.peakRssBytes).toBeLessThan(RSS_BUDGET);
    }, 120_000);
  }

  it('refuses an origin playlist over MAX_ORIGIN_PLAYLIST_BYTES without rewriting it', async () => {
    const playlist = filled('#EXTINF:4,\na.ts\n', MAX_ORIGIN_PLAYLIST_BYTES + 1024);
    const run = await measureHandlerMemory({ segments: 0, playlist, bundle: bundle(), maxOldSpaceMb: 256 });
    expect(run.child.status).toBe('502');
    expect(run.stdout).toContain('PlaylistTooLarge');
    expect(run.child.peakRssBytes).toBeLessThan(RSS_BUDGET);
  }, 120_000);
});
