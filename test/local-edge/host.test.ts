/**
 * The local edge answers only for its own host:port (127.0.0.1:PORT and localhost:PORT), so a page whose name
 * was rebound to 127.0.0.1 cannot read the dev token, and no Host header makes the signer sign for another host.
 */
import { request } from 'node:http';
import { connect } from 'node:net';
import { beforeAll, describe, expect, it } from 'vitest';
import { edgeHostNames, misdirected } from '../../src/local-edge/server/host-check.js';
import { startLocalEdgeForSuite } from '../helpers/local-edge.js';

interface Answer {
  status: number;
  body: string;
  headers: Record<string, string | string[] | undefined>;
}

/** GET with a Host header of the caller's choosing (fetch() always sends the URL's own host). */
function getWithHost(port: number, path: string, host: string, headers: Record<string, string> = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers: { ...headers, host } }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode!, body, headers: res.headers }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Sends raw request bytes and returns the status line. */
function rawStatusLine(port: number, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.end(text));
    let got = '';
    socket.on('data', (c: Buffer) => (got += c.toString()));
    socket.on('end', () => resolve(got.split('\r\n')[0]!));
    socket.on('error', reject);
  });
}

describe('the local edge answers only for its own host:port', () => {
  const edge = startLocalEdgeForSuite();
  let own: string[];
  beforeAll(() => {
    own = [`127.0.0.1:${edge().port}`, `localhost:${edge().port}`, `LOCALHOST:${edge().port}`];
  });

  it('hands the dev token only to a request for 127.0.0.1:PORT or localhost:PORT', async () => {
    for (const host of own) {
      const r = await getWithHost(edge().port, '/_local/dev-token', host);
      expect(r.status).toBe(200);
      expect(JSON.parse(r.body)).toMatchObject({ token: edge().signer!.token });
    }
    for (const host of ['evil.example', `evil.example:${edge().port}`, `127.0.0.1:${edge().port + 1}`, '127.0.0.1', `localhost.:${edge().port}`, `127.0.0.1:${edge().port}.evil.example`]) {
      const r = await getWithHost(edge().port, '/_local/dev-token', host);
      expect(r.status).toBe(421);
      expect(r.body).toBe(`this local edge answers only for Host 127.0.0.1:${edge().port}, localhost:${edge().port}\n`);
      expect(r.body).not.toContain(edge().signer!.token);
    }
  });

  it('refuses the signer, media and the player page for another Host, with no Location', async () => {
    const auth = { authorization: `Bearer ${edge().signer!.token}` };
    const seen = edge().requests.length;
    const redirect = await getWithHost(edge().port, '/api/sign?content=sample&redirect=1', `evil.example:${edge().port}`, auth);
    expect(redirect.status).toBe(421);
    expect(redirect.headers.location).toBeUndefined();
    const media = new URL(edge().sign('/master.m3u8'));
    expect((await getWithHost(edge().port, `${media.pathname}${media.search}`, 'evil.example')).status).toBe(421);
    expect((await getWithHost(edge().port, '/_local/player.html', 'evil.example')).status).toBe(421);
    // Refused before any behavior ran: nothing reached the access log, the signer or the origin.
    expect(edge().requests.length).toBe(seen);
  });

  it('signs for the edge itself (the distribution\'s own domain) whichever accepted name the viewer used', async () => {
    const auth = { authorization: `Bearer ${edge().signer!.token}` };
    for (const host of own) {
      const r = await getWithHost(edge().port, '/api/sign?content=sample&redirect=1', host, auth);
      expect(r.status).toBe(302);
      expect(r.headers.location).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${edge().port}/master\\.m3u8\\?Policy=`));
    }
  });

  it('refuses a request without Host and an absolute-form target naming another host', async () => {
    expect(await rawStatusLine(edge().port, 'GET /_local/dev-token HTTP/1.0\r\n\r\n')).toBe('HTTP/1.1 421 Misdirected Request');
    expect(await rawStatusLine(edge().port, `GET http://evil.example/_local/dev-token HTTP/1.1\r\nHost: 127.0.0.1:${edge().port}\r\nConnection: close\r\n\r\n`)).toBe('HTTP/1.1 400 Bad Request');
  });
});

describe('edge host names', () => {
  it('are the listen address and localhost with the port; without the port only on port 80', () => {
    expect([...edgeHostNames('127.0.0.1', 8080)]).toEqual(['127.0.0.1:8080', 'localhost:8080']);
    expect([...edgeHostNames('127.0.0.1', 80)]).toEqual(['127.0.0.1:80', '127.0.0.1', 'localhost:80', 'localhost']);
    expect([...edgeHostNames('::1', 8080)]).toEqual(['[::1]:8080', 'localhost:8080']);
  });

  it('refuse before anything is known (an empty set accepts nothing)', () => {
    expect(misdirected('127.0.0.1:8080', '/x', new Set())).toMatchObject({ status: 421 });
    expect(misdirected('127.0.0.1:8080', '/x', edgeHostNames('127.0.0.1', 8080))).toBeUndefined();
  });
});
