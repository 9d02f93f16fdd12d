/**
 * What the end-to-end tests need from the machine: Chromium, ffmpeg and a built dist/. Missing tools are a
 * failure with a message that says how to install them, never a skip (CI installs them from Debian packages).
 */
import { execFileSync } from 'node:child_process';
import { accessSync, constants, existsSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** Chromium binary: `CHROMIUM_PATH` or Debian's /usr/bin/chromium. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** The built edge bundles the local edge runs (the artifacts that deploy). */
const BUILT = ['dist/functions/viewer-request/index.mjs', 'dist/functions/origin-response/index.mjs'];

function onPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

/** Throws one error listing every missing tool and how to install it. */
export function requireTools(): void {
  const missing: string[] = [];
  try {
    accessSync(CHROMIUM_PATH, constants.X_OK);
  } catch {
    missing.push(`Chromium not found at ${CHROMIUM_PATH} (apt-get install chromium, or set CHROMIUM_PATH)`);
  }
  for (const tool of ['ffmpeg', 'ffprobe']) {
    if (onPath(tool) === undefined) missing.push(`${tool} not found on PATH (apt-get install ffmpeg)`);
  }
  if (missing.length > 0) {
    throw new Error(`end-to-end tests need real clients; missing:\n  - ${missing.join('\n  - ')}`);
  }
}

/** Runs `node scripts/build.mjs` when the edge bundles are missing (npm ci normally builds them). */
export function ensureBuilt(): void {
  if (BUILT.every((f) => existsSync(join(ROOT, f)))) return;
  execFileSync(process.execPath, [join(ROOT, 'scripts', 'build.mjs'), '--quiet'], { cwd: ROOT, stdio: 'inherit' });
  const still = BUILT.filter((f) => !existsSync(join(ROOT, f)));
  if (still.length > 0) throw new Error(`node scripts/build.mjs did not produce ${still.join(', ')}`);
}
