import { Readable } from 'node:stream';
import type { CliIo } from '../../src/cli/command.js';

/** In-memory streams for running CLI commands in-process. */
export function memoryIo(stdin: string | Buffer = ''): CliIo & { out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return {
    stdin: Readable.from([typeof stdin === 'string' ? Buffer.from(stdin) : stdin]),
    stdout: { write: (c: string | Uint8Array) => (out += typeof c === 'string' ? c : Buffer.from(c).toString()) },
    stderr: { write: (c: string | Uint8Array) => (err += typeof c === 'string' ? c : Buffer.from(c).toString()) },
    out: () => out,
    err: () => err,
  };
}
