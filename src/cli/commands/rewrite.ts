import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { CloudFrontHlsError, UsageError } from '../../errors.js';
import { assertPlaylist, rewritePlaylist } from '../../rewriter/index.js';
import type { Command } from '../command.js';
import { readAll } from '../command.js';



const HELP = `Usage: cloudfront-hls rewrite --url <signed playlist URL> [--allow-host HOST]... [--steering-host HOST]... [FILE]

Rewrites an HLS playlist so every URI a player fetches from the URL's host carries the
URL's CloudFront credentials (Policy, Signature, Key-Pair-Id, Hash-Algorithm). Reads FILE,
or standard input when FILE is absent or "-", and writes the playlist to standard output.

Options:
  --url URL          the signed URL the playlist is fetched with (custom policy; its folder or
                     title must be covered by the policy's Resource)
  --allow-host HOST  another host whose URIs also get the credentials (repeatable), e.g. the
                     distribution's alternate domain name
  --steering-host HOST
                     a host EXT-X-CONTENT-STEERING may move playlists to (repeatable; the URL's
                     host or an --allow-host). Without it a playlist using content steering is
                     refused: a steering manifest can copy every credentialed URL to any host
  -h, --help         show this help

URIs that players could resolve to different hosts (Unicode whitespace, "https:host" without
//, duplicate attributes, ambiguous variables) keep no credentials: see docs/rewriting.md.
Every rewritten playlist is then read again by an independent check, the way the most
permissive player reads it, before anything is written.

Exit status: 0 on success; 1 when the input is not a playlist, the URL carries no usable
credentials, or the playlist is refused (a line break some players split at, a variable
definition players read differently, a credential QUERYPARAM/IMPORT, unallowed content
steering, or a failed check); 2 on bad usage. Errors are one line on standard error; nothing
is written to standard output then.`;

export const rewriteCommand: Command = {
  name: 'rewrite',
  summary: 'Rewrite a playlist so every URI carries the credentials of a signed URL',
  help: HELP,
  async run(argv, io) {
    const { values, positionals } = parseArgs({
      args: argv,
      options: { url: { type: 'string' }, 'allow-host': { type: 'string', multiple: true }, 'steering-host': { type: 'string', multiple: true } },
      allowPositionals: true,
      strict: true,
    });
    if (values.url === undefined) throw new UsageError('--url is required');
    if (positionals.length > 1) throw new UsageError('give at most one FILE');
    const file = positionals[0];
    let input: Buffer;
    try {
      input = file === undefined || file === '-' ? await readAll(io.stdin) : await readFile(file);
    } catch (err) {
      throw new CloudFrontHlsError('ReadFailed', `cannot read ${file ?? 'standard input'}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`, { cause: err });
    }
    const text = assertPlaylist(input);
    const steeringHosts = values['steering-host'];
    const out = rewritePlaylist(text, { url: values.url, allowHosts: values['allow-host'] ?? [], ...(steeringHosts !== undefined ? { steeringHosts } : {}) });
    io.stdout.write(out);
    return 0;
  },
};
