// Minimal typing of the m3u8-parser package (it ships none); used as an independent oracle in tests.
declare module 'm3u8-parser' {
  export class Parser {
    constructor(options?: { uri?: string; mainDefinitions?: Record<string, string> });
    push(chunk: string): void;
    end(): void;
    manifest: Record<string, unknown> & {
      segments: Array<Record<string, unknown> & { uri?: string; duration?: number }>;
      playlists?: Array<Record<string, unknown> & { uri?: string }>;
    };
    on(event: string, listener: (...args: unknown[]) => void): void;
  }
}
