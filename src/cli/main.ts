/**
 * CLI entry: `cloudfront-hls <command> [options]`. Each command lives in ./commands/<name>.ts;
 * register it in COMMANDS below.
 */
import { CloudFrontHlsError, UsageError } from '../errors.js';
import type { CliIo, Command } from './command.js';
import { checkKeysCommand } from './commands/check-keys.js';
import { rewriteCommand } from './commands/rewrite.js';
import { keygenCommand } from './commands/keygen.js';
import { logsCommand } from './commands/logs.js';
import { signCommand } from './commands/sign.js';
import { serveCommand } from './commands/serve.js';
import { verifyCommand } from './commands/verify.js';

const COMMANDS: readonly Command[] = [rewriteCommand, keygenCommand, signCommand, serveCommand, verifyCommand, checkKeysCommand, logsCommand];

function usage(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    'Usage: cloudfront-hls <command> [options]',
    '',
    'Private HLS on Amazon CloudFront with signed URLs that every HLS player can play.',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Run `cloudfront-hls <command> --help` for the options of a command.',
    '',
  ].join('\n');
}

/** Runs the CLI and returns the exit code. */
export async function main(argv: string[], io: CliIo = { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr }): Promise<number> {
  const [first, ...afterFirst] = argv;
  // `cloudfront-hls help sign` = `cloudfront-hls sign --help`
  const [name, ...rest] = first === 'help' && afterFirst[0] !== undefined ? [afterFirst[0], '--help'] : [first, ...afterFirst];
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(usage());
    return name === undefined ? 2 : 0;
  }
  if (name === '--version' || name === '-v') {
    io.stdout.write('cloudfront-hls 0.1.0\n');
    return 0;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    io.stderr.write(`cloudfront-hls: unknown command "${name}" (see cloudfront-hls --help)\n`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout.write(command.help.endsWith('\n') ? command.help : `${command.help}\n`);
    return 0;
  }
  try {
    return await command.run(rest, io);
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr.write(`cloudfront-hls ${name}: ${err.message} (see cloudfront-hls ${name} --help)\n`);
      return 2;
    }
    if (err instanceof CloudFrontHlsError) {
      io.stderr.write(`cloudfront-hls ${name}: ${err.message}\n`);
      return 1;
    }
    if (err instanceof Error && 'code' in err && typeof (err as { code: unknown }).code === 'string' && (err as { code: string }).code.startsWith('ERR_PARSE_ARGS')) {
      io.stderr.write(`cloudfront-hls ${name}: ${err.message} (see cloudfront-hls ${name} --help)\n`);
      return 2;
    }
    // Unexpected: one line, no stack (it could hold input bytes).
    io.stderr.write(`cloudfront-hls ${name}: unexpected error: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
}
