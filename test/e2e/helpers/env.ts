/**
 * What the end-to-end tests need from the machine: Chromium, ffmpeg and a built dist/. Missing tools are a
 * failure with a message that says how to install them, never a skip (CI installs them from Debian packages).
 */
import { accessSync, constants } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** Chromium binary: `CHROMIUM_PATH` or Debian's /usr/bin/chromium. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** The built edge bundles the local edge runs (the artifacts that deploy). */

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

export { ensureBuilt } from '../../helpers/build.js';
