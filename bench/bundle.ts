/**
 * Builds the Lambda bundles with the esbuild options of scripts/build.mjs (scripts/function-build-options.mjs, which
 * template.yaml's BuildProperties match), into any directory. Used by the budget test (so it does not depend on dist/)
 * and by the cold-start bench.
 */
import { build } from 'esbuild';
import type { BuildOptions } from 'esbuild';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FUNCTION_BUILD_OPTIONS as SHARED_OPTIONS } from '../scripts/function-build-options.mjs';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const FUNCTIONS_DIR = join(ROOT, 'src', 'functions');

/** The options scripts/build.mjs uses for dist/functions/<name>/index.mjs. */
export const FUNCTION_BUILD_OPTIONS: BuildOptions = { ...SHARED_OPTIONS };

/** Names of the edge/Lambda functions: every src/functions/<name>/index.ts. */
export function functionNames(): string[] {
  if (!existsSync(FUNCTIONS_DIR)) return [];
  return readdirSync(FUNCTIONS_DIR).filter((n) => existsSync(join(FUNCTIONS_DIR, n, 'index.ts'))).sort();
}

/**
 * Bundles src/functions/<name>/index.ts to `<outDir>/<name>/index.mjs` and returns its path and size.
 * `extra` overrides options (the cold-start bench marks `@aws-sdk/*` external to mimic the runtime's SDK).
 */
export async function buildFunction(name: string, outDir: string, extra: BuildOptions = {}): Promise<{ file: string; bytes: number }> {
  const file = join(outDir, name, 'index.mjs');
  await build({ ...FUNCTION_BUILD_OPTIONS, ...extra, entryPoints: [join(FUNCTIONS_DIR, name, 'index.ts')], outfile: file });
  return { file, bytes: statSync(file).size };
}
