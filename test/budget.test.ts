/**
 * Bundle budgets (issue 6, CI guard). Builds every src/functions/<name>/index.ts into a temp dir with the options of
 * scripts/build.mjs (bench/bundle.ts), so it does not depend on dist/. Budgets are minified bytes, set from measured
 * sizes with headroom; raise one only with a reason (and the cold-start figures of `npm run bench`).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildFunction, FUNCTION_BUILD_OPTIONS, functionNames, ROOT } from '../bench/bundle.js';

const KB = 1024;

/**
 * Minified-size budgets. viewer-request: issue 6 (< 10 KB, no SDK; measured 1.7 KB). origin-response: at most
 * 60 KB (no S3 client: a SigV4-signed GET with aws4fetch; measured 38 KB on 2026-12-01, 41.4 KB on 2026-12-04 with the
 * EMF metric records and esbuild's default legal comments). Measured on 2026-11-26
 * plus ~20 % headroom: sign-url 684.4 KB (Secrets Manager/SSM clients and jose bundled).
 */
const BUNDLE_BUDGETS: Record<string, number> = {
  'lambda-edge-viewer-request': 10 * KB,
  'lambda-edge-origin-response': 60 * KB,
  'sign-url': 820 * KB,
};
/** Edge functions: no environment variables exist at the edge, so their bundles must load without any. */
const EDGE_FUNCTIONS = ['lambda-edge-viewer-request', 'lambda-edge-origin-response'];

/** Strings that only appear in a bundle when AWS SDK v3 code is inside (checked against a real SDK bundle below). */
const SDK_MARKERS = ['@aws-sdk', 'client-s3', 'S3Client', 'smithy'];

let outDir: string;
const bundles = new Map<string, { file: string; bytes: number; code: string }>();

beforeAll(async () => {
  outDir = mkdtempSync(join(tmpdir(), 'cfhls-budget-'));
  for (const name of functionNames()) {
    const built = await buildFunction(name, outDir);
    bundles.set(name, { ...built, code: readFileSync(built.file, 'utf8') });
  }
}, 120_000);

afterAll(() => {
  if (outDir) rmSync(outDir, { recursive: true, force: true });
});

describe('bundle budgets', () => {
  it('builds the two edge functions at least', () => {
    expect([...bundles.keys()]).toEqual(expect.arrayContaining(['lambda-edge-viewer-request', 'lambda-edge-origin-response']));
  });

  it('gives every function under src/functions a size budget', () => {
    const missing = [...bundles.keys()].filter((name) => BUNDLE_BUDGETS[name] === undefined);
    expect(missing, `add a budget in test/budget.test.ts for: ${missing.join(', ')}`).toEqual([]);
  });

  it.each(Object.entries(BUNDLE_BUDGETS))('keeps the %s bundle within its minified budget', (name, budget) => {
    const bundle = bundles.get(name);
    if (bundle === undefined) throw new Error(`src/functions/${name}/index.ts has a budget but does not exist`);
    expect(bundle.bytes, `${name} is ${bundle.bytes} bytes; budget ${budget}`).toBeLessThanOrEqual(budget);
  });

  it.each(EDGE_FUNCTIONS)('keeps the %s bundle free of any AWS SDK code', (name) => {
    const code = bundles.get(name)!.code;
    for (const marker of SDK_MARKERS) expect(code.includes(marker), `${name} bundle contains "${marker}"`).toBe(false);
  });

  it('detects SDK code with those markers when a bundle does import the S3 client', async () => {
    // Guards the guard: a minified bundle that pulls in the S3 client must trip at least one marker.
    const dir = join(outDir, 'sdk-probe');
    mkdirSync(dir, { recursive: true });
    const entry = join(ROOT, 'node_modules', '.cache', `cfhls-sdk-probe-${process.pid}.ts`);
    mkdirSync(join(ROOT, 'node_modules', '.cache'), { recursive: true });
    writeFileSync(entry, "import { S3Client } from '@aws-sdk/client-s3';\nexport const handler = async () => new S3Client({});\n");
    try {
      await build({ ...FUNCTION_BUILD_OPTIONS, entryPoints: [entry], outfile: join(dir, 'index.mjs') });
    } finally {
      rmSync(entry, { force: true });
    }
    const code = readFileSync(join(dir, 'index.mjs'), 'utf8');
    expect(SDK_MARKERS.filter((m) => code.includes(m)).length).toBeGreaterThan(0);
  }, 60_000);

  it('produces edge bundles that load without configuration and export a handler function', async () => {
    for (const name of EDGE_FUNCTIONS) {
      const bundle = bundles.get(name)!;
      const mod = (await import(pathToFileURL(bundle.file).href)) as { handler?: unknown };
      expect(typeof mod.handler, `${name} exports handler`).toBe('function');
    }
  }, 60_000);
});
