/**
 * Runs the commands of docs/edge-functions.md, "Invoking the handlers locally": the `node -e` invocations against the
 * built bundles (the last one with a local web server in place of the documented one on port 8080), and checks that
 * each `sam local invoke` names a function of template.yaml and a recorded event (the SAM CLI is not installed here).
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../deploy/fresh-copy.js';
import { ensureBuilt } from '../helpers/build.js';
import { section, shCommands } from './markdown.js';

const run = promisify(execFile);
const PLAYLIST = '#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1000\nv1/index.m3u8\n';

const text = section(readFileSync(join(ROOT, 'docs', 'edge-functions.md'), 'utf8'), 'Invoking the handlers locally');
const blocks = [...text.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]!);
const samCommands = blocks.filter((b) => b.startsWith('sam ')).flatMap((b) => shCommands(`\`\`\`sh\n${b}\`\`\``));
const nodeCommands = blocks.filter((b) => b.startsWith('node -e')).flatMap((b) => b.split(/\n\s*\n/)).map((c) => c.trim());

let server: Server;
let port = 0;
let served = 0;

beforeAll(async () => {
  ensureBuilt();
  server = createServer((req, res) => {
    served++;
    if (req.url !== '/movies/42/master.m3u8') return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': 'application/vnd.apple.mpegurl', etag: '"e1"' }).end(PLAYLIST);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

/** Runs a documented command from the repository root, the documented port replaced by the test server's. */
async function runDocumented(command: string): Promise<string> {
  const { stdout } = await run('bash', ['-c', command.replace('port: 8080', `port: ${port}`)], { cwd: ROOT, timeout: 60_000 });
  return stdout;
}

describe('docs/edge-functions.md, "Invoking the handlers locally"', () => {
  it('shows five sam local invoke commands and three node -e commands', () => {
    expect(samCommands).toHaveLength(5);
    expect(nodeCommands).toHaveLength(3);
  });

  it('each sam local invoke names a function of template.yaml and a recorded event that exists', () => {
    const template = readFileSync(join(ROOT, 'template.yaml'), 'utf8');
    for (const cmd of samCommands) {
      const m = /^sam local invoke (\w+)\s+-e (\S+)$/.exec(cmd);
      expect(m, cmd).not.toBeNull();
      expect(template, cmd).toContain(`\n  ${m![1]}:\n    Type: AWS::Serverless::Function`);
      expect(existsSync(join(ROOT, m![2]!)), cmd).toBe(true);
    }
  });

  it('viewer-request on the signed event adds the -PREFIX copies of the credentials', async () => {
    const cmd = nodeCommands.find((c) => c.includes('events/viewer-request/with-credentials.json'))!;
    const out = await runDocumented(cmd);
    const request = JSON.parse(out.slice(out.indexOf('{\n')));
    expect(request.querystring).toMatch(/&Policy-PREFIX=.+&Signature-PREFIX=.+&Key-Pair-Id-PREFIX=K2JCJMDEHXQW5F$/);
  });

  it('origin-response on the canned-policy event passes the response through, marked skipped', async () => {
    const cmd = nodeCommands.find((c) => c.includes('events/origin-response/s3-canned-policy.json'))!;
    const out = await runDocumented(cmd);
    const response = JSON.parse(out.slice(out.indexOf('{\n')));
    expect(response.headers['x-cfhls-rewrite'][0].value).toBe('skipped; reason=canned-policy');
    expect(response.body).toBeUndefined();
  });

  it('origin-response on the custom-origin event reads the playlist from the local server and prints it rewritten', async () => {
    const cmd = nodeCommands.find((c) => c.includes('events/origin-response/custom-playlist-200.json'))!;
    expect(cmd).toContain('port: 8080');
    const before = served;
    const lines = (await runDocumented(cmd)).split('\n').filter((l) => !l.startsWith('{'));
    expect(served).toBe(before + 1);
    expect(lines[0]).toMatch(/^200 max-age=(\d+), s-maxage=\1$/);
    expect(lines.slice(1).join('\n')).toMatch(/^#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1000\nv1\/index\.m3u8\?.*Policy=.+&Signature=.+&Key-Pair-Id=K2JCJMDEHXQW5F\n/);
  });
});
