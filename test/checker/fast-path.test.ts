import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { newCheckState } from '../../src/checker/check.js';
import { emptyFacts, inspectLine, nextLineStart, plainLineEnd, stopTable } from '../../src/checker/lines.js';
import { judgeLine } from '../../src/checker/places.js';
import { CREDS } from '../hostile/oracle.js';
import { CHECK_OPTIONS, credentialValue } from './options.js';

// The check reads the two commonest line shapes in one pass (plainLineEnd) and every other line in full
// (inspectLine, then judgeLine). Whatever line the short reading accepts, the full reading must accept too, end it
// at the same place, and see the same credentials: the short reading is only ever a faster way to the same verdict.

const STOPS = stopTable(CHECK_OPTIONS);

/** Pieces of lines: path characters, everything the rules stop at, the credentials and pieces of them. */
const piece = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom('seg', '1080p', '/', '.', '-', '_', '~', '%2F', '0', 'e', 'y', 'J', 'P', '=', '&', '"', ',', '@', '[', '<') },
  { weight: 3, arbitrary: fc.constantFrom('?', ':', '#', '{$v}', '{', '$', '\\', ' ', '\t', '//', 'https:', 'EXTINF:4,', 'EXT-X-KEY:URI="k"', 'EXT-X-DEFINE:', 'EXT-X-CONTENT-STEERING:') },
  { weight: 3, arbitrary: fc.constantFrom(`?${CREDS}`, CREDS, credentialValue('Policy'), credentialValue('Signature'), CREDS.slice(0, 40)) },
  { weight: 1, arbitrary: fc.constantFrom('\r', '\u2028', '\u0085', '\u00a0', '\ufeff', '\u0000', '\u007f', 'é') },
);
const line = fc.array(piece, { maxLength: 8 }).map((pieces) => pieces.join(''));
const terminator = fc.constantFrom('\n', '\r\n', '');

describe('the check\'s one-pass reading of common lines', () => {
  it('accepts only lines the full reading accepts, ending them at the same place with the same credentials', () => {
    let accepted = 0;
    fc.assert(
      fc.property(line, terminator, (text, end) => {
        // The line, then either the end of the text or a terminator and a next line.
        const whole = end === '' ? text : `${text}${end}#EXTINF:4,\n`;
        const plainEnd = plainLineEnd(whole, 0, CHECK_OPTIONS, STOPS);
        if (plainEnd === -1) return;
        accepted++;
        const feed = whole.indexOf('\n');
        const lineEnd = feed === -1 ? whole.length : whole.charCodeAt(feed - 1) === 0x0d ? feed - 1 : feed;
        expect(plainEnd).toBe(lineEnd);
        if (feed !== -1) expect(nextLineStart(whole, plainEnd)).toBe(feed + 1);
        const state = newCheckState(CHECK_OPTIONS);
        const facts = inspectLine(whole, 0, lineEnd, state.options, STOPS, emptyFacts());
        expect(typeof facts).toBe('object');
        expect(judgeLine(whole, facts as Exclude<typeof facts, string>, state)).toBeUndefined();
        expect(state.credentialsSeen).toBe(plainEnd > 0 && !text.startsWith('#'));
      }),
      { numRuns: 3000 },
    );
    // The generator reaches both shapes often enough for the property to mean something.
    expect(accepted).toBeGreaterThan(300);
  });

  it('reads the shapes of a VOD playlist in one pass, and sends doubtful ones to the full reading', () => {
    const at = (text: string) => plainLineEnd(`${text}\n`, 0, CHECK_OPTIONS, STOPS);
    expect(at('#EXTINF:6.006,')).toBe(14);
    expect(at(`1080p/segment_000001.m4s?${CREDS}`)).toBe(25 + CREDS.length);
    expect(at('')).toBe(0);
    for (const doubtful of [
      `evil.example:80/a.ts?${CREDS}`, // a scheme to url-toolkit
      `//evil.example/a.ts?${CREDS}`, // another host
      ` a.ts?${CREDS}`, // trimmed by some readers
      `a\\b.ts?${CREDS}`, // a slash to WHATWG URL
      `a.ts?${CREDS}&x`, // more than the credentials
      `a.ts?${CREDS}\rb`, // a CR some readers end the line at
      `{$v}/a.ts?${CREDS}`, // a variable
      `#EXT-X-DEFINE:NAME="v",VALUE="x"`, // changes later lines
      `#EXT-X-KEY:METHOD=AES-128,URI="k?${CREDS}"`, // credentials in a tag: judged in full
    ]) {
      expect(at(doubtful), doubtful).toBe(-1);
    }
  });
});
