/**
 * Helper of scripts/make-signer-vectors.sh (run with tsx). The private keys behind the openssl vectors are
 * derived from the seeds in test/signer/seeded-keys.ts, exactly as the tests derive them; they exist on disk only
 * in the script's temporary directory.
 *   tsx scripts/signer-vectors.ts write-keys DIR   rsa.pem and ec.pem (PKCS#8, mode 0600) into DIR
 *   tsx scripts/signer-vectors.ts sign-ecdsa       our ECDSA-signed URLs (SHA1, SHA256) as JSON, for openssl to verify
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { signUrl } from '../src/signer/index.js';
import { vectorKey } from '../test/signer/seeded-keys.js';

const [command, dir] = process.argv.slice(2);
if (command === 'write-keys' && dir !== undefined) {
  for (const [file, kind] of [['rsa.pem', 'rsa'], ['ec.pem', 'ecdsa']] as const) {
    writeFileSync(join(dir, file), String(vectorKey(kind).export({ type: 'pkcs8', format: 'pem' })), { mode: 0o600, flag: 'wx' });
  }
} else if (command === 'sign-ecdsa') {
  const out = (['SHA1', 'SHA256'] as const).map((hash) => ({
    hash,
    url: signUrl({
      url: 'https://d111111abcdef8.cloudfront.net/movies/42/master.m3u8',
      keyPairId: 'K2JCJMDEHXQW5F',
      privateKey: vectorKey('ecdsa'),
      expires: 2_000_000_000,
      hashAlgorithm: hash,
      now: 0,
    }),
  }));
  process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
} else {
  process.stderr.write('usage: tsx scripts/signer-vectors.ts write-keys DIR | sign-ecdsa\n');
  process.exit(2);
}
