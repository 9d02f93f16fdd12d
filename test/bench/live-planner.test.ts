import { describe, expect, it } from 'vitest';
import { DEFAULT_INPUTS, MODES, QUOTAS, plannerRow, viewerLimit } from '../../bench/live-planner.js';

const mode = (name: string) => MODES.find((m) => m.name === name)!;

describe('the live planner', () => {
  it('charges one origin-response run per playlist request with per-viewer credentials', () => {
    const row = plannerRow(10_000, mode('HLS, 2 s segments, per-viewer'));
    expect(row.playlistRequestsPerSecond).toBe(10_000); // 2 playlists per viewer, reloaded every 2 s
    expect(row.invocationsPerSecond).toBe(10_000);
    expect(row.concurrency).toBe(280); // 28 ms each
  });

  it('charges shared credentials per rendition per edge location per freshness interval, whatever the audience', () => {
    const shared = mode('HLS, 2 s segments, shared');
    const expected = (DEFAULT_INPUTS.edgeLocations * DEFAULT_INPUTS.renditions) / shared.freshSeconds;
    expect(plannerRow(100_000, shared).invocationsPerSecond).toBe(expected);
    expect(plannerRow(1_000_000, shared).invocationsPerSecond).toBe(expected);
    // Fewer viewers than keys: never more runs than requests.
    expect(plannerRow(10, shared).invocationsPerSecond).toBe(10);
  });

  it('finds the first quota a per-viewer event reaches, and none for shared credentials', () => {
    const hls = viewerLimit(mode('HLS, 2 s segments, per-viewer'));
    expect(hls.quota).toBe('S3 GET/s per prefix');
    expect(hls.viewers).toBe(Math.floor(QUOTAS.s3GetsPerSecond / DEFAULT_INPUTS.s3GetsPerRun));
    expect(viewerLimit(mode('HLS, 2 s segments, per-viewer'), DEFAULT_INPUTS, false)).toEqual({ viewers: QUOTAS.edgeRequestsPerSecond, quota: 'Lambda@Edge requests/s' });
    expect(viewerLimit(mode('LL-HLS, 0.5 s parts, per-viewer'), DEFAULT_INPUTS, false).viewers).toBe(QUOTAS.edgeRequestsPerSecond / 4);
    expect(viewerLimit(mode('LL-HLS, 0.5 s parts, shared')).viewers).toBe(Number.POSITIVE_INFINITY);
  });
});
