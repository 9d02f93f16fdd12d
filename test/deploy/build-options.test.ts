/**
 * What `sam build` deploys is byte for byte what `npm run build` and the tests build: each esbuild function of
 * template.yaml is bundled with the esbuild command SAM would run for its BuildProperties (test/deploy/sam.ts) and
 * with scripts/function-build-options.mjs (bench/bundle.ts, the options of scripts/build.mjs), and the files must
 * be identical. test/deploy/sam-build.test.ts replays the rest of `sam build` in a fresh clone.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildFunction, ROOT } from '../../bench/bundle.js';
import { parseCfnYaml } from '../template/cfn-yaml.js';
import { esbuildArgs, esbuildFunctions } from './sam.js';

const work = mkdtempSync(join(tmpdir(), 'cfhls-build-options-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const functions = esbuildFunctions(parseCfnYaml(readFileSync(join(ROOT, 'template.yaml'), 'utf8')));
const ESBUILD = join(ROOT, 'node_modules', '.bin', 'esbuild');

describe('sam build and npm run build', () => {
  it('cover the same functions', () => {
    expect(functions.map((f) => f.logicalId).sort()).toEqual(['OriginResponseFunction', 'SignUrlFunction', 'ViewerRequestFunction']);
  });

  it.each(functions.map((f) => [f.logicalId, f] as const))('produce the identical %s bundle', async (id, fn) => {
    const entry = (fn.buildProperties.EntryPoints as string[])[0]!;
    const name = /^src\/functions\/([^/]+)\/index\.ts$/.exec(entry)?.[1];
    expect(name, `${id}: entry point ${entry}`).toBeDefined();
    const samOut = join(work, 'sam', id);
    execFileSync(ESBUILD, [...esbuildArgs(fn.buildProperties, ROOT, samOut), '--log-level=warning'], { cwd: ROOT, stdio: 'pipe' });
    const [file] = fn.handler.split('.') as [string];
    const sam = readFileSync(join(samOut, `${file}.mjs`));
    const ours = readFileSync((await buildFunction(name!, join(work, 'npm'))).file);
    expect(sam.length, `${id}: sam build ${sam.length} bytes, npm run build ${ours.length} bytes`).toBe(ours.length);
    expect(sam.equals(ours)).toBe(true);
  }, 120_000);
});
