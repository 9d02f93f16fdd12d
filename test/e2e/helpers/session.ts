/**
 * The servers of one end-to-end test file (the local edge on the generated streams and, for player tests, the
 * player pages and headless Chromium) and one player's run on a signed master URL.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, inject } from 'vitest';
import type { AccessLogEntry, LocalEdgeOptions } from '../../../src/local-edge/index.js';
import { launchChromium, playUntil, recordRequests, settle } from './browser.js';
import type { PlayResult, RequestLog } from './browser.js';
import { rawParam, startE2eEdge } from './edge.js';
import type { E2eEdge, StreamName } from './edge.js';
import { startStaticServer } from './static-server.js';
import type { StaticServer } from './static-server.js';

export interface E2eServers {
  /** The local edge: call inside a test. */
  env(): E2eEdge;
  /** The server of the player pages (test/e2e/pages), with `players: true`. */
  pages(): StaticServer;
  /** Headless Chromium, with `players: true`. */
  browser(): Browser;
  /** Lines printed under the file's heading after its tests. */
  results: string[];
}

function running<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`${what} is not running: call this inside a test (players: true for pages and browser)`);
  return value;
}

/**
 * Registers hooks that start the local edge on the generated streams (with `edge` options) and, with
 * `players: true`, the player pages and Chromium, all at once before the file's tests; after them, close them and
 * print the file's results under `heading`.
 *
 * @example const { env, results } = startE2eServersForFile('refusals');
 */
export function startE2eServersForFile(heading: string, options: { players?: boolean; edge?: Partial<LocalEdgeOptions> } = {}): E2eServers {
  const results: string[] = [];
  let env: E2eEdge | undefined;
  let pages: StaticServer | undefined;
  let browser: Browser | undefined;
  beforeAll(async () => {
    [env, pages, browser] = await Promise.all([
      startE2eEdge(inject('streamsDir'), options.edge),
      options.players ? startStaticServer() : undefined,
      options.players ? launchChromium() : undefined,
    ]);
  });
  afterAll(async () => {
    await browser?.close();
    await pages?.close();
    await env?.close();
    console.log(`${heading}:\n${results.join('\n')}`);
  });
  return {
    env: () => running(env, 'the local edge'),
    pages: () => running(pages, 'the pages server'),
    browser: () => running(browser, 'Chromium'),
    results,
  };
}

/** What a player page did with a signed master, and what the edge answered for that stream meanwhile. */
export interface Playback {
  played: PlayResult;
  /** Every request the page made to the edge. */
  log: RequestLog;
  /** The edge's own log of the requests for the stream's folder during the run (it sees every one). */
  edgeSaw: AccessLogEntry[];
}

/**
 * Opens test/e2e/pages/<page>.html on `master` in a fresh browser context, plays until `minSeconds` (40 s at
 * most; it throws with the page state and the requests when playback stops short) and waits for the requests in
 * flight.
 */
export async function playSignedMaster(servers: E2eServers, page: string, stream: StreamName, master: string, minSeconds: number): Promise<Playback> {
  const env = servers.env();
  const context = await servers.browser().newContext();
  try {
    const tab = await context.newPage();
    const log = recordRequests(tab, env.url, rawParam(master, 'Signature')!);
    const edgeSeq = env.edge.requests.at(-1)?.seq ?? 0;
    const played = await playUntil(tab, `${servers.pages().url}/pages/${page}.html?src=${encodeURIComponent(master)}`, log, {
      minSeconds,
      timeoutMs: 40_000,
    });
    await settle(tab, log);
    const edgeSaw = env.edge.requests.filter((e) => e.seq > edgeSeq && e.path.startsWith(`/${stream}/`));
    return { played, log, edgeSaw };
  } finally {
    await context.close();
  }
}

/** The requests the edge answered for a playback that were unsigned or not 2xx, as `path status`. */
export function unsignedOrRefused(playback: Playback): string[] {
  return playback.edgeSaw.filter((e) => !e.signed || e.status >= 300).map((e) => `${e.path} ${e.status}`);
}

/**
 * Asserts that playback passed `minSeconds` without a player error, and that the edge and the page saw only
 * requests carrying the viewer's own credentials, each answered 2xx.
 */
export function expectSignedPlayback(playback: Playback, minSeconds: number): void {
  const { played, log, edgeSaw } = playback;
  const detail = `\npage saw:\n${log.summary()}\nedge saw:\n${edgeSaw.map((e) => `${e.path} ${e.status} ${e.credentials}`).join('\n')}`;
  expect(played.currentTime, detail).toBeGreaterThanOrEqual(minSeconds);
  expect(played.errors, detail).toEqual([]);
  expect(unsignedOrRefused(playback), detail).toEqual([]);
  expect(log.unsigned().map((r) => r.path), detail).toEqual([]);
  expect(log.failed().map((r) => `${r.path} ${r.failure ?? r.status}`), detail).toEqual([]);
}
