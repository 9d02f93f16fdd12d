export declare const ROOT: string;
export interface ImportEdge {
  /** Importing file, relative to the repository (`src/edge/body.ts`). */
  from: string;
  /** Imported file, relative to the repository. */
  to: string;
}
export declare function sourceFiles(dir?: string): string[];
export declare function importsOf(file: string, text?: string): string[];
export declare function importGraph(files: readonly string[], read?: (file: string) => string): ImportEdge[];
export declare function circles(edges: readonly ImportEdge[]): string[][];
