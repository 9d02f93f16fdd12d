#!/usr/bin/env node
// Builds every artifact with esbuild:
//  - dist/functions/<name>/index.mjs  one self-contained, minified ESM bundle per src/functions/<name>/index.ts
//    (the exact files that deploy and that the local edge runs)
//  - dist/cloudfront-functions/<name>.js  each src/cloudfront-functions/<name>.ts as a CloudFront Function
//    (scripts/cloudfront-function.mjs); `--sync-template` also writes that code into template.yaml
//  - dist/lib/index.js                the library (package main export)
//  - dist/cli.js                      the CLI behind bin/cloudfront-hls
//  - dist/types/                      declarations for the library
// Runs from `npm ci` (prepare) so a fresh clone works without another step.
//
// `prepare` also runs inside AWS SAM's esbuild build, which copies the project without node_modules and runs
// `npm install -q --no-audit --no-save --unsafe-perm --omit=dev` there: the build tools (dev dependencies) are
// absent, and SAM bundles with its own esbuild call afterwards. So `prepare` skips when they are missing; an
// explicit `npm run build` still fails loudly. See aws/aws-lambda-builders,
// aws_lambda_builders/workflows/nodejs_npm/actions.py (NodejsNpmInstallAction) and test/deploy/sam-build.test.ts.
import { execFileSync } from 'node:child_process';
import { readdirSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const quiet = process.argv.includes('--quiet');
const log = (...a) => { if (!quiet) console.log(...a); };

const missing = ['esbuild', 'typescript'].filter((name) => {
  try {
    createRequire(join(root, 'package.json')).resolve(`${name}/package.json`);
    return false;
  } catch {
    return true;
  }
});
if (missing.length > 0) {
  if (process.env.npm_lifecycle_event === 'prepare') {
    console.log(`cloudfront-hls: build skipped, ${missing.join(' and ')} not installed (production-only install, e.g. sam build)`);
    process.exit(0);
  }
  console.error(`cloudfront-hls: cannot build, ${missing.join(' and ')} not installed: run npm ci`);
  process.exit(1);
}
const { build } = await import('esbuild');
// Imported only now: it imports esbuild itself, which a production-only install (sam build) does not have.
const { buildCloudFrontFunction, MAX_FUNCTION_BYTES, syncTemplate, TEMPLATE_RESOURCES, templateFunctionCode } = await import('./cloudfront-function.mjs');

rmSync(join(root, 'dist'), { recursive: true, force: true });

// The Lambda bundles' options, shared with bench/bundle.ts and matched by template.yaml's BuildProperties.
const { FUNCTION_BUILD_OPTIONS } = await import('./function-build-options.mjs');
// The library and the CLI: the same platform and target, not minified.
const common = { bundle: true, platform: 'node', target: 'node20', format: 'esm', logLevel: 'warning', legalComments: 'none' };

const fnDir = join(root, 'src', 'functions');
const functions = existsSync(fnDir) ? readdirSync(fnDir).filter((n) => existsSync(join(fnDir, n, 'index.ts'))) : [];
for (const name of functions) {
  const outfile = join(root, 'dist', 'functions', name, 'index.mjs');
  await build({ ...FUNCTION_BUILD_OPTIONS, entryPoints: [join(fnDir, name, 'index.ts')], outfile });
  log(`built dist/functions/${name}/index.mjs (${statSync(outfile).size} bytes)`);
}

mkdirSync(join(root, 'dist', 'cloudfront-functions'), { recursive: true });
if (process.argv.includes('--sync-template')) {
  const changed = await syncTemplate();
  log(changed.length > 0 ? `template.yaml: FunctionCode updated for ${changed.join(', ')}` : 'template.yaml: FunctionCode already current');
}
const templateText = readFileSync(join(root, 'template.yaml'), 'utf8');
for (const [name, resource] of Object.entries(TEMPLATE_RESOURCES)) {
  const code = await buildCloudFrontFunction(name);
  if (Buffer.byteLength(code) > MAX_FUNCTION_BYTES) throw new Error(`CloudFront Function ${name} is ${Buffer.byteLength(code)} bytes, over the ${MAX_FUNCTION_BYTES}-byte limit`);
  writeFileSync(join(root, 'dist', 'cloudfront-functions', `${name}.js`), `${code}\n`);
  log(`built dist/cloudfront-functions/${name}.js (${Buffer.byteLength(code)} bytes)`);
  if (templateFunctionCode(templateText, resource) !== code) {
    console.warn(`template.yaml: ${resource}.FunctionCode differs from src/cloudfront-functions/${name}.ts; run node scripts/build.mjs --sync-template`);
  }
}

await build({
  ...common,
  entryPoints: [join(root, 'src', 'index.ts')],
  outfile: join(root, 'dist', 'lib', 'index.js'),
  packages: 'external',
  sourcemap: true,
});
log('built dist/lib/index.js');

await build({
  ...common,
  entryPoints: [join(root, 'src', 'cli', 'main.ts')],
  outfile: join(root, 'dist', 'cli.js'),
  packages: 'external',
  sourcemap: true,
});
log('built dist/cli.js');

execFileSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
log('built dist/types');
