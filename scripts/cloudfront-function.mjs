// Builds a CloudFront Function (cloudfront-js-2.0) from TypeScript: src/cloudfront-functions/<name>.ts becomes one
// script whose top level defines `function handler(event)`, as CloudFront Functions require (no modules).
// The runtime is ES 5.1 plus a listed subset of later features; esbuild lowers (or refuses) everything else:
// https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/functions-javascript-runtime-20.html
// The code must stay under 10 KB: https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/cloudfront-limits.html#limits-functions
// template.yaml carries the built text inline (FunctionCode); `node scripts/build.mjs --sync-template` writes it.
import { build } from 'esbuild';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
/** CloudFront Functions' limit on a function's code, in bytes. */
export const MAX_FUNCTION_BYTES = 10 * 1024;
/** The template resource that carries each function's code. */
export const TEMPLATE_RESOURCES = { 'viewer-request': 'ViewerRequestCloudFrontFunction', 'signer-headers': 'SignerViewerFunction' };

/** The built code of src/cloudfront-functions/<name>.ts (a string; nothing is written). */
export async function buildCloudFrontFunction(name) {
  const out = await build({
    entryPoints: [join(ROOT, 'src', 'cloudfront-functions', `${name}.ts`)],
    bundle: true,
    write: false,
    format: 'iife',
    globalName: '__cfhls',
    platform: 'neutral',
    target: 'es2020',
    // Beyond ES 5.1, runtime 2.0 lists const/let, arrow functions, template literals, rest parameters, ** and
    // async/await; everything else is lowered to ES 5.1 or fails the build.
    supported: {
      'array-spread': false, 'class': false, 'default-argument': false, 'destructuring': false, 'for-of': false,
      'generator': false, 'nullish-coalescing': false, 'object-extensions': false, 'object-rest-spread': false,
      'optional-chain': false, 'regexp-named-capture-groups': false, 'regexp-lookbehind-assertions': false,
    },
    minify: true,
    legalComments: 'none',
    logLevel: 'warning',
    footer: { js: 'function handler(event){return __cfhls.handler(event)}' },
  });
  return out.outputFiles[0].text.trim();
}

/** The FunctionCode of `resource` in template.yaml text (a `FunctionCode: |` block), or undefined. */
export function templateFunctionCode(templateText, resource) {
  const block = functionCodeBlock(templateText, resource);
  return block === undefined ? undefined : templateText.slice(block.start, block.end).split('\n').map((l) => l.trim()).filter((l) => l !== '').join('\n');
}

function functionCodeBlock(text, resource) {
  const at = text.indexOf(`\n  ${resource}:\n`);
  if (at === -1) return undefined;
  const key = text.indexOf('FunctionCode: |', at);
  const next = text.slice(at + 1).search(/\n {2}[A-Za-z0-9]+:\n/);
  if (key === -1 || (next !== -1 && key > at + 1 + next)) return undefined;
  // The block: the indented lines after the key, up to the last one with text (blank lines after it stay).
  const start = text.indexOf('\n', key) + 1;
  let end = start;
  for (let pos = start; pos < text.length;) {
    const lineEnd = text.indexOf('\n', pos);
    const next = lineEnd === -1 ? text.length : lineEnd + 1;
    const line = text.slice(pos, next);
    if (line.trim() !== '' && !line.startsWith('        ')) break;
    if (line.trim() !== '') end = next;
    pos = next;
  }
  return { start, end };
}

/** Writes the built code of every function into template.yaml; returns the names whose code changed. */
export async function syncTemplate(file = join(ROOT, 'template.yaml')) {
  let text = readFileSync(file, 'utf8');
  const changed = [];
  for (const [name, resource] of Object.entries(TEMPLATE_RESOURCES)) {
    const code = await buildCloudFrontFunction(name);
    const block = functionCodeBlock(text, resource);
    if (block === undefined) throw new Error(`template.yaml: ${resource} has no "FunctionCode: |" block`);
    if (templateFunctionCode(text, resource) === code) continue;
    text = `${text.slice(0, block.start)}${code.split('\n').map((l) => `        ${l}`).join('\n')}\n${text.slice(block.end)}`;
    changed.push(name);
  }
  if (changed.length > 0) writeFileSync(file, text);
  return changed;
}
