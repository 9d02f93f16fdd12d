import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { encodeBody } from '../../src/edge/body.js';

const CREDS = 'Policy=eyJTdGF0ZW1lbnQiOltdfQ__&Signature=abc~def-ghi_&Key-Pair-Id=K2JCJMDEHXQW5F';

describe('encodeBody', () => {
  it('joins the parts into a text body when the viewer accepts no coding and they fit', async () => {
    const out = await encodeBody(['ab', 'cd', 'é'], { text: 6 });
    expect(out).toEqual({ encoding: 'identity', body: 'abcdé', plainBytes: 6 });
  });

  it.each([
    ['br', brotliDecompressSync],
    ['gzip', gunzipSync],
  ] as const)('encodes every part incrementally with %s when the viewer accepts it, even a small body', async (coding, decode) => {
    const parts = Array.from({ length: 200 }, (_, i) => `segment_${i}.ts?${CREDS}\n`);
    const out = await encodeBody(parts, { text: 1_000_000, encoded: { coding, base64: 100_000 } });
    expect(out.encoding).toBe(coding);
    if (out.encoding !== coding) return;
    expect(decode(Buffer.from(out.body, 'base64')).toString('utf8')).toBe(parts.join(''));
    expect(out.plainBytes).toBe(Buffer.byteLength(parts.join('')));
    expect(out.encodedBytes).toBe(Buffer.from(out.body, 'base64').length);
    expect(out.encodedBytes * 20).toBeLessThan(out.plainBytes);
  });

  it('stops at the first part past the text limit when no coding is accepted, and reads no further', async () => {
    let read = 0;
    function* parts(): Generator<string> {
      for (const part of ['x'.repeat(600), 'y'.repeat(600), 'z']) {
        read++;
        yield part;
      }
    }
    expect(await encodeBody(parts(), { text: 1000 })).toEqual({ encoding: 'too-large', plainBytes: 1200 });
    expect(read).toBe(2);
  });

  it('reports too-large with both sizes when even the encoded body is over its limit', async () => {
    const random = Array.from({ length: 50 }, (_, i) => `${Math.random().toString(36).slice(2)}${i}\n`.repeat(3));
    const out = await encodeBody(random, { text: 100, encoded: { coding: 'gzip', base64: 64 } });
    expect(out.encoding).toBe('too-large');
    if (out.encoding !== 'too-large') return;
    expect(out.plainBytes).toBeLessThanOrEqual(Buffer.byteLength(random.join('')));
    expect(out.encodedBytes).toBeGreaterThan(48);
  });
});
