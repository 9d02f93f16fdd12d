// The esbuild options of every Lambda bundle (dist/functions/<name>/index.mjs), in one place: scripts/build.mjs
// (npm run build), bench/bundle.ts (the budget test and benchmarks) and, through the same values in each function's
// Metadata.BuildProperties, template.yaml's `sam build`. test/deploy/build-options.test.ts builds each function both
// ways and requires identical bytes, so what SAM deploys is what the tests ran.
//
// Node 20 locally, nodejs22.x on Lambda: target the older one so the same bundle runs on both. No legalComments
// setting: SAM's documented BuildProperties cannot set it, so both keep esbuild's default.
// https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/serverless-sam-cli-using-build-typescript.html

/** ESM bundles that contain CommonJS dependencies need a real `require`. */
export const REQUIRE_SHIM = "import { createRequire as __cfhlsCreateRequire } from 'node:module'; const require = __cfhlsCreateRequire(import.meta.url);";

export const FUNCTION_BUILD_OPTIONS = Object.freeze({
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  logLevel: 'warning',
  minify: true,
  sourcemap: false,
  banner: { js: REQUIRE_SHIM },
});
