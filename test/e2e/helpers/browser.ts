/**
 * Headless Chromium (Debian's, via playwright-core; never a downloaded browser) and a recorder of every
 * request a page makes, so a test can prove that each media request was signed and answered 2xx.
 */
import { chromium } from 'playwright-core';
import type { Browser, Page, Request } from 'playwright-core';
import { CHROMIUM_PATH } from './env.js';

/** The flags CI uses: no sandbox (containers), no GPU, no background traffic, autoplay without a gesture. */
const ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
  '--no-first-run', '--disable-quic', '--disable-sync', '--autoplay-policy=no-user-gesture-required',
];

/** Launches Chromium with a fresh, empty profile (playwright creates and deletes a temp user-data-dir). */
export async function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: ARGS, timeout: 30_000 });
}

/** The CloudFront signed-URL params every media request must carry. */
export const REQUIRED_PARAMS = ['Policy', 'Signature', 'Key-Pair-Id'] as const;

export interface RecordedRequest {
  method: string;
  /** Path without the query (safe to print). */
  path: string;
  resourceType: string;
  /** True when the URL carries Policy, Signature and Key-Pair-Id. */
  signed: boolean;
  /** True when the Signature is the viewer's own (the one in the master URL the page was given). */
  ownSignature: boolean;
  range?: string;
  status?: number;
  failure?: string;
}

export interface RequestLog {
  /** Every request to the edge's origin, in order. */
  readonly media: RecordedRequest[];
  /** Console errors and uncaught page errors (diagnostics). */
  readonly consoleErrors: string[];
  /** Requests with no response yet or a failure, or a non-2xx status. */
  failed(): RecordedRequest[];
  unsigned(): RecordedRequest[];
  /** A short table for failure messages and the report: no query strings, so no credentials. */
  summary(): string;
}

/**
 * Records every request `page` makes to `edgeOrigin` (`http://127.0.0.1:PORT`). `signature` is the viewer's
 * Signature param; a request carrying any other signature is not the viewer's own.
 */
export function recordRequests(page: Page, edgeOrigin: string, signature: string): RequestLog {
  const media: RecordedRequest[] = [];
  const byRequest = new Map<Request, RecordedRequest>();
  const consoleErrors: string[] = [];
  page.on('request', (req) => {
    const url = new URL(req.url());
    if (url.origin !== edgeOrigin) return;
    const params = url.searchParams;
    const rec: RecordedRequest = {
      method: req.method(),
      path: url.pathname,
      resourceType: req.resourceType(),
      signed: REQUIRED_PARAMS.every((p) => params.has(p)),
      ownSignature: params.getAll('Signature').length === 1 && params.get('Signature') === signature,
    };
    const range = req.headers().range;
    if (range !== undefined) rec.range = range;
    media.push(rec);
    byRequest.set(req, rec);
  });
  page.on('response', (res) => {
    const rec = byRequest.get(res.request());
    if (rec !== undefined) rec.status = res.status();
  });
  page.on('requestfailed', (req) => {
    const rec = byRequest.get(req);
    if (rec !== undefined) rec.failure = req.failure()?.errorText ?? 'failed';
  });
  page.on('console', (msg) => {
    if (msg.type() === 'error') consoleErrors.push(msg.text().slice(0, 300));
  });
  page.on('pageerror', (err) => consoleErrors.push(`pageerror: ${err.message.slice(0, 300)}`));
  return {
    media,
    consoleErrors,
    failed: () => media.filter((r) => r.failure !== undefined || r.status === undefined || r.status < 200 || r.status > 299),
    unsigned: () => media.filter((r) => !r.signed || !r.ownSignature),
    summary: () => media
      .map((r) => `${r.method} ${r.path}${r.range ? ` [${r.range}]` : ''} -> ${r.failure ?? r.status ?? 'pending'}${r.signed ? '' : ' UNSIGNED'}${r.signed && !r.ownSignature ? ' FOREIGN-SIGNATURE' : ''}`)
      .join('\n'),
  };
}

/** State the player pages keep in `window.e2e` (see pages/common.js). */
export interface PageState {
  currentTime: number;
  readyState: number;
  paused: boolean;
  mediaError: string | null;
  errors: string[];
  info: Record<string, unknown>;
}

async function pageState(page: Page): Promise<PageState> {
  return page.evaluate(() => {
    const v = document.querySelector('video');
    const w = window as unknown as { e2e?: { errors: string[]; info: Record<string, unknown> } };
    return {
      currentTime: v?.currentTime ?? -1,
      readyState: v?.readyState ?? -1,
      paused: v?.paused ?? true,
      mediaError: v?.error ? `MediaError ${v.error.code}: ${v.error.message}` : null,
      errors: w.e2e?.errors ?? ['window.e2e missing: the page did not load'],
      info: w.e2e?.info ?? {},
    };
  });
}

export interface PlayResult extends PageState {
  /** Wall-clock seconds from navigation until currentTime passed the target. */
  wallSeconds: number;
}

/**
 * Opens `pageUrl` and waits until the video's currentTime passes `minSeconds`. On timeout
 * or a player error it throws with the page state and the request table, so a failure explains itself.
 */
export async function playUntil(
  page: Page,
  pageUrl: string,
  log: RequestLog,
  { minSeconds, timeoutMs }: { minSeconds: number; timeoutMs: number },
): Promise<PlayResult> {
  const started = Date.now();
  await page.goto(pageUrl, { waitUntil: 'load', timeout: 15_000 });
  const deadline = started + timeoutMs;
  let state = await pageState(page);
  while (Date.now() < deadline) {
    state = await pageState(page);
    if (state.errors.length > 0 || state.mediaError !== null) break;
    if (state.currentTime >= minSeconds) return { ...state, wallSeconds: (Date.now() - started) / 1000 };
    await page.waitForTimeout(200);
  }
  throw new Error(
    `playback did not reach ${minSeconds} s: ${JSON.stringify(state)}\nconsole: ${log.consoleErrors.join(' | ')}\nrequests:\n${log.summary()}`,
  );
}

/** Waits (up to `timeoutMs`) until every recorded request has a response or a failure. */
export async function settle(page: Page, log: RequestLog, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && log.media.some((r) => r.status === undefined && r.failure === undefined)) {
    await page.waitForTimeout(100);
  }
}
