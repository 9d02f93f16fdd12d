/**
 * Runs `bench/index.ts --quick` end to end (as `npm run bench -- --quick` does in CI) and checks that every section
 * printed its figures. No timing is asserted: PASS/MISS lines are information, not test outcomes.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../../bench/bundle.js';

let stdout = '';
let stderr = '';
let status: number | null = null;

/** The lines of one `## <title>` section. */
function section(title: string): string {
  const start = stdout.indexOf(`\n## ${title}`);
  if (start === -1) return '';
  const next = stdout.indexOf('\n## ', start + 4);
  return stdout.slice(start, next === -1 ? undefined : next);
}

beforeAll(() => {
  // --fresh-bundles: bundle into a temp dir instead of reading dist/, so the test does not depend on a build.
  const run = spawnSync(process.execPath, [join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'), 'bench/index.ts', '--quick', '--fresh-bundles'], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 170_000,
    maxBuffer: 16 * 1024 * 1024,
  });
  stdout = run.stdout ?? '';
  stderr = run.stderr ?? '';
  status = run.status;
}, 180_000);

describe('npm run bench -- --quick', () => {
  it('finishes with exit code 0 (no section crashed)', () => {
    expect(status, `stderr: ${stderr.slice(-2000)}\nstdout: ${stdout.slice(-2000)}`).toBe(0);
    expect(stdout).not.toContain('ERROR in section');
  });

  it('prints the machine the figures were taken on', () => {
    expect(stdout).toMatch(/machine: \d+ CPUs \(nproc\), .+, node v\d+/);
  });

  it('prints rewriter throughput, per-URI time and the three ratios for every workload', () => {
    const s = section('rewriter');
    for (const w of ['VOD 1,000 segments', 'multivariant, 10 variants', 'LL-HLS']) {
      expect(s).toMatch(new RegExp(`${w}.*\\d+ MB.*\\d+ ns.*\\d+\\.\\d\\dx.*\\d+\\.\\d\\dx.*\\d+\\.\\d\\dx`));
    }
    expect(s).toMatch(/RSA-2048 SHA-1 signature \(node:crypto\): [\d.]+ µs median per signature/);
    expect(s).toMatch(/^(PASS|MISS) VOD 1,000 segments: rewrite \+ check [\d.]+x the naive regex/m);
    expect(s).toMatch(/^(PASS|MISS) VOD 1,000 segments: rewriter [\d.]+x faster than m3u8-parser/m);
    for (const shape of ['URI lines', 'attribute lists', 'one long attribute line', 'one long URI', 'variables']) {
      expect(s).toMatch(new RegExp(`^(PASS|MISS) linear time, ${shape}: 8n takes [\\d.]+x the time of n`, 'm'));
    }
  });

  it('prints p50 and p99 per call and heap before and after for both handlers', () => {
    const s = section('handlers');
    for (const h of ['viewer-request', 'origin-response, multivariant', 'origin-response, VOD 1,000 segments']) {
      expect(s).toMatch(new RegExp(`${h}.*\\s1000\\s+[\\d.]+ µs\\s+[\\d.]+ µs.*MB\\s+[\\d.]+ MB`));
    }
    expect(s).toMatch(/^(PASS|MISS) viewer-request p99/m);
  });

  it('prints cold-start medians for viewer-request and origin-response, and the paired CPU to load them', () => {
    const s = section('cold start');
    expect(s).toMatch(/viewer-request\s+[\d.]+ KB\s+[\d.]+ ms/);
    expect(s).toMatch(/origin-response\s+[\d.]+ KB\s+[\d.]+ ms.*200 \(rewritten\)/);
    expect(s).toMatch(/^(PASS|MISS) viewer-request cold start/m);
    expect(s).toMatch(/whole process until the import is done: origin-response [\d.]+ ms, viewer-request [\d.]+ ms, ratio [\d.]+/);
    expect(s).toMatch(/^(PASS|MISS) origin-response loads for [\d.]+x the CPU of viewer-request/m);
  });

  it('prints the edge economics table for both viewer-request kinds, before and after, with prices and assumptions', () => {
    const s = section('edge economics per million playlist requests (before/after, both viewer-request kinds)');
    expect(s).toContain('CloudFront Functions $0.1 per 1M');
    expect(s).toMatch(/assumptions: origin round trip \d+ ms/);
    expect(s).toMatch(/VOD 1,000 segments, before\s+Lambda@Edge.*2,000,000.*\$[\d.]+/);
    expect(s).toMatch(/VOD 1,000 segments, after\s+CloudFront Function\s+no duration charge.*1,100,000.*\$[\d.]+/);
    expect(s).toMatch(/512 MB\s+[\d.]+ ms\s+\$[\d.]+/);
  });

  it('prints the cost table for this design and for re-signing every URI, with the prices and their date', () => {
    const s = section('cost per million playlist fetches');
    expect(s).toContain('$0.6 per 1M requests, $0.00005001 per GB-second');
    expect(s).toMatch(/as assumed on \d{4}-\d\d-\d\d/);
    expect(s).toMatch(/VOD 1,000 segments\s+this design.*\$[\d.]+/);
    expect(s).toMatch(/re-sign 1002 URIs.*\$[\d.]+\s+[\d.]+x/);
  });

  it('prints bytes on the wire and the CPU time encoding adds next to the rewrite, for each Accept-Encoding', () => {
    const s = section('compressed playlists (origin-response encoding)');
    for (const row of ['identity', 'br', 'gzip']) expect(s).toMatch(new RegExp(`^${row} \\(.*KB\\s+1/[\\d.]+\\s+[\\d.]+ ms\\s+[\\d.]+ ms\\s+-?[\\d.]+ ms\\s+-?[\\d.]+ ms`, 'm'));
    expect(s).toMatch(/^(PASS|MISS) br: 1,000-segment playlist on the wire is 1\/[\d.]+ of identity/m);
  });

  it('includes the signer section', () => {
    expect(section('signer')).not.toBe('');
  });

  it('prints the live planner table and the measured local-edge runs, both credential modes, with their counts', () => {
    const s = section('live events: what a Region carries, and the local edge under one live title');
    for (const mode of ['HLS, 2 s segments, per-viewer', 'HLS, 2 s segments, shared', 'LL-HLS, 0.5 s parts, per-viewer', 'LL-HLS, 0.5 s parts, shared']) {
      expect(s).toMatch(new RegExp(`^\\| ${mode} \\| 1,000,000 \\| [\\d,]+ \\| [\\d,]+ \\| [\\d,]+ \\| [\\d,]+ \\|$`, 'm'));
    }
    for (const mode of ['per viewer', 'shared']) expect(s).toMatch(new RegExp(`^\\| ${mode} \\| \\d+ \\| \\d+ \\| 0 \\| 0 \\| \\d+ \\| [\\d.]+ \\| \\d+ \\|`, 'm'));
    expect(s).toMatch(/^origin-response runs at 4x the viewers: per viewer [\d.]+x, shared [\d.]+x$/m);
    expect(s).toMatch(/^(PASS|MISS) shared credentials: origin-response runs do not grow with the audience/m);
  });
});
