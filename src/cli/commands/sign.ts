import { UsageError } from '../../errors.js';
import { readFile } from 'node:fs/promises';
import { setCookieHeaders, signCookies, signUrl } from '../../signer/sign.js';
import type { SignOptions } from '../../signer/sign.js';
import type { Command } from '../command.js';
import { parseOptions } from '../command.js';

const HELP = `Usage: cloudfront-hls sign --url URL --key-pair-id ID --private-key FILE [options]

Prints a CloudFront signed URL (custom policy by default) or, with --cookies, the Set-Cookie values.

Options:
  --url URL               the URL to sign (percent-encoded, absolute http:// or https://: the local edge
                          serves http://127.0.0.1, this template's distribution https://)
  --key-pair-id ID        the CloudFront public key ID (in a trusted key group of the distribution)
  --private-key FILE      PEM private key: PKCS#1 or PKCS#8, RSA-2048 or ECDSA P-256
  --passphrase-env NAME   read the passphrase of an encrypted key from environment variable NAME
  --resource PATTERN      policy Resource (default: the URL's folder plus *, e.g. https://host/movies/42/*)
  --expires-in SECONDS    lifetime in seconds (default 3600)
  --expires EPOCH|ISO     absolute expiry instead: epoch seconds or an ISO 8601 date
  --not-before EPOCH|ISO  DateGreaterThan
  --ip CIDR               IpAddress condition (IPv4 or IPv6 address or CIDR block)
  --hash sha1|sha256      signature digest (default sha1; sha256 adds Hash-Algorithm=SHA256)
  --canned                canned policy: exactly this URL, cannot be propagated to playlist children
  --cookies               print Set-Cookie values instead of a URL
  --cookie-domain DOMAIN  Domain attribute of the cookies (default: the URL's host)
`;

type SignValues = ReturnType<typeof parseSignArgs>;

function parseSignArgs(argv: string[]) {
  return parseOptions(argv, {
    url: { type: 'string' },
    'key-pair-id': { type: 'string' },
    'private-key': { type: 'string' },
    'passphrase-env': { type: 'string' },
    resource: { type: 'string' },
    'expires-in': { type: 'string' },
    expires: { type: 'string' },
    'not-before': { type: 'string' },
    ip: { type: 'string' },
    hash: { type: 'string', default: 'sha1' },
    canned: { type: 'boolean', default: false },
    cookies: { type: 'boolean', default: false },
    'cookie-domain': { type: 'string' },
  });
}

/** The absolute expiry: --expires as given, else now plus --expires-in (default 3600 s). */
function expiryOf(values: SignValues, now: number): SignOptions['expires'] {
  if (values.expires !== undefined) return values.expires;
  const raw = values['expires-in'] ?? '3600';
  if (!/^\d+$/.test(raw) || Number(raw) === 0) throw new UsageError(`--expires-in must be a positive whole number of seconds, not "${raw}"`);
  return Math.floor(now / 1000) + Number(raw);
}

/** The key's passphrase from the environment variable --passphrase-env names, if given. */
function passphraseOf(values: SignValues): string | undefined {
  if (values['passphrase-env'] === undefined) return undefined;
  const passphrase = process.env[values['passphrase-env']];
  if (passphrase === undefined) throw new UsageError(`environment variable ${values['passphrase-env']} is not set`);
  return passphrase;
}

async function readKeyFile(keyFile: string): Promise<string> {
  try {
    return await readFile(keyFile, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read --private-key ${keyFile}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`);
  }
}

/** Checks the arguments and reads the key: the options to sign with. */
async function signOptionsOf(values: SignValues): Promise<SignOptions> {
  const url = values.url;
  const keyPairId = values['key-pair-id'];
  const keyFile = values['private-key'];
  if (url === undefined) throw new UsageError('--url is required');
  if (keyPairId === undefined) throw new UsageError('--key-pair-id is required');
  if (keyFile === undefined) throw new UsageError('--private-key is required');
  if (values.expires !== undefined && values['expires-in'] !== undefined) throw new UsageError('give --expires or --expires-in, not both');
  const hash = values.hash.toUpperCase();
  if (hash !== 'SHA1' && hash !== 'SHA256') throw new UsageError(`--hash must be sha1 or sha256, not "${values.hash}"`);

  const now = Date.now();
  const expires = expiryOf(values, now);
  const passphrase = passphraseOf(values);
  const pem = await readKeyFile(keyFile);
  return {
    url,
    keyPairId,
    privateKey: pem,
    expires,
    now,
    hashAlgorithm: hash,
    canned: values.canned,
    ...(passphrase !== undefined && { passphrase }),
    ...(values.resource !== undefined && { resource: values.resource }),
    ...(values['not-before'] !== undefined && { notBefore: values['not-before'] }),
    ...(values.ip !== undefined && { ipAddress: values.ip }),
  };
}

/** `cloudfront-hls sign`: prints a signed URL or signed cookies. */
export const signCommand: Command = {
  name: 'sign',
  summary: 'Print a CloudFront signed URL (custom policy for the folder) or signed cookies',
  help: HELP,
  async run(argv, io) {
    const values = parseSignArgs(argv);
    const options = await signOptionsOf(values);
    if (values.cookies) {
      const domain = values['cookie-domain'] ?? new URL(options.url).hostname;
      for (const line of setCookieHeaders(signCookies(options), { domain })) io.stdout.write(`Set-Cookie: ${line}\n`);
    } else {
      io.stdout.write(`${signUrl(options)}\n`);
    }
    return 0;
  },
};
