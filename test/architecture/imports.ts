/** The import graph of src/ (scripts/import-graph.mjs, which the architecture report uses too) and its layers. */
export { circles, importGraph, importsOf, ROOT, sourceFiles } from '../../scripts/import-graph.mjs';
export type { ImportEdge } from '../../scripts/import-graph.mjs';

/** The layer a file belongs to: its folder below src/ (`rewriter`), or its own name for a file at the top (`errors.ts`). */
export function layerOf(file: string): string {
  return file.split('/')[1]!;
}
