/**
 * The public library is src/index.ts, and only what it names: every export listed (no `export *`, through which a
 * folder's internal helpers would become API), and every name the docs import from 'cloudfront-hls' among them.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as library from '../src/index.js';

const ROOT = join(import.meta.dirname, '..');

/** The runtime names of the library; type-only exports leave no trace at runtime and are checked by tsc. */
const PUBLIC_VALUES = [
  'CREDENTIAL_PARAMS', 'CREDENTIAL_SUFFIX', 'CloudFrontHlsError', 'ERROR_CODES', 'InvalidOptionError', 'KeyFormatError',
  'NotAPlaylistError', 'REFUSAL_MESSAGES', 'SigningInputError', 'UnsafePlaylistError', 'assertPlaylist', 'cannedPolicyJson',
  'cloudFrontErrorXml', 'customPolicyJson', 'folderResource', 'generateKeyPair', 'isPlaylist', 'loadPrivateKey',
  'loadPublicKey', 'publicKeyPem', 'readCredentials', 'rewritePlaylist', 'rewritePlaylistDetailed',
  'rewritePlaylistInChunks', 'setCookieHeaders', 'signCookies', 'signDetailed', 'signUrl', 'suffixedQuery',
  'verifySignedUrl',
];

/** Names imported from 'cloudfront-hls' in the code blocks of README.md and docs/*.md. */
function documentedImports(): Array<{ file: string; name: string }> {
  const files = ['README.md', ...readdirSync(join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];
  return files.flatMap((file) => {
    const text = readFileSync(join(ROOT, file), 'utf8');
    return [...text.matchAll(/import\s*(?:type\s*)?\{([^}]*)\}\s*from\s*'cloudfront-hls'/g)].flatMap((m) =>
      m[1]!.split(',').map((n) => n.trim().replace(/^type\s+/, '').split(/\s+as\s+/)[0]!).filter((n) => n !== '').map((name) => ({ file, name })));
  });
}

describe('the public library (src/index.ts)', () => {
  it('exports exactly the listed names', () => {
    expect(Object.keys(library).sort()).toEqual([...PUBLIC_VALUES].sort());
  });

  it('names every export instead of re-exporting a whole module', () => {
    expect(readFileSync(join(ROOT, 'src/index.ts'), 'utf8')).not.toMatch(/^\s*export\s+(type\s+)?\*/m);
  });

  it('exports every name the docs import from cloudfront-hls', () => {
    const imports = documentedImports();
    expect(imports.length).toBeGreaterThan(3);
    const missing = imports.filter(({ name }) => !(name in library)).map(({ file, name }) => `${file}: ${name}`);
    expect(missing).toEqual([]);
  });
});
