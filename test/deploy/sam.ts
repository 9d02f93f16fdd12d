/**
 * What `sam build` does with this project's esbuild functions, step by step, so a test can replay it without the
 * SAM CLI. Each step cites the source it copies (aws/aws-lambda-builders at cd41bcf, aws/aws-sam-cli):
 *
 * 1. NodejsNpmEsbuildWorkflow copies the code dir to a scratch dir, excluding `.aws-sam`, `.git` and
 *    `node_modules` (workflows/nodejs_npm_esbuild/workflow.py, EXCLUDED_FILES and CopySourceAction).
 * 2. NodejsNpmInstallAction runs `npm install -q --no-audit --no-save --unsafe-perm --omit=dev` in the scratch dir
 *    (workflows/nodejs_npm/actions.py); `--omit=dev` leaves out esbuild and typescript, and npm runs `prepare`.
 * 3. SubprocessEsbuild looks for `esbuild` first in `$(npm root)/.bin` of the scratch dir, then on PATH
 *    (workflow.py `_get_esbuild_subprocess`, esbuild.py `esbuild_binary`, utils.py `which`).
 * 4. EsbuildCommandBuilder runs, in the scratch dir: the entry points, `--bundle --platform=node
 *    --outdir=<artifacts>`, `--target=es2020` / `--format=cjs` / `--minify` only when the property is absent, then
 *    each BuildProperty: `true` -> `--key`, `false` -> nothing, string -> `--key=value`, list -> `--key:item` per
 *    item, keys snake_case turned kebab-case; `entry_points` and `use_npm_ci` are not passed
 *    (workflows/nodejs_npm_esbuild/esbuild.py). SAM CLI turns the template's PascalCase keys into snake_case first
 *    (samcli/lib/samlib/resource_metadata_normalizer.py, normalize_build_properties).
 */
import { execFileSync } from 'node:child_process';
import { accessSync, constants, cpSync, existsSync, statSync } from 'node:fs';
import { basename, delimiter, join } from 'node:path';
import type { Template } from '../template/cfn-yaml.js';

/** Directory names SAM's esbuild workflow never copies (at any depth, like shutil.ignore_patterns). */
export const SAM_EXCLUDED = ['.aws-sam', '.git', 'node_modules'];

/** The exact install command of NodejsNpmInstallAction. */
export const SAM_NPM_INSTALL = ['install', '-q', '--no-audit', '--no-save', '--unsafe-perm', '--omit=dev'];

/** Step 1: copy `source` to `scratch` without the excluded directories. */
export function copyLikeSam(source: string, scratch: string): void {
  cpSync(source, scratch, { recursive: true, filter: (src) => !SAM_EXCLUDED.includes(basename(src)) });
}

/** Step 3: the first executable `esbuild` in `$(npm root)/.bin`, then the PATH directories; undefined if none. */
export function findEsbuildLikeSam(scratch: string, path: string): string | undefined {
  const npmRoot = execFileSync('npm', ['root'], { cwd: scratch, encoding: 'utf8' }).trim();
  for (const dir of [join(npmRoot, '.bin'), ...path.split(delimiter).filter((d) => d !== '')]) {
    const candidate = join(dir, 'esbuild');
    try {
      accessSync(candidate, constants.X_OK);
      if (!statSync(candidate).isDirectory()) return candidate;
    } catch {
      // not here; next directory
    }
  }
  return undefined;
}

/** PascalCase -> snake_case, as SAM CLI normalizes BuildProperties keys (`OutExtension` -> `out_extension`). */
export function snakeCase(key: string): string {
  return key.replace(/(?<!^)(?=[A-Z])/g, '_').toLowerCase();
}

/** An esbuild-built function of the template. */
export interface EsbuildFunction {
  logicalId: string;
  handler: string;
  buildProperties: Record<string, unknown>;
}

/** Every `AWS::Serverless::Function` with `Metadata.BuildMethod: esbuild`. */
export function esbuildFunctions(template: Template): EsbuildFunction[] {
  return Object.entries(template.Resources as Record<string, any>)
    .filter(([, r]) => r.Type === 'AWS::Serverless::Function' && r.Metadata?.BuildMethod === 'esbuild')
    .map(([logicalId, r]) => ({ logicalId, handler: String(r.Properties.Handler), buildProperties: r.Metadata.BuildProperties ?? {} }));
}

/** Step 4: esbuild's arguments for one function, in EsbuildCommandBuilder's order. */
export function esbuildArgs(buildProperties: Record<string, unknown>, scratch: string, outdir: string): string[] {
  const config = Object.fromEntries(Object.entries(buildProperties).map(([k, v]) => [snakeCase(k), v]));
  const entryPoints = config.entry_points;
  if (!Array.isArray(entryPoints) || entryPoints.length === 0) throw new Error('EntryPoints must be a non-empty list');
  const args: string[] = [];
  for (const entry of entryPoints as string[]) {
    if (!existsSync(join(scratch, entry))) throw new Error(`entry point ${entry} does not exist`);
    args.push(entry);
  }
  args.push('--bundle', '--platform=node', `--outdir=${outdir}`);
  if (!('target' in config)) args.push('--target=es2020');
  if (!('format' in config)) args.push('--format=cjs');
  if (!('minify' in config)) args.push('--minify');
  for (const [key, value] of Object.entries(config)) {
    if (['bundle', 'platform', 'outdir', 'use_npm_ci', 'entry_points'].includes(key)) continue;
    const flag = `--${key.replaceAll('_', '-')}`;
    if (typeof value === 'boolean') {
      if (value) args.push(flag);
    } else if (typeof value === 'string') {
      args.push(`${flag}=${value}`);
    } else if (Array.isArray(value)) {
      for (const item of value) args.push(`${flag}:${String(item)}`);
    } else {
      throw new Error(`BuildProperties.${key}: SAM accepts only booleans, strings and lists`);
    }
  }
  return args;
}
