/** Walking a playlist tree over HTTP the way a player does: every child URI, resolved against its playlist. */
import { expect } from 'vitest';

/** Every URI line and URI="..." attribute of a playlist, trimmed as players trim them. */
export function childUris(text: string): string[] {
  const out: string[] = [];
  for (const line of text.split(/\r?\n/)) {
    if (line === '') continue;
    if (!line.startsWith('#')) out.push(line.trim());
    for (const m of line.matchAll(/URI="([^"]+)"/g)) out.push(m[1]!);
  }
  return out;
}

/**
 * Fetches `master` and, breadth first, every URL its playlists lead to, each once, with `init`. Asserts that
 * each answer is 200 and hands each playlist (a path ending in .m3u8) to `checkPlaylist`. Returns the URLs fetched.
 */
export async function crawlPlaylistTree(
  master: string,
  checkPlaylist: (url: string, res: Response, text: string) => void,
  init: RequestInit = {},
): Promise<Set<string>> {
  const queue = [master];
  const fetched = new Set<string>();
  while (queue.length > 0) {
    const url = queue.shift()!;
    if (fetched.has(url)) continue;
    fetched.add(url);
    const res = await fetch(url, init);
    expect(res.status, new URL(url).pathname).toBe(200);
    if (!new URL(url).pathname.endsWith('.m3u8')) {
      await res.arrayBuffer();
      continue;
    }
    const text = await res.text();
    checkPlaylist(url, res, text);
    for (const child of childUris(text)) queue.push(new URL(child, url).href);
  }
  return fetched;
}
