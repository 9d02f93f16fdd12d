/**
 * What `cloudfront-hls serve` tells a new user: template parameters checked as CloudFormation checks them, which
 * viewer-request function runs, and the masters of a folder of titles instead of a URL that answers 404.
 */
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { mastersToPrint, viewerRequestKindLine } from '../../src/cli/commands/serve.js';
import { loadTemplate } from '../../src/local-edge/index.js';
import { ensureBuilt } from '../helpers/build.js';
import { memoryIo } from '../cli/io.js';

const ROOT = join(import.meta.dirname, '..', '..');

/** Runs `serve` with `args` until it prints its start-up lines, runs `whileUp`, then stops it; returns what it printed. */
async function startupOf(args: string[], whileUp: (out: string) => Promise<void> = async () => undefined): Promise<string> {
  ensureBuilt();
  const t = memoryIo();
  const running = main(['serve', '--port', '0', '--quiet', ...args], t);
  for (let i = 0; i < 200 && !t.out().includes('Ctrl-C'); i++) await new Promise((r) => setTimeout(r, 50));
  try {
    await whileUp(t.out());
  } finally {
    process.emit('SIGINT');
    expect(await running).toBe(0);
  }
  return t.out();
}

describe('serve --param', () => {
  it('refuses a name the template does not declare, naming the parameters it has', async () => {
    const t = memoryIo();
    expect(await main(['serve', '--port', '0', '--quiet', '--param', 'ViewerRequestKnd=cloudfront-function'], t)).toBe(1);
    expect(t.err()).toMatch(/template has no parameter "ViewerRequestKnd" \(its parameters: .*ViewerRequestKind/);
    expect(t.out()).not.toContain('listening');
  });

  it('refuses a value outside the parameter\'s AllowedValues, naming them', async () => {
    const t = memoryIo();
    expect(await main(['serve', '--port', '0', '--quiet', '--param', 'ViewerRequestKind=bogus'], t)).toBe(1);
    expect(t.err()).toContain('parameter ViewerRequestKind: "bogus" is not one of its AllowedValues (lambda-edge, cloudfront-function)');
  });
});

describe('serve says which viewer-request runs', () => {
  it.each([
    [{}, /^viewer-request on \/master\.m3u8: Lambda@Edge ViewerRequestFunction \(dist\/functions\/lambda-edge-viewer-request\/index\.mjs\)$/m],
    [{ ViewerRequestKind: 'cloudfront-function' }, /^viewer-request on \/master\.m3u8: CloudFront Function ViewerRequestCloudFrontFunction \(cloudfront-js-2\.0\)$/m],
  ])('with parameters %j', (parameters, line) => {
    const model = loadTemplate(join(ROOT, 'template.yaml'), { parameters });
    expect(viewerRequestKindLine(model, '/master.m3u8')).toMatch(line);
  });

  it('prints it at start-up', async () => {
    expect(await startupOf(['--param', 'ViewerRequestKind=cloudfront-function'])).toMatch(/^viewer-request on \/master\.m3u8: CloudFront Function /m);
  }, 60_000);
});

describe('serve --origin <folder of titles>', () => {
  const library = mkdtempSync(join(tmpdir(), 'cfhls-serve-titles-'));
  cpSync(join(ROOT, 'sample'), join(library, 'movies', '42'), { recursive: true });
  cpSync(join(ROOT, 'sample'), join(library, 'movies', '43'), { recursive: true });
  afterAll(() => rmSync(library, { recursive: true, force: true }));

  it('finds the masters below the root when the root has none, and keeps --master and a root master as they are', () => {
    expect(mastersToPrint({ master: undefined, origin: library }, library)).toEqual({ master: '/movies/42/master.m3u8', found: ['/movies/42/master.m3u8', '/movies/43/master.m3u8'] });
    expect(mastersToPrint({ master: '/movies/43/master.m3u8', origin: library }, library)).toEqual({ master: '/movies/43/master.m3u8', found: [] });
    expect(mastersToPrint({ master: undefined, origin: undefined }, join(ROOT, 'sample'))).toEqual({ master: '/master.m3u8', found: [] });
  });

  it('names the masters it found and prints a signed URL that plays instead of one that answers 404', async () => {
    const out = await startupOf(['--origin', library], async (printed) => {
      const signed = /^signed master URL .*: (\S+)$/m.exec(printed)![1]!;
      expect((await fetch(signed)).status).toBe(200);
    });
    expect(out).toContain("no /master.m3u8 at the origin's root; masters found (2): /movies/42/master.m3u8, /movies/43/master.m3u8");
    expect(out).toMatch(/^signed master URL .*: http:\/\/127\.0\.0\.1:\d+\/movies\/42\/master\.m3u8\?/m);
  }, 60_000);
});
