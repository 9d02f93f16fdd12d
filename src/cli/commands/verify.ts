/**
 * `cloudfront-hls verify <signed master URL>`: walks the playlist tree as a player would and checks that
 * everything a player needs is served with credentials, and that unsigned, tampered and expired requests are
 * refused. Works against the local edge and a real distribution. Never prints signatures or policies.
 */
import { UsageError } from '../../errors.js';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { withoutSignedParams } from '../../cloudfront/index.js';
import { signUrl } from '../../signer/index.js';
import type { CliIo, Command } from '../command.js';
import { printReport, Tally } from './verify-report.js';
import { get, isSigned, walkTree } from './verify-walk.js';
import type { Walk, WalkLimits } from './verify-walk.js';

const HELP = `Usage: cloudfront-hls verify <signed master URL> [options]

Walks the whole playlist tree like a player: every URI place the rewriter gives credentials (variants,
renditions, I-frame and image playlists, keys, init segments, segments, LL-HLS parts, preload hints and
rendition reports, content steering, interstitial assets and asset lists, session data), then checks
that the same URLs without credentials are refused, that a tampered signature is refused and (with
--private-key) that an expired one is. Prints a table: kind, count, status, signed.
Exit status 0 only when everything a player needs is served signed and everything unsigned is refused.

Options:
  --sample N             fetch at most N segments per media playlist (first and last included; default: all)
  --origin-url URL       the origin's own base URL (e.g. https://BUCKET.s3.REGION.amazonaws.com): direct
                         access to the master's path there must be refused
  --private-key FILE     signing key, to check that an expired signature is refused
  --key-pair-id ID       its Key-Pair-Id (with --private-key)
  --timeout MS           per request (default 15000)
  --max-requests N       stop walking after N requests (default 5000)
  -h, --help             this help
`;

/** The URL without Expires/Policy/Signature/Key-Pair-Id/Hash-Algorithm, other bytes kept. */
export function withoutCredentials(url: string): string {
  const q = url.indexOf('?');
  if (q === -1) return url;
  const query = withoutSignedParams(url.slice(q + 1));
  return query === '' ? url.slice(0, q) : `${url.slice(0, q)}?${query}`;
}

/** Flips one character of the Signature value (stays valid URL-safe base64). */
export function tamperSignature(url: string): string {
  return url.replace(/([?&]Signature=)([^&]*)/, (_m, head: string, sig: string) => {
    const i = Math.floor(sig.length / 2);
    const c = sig[i] === 'A' ? 'B' : 'A';
    return `${head}${sig.slice(0, i)}${c}${sig.slice(i + 1)}`;
  });
}

/** The command line, checked. */
interface VerifyArgs extends WalkLimits {
  originUrl?: string;
  /** Both or neither: a signing key and its Key-Pair-Id, for the expired-signature check. */
  signingKey?: { file: string; keyPairId: string };
}

function parseVerifyArgs(argv: string[]): VerifyArgs {
  const { values, positionals } = parseArgs({
    args: argv,
    strict: true,
    allowPositionals: true,
    options: {
      sample: { type: 'string' },
      'origin-url': { type: 'string' },
      'private-key': { type: 'string' },
      'key-pair-id': { type: 'string' },
      timeout: { type: 'string' },
      'max-requests': { type: 'string' },
    },
  });
  if (positionals.length !== 1) throw new UsageError('give exactly one signed master URL');
  const master = positionals[0]!;
  if (!/^https?:\/\//.test(master)) throw new UsageError('the master URL must be an absolute http(s) URL');
  if (!isSigned(master)) throw new UsageError('the master URL carries no signature (Policy or Expires, Signature, Key-Pair-Id)');
  const sample = values.sample === undefined ? Infinity : Number(values.sample);
  if (!(sample >= 1)) throw new UsageError('--sample must be a positive number');
  const timeout = values.timeout === undefined ? 15000 : Number(values.timeout);
  const maxRequests = values['max-requests'] === undefined ? 5000 : Number(values['max-requests']);
  if ((values['private-key'] === undefined) !== (values['key-pair-id'] === undefined)) throw new UsageError('--private-key and --key-pair-id go together');
  return {
    master,
    sample,
    timeout,
    maxRequests,
    ...(values['origin-url'] !== undefined && { originUrl: values['origin-url'] }),
    ...(values['private-key'] !== undefined && { signingKey: { file: values['private-key'], keyPairId: values['key-pair-id']! } }),
  };
}

/** Each kind's URL without credentials, and the master with a tampered signature, must be refused (403). */
async function checkRefusals(walk: Walk): Promise<void> {
  const { args, tally } = walk;
  for (const url of walk.samples.values()) {
    const f = await get(withoutCredentials(url), args.timeout);
    tally.record('unsigned copies', f, false, f.status === 403);
  }
  const tampered = await get(tamperSignature(args.master), args.timeout);
  tally.record('tampered signature', tampered, true, tampered.status === 403);
}

/** With a signing key: the master signed with an expiry in the past must be refused. */
async function checkExpired(args: VerifyArgs, tally: Tally): Promise<void> {
  if (args.signingKey === undefined) {
    const r = tally.row('expired signature');
    r.note = 'skipped (needs --private-key and --key-pair-id)';
    return;
  }
  const now = Math.floor(Date.now() / 1000);
  const expiredUrl = signUrl({
    url: withoutCredentials(args.master),
    keyPairId: args.signingKey.keyPairId,
    privateKey: readFileSync(args.signingKey.file, 'utf8'),
    expires: now - 60,
    notBefore: now - 3600,
    now: (now - 3600) * 1000,
  });
  const f = await get(expiredUrl, args.timeout);
  tally.record('expired signature', f, true, f.status === 403);
}

/** With --origin-url: the master's path fetched from the origin directly must be refused. */
async function checkOriginDirect(args: VerifyArgs, tally: Tally): Promise<void> {
  if (args.originUrl === undefined) return;
  const path = new URL(args.master).pathname;
  const f = await get(`${args.originUrl.replace(/\/$/, '')}${path}`, args.timeout);
  tally.record('origin direct access', f, false, f.status === 401 || f.status === 403);
}

export const verifyCommand: Command = {
  name: 'verify',
  summary: 'Walk a signed master playlist like a player and check what is served and what is refused',
  help: HELP,
  async run(argv: string[], io: CliIo): Promise<number> {
    const args = parseVerifyArgs(argv);
    const tally = new Tally();
    const walk = await walkTree(args, io, tally);
    await checkRefusals(walk);
    await checkExpired(args, tally);
    await checkOriginDirect(args, tally);
    if (walk.truncated) tally.row('master').note = `walk stopped at --max-requests ${args.maxRequests}`;
    return printReport(io, tally, walk.truncated) ? 0 : 1;
  },
};