/**
 * The local edge as the end-to-end tests run it: template.yaml's distribution on 127.0.0.1, serving the
 * generated streams plus a copy of sample/ (global-setup.ts), trusting a key group of two keys (RSA and ECDSA,
 * one per test viewer), with a third key pair that is NOT trusted for the wrong-key cases.
 */
import { generateKeyPair, signUrl } from '../../../src/signer/index.js';
import type { SignOptions } from '../../../src/signer/index.js';
import { startLocalEdge } from '../../../src/local-edge/index.js';
import type { LocalEdge, LocalEdgeOptions } from '../../../src/local-edge/index.js';
import { ROOT } from './env.js';

/** A signer identity: a Key-Pair-Id and its private key. */
export interface Signer {
  keyPairId: string;
  privateKeyPem: string;
}

/** The streams every client test runs: folder name under the origin and what it exercises. */
export const STREAMS = [
  { name: 'sample', what: 'the shipped sample: fMP4 + AES-128 TS variants, audio rendition, I-frame playlist' },
  { name: 'ts-aes', what: 'MPEG-TS, AES-128 with a key rotation, key URI with its own query, 12 x 1 s segments' },
  { name: 'fmp4-multi', what: 'fMP4, two audio renditions, WebVTT subtitles, I-frame playlist' },
  { name: 'byterange', what: 'single-file fMP4, EXT-X-BYTERANGE segments and EXT-X-MAP' },
] as const;
export type StreamName = (typeof STREAMS)[number]['name'];

export interface E2eEdge {
  edge: LocalEdge;
  /** `http://127.0.0.1:PORT` */
  url: string;
  /** Viewer A signs with the RSA key, viewer B with the ECDSA key; both keys are in the trusted key group. */
  viewerA: Signer;
  viewerB: Signer;
  /** A key pair the edge does not trust. */
  outsider: Signer;
  /** Signs `/<stream>/master.m3u8` (custom policy, Resource `/<stream>/*`, 1 h) unless options say otherwise. */
  signMaster(stream: StreamName, signer?: Signer, options?: Partial<Omit<SignOptions, 'url' | 'keyPairId' | 'privateKey'>>): string;
  /** Signs any path on the edge. */
  sign(path: string, signer?: Signer, options?: Partial<Omit<SignOptions, 'url' | 'keyPairId' | 'privateKey'>>): string;
  close(): Promise<void>;
}

// Generated once per test file: RSA-2048 generation takes a few hundred ms.
let signers: { a: Signer; b: Signer; outsider: Signer; publicA: string; publicB: string } | undefined;
function testSigners(): NonNullable<typeof signers> {
  if (signers === undefined) {
    const a = generateKeyPair({ type: 'rsa' });
    const b = generateKeyPair({ type: 'ecdsa' });
    const o = generateKeyPair({ type: 'rsa' });
    signers = {
      a: { keyPairId: 'KE2EVIEWERAAAA', privateKeyPem: a.privateKeyPem },
      b: { keyPairId: 'KE2EVIEWERBBBB', privateKeyPem: b.privateKeyPem },
      outsider: { keyPairId: 'KE2EOUTSIDER00', privateKeyPem: o.privateKeyPem },
      publicA: a.publicKeyPem,
      publicB: b.publicKeyPem,
    };
  }
  return signers;
}

let quieted = false;
/**
 * The edge bundles log one JSON line per playlist straight to process.stdout (as on Lambda), which vitest does
 * not capture; hundreds of `"level":"info"` lines and metric records (`"_aws"`) would bury the test summaries. Warnings
 * and errors still show.
 */
function quietFunctionInfoLogs(): void {
  if (quieted) return;
  quieted = true;
  const write = process.stdout.write.bind(process.stdout) as (chunk: unknown, ...rest: unknown[]) => boolean;
  process.stdout.write = ((chunk: unknown, ...rest: unknown[]) => {
    if (typeof chunk === 'string' && /^\{(?:"level":"(?:info|debug)"|"_aws":)/.test(chunk)) return true;
    return write(chunk, ...rest);
  }) as typeof process.stdout.write;
}

/**
 * The template's ViewerRequestKind for this run: `CFHLS_E2E_VIEWER_REQUEST_KIND=cloudfront-function` runs the players
 * against the CloudFront Function viewer-request (.ci/run does both kinds); unset, the template's default.
 */
export function viewerRequestKind(): Record<string, string> {
  const kind = process.env.CFHLS_E2E_VIEWER_REQUEST_KIND;
  return kind === undefined || kind === '' ? {} : { ViewerRequestKind: kind };
}

/**
 * Starts the local edge on `origin` (the streams folder, or `s3://BUCKET` with `s3Seed`).
 * Extra options go to startLocalEdge as they are (template parameters on top of {@link viewerRequestKind}).
 */
export async function startE2eEdge(origin: string, extra: Partial<LocalEdgeOptions> = {}): Promise<E2eEdge> {
  quietFunctionInfoLogs();
  const s = testSigners();
  const edge = await startLocalEdge({
    root: ROOT,
    origin,
    keys: { [s.a.keyPairId]: s.publicA, [s.b.keyPairId]: s.publicB },
    signingKey: s.a,
    ...extra,
    parameters: { ...viewerRequestKind(), ...extra.parameters },
  });
  const kind = edge.model.behaviors.find((b) => b.pathPattern === '*.m3u8')?.cloudFrontFunctions.length ? 'cloudfront-function' : 'lambda-edge';
  if (kind !== (viewerRequestKind().ViewerRequestKind ?? 'lambda-edge')) throw new Error(`e2e: the local edge runs the ${kind} viewer-request, not the one asked for`);
  const sign: E2eEdge['sign'] = (path, signer = s.a, options = {}) => signUrl({
    expires: Math.floor(Date.now() / 1000) + 3600,
    ...options,
    url: `${edge.url}${path}`,
    keyPairId: signer.keyPairId,
    privateKey: signer.privateKeyPem,
  });
  return {
    edge,
    url: edge.url,
    viewerA: s.a,
    viewerB: s.b,
    outsider: s.outsider,
    sign,
    signMaster: (stream, signer, options) => sign(`/${stream}/master.m3u8`, signer, options),
    close: () => edge.close(),
  };
}

/** The value of one query param, raw (no percent-decoding: signatures are compared byte for byte). */
export function rawParam(url: string, name: string): string | undefined {
  const q = url.indexOf('?');
  if (q === -1) return undefined;
  for (const pair of url.slice(q + 1).split('&')) {
    const eq = pair.indexOf('=');
    if ((eq === -1 ? pair : pair.slice(0, eq)) === name) return eq === -1 ? '' : pair.slice(eq + 1);
  }
  return undefined;
}
