/**
 * Set-up shared by the origin-response tests with an S3 origin. S3 is real HTTP on 127.0.0.1: here a scripted
 * server that records what the function asked for and answers what a test needs (tests that need stored objects
 * behind a SigV4 check start s3rver themselves).
 */
import type { CloudFrontResponseEvent } from 'aws-lambda';
import { afterAll, beforeAll, beforeEach, expect } from 'vitest';
import { originCache } from '../../src/edge/origin-cache.js';
import type { EdgeResponse } from '../../src/edge/origin-response.js';
import { freezeClock } from '../helpers/clock.js';
import { captureEdgeLogs } from '../helpers/edge-logs.js';
import { loadEvent } from '../helpers/events.js';
import { atEndpoint, s3Error, s3Object, startFaultyS3, useCredentials } from '../helpers/s3.js';
import type { FaultyS3 } from '../helpers/s3.js';
import { suffixedCreds } from './playlists.js';

/** The recorded event of a playlist read from S3. */
export const EVENT = 'origin-response/s3-playlist-200';
export const cf = (e: CloudFrontResponseEvent) => e.Records[0]!.cf;
/** The viewer's credentials in the recorded event (the suffixed copies viewer-request made). */
export const creds = suffixedCreds(cf(loadEvent(EVENT)).request.querystring);

export interface ScriptedS3 {
  /** The scripted server: call it inside a hook or a test. */
  s3(): FaultyS3;
  /** The log lines of the running test. */
  logs: string[];
  /** The recorded S3 event, pointed at the scripted server. */
  event(): CloudFrontResponseEvent;
  /** Answers every GetObject with `body` (and extra response headers). */
  serve(body: string | Buffer, headers?: Record<string, string>): void;
  /** Asserts nothing secret or internal reached the viewer or the logs. */
  expectNoLeaks(response: EdgeResponse): void;
}

/**
 * Registers the hooks of a test file of origin-response with an S3 origin: the function's log lines captured,
 * the clock frozen, S3 credentials in the environment, the scripted server started before the tests and closed
 * after them, and before each test its record emptied, its answer reset to NoSuchKey and the origin cache cleared.
 */
export function startScriptedS3ForFile(): ScriptedS3 {
  const logs = captureEdgeLogs();
  freezeClock();
  let server: FaultyS3 | undefined;
  let restoreEnv: () => void = () => undefined;
  const s3 = (): FaultyS3 => {
    if (server === undefined) throw new Error('the scripted S3 server is not running: call this inside a hook or a test');
    return server;
  };
  beforeAll(async () => {
    server = await startFaultyS3();
    restoreEnv = useCredentials();
  });
  afterAll(async () => {
    restoreEnv();
    await server?.close();
  });
  beforeEach(() => {
    s3().requests.length = 0;
    s3().otherwise = s3Error('NoSuchKey', 404);
    originCache.clear();
  });
  return {
    s3,
    logs,
    event: () => atEndpoint(loadEvent(EVENT), s3().endpoint),
    serve: (body, headers = {}) => {
      s3().otherwise = s3Object(body, headers);
    },
    expectNoLeaks: (response) => {
      const viewer = JSON.stringify(response);
      for (const secret of [creds.Policy, creds.Signature]) {
        for (const line of logs) expect(line).not.toContain(secret);
        if (response.body !== undefined && response.headers['x-cfhls-rewrite']?.[0]?.value !== 'rewritten') {
          expect(viewer).not.toContain(secret);
        }
      }
      expect(viewer).not.toMatch(/\bat .+\(.*:\d+:\d+\)|arn:aws|secret detail|S3ServiceException/);
    },
  };
}
