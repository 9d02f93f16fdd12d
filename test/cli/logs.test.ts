/**
 * `cloudfront-hls logs` against a mocked CloudWatch Logs (no AWS account here): Region discovery, pagination, merge
 * by time, a log group that disappears, throttling retried with backoff, and refused credentials.
 */
import { CloudWatchLogsClient, DescribeLogGroupsCommand, FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import type { FilterLogEventsCommandInput } from '@aws-sdk/client-cloudwatch-logs';
import { beforeEach, describe, expect, it } from 'vitest';
import { formatLine, parseSince, REDISCOVER_EVERY, runLogs } from '../../src/cli/commands/logs.js';
import { CANDIDATE_REGIONS, RETRY } from '../../src/cli/commands/logs-fetch.js';
import type { LogsDeps } from '../../src/cli/commands/logs-fetch.js';
import { AwsAccessError } from '../../src/errors.js';
import { main } from '../../src/cli/main.js';
import { memoryIo } from './io.js';
import { mockAwsClient } from '../helpers/aws-mock.js';

const logs = mockAwsClient(CloudWatchLogsClient);
const UUID = '1c2d3e4f-aaaa-bbbb-cccc-0123456789ab';
const OR = `/aws/lambda/us-east-1.cfhls-${UUID}-origin-response`;
const NOW = Date.parse('2026-12-04T12:00:00Z');

const awsError = (name: string, message = name): Error => Object.assign(new Error(message), { name, $metadata: {} });

/** Deps whose clients are mocked (one per Region, so the fake can see which Region is asked) and sleep is recorded. */
function deps(): LogsDeps & { slept: number[]; progressLines: string[] } {
  const slept: number[] = [];
  const progressLines: string[] = [];
  return {
    client: (region) => new CloudWatchLogsClient({ region, credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'x' } }),
    sleep: async (ms) => { slept.push(ms); },
    progress: (l) => progressLines.push(l),
    slept,
    progressLines,
  };
}

/** Log groups that exist per Region; DescribeLogGroups answers from it. */
function groups(byRegion: Record<string, string[]>): void {
  logs.on(DescribeLogGroupsCommand).callsFake(async (input, getClient) => {
    const region = await getClient().config.region();
    const names = (byRegion[region] ?? []).filter((n) => n.startsWith(input.logGroupNamePrefix ?? ''));
    return { logGroups: names.map((logGroupName) => ({ logGroupName })) };
  });
}

const event = (t: number, id: string, message: string) => ({ timestamp: NOW - t, eventId: id, logStreamName: '2026/12/04/[1]abc', message });

beforeEach(() => logs.reset());

describe('logs: discovering Regions and reading them', () => {
  it('finds the Regions that have the log groups and merges their lines by time', async () => {
    groups({ 'eu-west-1': [OR], 'us-east-1': [OR], 'ap-northeast-1': [] });
    logs.on(FilterLogEventsCommand).callsFake(async (_input: FilterLogEventsCommandInput, getClient) => {
      const region = await getClient().config.region();
      if (region === 'eu-west-1') return { events: [event(3000, 'e1', 'eu first'), event(1000, 'e3', 'eu third')] };
      return { events: [event(2000, 'u2', 'us second')] };
    });
    const io = memoryIo();
    const d = deps();
    expect(await runLogs(['--stack-uuid', UUID], io, d, NOW)).toBe(0);
    const out = io.out().trim().split('\n');
    expect(out.map((l) => l.split(/\s+/).at(-1))).toEqual(['first', 'second', 'third']);
    expect(out[0]).toMatch(/^2026-12-04T11:59:57\.000Z eu-west-1\s+origin-response\s+eu first$/);
    expect(d.progressLines[0]).toMatch(new RegExp(`searching ${CANDIDATE_REGIONS.length} Regions`));
    expect(d.progressLines).toContain('  ap-northeast-1: no log group');
    expect(d.progressLines).toContain('reading eu-west-1, us-east-1');
    expect(io.err()).toBe(''); // progress went to the injected sink, not stdout
  });

  it('follows nextToken through every page of log groups and of events', async () => {
    logs.on(DescribeLogGroupsCommand).resolves({ logGroups: [] });
    logs.on(DescribeLogGroupsCommand, { logGroupNamePrefix: OR }).resolvesOnce({ logGroups: [{ logGroupName: `${OR}-old` }], nextToken: 'g2' }).resolves({ logGroups: [{ logGroupName: OR }] });
    logs.on(FilterLogEventsCommand).resolvesOnce({ events: [event(5000, 'a', 'page one')], nextToken: 'p2' })
      .resolvesOnce({ events: [event(4000, 'b', 'page two')], nextToken: 'p3' })
      .resolves({ events: [event(3000, 'c', 'page three')] });
    const io = memoryIo();
    await runLogs(['--function', `cfhls-${UUID}-origin-response`, '--regions', 'eu-west-1', '--since', '10m', '--json'], io, deps(), NOW);
    const lines = io.out().trim().split('\n').map((l) => JSON.parse(l) as { message: string; region: string; function: string });
    expect(lines.map((l) => l.message)).toEqual(['page one', 'page two', 'page three']);
    expect(lines[0]).toMatchObject({ region: 'eu-west-1', function: 'origin-response' });
    expect(logs).toHaveReceivedCommandWith(DescribeLogGroupsCommand, { logGroupNamePrefix: OR, nextToken: 'g2' });
    expect(logs).toHaveReceivedCommandWith(FilterLogEventsCommand, { logGroupName: OR, startTime: NOW - 600_000, nextToken: 'p3' });
    expect(logs).toHaveReceivedCommandTimes(FilterLogEventsCommand, 3);
  });

  it('passes --filter as the filter pattern', async () => {
    groups({ 'us-east-1': [OR] });
    logs.on(FilterLogEventsCommand).resolves({ events: [] });
    await runLogs(['--stack-uuid', UUID, '--regions', 'us-east-1', '--filter', '{ $.level = "error" }'], memoryIo(), deps(), NOW);
    expect(logs).toHaveReceivedCommandWith(FilterLogEventsCommand, { filterPattern: '{ $.level = "error" }' });
  });

  it('treats a log group deleted between discovery and reading as empty', async () => {
    groups({ 'us-east-1': [OR], 'eu-west-1': [OR] });
    logs.on(FilterLogEventsCommand).callsFake(async (_input, getClient) => {
      if ((await getClient().config.region()) === 'eu-west-1') throw awsError('ResourceNotFoundException', 'The specified log group does not exist.');
      return { events: [event(1000, 'x', 'still here')] };
    });
    const io = memoryIo();
    expect(await runLogs(['--stack-uuid', UUID, '--regions', 'us-east-1,eu-west-1'], io, deps(), NOW)).toBe(0);
    expect(io.out()).toContain('still here');
  });

  it('says so when no Region has the log groups', async () => {
    groups({});
    const d = deps();
    expect(await runLogs(['--stack-uuid', UUID, '--regions', 'us-east-1,eu-west-1'], memoryIo(), d, NOW)).toBe(0);
    expect(d.progressLines.at(-1)).toMatch(/no log group found/);
    expect(logs).toHaveReceivedCommandTimes(FilterLogEventsCommand, 0);
  });
  it('--follow prints only new lines, re-reading the last minute, until stopped', async () => {
    groups({ 'us-east-1': [OR] });
    logs.on(FilterLogEventsCommand).resolvesOnce({ events: [event(2000, 'e1', 'old')] })
      .resolvesOnce({ events: [event(2000, 'e1', 'old'), event(1000, 'e2', 'new')] })
      .resolves({ events: [] });
    const stop = new AbortController();
    const d = deps();
    let rounds = 0;
    d.sleep = async () => { if (++rounds === 3) stop.abort(); };
    const io = memoryIo();
    await runLogs(['--stack-uuid', UUID, '--regions', 'us-east-1', '--follow'], io, d, NOW, stop.signal);
    expect(io.out().trim().split('\n').map((l) => l.split(/\s+/).at(-1))).toEqual(['old', 'new']);
    expect(logs).toHaveReceivedCommandWith(FilterLogEventsCommand, { startTime: NOW - 2000 - 60_000 });
  });
  it('--follow searches the Regions again about every minute and reads one that started logging', async () => {
    const byRegion: Record<string, string[]> = { 'us-east-1': [OR] };
    groups(byRegion);
    logs.on(FilterLogEventsCommand).callsFake(async (_input, getClient) => {
      const region = await getClient().config.region();
      return { events: region === 'eu-west-1' ? [event(1000, 'e1', 'from-europe')] : [event(2000, 'e1', 'from-virginia')] };
    });
    const stop = new AbortController();
    const d = deps();
    let rounds = 0;
    d.sleep = async () => {
      rounds++;
      if (rounds === REDISCOVER_EVERY - 1) byRegion['eu-west-1'] = [OR];
      if (rounds === REDISCOVER_EVERY + 1) stop.abort();
    };
    const io = memoryIo();
    await runLogs(['--stack-uuid', UUID, '--regions', 'us-east-1,eu-west-1', '--follow'], io, d, NOW, stop.signal);
    // The same event id in two Regions is two lines.
    expect(io.out().trim().split('\n').map((l) => l.split(/\s+/).at(-1))).toEqual(['from-virginia', 'from-europe']);
    expect(d.progressLines).toContain('now also reading eu-west-1');
  });
});

describe('logs: throttling and refusals', () => {
  it('retries a throttled call with growing backoff, then succeeds', async () => {
    groups({ 'us-east-1': [OR] });
    logs.on(FilterLogEventsCommand).rejectsOnce(awsError('ThrottlingException', 'Rate exceeded')).rejectsOnce(awsError('ThrottlingException', 'Rate exceeded'))
      .resolves({ events: [event(1, 'k', 'after retries')] });
    const io = memoryIo();
    const d = deps();
    await runLogs(['--stack-uuid', UUID, '--regions', 'us-east-1'], io, d, NOW);
    expect(io.out()).toContain('after retries');
    expect(d.slept).toHaveLength(2);
    // Full jitter within [half, all] of 200 ms then 400 ms.
    expect(d.slept[0]).toBeGreaterThanOrEqual(100);
    expect(d.slept[0]).toBeLessThanOrEqual(200);
    expect(d.slept[1]).toBeGreaterThanOrEqual(200);
    expect(d.slept[1]).toBeLessThanOrEqual(400);
    expect(d.progressLines.filter((l) => l.includes('throttled, retrying'))).toHaveLength(2);
  });

  it('gives up after the last attempt with an error that says what to do', async () => {
    groups({ 'us-east-1': [OR] });
    logs.on(FilterLogEventsCommand).rejects(awsError('ThrottlingException', 'Rate exceeded'));
    const d = deps();
    const err = await runLogs(['--stack-uuid', UUID, '--regions', 'us-east-1'], memoryIo(), d, NOW).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AwsAccessError);
    expect((err as Error).message).toMatch(/still throttled after 6 attempts/);
    expect(d.slept).toHaveLength(RETRY.attempts - 1);
  });

  it('stops with a clear error when us-east-1 refuses the credentials', async () => {
    logs.on(DescribeLogGroupsCommand).rejects(awsError('UnrecognizedClientException', 'The security token included in the request is invalid.'));
    const err = await runLogs(['--stack-uuid', UUID], memoryIo(), deps(), NOW).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AwsAccessError);
    expect((err as Error).message).toBe('AWS credentials were refused in us-east-1 (UnrecognizedClientException): check AWS_PROFILE / aws sso login / the access key');
    expect((err as Error).cause).toBeDefined();
  });

  it('skips an opt-in Region that refuses the credentials while us-east-1 accepts them', async () => {
    logs.on(DescribeLogGroupsCommand).callsFake(async (_input, getClient) => {
      if ((await getClient().config.region()) === 'ap-east-1') throw awsError('UnrecognizedClientException');
      return { logGroups: [] };
    });
    const d = deps();
    expect(await runLogs(['--stack-uuid', UUID, '--regions', 'us-east-1,ap-east-1'], memoryIo(), d, NOW)).toBe(0);
    expect(d.progressLines).toContain('  ap-east-1: skipped (UnrecognizedClientException: Region not enabled for this account?)');
  });

  it('prints the refusal as one line with exit code 1 through the CLI, and no stack', async () => {
    logs.on(DescribeLogGroupsCommand).rejects(awsError('AccessDeniedException', 'User is not authorized to perform logs:DescribeLogGroups'));
    const io = memoryIo();
    // main() builds real clients: the mock answers for every instance, credentials are never looked up.
    process.env.AWS_ACCESS_KEY_ID = 'AKIDEXAMPLE';
    process.env.AWS_SECRET_ACCESS_KEY = 'x';
    try {
      expect(await main(['logs', '--stack-uuid', UUID, '--regions', 'us-east-1'], io)).toBe(1);
    } finally {
      delete process.env.AWS_ACCESS_KEY_ID;
      delete process.env.AWS_SECRET_ACCESS_KEY;
    }
    expect(io.err().trim().split('\n').at(-1)).toBe('cloudfront-hls logs: not allowed to read CloudWatch Logs in us-east-1: the caller needs logs:DescribeLogGroups and logs:FilterLogEvents');
  });
});

describe('logs: options and output', () => {
  it('reads --since as a duration or an ISO time, and refuses anything else', () => {
    expect(parseSince('90s', NOW)).toBe(NOW - 90_000);
    expect(parseSince('2h', NOW)).toBe(NOW - 7_200_000);
    expect(parseSince('2026-12-01T00:00:00Z', NOW)).toBe(Date.parse('2026-12-01T00:00:00Z'));
    expect(() => parseSince('yesterday', NOW)).toThrow(/--since "yesterday"/);
  });

  it('refuses a run without functions, a malformed UUID and a bad Region name', async () => {
    for (const argv of [[], ['--stack-uuid', 'nope'], ['--stack-uuid', UUID, '--regions', 'eu-west-1,Europe']]) {
      const io = memoryIo();
      expect(await main(['logs', ...argv], io), argv.join(' ')).toBe(2);
    }
  });

  it('prints our JSON log lines as level, message and fields, and metric records by outcome', () => {
    const base = { timestamp: NOW, region: 'eu-west-1', logGroup: OR, logStream: 's', eventId: '1' };
    expect(formatLine({ ...base, message: '{"level":"warn","fn":"origin-response","msg":"canned policy","uri":"/a.m3u8"}' }))
      .toBe('2026-12-04T12:00:00.000Z eu-west-1      origin-response warn  canned policy uri=/a.m3u8');
    expect(formatLine({ ...base, message: '{"_aws":{},"Outcome":"refused","Reason":"line-too-long","Playlists":1}' })).toMatch(/metric Outcome=refused Reason=line-too-long$/);
    expect(formatLine({ ...base, message: 'REPORT RequestId: 1 Duration: 3 ms' })).toMatch(/origin-response REPORT RequestId/);
  });

  it('documents every option in --help', async () => {
    const io = memoryIo();
    expect(await main(['logs', '--help'], io)).toBe(0);
    for (const opt of ['--stack-uuid', '--function', '--regions', '--since', '--filter', '--follow', '--json']) expect(io.out()).toContain(opt);
  });
});
