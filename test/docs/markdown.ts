/**
 * Just enough Markdown for checking the docs' links: headings and their GitHub anchors, and inline links, both
 * outside fenced code blocks. Hand-written because the rules needed are these few lines, and no Markdown parser is
 * among the dependencies.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

/** The text with the content of fenced code blocks blanked (line count kept, so positions stay meaningful). */
export function withoutCodeBlocks(markdown: string): string {
  let inFence = false;
  return markdown
    .split('\n')
    .map((line) => {
      if (line.startsWith('```')) {
        inFence = !inFence;
        return '';
      }
      return inFence ? '' : line;
    })
    .join('\n');
}

/** ATX heading texts (`# ...` to `###### ...`), inline-code backticks removed, in document order. */
export function headings(markdown: string): string[] {
  return [...withoutCodeBlocks(markdown).matchAll(/^#{1,6} +(.+?) *#* *$/gm)].map((m) => m[1]!.replaceAll('`', ''));
}

/**
 * GitHub's heading anchors: lower case, punctuation other than `-` and `_` removed, each space a `-`; a repeated
 * anchor gets `-1`, `-2`, ... (the rule of github-slugger, which GitHub uses).
 */
export function anchors(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  for (const text of headings(markdown)) {
    const base = text.toLowerCase().replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '').replaceAll(' ', '-');
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    out.add(n === 0 ? base : `${base}-${n}`);
  }
  return out;
}

/** Targets of inline links `[text](target)` outside code blocks and code spans. */
export function linkTargets(markdown: string): string[] {
  const text = withoutCodeBlocks(markdown).replace(/`[^`\n]*`/g, '');
  return [...text.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)].map((m) => m[1]!);
}

/**
 * The relative links of the Markdown file `file` (absolute path) that do not resolve: a missing file or folder,
 * or an anchor that no heading of the target Markdown file (or of `file` itself, for `#anchor`) produces.
 */
export function brokenLinks(file: string, root: string): string[] {
  const source = readFileSync(file, 'utf8');
  const broken: string[] = [];
  for (const target of linkTargets(source)) {
    if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // https:, mailto:, ...: not checked offline
    const [path = '', anchor] = target.split('#', 2);
    const resolved = path === '' ? file : join(dirname(file), decodeURIComponent(path));
    const where = `${relative(root, file)}: ${target}`;
    if (!existsSync(resolved)) {
      broken.push(`${where} (no such file)`);
      continue;
    }
    if (anchor === undefined) continue;
    if (statSync(resolved).isDirectory() || !resolved.endsWith('.md')) {
      broken.push(`${where} (anchor into a file that is not Markdown)`);
      continue;
    }
    if (!anchors(readFileSync(resolved, 'utf8')).has(anchor)) broken.push(`${where} (no such heading)`);
  }
  return broken;
}
