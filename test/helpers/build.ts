import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..', '..');
/** The bundles the local edge runs; `npm ci` builds them (prepare). */
const BUILT = ['dist/functions/viewer-request/index.mjs', 'dist/functions/origin-response/index.mjs'];

/** Runs `node scripts/build.mjs` when the edge bundles are missing (another test run may be using a fresh build). */
export function ensureBuilt(): void {
  if (BUILT.every((f) => existsSync(join(ROOT, f)))) return;
  execFileSync(process.execPath, [join(ROOT, 'scripts', 'build.mjs'), '--quiet'], { cwd: ROOT, stdio: 'inherit' });
  const still = BUILT.filter((f) => !existsSync(join(ROOT, f)));
  if (still.length > 0) throw new Error(`node scripts/build.mjs did not produce ${still.join(', ')}`);
}
