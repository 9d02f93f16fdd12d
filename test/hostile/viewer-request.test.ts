import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { handler } from '../../src/edge/viewer-request.js';
import { setLogSink } from '../../src/edge/log.js';
import { readCredentials, suffixCredentials } from '../../src/cloudfront/index.js';
import { loadEvent } from '../helpers/events.js';
import { cloudFrontFunctionRunner } from '../helpers/cloudfront-function.js';

// Hostile query strings at the viewer-request handler, as Lambda@Edge and as the CloudFront Function (the code
// template.yaml deploys, run in a sandbox; its query arrives parsed, so "as sent" means as CloudFront Functions
// hand it over: pieces without a name dropped, a name's values grouped). The model of "what CloudFront validated": a credential
// param that appears exactly once under its own name (CloudFront parses names byte for byte). Whatever the
// handler emits under a suffixed name must be exactly such a value; everything else stays as the viewer sent it.

const PARAMS = ['Expires', 'Policy', 'Signature', 'Key-Pair-Id', 'Hash-Algorithm'] as const;
const SUFFIX = '-PREFIX';

/** Raw `name=value` pieces (no decoding); a bare name has value undefined. */
function pieces(query: string): Array<{ name: string; value: string | undefined }> {
  return query.split('&').filter((p) => p !== '').map((p) => {
    const eq = p.indexOf('=');
    return eq === -1 ? { name: p, value: undefined } : { name: p.slice(0, eq), value: p.slice(eq + 1) };
  });
}

/** Every suffixed param in `out` must be the unique, non-empty original of `input`; returns the first violation. */
function propagationProblem(input: string, out: string): string | undefined {
  const inPieces = pieces(input);
  for (const { name, value } of pieces(out)) {
    if (!name.endsWith(SUFFIX)) continue;
    const base = name.slice(0, -SUFFIX.length);
    if (!(PARAMS as readonly string[]).includes(base)) continue;
    const originals = inPieces.filter((p) => p.name === base);
    if (originals.length !== 1) return `${name} propagated although ${base} appears ${originals.length} times`;
    if (originals[0]!.value !== value) return `${name}=${value?.slice(0, 40)} is not what CloudFront saw`;
  }
  // What origin-response will read must be exactly the unique originals.
  const read = readCredentials(out, SUFFIX);
  for (const [k, v] of Object.entries(read)) {
    const originals = inPieces.filter((p) => p.name === k);
    if (originals.length !== 1 || originals[0]!.value !== v) return `origin-response would read ${k} that CloudFront did not validate`;
  }
  return undefined;
}

/** The viewer's own non-suffixed pieces must survive, in order, byte for byte. */
function keptProblem(input: string, out: string): string | undefined {
  const suffixed = new Set(PARAMS.map((p) => `${p}${SUFFIX}`));
  const kept = input.split('&').filter((p) => !suffixed.has(p.split('=', 1)[0]!));
  const outPieces = out.split('&');
  for (let i = 0; i < kept.length; i++) {
    if (outPieces[i] !== kept[i]) return `piece ${i} changed: ${JSON.stringify(kept[i]?.slice(0, 60))} -> ${JSON.stringify(outPieces[i]?.slice(0, 60))}`;
  }
  return undefined;
}

const real = loadEvent('viewer-request/with-credentials').Records[0]!.cf.request.querystring;
const realPieces = real.split('&');
const big = 'A'.repeat(8 * 1024);

const hostilePiece = fc.oneof(
  fc.constantFrom(...realPieces),
  fc.constantFrom(...PARAMS).chain((p) => fc.constantFrom(`${p}${SUFFIX}=forged`, `${p}${SUFFIX}`, `${p}${SUFFIX}=`, `${p}=`, p, `${p}=${big}`, `${p}${SUFFIX}=${big}`, `${p}=a=b`, `${p}==`)),
  fc.constantFrom(
    'Policy%2DPREFIX=forged', 'Signature%2dPREFIX=forged', '%50olicy-PREFIX=forged', 'Key-Pair-Id%2DPREFIX=KFORGED',
    'policy-prefix=forged', 'POLICY-PREFIX=forged', 'Policy-PREFIX-PREFIX=forged', ' Policy-PREFIX=forged', 'Policy-PREFIX =forged',
    'Policy-PREFIX%3Dforged', '%26Policy-PREFIX=forged', '=', '==', '=x', '&', '', 'lang=en', 'x=%7E~', 'a', 'Expires=1798761600',
    '__proto__=x', '__proto__', 'constructor=y', 'hasOwnProperty', 'toString=z',
  ),
  fc.string({ maxLength: 20 }),
);
const hostileQuery = fc.array(hostilePiece, { maxLength: 12 }).map((ps) => ps.join('&'));

async function runLambdaEdge(query: string): Promise<string> {
  const event = loadEvent('viewer-request/with-credentials');
  event.Records[0]!.cf.request.querystring = query;
  const request = await handler(event);
  return request.querystring;
}

const cfFunction = cloudFrontFunctionRunner();

const KINDS = [
  { kind: 'Lambda@Edge', run: runLambdaEdge, asSent: (q: string) => q },
  { kind: 'CloudFront Function', run: (q: string) => cfFunction.run(q), asSent: (q: string) => cfFunction.asSent(q) },
];

describe.each(KINDS)('viewer-request ($kind) on hostile query strings', ({ run, asSent }) => {
  it('never throws and never propagates anything CloudFront did not validate', async () => {
    await fc.assert(
      fc.asyncProperty(hostileQuery, async (query) => {
        const out = await run(query);
        expect(propagationProblem(query, out)).toBeUndefined();
        expect(keptProblem(asSent(query), out)).toBeUndefined();
      }),
      { numRuns: 500 },
    );
  });

  it('answers exactly as the Lambda@Edge handler does on the query as the function sees it', async () => {
    await fc.assert(
      fc.asyncProperty(hostileQuery, async (query) => {
        expect(await run(query)).toBe(await runLambdaEdge(asSent(query)));
      }),
      { numRuns: 300 },
    );
  });

  it('drops every viewer-sent suffixed param and copies nothing when a credential is duplicated', async () => {
    const query = `${real}&Signature=${big}&Policy-PREFIX=forged&Signature-PREFIX=forged`;
    const out = await run(query);
    expect(out).not.toContain('forged');
    expect(out).not.toContain(SUFFIX);
  });

  it('treats a credential sent twice as absent on both sides of the suffix contract, even when one copy is empty', () => {
    // suffixCredentials and readCredentials share one scan (src/cloudfront/credentials.ts): a repeated name is
    // ambiguous whatever its values, so neither half may pick one of them.
    const cases = [
      ['Policy=p&Signature=&Signature=s&Key-Pair-Id=K1', 'Policy-PREFIX=p&Signature-PREFIX=&Signature-PREFIX=s&Key-Pair-Id-PREFIX=K1'],
      ['Policy=p&Signature&Signature=s&Key-Pair-Id=K1', 'Policy-PREFIX=p&Signature-PREFIX&Signature-PREFIX=s&Key-Pair-Id-PREFIX=K1'],
    ];
    for (const [signed, suffixed] of cases) {
      expect(suffixCredentials(signed!)).toBe(signed);
      expect(readCredentials(signed!)).toEqual({ Policy: 'p', 'Key-Pair-Id': 'K1' });
      expect(readCredentials(suffixed!, SUFFIX)).toEqual({ Policy: 'p', 'Key-Pair-Id': 'K1' });
    }
  });

  it('keeps percent-encoded look-alike names as the viewer sent them, where origin-response never reads them', async () => {
    const query = `${real}&Policy%2DPREFIX=forged&%50olicy-PREFIX=forged&policy-prefix=forged`;
    const out = await run(query);
    expect(out).toContain('Policy%2DPREFIX=forged');
    expect(Object.values(readCredentials(out, SUFFIX))).not.toContain('forged');
    expect(readCredentials(out, SUFFIX).Policy).toBe(readCredentials(real).Policy);
  });

  it('copies a 1.5 KB credential value byte for byte (CloudFront checks it, not us)', async () => {
    const long = big.slice(0, 1536);
    const query = `Policy=${long}&Signature=${long}&Key-Pair-Id=K1`;
    const out = await run(query);
    expect(readCredentials(out, SUFFIX)).toEqual({ Policy: long, Signature: long, 'Key-Pair-Id': 'K1' });
  });

  it('copies nothing when 8 KB values would push the URL past CloudFront\'s 8,192-character limit', async () => {
    const query = `Policy=${big}&Signature=${big}&Key-Pair-Id=K1&Signature-PREFIX=forged`;
    const out = await run(query);
    expect(readCredentials(out, SUFFIX)).toEqual({});
    expect(out).toBe(`Policy=${big}&Signature=${big}&Key-Pair-Id=K1`);
  });

  it('leaves `&&&`, bare names and lone `=` exactly as sent', async () => {
    for (const q of ['&&&', 'Policy&Signature&Key-Pair-Id', '=&=&=', 'a&&b=&&', '&Policy-PREFIX&']) {
      const out = await run(q);
      expect(propagationProblem(q, out)).toBeUndefined();
      expect(out).not.toMatch(/-PREFIX=/);
    }
  });

});

describe('viewer-request (Lambda@Edge) on malformed events', () => {
  it('never throws on a malformed event (no query, no request) and returns the request unchanged', async () => {
    const event = loadEvent('viewer-request/with-credentials');
    (event.Records[0]!.cf.request as { querystring?: unknown }).querystring = 42;
    const logs: string[] = [];
    const restore = setLogSink((line) => logs.push(line));
    try {
      await expect(handler(event)).resolves.toBeDefined();
    } finally {
      setLogSink(restore);
    }
    expect(logs).toHaveLength(1);
    expect(JSON.parse(logs[0]!)).toMatchObject({ level: 'error', fn: 'viewer-request' });
  });
});

describe('the CloudFront Functions event built from a hostile query (local edge)', () => {
  it('keeps __proto__, constructor and prototype as query entries and leaves Object.prototype alone', async () => {
    const query = '__proto__=x&__proto__=y&constructor=z&prototype&Policy=p&Signature=s&Key-Pair-Id=K1';
    expect(cfFunction.asSent(query)).toBe(query);
    expect(({} as { multiValue?: unknown }).multiValue).toBeUndefined();
    expect(Object.hasOwn(Object.prototype, 'multiValue')).toBe(false);
    expect(await cfFunction.run(query)).toBe(`${query}&Policy-PREFIX=p&Signature-PREFIX=s&Key-Pair-Id-PREFIX=K1`);
  });
});
