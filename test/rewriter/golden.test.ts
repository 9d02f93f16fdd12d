import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rewritePlaylist } from '../../src/rewriter/index.js';

// Each <case>.m3u8 beside its <case>.expected.m3u8; a fixture without its partner fails the run.
const dir = join(import.meta.dirname, '..', 'fixtures', 'rewrite');
const URL_SIGNED =
  'https://d111.cloudfront.net/movies/42/master.m3u8?lang=en&Policy=POL~x_&Signature=SIG~y-&Key-Pair-Id=K2ABC&Hash-Algorithm=SHA256';
// Steering may move playlists to the viewer's own host only (the fixtures' steering manifests are same-host).
const OPTIONS = { url: URL_SIGNED, allowHosts: ['media.example.com'], steeringHosts: ['d111.cloudfront.net'] };

const files = readdirSync(dir);
const inputs = files.filter((f) => f.endsWith('.m3u8') && !f.endsWith('.expected.m3u8'));

describe('golden rewrite fixtures', () => {
  it('every input has an expected partner and every expected file has an input', () => {
    const expected = files.filter((f) => f.endsWith('.expected.m3u8'));
    expect(inputs.length).toBeGreaterThanOrEqual(11);
    expect(expected.map((f) => f.replace('.expected.m3u8', '.m3u8')).sort()).toEqual([...inputs].sort());
  });

  for (const input of inputs) {
    const name = input.replace(/\.m3u8$/, '');
    it(`rewrites ${name} exactly as ${name}.expected.m3u8`, () => {
      const text = readFileSync(join(dir, input), 'utf8');
      const expected = readFileSync(join(dir, `${name}.expected.m3u8`), 'utf8');
      expect(rewritePlaylist(text, OPTIONS)).toBe(expected);
    });

    it(`rewriting ${name} twice equals rewriting it once`, () => {
      const once = rewritePlaylist(readFileSync(join(dir, input), 'utf8'), OPTIONS);
      expect(rewritePlaylist(once, OPTIONS)).toBe(once);
    });
  }
});
