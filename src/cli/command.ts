import { parseArgs } from 'node:util';
import type { ParseArgsConfig } from 'node:util';
import { UsageError } from '../errors.js';

/** One CLI sub-command. `run` returns the process exit code; it writes only through `io`. */
export interface Command {
  readonly name: string;
  /** One line for `cloudfront-hls --help`. */
  readonly summary: string;
  /** Full text for `cloudfront-hls <name> --help`. */
  readonly help: string;
  run(argv: string[], io: CliIo): Promise<number>;
}

/** Streams a command uses, injectable for tests. */
export interface CliIo {
  stdin: NodeJS.ReadableStream;
  stdout: { write(chunk: string | Uint8Array): unknown };
  stderr: { write(chunk: string | Uint8Array): unknown };
}

/** The option declarations of a command, as `parseArgs` takes them. */
export type CommandOptions = NonNullable<ParseArgsConfig['options']>;
/** What {@link parseOptions} returns for the options `T`: each typed as declared. */
export type OptionValues<T extends CommandOptions> =
  ReturnType<typeof parseArgs<{ args: string[]; options: T; strict: true; allowPositionals: true }>>['values'];

/**
 * Parses the options of a command that takes no positional argument; an unknown option or a stray argument is a
 * usage error (main() prints it with the pointer to --help; --help itself never reaches a command).
 */
export function parseOptions<T extends CommandOptions>(argv: string[], options: T): OptionValues<T> {
  const { values, positionals } = parseArgs({ args: argv, options, strict: true, allowPositionals: true });
  if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
  return values;
}

/** Reads a whole stream into a Buffer. */
export async function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks);
}
