/**
 * Once per `npm run test:e2e`: checks the real clients are installed, builds dist/ if needed, and generates the
 * test streams (scripts/make-e2e-streams) plus a copy of sample/ into one temp folder that every test file's
 * local edge serves as its origin. Test files read the folder with `inject('streamsDir')`.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { ROOT, ensureBuilt, requireTools } from './helpers/env.js';

declare module 'vitest' {
  export interface ProvidedContext {
    streamsDir: string;
  }
}

export default function setup(project: TestProject): () => void {
  requireTools();
  ensureBuilt();
  const dir = mkdtempSync(join(tmpdir(), 'cfhls-e2e-'));
  const started = Date.now();
  execFileSync(join(ROOT, 'scripts', 'make-e2e-streams'), [dir], { stdio: ['ignore', 'inherit', 'inherit'] });
  cpSync(join(ROOT, 'sample'), join(dir, 'sample'), { recursive: true });
  console.log(`e2e: streams generated in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  project.provide('streamsDir', dir);
  return () => rmSync(dir, { recursive: true, force: true });
}
