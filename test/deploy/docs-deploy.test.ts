/**
 * Walks docs/deployment.md ("Deploy to AWS") command by command in a fresh copy of the repository: every `sh` block
 * command is either run here (placeholders replaced by sample values) or listed with the reason it needs an AWS
 * account. A command the guide gains without an entry here, or an entry no command matches, fails the test, so
 * the guide and this walk cannot drift apart. The README's deploy tour may show only commands of the guide.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { section, shCommands } from '../docs/markdown.js';
import { freshCopy, ROOT } from './fresh-copy.js';

const SAMPLE: Record<string, string> = {
  '<domain>': 'd111111abcdef8.cloudfront.net',
  '<KeyPairId>': 'K2JCJMDEHXQW5F',
  '<MediaBucketName>': 'cloudfront-hls-mediabucket-example',
};
const fill = (cmd: string): string => Object.entries(SAMPLE).reduce((c, [k, v]) => c.replaceAll(k, v), cmd);

type Step = { match: RegExp } & ({ run: (cmd: string) => string; check?: (dir: string, out: string) => void } | { aws: string });

/** What happens to each command of the guide, in its order. */
const STEPS: Step[] = [
  { match: /^npx cloudfront-hls keygen --out keys$/, run: (c) => c, check: (dir) => {
    expect(statSync(join(dir, 'keys', 'private_key.pem')).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(dir, 'keys', 'public_key.pem'), 'utf8')).toMatch(/^-----BEGIN PUBLIC KEY-----/);
  } },
  { match: /^aws secretsmanager create-secret /, aws: 'writes a secret in the account' },
  { match: /^aws ssm put-parameter /, aws: 'writes a parameter in the account' },
  // SAM CLI is not installed here: test/deploy/sam-build.test.ts replays its steps. What this command adds is the
  // PATH entry, so check that it holds the esbuild SAM will find.
  { match: /^PATH="\$PWD\/node_modules\/\.bin:\$PATH" sam build$/, run: (c) => c.replace(/sam build$/, 'command -v esbuild'), check: (dir, out) => {
    expect(out.trim()).toBe(join(dir, 'node_modules', '.bin', 'esbuild'));
  } },
  { match: /^sam deploy --guided$/, aws: 'creates the stack' },
  { match: /^aws cloudformation describe-stacks .*--query 'Stacks\[0\]\.Outputs'/, aws: 'reads the deployed stack' },
  { match: /^mkdir -p out\/movie42$/, run: (c) => c },
  { match: /^ffmpeg -i movie\.mp4 /, run: (c) => c, check: (dir) => {
    const files = readdirSync(join(dir, 'out', 'movie42'), { recursive: true }).map(String);
    expect(files).toContain('master.m3u8');
    for (const v of [0, 1, 2]) expect(files).toContain(join(`v${v}`, 'index.m3u8'));
    expect(files.filter((f) => f.endsWith('.ts')).length).toBeGreaterThanOrEqual(3);
  } },
  { match: /^scripts\/upload --bucket <MediaBucketName> --prefix movies\/42 out\/movie42$/, run: (c) => `${fill(c)} --dry-run`, check: (_dir, out) => {
    expect(out).toMatch(/master\.m3u8/);
    expect(out).toMatch(/application\/vnd\.apple\.mpegurl/);
  } },
  { match: /^scripts\/upload --help$/, run: (c) => c, check: (_dir, out) => expect(out).toMatch(/--dry-run/) },
  { match: /^curl -s -H "Authorization: Bearer \$JWT" /, aws: 'calls the deployed signer' },
  { match: /^npx cloudfront-hls sign --url /, run: fill, check: (_dir, out) => {
    expect(out.trim()).toMatch(/^https:\/\/d111111abcdef8\.cloudfront\.net\/movies\/42\/master\.m3u8\?.*Signature=.+&Key-Pair-Id=K2JCJMDEHXQW5F$/);
  } },
  { match: /^npx cloudfront-hls verify /, aws: 'plays through the deployed distribution' },
  { match: /^curl -s -o \/dev\/null -D - -H 'Accept-Encoding/, aws: 'requests a playlist from the distribution' },
  { match: /^curl -s -o \/dev\/null -D - -X OPTIONS /, aws: 'sends a preflight to the distribution' },
  { match: /^curl -s -o \/dev\/null -w /, aws: 'requests the distribution without credentials' },
  { match: /^aws logs tail /, aws: 'reads CloudWatch Logs' },
  { match: /^aws cloudformation describe-stacks .*--query 'Stacks\[0\]\.Parameters'/, aws: 'reads the deployed parameters (the test writes a file like its output)' },
  { match: /^npx cloudfront-hls check-keys --deployed deployed-parameters\.json /, run: (c) => c, check: (_dir, out) => expect(out).toMatch(/^ok:/) },
  { match: /^sam delete /, aws: 'deletes the stack' },
];

let dir = '';
let commands: string[] = [];
const outputs = new Map<string, string>();

beforeAll(() => {
  commands = shCommands(readFileSync(join(ROOT, 'docs', 'deployment.md'), 'utf8'));
  dir = mkdtempSync(join(tmpdir(), 'cfhls-deploy-doc-'));
  freshCopy(dir);
  // Prerequisites: "this repository installed: `npm ci`".
  execFileSync('npm', ['ci'], { cwd: dir, stdio: 'pipe' });
  // Inputs the guide assumes: a video, and for key rotation a second key and the deployed parameters.
  execFileSync('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc2=size=640x360:rate=24:duration=2', '-f', 'lavfi', '-i', 'sine=frequency=440:duration=2',
    '-c:v', 'libx264', '-preset', 'ultrafast', '-c:a', 'aac', '-shortest', join(dir, 'movie.mp4')]);
}, 600_000);

afterAll(() => {
  if (dir !== '') rmSync(dir, { recursive: true, force: true });
}, 120_000);

describe('docs/deployment.md "Deploy to AWS", command by command', () => {
  it('the README\'s deploy tour shows only commands of the guide, so this walk runs or lists them too', () => {
    const tour = shCommands(section(readFileSync(join(ROOT, 'README.md'), 'utf8'), 'Deploy'));
    expect(tour.length).toBeGreaterThan(0);
    expect(tour.filter((c) => !commands.includes(c))).toEqual([]);
  });

  it('has an entry here for every command, and every entry matches one', () => {
    expect(commands.length).toBeGreaterThan(10);
    const unmatched = commands.filter((c) => STEPS.filter((s) => s.match.test(c)).length !== 1);
    expect(unmatched).toEqual([]);
    const unused = STEPS.filter((s) => !commands.some((c) => s.match.test(c))).map((s) => String(s.match));
    expect(unused).toEqual([]);
  });

  it('runs each command that needs no AWS account, in order, in the fresh copy', () => {
    // A user's shell: no node_modules/.bin on PATH (the test runner's own would hide what the guide adds), and npx
    // never installs anything (the project's own bin only).
    const path = (process.env.PATH ?? '').split(':').filter((d) => !d.includes('node_modules')).join(':');
    const env = { ...process.env, PATH: path, npm_config_yes: 'false' };
    let ran = 0;
    for (const cmd of commands) {
      const step = STEPS.find((s) => s.match.test(cmd))!;
      if ('aws' in step) continue;
      if (cmd.startsWith('npx cloudfront-hls check-keys')) {
        execFileSync('npx', ['cloudfront-hls', 'keygen', '--out', 'keys-2'], { cwd: dir, env, stdio: 'pipe' });
        const pem = readFileSync(join(dir, 'keys', 'public_key.pem'), 'utf8').trimEnd().replaceAll('\n', '\\n');
        writeFileSync(join(dir, 'deployed-parameters.json'), JSON.stringify([
          { ParameterKey: 'PublicKeyPem', ParameterValue: pem },
          { ParameterKey: 'SecondPublicKeyPem', ParameterValue: '' },
          { ParameterKey: 'SigningKeySlot', ParameterValue: '1' },
        ]));
      }
      const out = execFileSync('bash', ['-c', step.run(cmd)], { cwd: dir, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 300_000 });
      outputs.set(cmd, out);
      step.check?.(dir, out);
      ran++;
    }
    expect(ran).toBe(STEPS.filter((s) => 'run' in s).length);
    expect(existsSync(join(dir, 'dist', 'functions', 'lambda-edge-origin-response', 'index.mjs'))).toBe(true); // npm ci built it
  }, 600_000);
});
