/**
 * One home for the `x-cfhls-*` header names (src/cloudfront/cfhls-headers.ts): no other source file spells one in a
 * string, template.yaml uses no other, and the CloudFront Function that sets the signer's headers is in the template
 * exactly as built from the TypeScript that imports them.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { buildCloudFrontFunction, templateFunctionCode } from '../../scripts/cloudfront-function.mjs';
import { CFHLS_HEADERS } from '../../src/cloudfront/index.js';
import { ROOT, sourceFiles } from '../architecture/imports.js';

const HOME = 'src/cloudfront/cfhls-headers.ts';
const NAMES = new Set(Object.values(CFHLS_HEADERS).map((n) => n.toLowerCase()));
const template = readFileSync(join(ROOT, 'template.yaml'), 'utf8');

/** The string literals of a TypeScript file (template literals' text parts too) that hold an `x-cfhls-` name. */
function headerLiterals(file: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(join(ROOT, file), 'utf8'), ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if ((ts.isStringLiteralLike(node) || ts.isTemplateLiteralToken(node)) && /x-cfhls-/i.test(node.text)) found.push(node.text);
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

describe('the x-cfhls-* header names', () => {
  it('are spelled in a string only in their home, across src/ and bench/', () => {
    const files = [...sourceFiles('src'), ...sourceFiles('bench')].filter((f) => f !== HOME);
    const spelled = files.flatMap((f) => headerLiterals(f).map((text) => `${f}: ${text}`));
    expect(spelled).toEqual([]);
    expect(headerLiterals(HOME).length).toBe(NAMES.size);
  });

  it('in template.yaml are all names of the home', () => {
    const used = new Set([...template.matchAll(/x-cfhls-[a-z-]+/gi)].map((m) => m[0].toLowerCase()));
    expect(used.size).toBeGreaterThan(2);
    expect([...used].filter((n) => !NAMES.has(n))).toEqual([]);
  });

  it('reach the signer through SignerViewerFunction, in template.yaml exactly as built from src/cloudfront-functions/signer-request.ts', async () => {
    // If this fails: node scripts/build.mjs --sync-template
    expect(templateFunctionCode(template, 'SignerViewerFunction')).toBe(await buildCloudFrontFunction('signer-request'));
  });
});
