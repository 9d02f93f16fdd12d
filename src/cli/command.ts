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


/** Reads a whole stream into a Buffer. */
export async function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks);
}
