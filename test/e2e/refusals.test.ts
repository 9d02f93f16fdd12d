/**
 * The local edge refuses what CloudFront refuses, with CloudFront's 403 XML body and error code, on a playlist
 * (the *.m3u8 behavior, where the edge functions run) and on a segment (the default behavior): unsigned,
 * expired, not yet valid, tampered, signed with an untrusted or the wrong key, for another title, from
 * another IP address. A correctly signed request for the same file is 200 first, so no refusal is vacuous.
 */
import { describe, expect, it } from 'vitest';
import { rawParam } from './helpers/edge.js';
import { startE2eServersForFile } from './helpers/session.js';

const { env, results } = startE2eServersForFile('refusals');

const TARGETS = [
  { kind: 'playlist', path: '/ts-aes/hi/index.m3u8' },
  { kind: 'segment', path: '/ts-aes/hi/seg3.ts' },
  { kind: 'key', path: '/ts-aes/keys/k1.bin' },
] as const;

/** Replaces one param's raw value in a URL. */
function withParam(url: string, name: string, value: string): string {
  return url.replace(new RegExp(`([?&]${name}=)[^&]*`), `$1${value}`);
}

/** Changes one character in the middle of a URL-safe base64 value. */
function flipChar(value: string): string {
  const i = Math.floor(value.length / 2);
  return value.slice(0, i) + (value[i] === 'A' ? 'B' : 'A') + value.slice(i + 1);
}

const nowS = () => Math.floor(Date.now() / 1000);

/** Each case builds the URL to request for `path`. */
const CASES: Array<{ name: string; code: string; url: (path: string) => string }> = [
  { name: 'unsigned', code: 'MissingKey', url: (p) => `${env().url}${p}` },
  {
    name: 'unsigned but carrying the suffixed copies a playlist hands out',
    code: 'MissingKey',
    url: (p) => {
      const signed = env().sign(p);
      const q = signed.slice(signed.indexOf('?') + 1).split('&').map((kv) => kv.replace('=', '-PREFIX=')).join('&');
      return `${env().url}${p}?${q}`;
    },
  },
  {
    name: 'expired',
    code: 'AccessDenied',
    url: (p) => env().sign(p, env().viewerA, { now: (nowS() - 7200) * 1000, expires: nowS() - 60 }),
  },
  { name: 'not yet valid', code: 'AccessDenied', url: (p) => env().sign(p, env().viewerA, { notBefore: nowS() + 600 }) },
  { name: 'with a tampered signature', code: 'AccessDenied', url: (p) => { const u = env().sign(p); return withParam(u, 'Signature', flipChar(rawParam(u, 'Signature')!)); } },
  {
    name: 'with a policy widened after signing',
    code: 'AccessDenied',
    url: (p) => {
      const u = env().sign(p);
      const policy = JSON.parse(Buffer.from(rawParam(u, 'Policy')!.replace(/-/g, '+').replace(/_/g, '=').replace(/~/g, '/'), 'base64').toString('utf8')) as {
        Statement: Array<{ Condition: { DateLessThan: { 'AWS:EpochTime': number } } }>;
      };
      policy.Statement[0]!.Condition.DateLessThan['AWS:EpochTime'] += 86_400;
      const b64 = Buffer.from(JSON.stringify(policy)).toString('base64').replace(/\+/g, '-').replace(/=/g, '_').replace(/\//g, '~');
      return withParam(u, 'Policy', b64);
    },
  },
  { name: 'with a policy that is not base64 JSON', code: 'MalformedPolicy', url: (p) => withParam(env().sign(p), 'Policy', 'bm90IGpzb24_') },
  { name: 'signed with a key outside the trusted key group', code: 'InvalidKey', url: (p) => env().sign(p, env().outsider) },
  {
    name: 'signed with the wrong private key for a trusted Key-Pair-Id',
    code: 'AccessDenied',
    url: (p) => env().sign(p, { keyPairId: env().viewerA.keyPairId, privateKeyPem: env().outsider.privateKeyPem }),
  },
  {
    name: 'carrying credentials for another title',
    code: 'AccessDenied',
    url: (p) => {
      const other = env().signMaster('fmp4-multi');
      return `${env().url}${p}${other.slice(other.indexOf('?'))}`;
    },
  },
  { name: 'from an IP address the policy does not allow', code: 'AccessDenied', url: (p) => env().sign(p, env().viewerA, { ipAddress: '192.0.2.0/24' }) },
];

for (const { kind, path } of TARGETS) describe(`a ${kind} request`, () => {
  it('is served when correctly signed (control), also with an IP condition that matches 127.0.0.1', async () => {
    for (const url of [env().sign(path), env().sign(path, env().viewerB), env().sign(path, env().viewerA, { ipAddress: '127.0.0.1/32' })]) {
      const res = await fetch(url);
      expect(res.status).toBe(200);
      await res.arrayBuffer();
    }
  });

  for (const { name, code, url } of CASES) it(`is refused with 403 ${code} when ${name}`, async () => {
    const target = url(path);
    expect(new URL(target).pathname).toBe(path);
    const from = env().edge.requests.at(-1)?.seq ?? 0;
    const res = await fetch(target);
    const body = await res.text();
    expect(res.status).toBe(403);
    expect(res.headers.get('content-type') ?? '').toMatch(/xml/);
    expect(body).toMatch(/^<\?xml version="1\.0" encoding="UTF-8"\?>\s*<Error><Code>[A-Za-z]+<\/Code><Message>[^<]*<\/Message><\/Error>\s*$/);
    expect(body).toContain(`<Code>${code}</Code>`);
    // Nothing about the request's credentials or the check's internals goes back to the viewer.
    expect(body).not.toMatch(/Signature=|Policy=|at .*\.(m?js|ts):\d+/);
    const entry = env().edge.requests.find((e) => e.seq > from && e.path === path);
    expect(entry?.denied).toBe(code);
    results.push(`  ${kind.padEnd(8)} ${code.padEnd(15)} ${res.status} <- ${name}`);
  });
});
