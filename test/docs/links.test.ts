/**
 * The README and docs/ link to each other by file and heading; code, the template and other files name sections as
 * `docs/<file>.md, "<heading>"`. Both kinds of reference must point at something that exists.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT } from '../deploy/fresh-copy.js';
import { anchors, brokenLinks, headings, linkTargets } from './markdown.js';

const DOCS = ['README.md', 'SECURITY.md', 'bench/RESULTS.md', ...readdirSync(join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];

describe('links between the README and docs/', () => {
  it('covers the README and at least the nine topic files of docs/', () => {
    expect(DOCS.filter((f) => f.startsWith('docs/')).length).toBeGreaterThanOrEqual(9);
  });

  it('every relative link in README.md, SECURITY.md, bench/RESULTS.md and docs/*.md points at an existing file and heading', () => {
    const broken = DOCS.flatMap((f) => brokenLinks(join(ROOT, f), ROOT));
    expect(broken).toEqual([]);
  });

  it('the README links to every file in docs/', () => {
    const targets = new Set(linkTargets(readFileSync(join(ROOT, 'README.md'), 'utf8')).map((t) => t.split('#')[0]));
    expect(DOCS.filter((f) => f.startsWith('docs/') && !targets.has(f))).toEqual([]);
  });

  it('every section the repository names as README.md or docs/<file>.md followed by a quoted heading exists in that file', () => {
    const files = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: ROOT, encoding: 'utf8' })
      .split('\0')
      .filter((f) => f !== '' && !f.startsWith('sample/') && !/\.(mp4|m4s|aac|vtt|bin|pem|png|jpg)$/.test(f));
    const missing: string[] = [];
    let named = 0;
    for (const f of files) {
      let text: string;
      try {
        text = readFileSync(join(ROOT, f), 'utf8');
      } catch {
        continue; // deleted in the working tree
      }
      for (const m of text.matchAll(/\b(README\.md|docs\/[a-z-]+\.md),? "([^"\n]+)"/g)) {
        named++;
        let titles: string[];
        try {
          titles = headings(readFileSync(join(ROOT, m[1]!), 'utf8'));
        } catch {
          missing.push(`${f}: ${m[1]} does not exist`);
          continue;
        }
        if (!titles.some((t) => t.includes(m[2]!))) missing.push(`${f}: ${m[1]}, "${m[2]}"`);
      }
    }
    expect(named).toBeGreaterThan(5);
    expect(missing).toEqual([]);
  });
});

describe('the link checker', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cfhls-links-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('makes GitHub\'s anchors: punctuation and code dropped, spaces to dashes, repeats numbered', () => {
    const md = '# Local edge: `npm start`\n## 6. Check the deployment\n## Key rotation (no downtime)\n## Notes\n## Notes\n```sh\n# not a heading\n```\n';
    expect([...anchors(md)]).toEqual(['local-edge-npm-start', '6-check-the-deployment', 'key-rotation-no-downtime', 'notes', 'notes-1']);
  });

  it('reports a missing file, a missing heading and an anchor into a non-Markdown file, and ignores code and URLs', () => {
    mkdirSync(join(dir, 'docs'), { recursive: true });
    writeFileSync(join(dir, 'docs', 'a.md'), '# A\n## Present heading\n');
    writeFileSync(join(dir, 'x.txt'), 'x\n');
    writeFileSync(join(dir, 'README.md'), [
      '# Top',
      '[ok](docs/a.md) [ok](docs/a.md#present-heading) [ok](#top) [ok](docs/) [web](https://example.com/#nope)',
      '[gone](docs/missing.md) [bad anchor](docs/a.md#absent) [bad self](#nowhere) [txt](x.txt#l1)',
      '`[in code](docs/nothing.md)`',
      '```md',
      '[in a block](docs/nothing.md)',
      '```',
      '[split',
      'text](docs/also-missing.md)',
    ].join('\n'));
    expect(brokenLinks(join(dir, 'README.md'), dir)).toEqual([
      'README.md: docs/missing.md (no such file)',
      'README.md: docs/a.md#absent (no such heading)',
      'README.md: #nowhere (no such heading)',
      'README.md: x.txt#l1 (anchor into a file that is not Markdown)',
      'README.md: docs/also-missing.md (no such file)',
    ]);
  });
});
