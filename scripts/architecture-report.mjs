#!/usr/bin/env node
/**
 * Prints the structure figures that docs/architecture.md tracks, measured from the source as it is: files and
 * lines per folder of src/ (and of src/local-edge/), import arrows between files and between folders, circles of
 * files that import each other, the longest functions in src/, the files over 300 lines, and blocks of six or more
 * lines repeated in src/ and test/ (the same lines, or the same shape with other names, strings and numbers).
 *
 * Usage: node scripts/architecture-report.mjs [--top N] [--json]
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import ts from 'typescript';
import { circles, importGraph } from './import-graph.mjs';

const ROOT = join(import.meta.dirname, '..');
const WINDOW = 6;
const LONG_FILE = 300;

/** .ts files below `dir`, sorted, paths relative to the repository. */
function sourceFiles(dir) {
  const out = [];
  for (const name of readdirSync(join(ROOT, dir)).sort()) {
    const path = join(dir, name);
    if (statSync(join(ROOT, path)).isDirectory()) out.push(...sourceFiles(path));
    else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) out.push(path);
  }
  return out;
}

/** Every function-like node of a file with its line span. */
function functionSpans(path) {
  const text = readFileSync(join(ROOT, path), 'utf8');
  const file = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true);
  const spans = [];
  const visit = (node) => {
    if (ts.isFunctionLike(node) && 'body' in node && node.body !== undefined) {
      const start = file.getLineAndCharacterOfPosition(node.getStart(file)).line + 1;
      const end = file.getLineAndCharacterOfPosition(node.end).line + 1;
      spans.push({ path, name: nameOf(node), start, lines: end - start + 1 });
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return spans;
}

function nameOf(node) {
  if (node.name !== undefined) return node.name.getText();
  const parent = node.parent;
  if (parent !== undefined && ts.isVariableDeclaration(parent)) return parent.name.getText();
  if (parent !== undefined && ts.isPropertyAssignment(parent)) return parent.name.getText();
  return '(anonymous)';
}

const KEYWORDS = new Set(['if', 'else', 'for', 'while', 'return', 'const', 'let', 'var', 'function', 'async', 'await', 'new', 'throw', 'try', 'catch', 'finally', 'switch', 'case', 'break', 'continue', 'of', 'in', 'typeof', 'instanceof', 'export', 'import', 'from', 'class', 'extends', 'interface', 'type', 'true', 'false', 'null', 'undefined', 'void', 'yield', 'expect', 'it', 'describe']);

/** A line reduced to its shape: strings, numbers and names replaced, white space folded. */
function shapeOf(line) {
  return line
    .replace(/(['"`])(?:\\.|(?!\1).)*\1/g, 'S')
    .replace(/\b\d[\d_.]*\b/g, 'N')
    .replace(/[A-Za-z_$][\w$]*/g, (w) => (KEYWORDS.has(w) ? w : 'I'))
    .replace(/\s+/g, ' ')
    .trim();
}

/** The lines that count: no blanks, comments, lone punctuation or imports; each with its line number. */
function codeLines(path) {
  const out = [];
  let inBlock = false;
  let inList = false; // a multi-line import or export list
  readFileSync(join(ROOT, path), 'utf8').split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (inList) {
      if (/^\}( from .*)?;?$/.test(line)) inList = false;
      return;
    }
    if (/^(import|export)( type)? \{$/.test(line)) {
      inList = true;
      return;
    }
    if (inBlock) {
      if (line.includes('*/')) inBlock = false;
      return;
    }
    if (line.startsWith('/*')) {
      inBlock = !line.includes('*/');
      return;
    }
    if (line === '' || line.startsWith('//') || /^[\])};,]+$/.test(line) || line.startsWith('import ')) return;
    out.push({ n: i + 1, text: line.replace(/\s+/g, ' '), shape: shapeOf(line) });
  });
  return out;
}

/** Runs of WINDOW or more lines that stand in two places, exact or by shape; one row per pair of places. */
function duplicateBlocks(paths) {
  const files = paths.map((path) => ({ path, lines: codeLines(path) }));
  const windows = new Map();
  for (const f of files) {
    for (let i = 0; i + WINDOW <= f.lines.length; i++) {
      const key = f.lines.slice(i, i + WINDOW).map((l) => l.shape).join('\n');
      if (key.replace(/[^A-Za-z]/g, '').replace(/I/g, '').length < 8) continue; // thin: punctuation and names only
      if (!windows.has(key)) windows.set(key, []);
      windows.get(key).push({ f, i });
    }
  }
  const pairs = new Map();
  for (const places of windows.values()) {
    if (places.length < 2 || places.length > 8) continue;
    for (let a = 0; a < places.length; a++) {
      for (let b = a + 1; b < places.length; b++) {
        const [p, q] = [places[a], places[b]];
        if (p.f === q.f && Math.abs(p.i - q.i) < WINDOW) continue;
        const id = `${p.f.path}:${p.i - q.i}:${q.f.path}`;
        const exact = p.f.lines.slice(p.i, p.i + WINDOW).every((l, k) => l.text === q.f.lines[q.i + k].text);
        const run = pairs.get(id);
        if (run === undefined) pairs.set(id, { a: p.f.path, b: q.f.path, aFrom: p.f.lines[p.i].n, aTo: p.f.lines[p.i + WINDOW - 1].n, bFrom: q.f.lines[q.i].n, bTo: q.f.lines[q.i + WINDOW - 1].n, exact });
        else {
          run.aTo = Math.max(run.aTo, p.f.lines[p.i + WINDOW - 1].n);
          run.bTo = Math.max(run.bTo, q.f.lines[q.i + WINDOW - 1].n);
          run.exact &&= exact;
        }
      }
    }
  }
  return [...pairs.values()].sort((x, y) => (y.aTo - y.aFrom) - (x.aTo - x.aFrom));
}

/** Lines of a file, as the other figures count them. */
const linesOf = (path) => readFileSync(join(ROOT, path), 'utf8').split('\n').length - 1;

/** Files and lines per folder: `depth` path parts below src/ name the folder (a file at that level is its own). */
function folders(paths, prefix) {
  const rows = new Map();
  for (const path of paths.filter((p) => p.startsWith(prefix))) {
    const rest = path.slice(prefix.length).split('/');
    const name = rest.length === 1 ? rest[0] : `${rest[0]}/`;
    const row = rows.get(name) ?? { folder: `${prefix}${name}`, files: 0, lines: 0 };
    row.files += 1;
    row.lines += linesOf(path);
    rows.set(name, row);
  }
  return [...rows.values()].sort((a, b) => b.lines - a.lines);
}

/** Import arrows: distinct file pairs, and distinct pairs of the folders (as `folders` names them) they join. */
function arrows(edges, prefix) {
  const inside = edges.filter((e) => e.from.startsWith(prefix) && e.to.startsWith(prefix) && e.from !== e.to);
  const files = new Set(inside.map((e) => `${e.from} ${e.to}`));
  const folderOf = (p) => { const rest = p.slice(prefix.length).split('/'); return rest.length === 1 ? rest[0] : `${rest[0]}/`; };
  const between = new Set(inside.map((e) => [folderOf(e.from), folderOf(e.to)]).filter(([a, b]) => a !== b).map(([a, b]) => `${a} -> ${b}`));
  return { fileArrows: files.size, folderArrows: [...between].sort() };
}

const { values } = parseArgs({ options: { top: { type: 'string', default: '10' }, json: { type: 'boolean', default: false } } });
const top = Number(values.top);
const src = sourceFiles('src');
const tests = sourceFiles('test');
const functions = src.flatMap(functionSpans).sort((x, y) => y.lines - x.lines);
const longFiles = [...src, ...tests]
  .map((path) => ({ path, lines: readFileSync(join(ROOT, path), 'utf8').split('\n').length - 1 }))
  .filter((f) => f.lines > LONG_FILE)
  .sort((x, y) => y.lines - x.lines);
const duplicates = duplicateBlocks([...src, ...tests]);
const edges = importGraph(src);
const report = {
  sourceFiles: src.length,
  sourceLines: src.reduce((n, p) => n + linesOf(p), 0),
  folders: folders(src, 'src/'),
  arrows: arrows(edges, 'src/'),
  localEdge: { folders: folders(src, 'src/local-edge/'), arrows: arrows(edges, 'src/local-edge/') },
  circles: circles(edges),
  longestFunctions: functions.slice(0, top),
  functionsOver60Lines: functions.filter((f) => f.lines > 60).length,
  filesOver300Lines: longFiles,
  duplicateBlocks: duplicates,
};
if (values.json) {
  console.log(JSON.stringify(report, null, 2));
} else {
  console.log(`src: ${report.sourceFiles} files, ${report.sourceLines} lines`);
  for (const [title, part] of [['src/', report], ['src/local-edge/', report.localEdge]]) {
    console.log(`\n${title}: files and lines per folder; ${part.arrows.fileArrows} import arrows between its files`);
    for (const f of part.folders) console.log(`  ${String(f.files).padStart(4)} files ${String(f.lines).padStart(6)} lines  ${f.folder}`);
    console.log(`  arrows between its folders (${part.arrows.folderArrows.length}): ${part.arrows.folderArrows.join(', ')}`);
  }
  console.log(`\ncircles of files that import each other (src/): ${report.circles.length}`);
  for (const c of report.circles) console.log(`  ${c.join(' <-> ')}`);
  console.log(`\nlongest functions in src/ (${report.functionsOver60Lines} over 60 lines):`);
  for (const f of report.longestFunctions) console.log(`  ${String(f.lines).padStart(4)}  ${f.path}:${f.start} ${f.name}`);
  console.log(`\nfiles over ${LONG_FILE} lines (src/ and test/): ${longFiles.length}`);
  for (const f of longFiles) console.log(`  ${String(f.lines).padStart(4)}  ${f.path}`);
  console.log(`\nblocks of ${WINDOW}+ lines repeated (src/ and test/): ${duplicates.length}`);
  for (const d of duplicates.slice(0, top)) {
    console.log(`  ${d.a}:${d.aFrom}-${d.aTo} ~ ${d.b}:${d.bFrom}-${d.bTo}${d.exact ? '' : ' (same shape)'}`);
  }
  if (duplicates.length > top) console.log(`  (+${duplicates.length - top} more; --top N to list them)`);
}
