// Registers aws-sdk-client-mock matchers (toReceiveCommandWith, ...) for every unit test file.
import 'aws-sdk-client-mock-vitest/extend';

// The edge bundles log one JSON line per call straight to stdout, as Lambda wants (and one EMF metric record). Hand those lines to console.log
// instead, so that vitest shows them only with a failing test (vitest.config.ts: silent 'passed-only').
// `npm test` runs this file before every test file in a shared worker (vitest.config.ts, isolate: false): wrap once.
const WRAPPED = Symbol.for('cloudfront-hls.test.stdout-wrapped');
const stdout = process.stdout as typeof process.stdout & { [WRAPPED]?: true };
if (stdout[WRAPPED] === undefined) {
  const writeStdout = process.stdout.write.bind(process.stdout);
  stdout.write = ((chunk: unknown, ...rest: unknown[]) => {
    if (typeof chunk === 'string' && (chunk.startsWith('{"level":') || chunk.startsWith('{"_aws":'))) {
      console.log(chunk.trimEnd());
      return true;
    }
    return (writeStdout as (...args: unknown[]) => boolean)(chunk, ...rest);
  }) as typeof process.stdout.write;
  stdout[WRAPPED] = true;
}
