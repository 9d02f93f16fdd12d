import { NotAPlaylistError } from '../errors.js';
import type { RewriteOptions, RewriteResult } from './types.js';

// Implementation in progress (placeholder signatures so dependants compile).
export function isPlaylist(input: string | Uint8Array): boolean {
  void input;
  return false;
}
export function assertPlaylist(input: string | Uint8Array): string {
  throw new NotAPlaylistError(String(input.length));
}
export function rewritePlaylistDetailed(text: string, options: RewriteOptions): RewriteResult {
  void options;
  return { text, rewritten: 0, untouched: 0 };
}
export function rewritePlaylist(text: string, options: RewriteOptions): string {
  return rewritePlaylistDetailed(text, options).text;
}
