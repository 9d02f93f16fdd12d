/**
 * `cloudfront-hls logs`: the edge functions' log lines from every Region they ran in, merged by time. Searching goes to
 * stderr, lines to stdout (readable, or JSON lines with --json), so the output pipes cleanly.
 */
import { UsageError } from '../../errors.js';
import type { CliIo, Command } from '../command.js';
import { parseOptions } from '../command.js';
import { CANDIDATE_REGIONS, defaultDeps, discover, readAll } from './logs-fetch.js';
import type { LogLine, LogsDeps } from './logs-fetch.js';

const HELP = `Usage: cloudfront-hls logs (--stack-uuid UUID | --function NAME ...) [--regions R1,R2] [--since 1h] [--filter PATTERN] [--follow] [--json]

Gathers the Lambda@Edge log lines of the stack's edge functions from every Region they ran in (replicas log to
/aws/lambda/us-east-1.<function> in the Region of the edge that served the viewer) and prints them merged by time.
Uses the AWS SDK's default credentials (AWS_PROFILE, SSO, environment); needs logs:DescribeLogGroups and
logs:FilterLogEvents.

  --stack-uuid UUID   the last part of the stack id; reads cfhls-UUID-origin-response and cfhls-UUID-viewer-request
  --function NAME     an edge function name instead (repeatable)
  --regions R1,R2     read these Regions only (default: find the Regions that have the log groups)
  --since DURATION    how far back: 30s, 15m, 2h, 1d, or an ISO time (default 1h)
  --filter PATTERN    a CloudWatch Logs filter pattern, e.g. '{ $.level = "error" }' or 'refused'
  --follow            keep printing new lines (every 5 s; Regions searched again every minute) until interrupted
  --json              one JSON object per line: time, region, function, stream, message

Exit code 0: done; 1: AWS refused (credentials, permissions, throttling); 2: bad usage.
`;

const UNITS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** The start time `--since` names: a duration back from `now`, or an absolute time. */
export function parseSince(value: string, now: number): number {
  const m = /^(\d+)([smhd])$/.exec(value.trim());
  if (m) return now - Number(m[1]) * UNITS[m[2]!]!;
  const t = Date.parse(value);
  if (Number.isNaN(t)) throw new UsageError(`--since "${value}": expected 30s, 15m, 2h, 1d or an ISO time`);
  return t;
}

/** The function a log group belongs to (`/aws/lambda/us-east-1.cfhls-...-origin-response` -> `origin-response`). */
function functionOf(logGroup: string): string {
  const name = logGroup.slice(logGroup.lastIndexOf('.') + 1);
  const role = /-(origin-response|viewer-request)$/.exec(name);
  return role ? role[1]! : name;
}

/** One line for a person: time, Region, function, then the message (our JSON log lines as level, msg, fields). */
export function formatLine(line: LogLine): string {
  const head = `${new Date(line.timestamp).toISOString()} ${line.region.padEnd(14)} ${functionOf(line.logGroup).padEnd(15)}`;
  if (line.message.startsWith('{')) {
    try {
      const parsed = JSON.parse(line.message) as Record<string, unknown>;
      if (typeof parsed.msg === 'string') {
        const { level, fn: _fn, msg, ...rest } = parsed;
        const fields = Object.entries(rest).map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`).join(' ');
        return `${head} ${String(level ?? '').padEnd(5)} ${msg}${fields ? ` ${fields}` : ''}`;
      }
      if (parsed._aws !== undefined) return `${head} metric Outcome=${String(parsed.Outcome ?? '')}${parsed.Reason ? ` Reason=${String(parsed.Reason)}` : ''}`;
    } catch {
      // Not JSON after all: printed as it is.
    }
  }
  return `${head} ${line.message}`;
}

/** One JSON object per line, for jq and friends. */
export function jsonLine(line: LogLine): string {
  return JSON.stringify({ time: new Date(line.timestamp).toISOString(), region: line.region, function: functionOf(line.logGroup), stream: line.logStream, message: line.message });
}

interface LogsRun {
  functions: string[];
  regions: readonly string[];
  startTime: number;
  filter?: string;
  follow: boolean;
  json: boolean;
}

function options(argv: string[], now: number): LogsRun {
  const v = parseOptions(argv, {
    'stack-uuid': { type: 'string' },
    function: { type: 'string', multiple: true },
    regions: { type: 'string' },
    since: { type: 'string', default: '1h' },
    filter: { type: 'string' },
    follow: { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
  });
  const uuid = v['stack-uuid'];
  if (uuid !== undefined && !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(uuid)) throw new UsageError('--stack-uuid: expected the UUID at the end of the stack id');
  const functions = [...(uuid ? [`cfhls-${uuid}-origin-response`, `cfhls-${uuid}-viewer-request`] : []), ...(v.function ?? [])];
  if (functions.length === 0) throw new UsageError('give --stack-uuid or --function');
  const regions = v.regions === undefined ? CANDIDATE_REGIONS : v.regions.split(',').map((r) => r.trim()).filter((r) => r !== '');
  for (const r of regions) if (!/^[a-z]{2}(-[a-z]+)+-\d$/.test(r)) throw new UsageError(`--regions: "${r}" is not a Region name`);
  return { functions, regions, startTime: parseSince(v.since!, now), ...(v.filter ? { filter: v.filter } : {}), follow: v.follow!, json: v.json! };
}

/** Every this many polls (about a minute), --follow looks again for Regions that started logging. */
export const REDISCOVER_EVERY = 12;

const seenKey = (line: LogLine): string => `${line.region} ${line.eventId}`;

/**
 * Polls for new lines until `signal` aborts; prints each line once (the ids seen are remembered). Viewers reach new
 * edges over time, so the Regions are searched again about every minute and a new one is read from then on.
 */
async function follow(io: CliIo, deps: LogsDeps, run: LogsRun, found: Map<string, string[]>, seen: Set<string>, from: number, signal?: AbortSignal): Promise<void> {
  let since = from;
  for (let round = 1; !signal?.aborted; round++) {
    await deps.sleep(5_000);
    if (signal?.aborted) break;
    if (round % REDISCOVER_EVERY === 0) {
      const again = await discover({ ...deps, progress: () => {} }, run.regions, run.functions);
      for (const [region, groups] of again) {
        if (found.has(region)) continue;
        found.set(region, groups);
        deps.progress(`now also reading ${region}`);
      }
    }
    // Events can arrive a little late: re-read the last minute and drop what was printed.
    const lines = await readAll(deps, found, since - 60_000, run.filter);
    for (const line of lines) {
      if (seen.has(seenKey(line))) continue;
      seen.add(seenKey(line));
      io.stdout.write(`${run.json ? jsonLine(line) : formatLine(line)}\n`);
      since = Math.max(since, line.timestamp);
    }
    if (seen.size > 100_000) seen.clear();
  }
}

/** The command's body, with its dependencies and clock injectable (tests). */
export async function runLogs(argv: string[], io: CliIo, deps: LogsDeps = defaultDeps((l) => io.stderr.write(`${l}\n`)), now = Date.now(), signal?: AbortSignal): Promise<number> {
  const run = options(argv, now);
  const found = await discover(deps, run.regions, run.functions);
  if (found.size === 0) {
    deps.progress('no log group found: the functions have not run yet, or under another name (--function), or in a Region not searched (--regions)');
    if (!run.follow) return 0;
  } else {
    deps.progress(`reading ${[...found.keys()].sort().join(', ')}`);
  }
  const lines = await readAll(deps, found, run.startTime, run.filter);
  for (const line of lines) io.stdout.write(`${run.json ? jsonLine(line) : formatLine(line)}\n`);
  deps.progress(`${lines.length} line${lines.length === 1 ? '' : 's'}`);
  if (run.follow) await follow(io, deps, run, found, new Set(lines.map(seenKey)), lines.at(-1)?.timestamp ?? run.startTime, signal);
  return 0;
}

export const logsCommand: Command = {
  name: 'logs',
  summary: 'Gather the edge functions\' log lines from every Region, merged by time',
  help: HELP,
  run: (argv, io) => {
    const stop = new AbortController();
    process.once('SIGINT', () => stop.abort());
    return runLogs(argv, io, undefined, Date.now(), stop.signal);
  },
};
