/**
 * A custom origin on 127.0.0.1 for origin-response tests: it answers every request the way the running test says
 * (a playlist unless told otherwise) and records what it was asked.
 */
import { createServer } from 'node:http';
import type { IncomingHttpHeaders, OutgoingHttpHeaders, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach } from 'vitest';

/** How the origin answers a request. */
export type OriginAnswer = (res: ServerResponse) => void;

/** A request the origin received. */
export interface OriginRequest {
  url: string;
  headers: IncomingHttpHeaders;
}

export interface PlaylistOrigin {
  /** The port it listens on; read it inside a hook or a test. */
  readonly port: number;
  /** The requests of the running test, in order: one array, emptied before each test. */
  readonly seen: readonly OriginRequest[];
  /** Answers the rest of the running test's requests with `answer`. */
  answer(answer: OriginAnswer): void;
}

/** 200 with `body` as an HLS playlist, plus `headers`. */
export function playlistAnswer(body: string | Buffer, headers: OutgoingHttpHeaders = {}): OriginAnswer {
  return (res) => res.writeHead(200, { 'content-type': 'application/vnd.apple.mpegurl', ...headers }).end(body);
}

/**
 * Registers hooks that start the origin before the suite's tests, give it `initial` as its answer and forget its
 * requests before each test, and close it (its open connections too) after the suite, so that nothing outlives the
 * file in a worker that other files share.
 *
 * @example const origin = startPlaylistOriginForSuite(playlistAnswer(MASTER)); ... atLocalCustomOrigin(event, origin.port);
 */
export function startPlaylistOriginForSuite(initial: OriginAnswer): PlaylistOrigin {
  let server: Server | undefined;
  let answer = initial;
  const seen: OriginRequest[] = [];
  beforeAll(async () => {
    const listening = createServer((req, res) => {
      seen.push({ url: req.url ?? '', headers: req.headers });
      answer(res);
    });
    await new Promise<void>((resolve) => listening.listen(0, '127.0.0.1', resolve));
    server = listening;
  });
  afterAll(async () => {
    const closing = server;
    server = undefined;
    closing?.closeAllConnections();
    await new Promise<void>((resolve) => (closing ? closing.close(() => resolve()) : resolve()));
  });
  beforeEach(() => {
    answer = initial;
    seen.length = 0;
  });
  return {
    get port(): number {
      if (server === undefined) throw new Error('the playlist origin is not running: read its port inside a hook or a test');
      return (server.address() as AddressInfo).port;
    },
    seen,
    answer: (next) => {
      answer = next;
    },
  };
}
