import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { buildFunction } from '../../bench/bundle.js';

const ROOT = join(import.meta.dirname, '..', '..');
/** The bundles the local edge runs; `npm ci` builds them (prepare). */
const BUILT = ['dist/functions/lambda-edge-viewer-request/index.mjs', 'dist/functions/lambda-edge-origin-response/index.mjs'];

/** Runs `node scripts/build.mjs` when the edge bundles are missing (another test run may be using a fresh build). */
export function ensureBuilt(): void {
  if (BUILT.every((f) => existsSync(join(ROOT, f)))) return;
  execFileSync(process.execPath, [join(ROOT, 'scripts', 'build.mjs'), '--quiet'], { cwd: ROOT, stdio: 'inherit' });
  const still = BUILT.filter((f) => !existsSync(join(ROOT, f)));
  if (still.length > 0) throw new Error(`node scripts/build.mjs did not produce ${still.join(', ')}`);
}

/**
 * Registers hooks that build the origin-response bundle from the source as it is now (with the build options)
 * into a fresh folder under node_modules/.cache before the file's tests, and remove that folder after them.
 * Returns the bundle's path; call it inside a test.
 *
 * @example const bundle = buildOriginResponseForFile('cfhls-big-test-'); ... measureHandlerMemory({ bundle: bundle(), ... });
 */
export function buildOriginResponseForFile(folderPrefix: string): () => string {
  let tmp = '';
  let bundle = '';
  beforeAll(async () => {
    const cache = join(ROOT, 'node_modules', '.cache');
    mkdirSync(cache, { recursive: true });
    tmp = mkdtempSync(join(cache, folderPrefix));
    bundle = (await buildFunction('lambda-edge-origin-response', tmp)).file;
  }, 60_000);
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));
  return () => bundle;
}
