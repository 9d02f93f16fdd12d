import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { memoryIo } from './io.js';

describe('commands that take no positional argument', () => {
  it.each(['keygen', 'sign', 'check-keys'])('%s refuses a stray argument with exit 2, naming it and pointing to --help', async (name) => {
    const io = memoryIo();
    expect(await main([name, 'stray'], io)).toBe(2);
    expect(io.err()).toBe(`cloudfront-hls ${name}: unexpected argument "stray" (see cloudfront-hls ${name} --help)\n`);
    expect(io.out()).toBe('');
  });

  it.each(['keygen', 'sign', 'check-keys'])('%s refuses an unknown option with exit 2', async (name) => {
    const io = memoryIo();
    expect(await main([name, '--nope'], io)).toBe(2);
    expect(io.err()).toMatch(new RegExp(`^cloudfront-hls ${name}: Unknown option '--nope'.*\\(see cloudfront-hls ${name} --help\\)\\n$`));
  });

  it('keygen still refuses a --type it does not know, quoting it', async () => {
    const io = memoryIo();
    expect(await main(['keygen', '--type', 'dsa'], io)).toBe(2);
    expect(io.err()).toBe('cloudfront-hls keygen: --type must be rsa or ecdsa, not "dsa" (see cloudfront-hls keygen --help)\n');
  });
});
