/**
 * `sam build` from a fresh clone, replayed step by step (test/deploy/sam.ts cites the SAM source of each step):
 * the production-only `npm install` must survive `prepare`, esbuild must be found the way docs/deployment.md says
 * (`PATH="$PWD/node_modules/.bin:$PATH" sam build`), and every bundle must load and export its handler.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCfnYaml } from '../template/cfn-yaml.js';
import { freshCopy, ROOT } from './fresh-copy.js';
import { copyLikeSam, esbuildArgs, esbuildFunctions, findEsbuildLikeSam, SAM_NPM_INSTALL } from './sam.js';

const work = mkdtempSync(join(tmpdir(), 'cfhls-sam-'));
const clone = join(work, 'clone');
const scratch = join(work, 'scratch');
const artifacts = join(work, 'artifacts');
let installOutput = '';
/** The settings template.yaml gives the signer, with sample values. */
const SIGNER_ENV = {
  CFHLS_KEY_PAIR_ID: 'K2JCJMDEHXQW5F',
  CFHLS_PRIVATE_KEY_SOURCE: 'secretsmanager',
  CFHLS_PRIVATE_KEY_ID: '/cloudfront-hls/private-key',
  CFHLS_JWT_ISSUER: 'https://auth.example.com/',
  CFHLS_JWT_AUDIENCE: 'player',
};

beforeAll(() => {
  freshCopy(clone);
  copyLikeSam(clone, scratch);
  installOutput = execFileSync('npm', SAM_NPM_INSTALL, { cwd: scratch, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}, 300_000);

afterAll(() => rmSync(work, { recursive: true, force: true }), 120_000);

describe('sam build on a fresh clone', () => {
  it('installs production dependencies only, and prepare skips the build instead of failing', () => {
    expect(existsSync(join(scratch, 'node_modules', '@aws-sdk', 'client-s3'))).toBe(true);
    expect(existsSync(join(scratch, 'node_modules', 'esbuild'))).toBe(false);
    expect(installOutput).toContain('build skipped, esbuild and typescript not installed');
  });

  it('finds no esbuild in the scratch copy, and the deployment guide\'s PATH finds the checkout\'s own', () => {
    expect(findEsbuildLikeSam(scratch, process.env.PATH ?? '')?.startsWith(scratch) ?? false).toBe(false);
    const readmePath = [join(ROOT, 'node_modules', '.bin'), process.env.PATH ?? ''].join(delimiter);
    expect(findEsbuildLikeSam(scratch, readmePath)).toBe(join(ROOT, 'node_modules', '.bin', 'esbuild'));
  });

  const functions = esbuildFunctions(parseCfnYaml(readFileSync(join(ROOT, 'template.yaml'), 'utf8')));

  it('covers all three functions of the template', () => {
    expect(functions.map((f) => f.logicalId).sort()).toEqual(['OriginResponseFunction', 'SignUrlFunction', 'ViewerRequestFunction']);
  });

  it.each(functions.map((f) => [f.logicalId, f] as const))('bundles %s with its BuildProperties, and the bundle exports its handler', async (_id, fn) => {
    const readmePath = [join(ROOT, 'node_modules', '.bin'), process.env.PATH ?? ''].join(delimiter);
    const esbuild = findEsbuildLikeSam(scratch, readmePath)!;
    const outdir = join(artifacts, fn.logicalId);
    execFileSync(esbuild, esbuildArgs(fn.buildProperties, scratch, outdir), { cwd: scratch, stdio: 'pipe' });
    const [file, exportName] = fn.handler.split('.') as [string, string];
    // Lambda's Node.js runtime loads <file>.mjs as ES module (OutExtension .js=.mjs).
    const bundle = join(outdir, `${file}.mjs`);
    expect(existsSync(bundle)).toBe(true);
    // A fresh Node process, like a Lambda cold start, with the signer's required settings (the edge functions read none).
    const probe = `const m = await import(${JSON.stringify(pathToFileURL(bundle).href)}); console.log(typeof m[${JSON.stringify(exportName)}]);`;
    const type = execFileSync(process.execPath, ['--input-type=module', '-e', probe], { env: { ...process.env, ...SIGNER_ENV }, encoding: 'utf8' }).trim();
    expect(type).toBe('function');
  }, 60_000);
});
