// The import graph of a source folder, read from the source text by TypeScript's own pre-processor (static imports,
// re-exports and `import()` with a literal name): one edge per importing file and imported project file. Shared by
// scripts/architecture-report.mjs (the figures of docs/architecture.md) and test/architecture/ (the layering test).
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

export const ROOT = join(import.meta.dirname, '..');

/** Every .ts file below `dir` (relative to the repository, `/`-separated), sorted. */
export function sourceFiles(dir = 'src') {
  const out = [];
  for (const name of readdirSync(join(ROOT, dir)).sort()) {
    const path = `${dir}/${name}`;
    if (statSync(join(ROOT, path)).isDirectory()) out.push(...sourceFiles(path));
    else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) out.push(path);
  }
  return out;
}

/** The project files `file` imports (package imports are left out). */
export function importsOf(file, text = readFileSync(join(ROOT, file), 'utf8')) {
  return ts.preProcessFile(text, true, true).importedFiles
    .map((f) => f.fileName)
    .filter((name) => name.startsWith('.'))
    .map((name) => {
      const target = resolve(ROOT, dirname(file), name);
      const candidates = [target.replace(/\.js$/, '.ts'), `${target}.ts`, join(target, 'index.ts')];
      return relative(ROOT, candidates.find((c) => existsSync(c)) ?? target.replace(/\.js$/, '.ts')).split('\\').join('/');
    });
}

/** The edges `{ from, to }` of every file in `files`. */
export function importGraph(files, read = (f) => readFileSync(join(ROOT, f), 'utf8')) {
  return files.flatMap((from) => importsOf(from, read(from)).map((to) => ({ from, to })));
}

/**
 * Each circle of files that import one another (strongly connected components of two or more files, or a file that
 * imports itself), each sorted, the list sorted: Tarjan's algorithm.
 */
export function circles(edges) {
  const next = new Map();
  for (const { from, to } of edges) next.set(from, [...(next.get(from) ?? []), to]);
  const index = new Map();
  const low = new Map();
  const stack = [];
  const onStack = new Set();
  const found = [];
  const visit = (v) => {
    index.set(v, index.size);
    low.set(v, index.get(v));
    stack.push(v);
    onStack.add(v);
    for (const w of next.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v), low.get(w)));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v), index.get(w)));
    }
    if (low.get(v) === index.get(v)) {
      const component = [];
      let w;
      do {
        w = stack.pop();
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || (next.get(v) ?? []).includes(v)) found.push(component.sort());
    }
  };
  for (const v of [...next.keys()].sort()) if (!index.has(v)) visit(v);
  return found.sort((a, b) => a[0].localeCompare(b[0]));
}
