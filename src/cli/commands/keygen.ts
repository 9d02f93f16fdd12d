import { UsageError } from '../../errors.js';
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { generateKeyPair } from '../../signer/keys.js';
import type { SignerKeyType } from '../../signer/keys.js';
import type { Command } from '../command.js';
import { parseOptions } from '../command.js';

const HELP = `Usage: cloudfront-hls keygen [--type rsa|ecdsa] [--out DIR] [--force]

Creates a key pair for CloudFront signed URLs:
  DIR/private_key.pem  PKCS#8 private key, mode 0600. Put it in Secrets Manager or SSM (SecureString);
                       never in a template or a repository.
  DIR/public_key.pem   SubjectPublicKeyInfo PEM: the EncodedKey of an AWS::CloudFront::PublicKey.

Options:
  --type rsa|ecdsa  RSA-2048 (default) or ECDSA P-256
  --out DIR         output folder (default: current folder; created if missing)
  --force           overwrite existing files
`;

/** `cloudfront-hls keygen`: writes a CloudFront key pair as PEM files. */
export const keygenCommand: Command = {
  name: 'keygen',
  summary: 'Create an RSA-2048 or ECDSA P-256 key pair for CloudFront signed URLs',
  help: HELP,
  async run(argv, io) {
    const values = parseOptions(argv, {
      type: { type: 'string', default: 'rsa' },
      out: { type: 'string', default: '.' },
      force: { type: 'boolean', default: false },
    });
    const type = values.type;
    if (type !== 'rsa' && type !== 'ecdsa') throw new UsageError(`--type must be rsa or ecdsa, not "${type}"`);
    const pair = generateKeyPair({ type: type as SignerKeyType });
    try {
      await mkdir(values.out, { recursive: true });
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      throw new UsageError(code === 'EEXIST' || code === 'ENOTDIR' ? `--out ${values.out} is not a folder` : `cannot create --out ${values.out}: ${code ?? 'error'}`);
    }
    const privPath = join(values.out, 'private_key.pem');
    const pubPath = join(values.out, 'public_key.pem');
    const flag = values.force ? 'w' : 'wx';
    try {
      // Created 0600 from the start (no window where another user could read it), chmod for the --force case.
      await writeFile(privPath, pair.privateKeyPem, { mode: 0o600, flag });
      await chmod(privPath, 0o600);
      await writeFile(pubPath, pair.publicKeyPem, { mode: 0o644, flag });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') throw new UsageError(`${(err as NodeJS.ErrnoException).path ?? 'a key file'} already exists (use --force to overwrite)`);
      throw err;
    }
    io.stdout.write(
      `Wrote ${privPath} (${type === 'rsa' ? 'RSA-2048' : 'ECDSA P-256'} private key, mode 0600) and ${pubPath} (public key).\n` +
        'Upload the public key to CloudFront (AWS::CloudFront::PublicKey EncodedKey) and store the private key in\n' +
        'Secrets Manager or SSM Parameter Store (SecureString).\n',
    );
    return 0;
  },
};
