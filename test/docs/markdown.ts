/**
 * Just enough Markdown for the tests that check the docs: headings and their GitHub anchors, inline links, sections
 * and the commands of `sh` blocks. Hand-written because the rules needed are these few lines, and no Markdown parser is
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

/** The commands of every ```sh block in `markdown`, continuations joined, comments dropped. */
export function shCommands(markdown: string): string[] {
  const commands: string[] = [];
  for (const block of markdown.matchAll(/```sh\n([\s\S]*?)```/g)) {
    let current = '';
    for (const raw of block[1]!.split('\n')) {
      const line = raw.replace(/\s+#\s.*$/, '').trimEnd(); // trailing comments
      if (line.trim() === '' || line.trimStart().startsWith('#')) continue;
      current += line.endsWith('\\') ? `${line.slice(0, -1).trim()} ` : line.trim();
      if (!line.endsWith('\\')) {
        commands.push(current);
        current = '';
      }
    }
  }
  return commands;
}

/** The part of `markdown` from the heading whose text is `title` to the next heading of the same or a higher level. */
export function section(markdown: string, title: string): string {
  const lines = markdown.split('\n');
  let inFence = false;
  let start = -1;
  let level = 0;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.startsWith('```')) inFence = !inFence;
    const heading = inFence ? null : /^(#{1,6}) +(.+?) *$/.exec(line);
    if (heading === null) continue;
    if (start === -1 && heading[2]!.replaceAll('`', '') === title) {
      start = i;
      level = heading[1]!.length;
    } else if (start !== -1 && heading[1]!.length <= level) {
      return lines.slice(start, i).join('\n');
    }
  }
  if (start === -1) throw new Error(`no heading "${title}"`);
  return lines.slice(start).join('\n');
}
