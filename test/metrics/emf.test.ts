import { afterEach, describe, expect, it } from 'vitest';
import { bytes, count, emfRecord, ms, setMetricSink, writeMetrics } from '../../src/metrics/emf.js';
import { emitSignerMetrics, signerOutcome } from '../../src/metrics/names.js';
import { expectValidEmf } from '../helpers/emf.js';

let restore: ((line: string) => void) | undefined;
afterEach(() => {
  if (restore) setMetricSink(restore);
  restore = undefined;
});

describe('emfRecord', () => {
  it('writes the _aws metadata, the dimension members and the metric members on the root node', () => {
    const record = emfRecord('ns', { Function: 'f', Outcome: 'ok' }, [
      { dimensionSets: [['Function', 'Outcome']], metrics: { Calls: count(1), Took: ms(12) } },
      { dimensionSets: [['Function']], metrics: { Size: bytes(300) } },
    ], 1_700_000_000_000);
    expect(record).toEqual({
      _aws: {
        Timestamp: 1_700_000_000_000,
        CloudWatchMetrics: [
          { Namespace: 'ns', Dimensions: [['Function', 'Outcome']], Metrics: [{ Name: 'Calls', Unit: 'Count' }, { Name: 'Took', Unit: 'Milliseconds' }] },
          { Namespace: 'ns', Dimensions: [['Function']], Metrics: [{ Name: 'Size', Unit: 'Bytes' }] },
        ],
      },
      Function: 'f',
      Outcome: 'ok',
      Calls: 1,
      Took: 12,
      Size: 300,
    });
  });

  it('leaves out groups without metrics, and the whole record when none has any', () => {
    const record = emfRecord('ns', { Function: 'f' }, [{ dimensionSets: [['Function']], metrics: {} }, { dimensionSets: [['Function']], metrics: { A: count(2) } }], 1);
    expect((record!._aws as { CloudWatchMetrics: unknown[] }).CloudWatchMetrics).toHaveLength(1);
    expect(emfRecord('ns', { Function: 'f' }, [{ dimensionSets: [['Function']], metrics: {} }], 1)).toBeUndefined();
  });

  it('refuses a dimension set that names a member the record does not carry', () => {
    expect(() => emfRecord('ns', { Function: 'f' }, [{ dimensionSets: [['Function', 'Reason']], metrics: { A: count(1) } }], 1)).toThrow(/Reason/);
  });

  it('refuses a metric named like a dimension, and the spec limits', () => {
    expect(() => emfRecord('ns', { Function: 'f' }, [{ dimensionSets: [['Function']], metrics: { Function: count(1) } }], 1)).toThrow(/two meanings/);
    const many = Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`M${i}`, count(i)]));
    expect(() => emfRecord('ns', { Function: 'f' }, [{ dimensionSets: [['Function']], metrics: many }], 1)).toThrow(/100 metrics/);
    const dims = Object.fromEntries(Array.from({ length: 31 }, (_, i) => [`D${i}`, 'x']));
    expect(() => emfRecord('ns', dims, [{ dimensionSets: [Object.keys(dims)], metrics: { A: count(1) } }], 1)).toThrow(/30 dimensions/);
  });
});

describe('writeMetrics', () => {
  it('writes one JSON line and never throws, even for a record the spec forbids', () => {
    const lines: string[] = [];
    restore = setMetricSink((l) => lines.push(l));
    writeMetrics('ns', { Function: 'f' }, [{ dimensionSets: [['Nope']], metrics: { A: count(1) } }], 1);
    expect(lines).toEqual([]);
    writeMetrics('ns', { Function: 'f' }, [{ dimensionSets: [['Function']], metrics: { A: count(1) } }], 1);
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!).A).toBe(1);
  });
});

describe('signer metrics', () => {
  it('names the outcome by status, never by viewer or content', () => {
    expect([200, 302, 400, 401, 403, 404, 429, 500, 503].map(signerOutcome)).toEqual(
      ['signed', 'signed', 'bad-request', 'unauthenticated', 'forbidden', 'bad-request', 'throttled', 'error', 'error'],
    );
  });

  it('writes a valid EMF record with Function and Outcome dimensions only', () => {
    const lines: string[] = [];
    restore = setMetricSink((l) => lines.push(l));
    emitSignerMetrics(401, 7, 1_700_000_000_000);
    const record = expectValidEmf(lines[0]!);
    expect(record).toMatchObject({ Function: 'sign-url', Outcome: 'unauthenticated', SignerRequests: 1, SignerMs: 7 });
    expect(Object.keys(record).sort()).toEqual(['Function', 'Outcome', 'SignerMs', 'SignerRequests', '_aws']);
  });
});
