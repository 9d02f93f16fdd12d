/**
 * Finds and reads the edge functions' log groups in every Region. Lambda@Edge replicas log to
 * `/aws/lambda/us-east-1.<function name>` in the Region of the edge that ran them
 * (https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/edge-functions-logs.html), so the Regions are
 * found by asking each for that log group (DescribeLogGroups with the name as prefix), then read with
 * FilterLogEvents, following nextToken. Throttling is retried with exponential backoff; credential and permission
 * errors become one AwsAccessError that says what to check.
 */
import { CloudWatchLogsClient, DescribeLogGroupsCommand, FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { AwsAccessError } from '../../errors.js';

/**
 * Regions that can run a Lambda@Edge replica: the CloudFront regional edge cache Regions and the other commercial
 * Regions enabled by default. Opt-in Regions you enabled can be named with --regions.
 */
export const CANDIDATE_REGIONS = [
  'us-east-1', 'us-east-2', 'us-west-1', 'us-west-2', 'ca-central-1', 'sa-east-1',
  'eu-west-1', 'eu-west-2', 'eu-west-3', 'eu-central-1', 'eu-north-1',
  'ap-south-1', 'ap-northeast-1', 'ap-northeast-2', 'ap-northeast-3', 'ap-southeast-1', 'ap-southeast-2',
] as const;

/** One log line, with where it came from. */
export interface LogLine {
  timestamp: number;
  region: string;
  logGroup: string;
  logStream: string;
  eventId: string;
  message: string;
}

/** What the search needs from outside; tests inject the client factory and a sleep that does not wait. */
export interface LogsDeps {
  client(region: string): CloudWatchLogsClient;
  sleep(ms: number): Promise<void>;
  progress(line: string): void;
}

export const defaultDeps = (progress: (line: string) => void): LogsDeps => ({
  // Retries are ours (withRetry), so the SDK makes one attempt per call.
  client: (region) => new CloudWatchLogsClient({ region, maxAttempts: 1 }),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  progress,
});

const THROTTLED = new Set(['ThrottlingException', 'TooManyRequestsException', 'LimitExceededException', 'ServiceUnavailableException']);
const BAD_CREDENTIALS = new Set(['UnrecognizedClientException', 'InvalidClientTokenId', 'InvalidSignatureException', 'ExpiredTokenException', 'CredentialsProviderError', 'IncompleteSignatureException']);
export const RETRY = { attempts: 6, baseMs: 200, maxMs: 5_000 } as const;

const errName = (err: unknown): string => (err as { name?: string })?.name ?? '';

/** Runs `call`, retrying throttling with exponential backoff and full jitter; other errors are thrown at once. */
export async function withRetry<T>(deps: LogsDeps, what: string, call: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (err) {
      if (!THROTTLED.has(errName(err))) throw err;
      if (attempt >= RETRY.attempts) throw new AwsAccessError(`${what}: still throttled after ${RETRY.attempts} attempts; try again later or narrow --since / --regions`, { cause: err });
      const ms = Math.min(RETRY.maxMs, RETRY.baseMs * 2 ** (attempt - 1));
      deps.progress(`${what}: throttled, retrying in ${ms} ms`);
      await deps.sleep(Math.round(ms / 2 + Math.random() * (ms / 2)));
    }
  }
}

/** The error to show for a refused call: credentials and permissions get a sentence saying what to check. */
export function accessError(region: string, err: unknown): AwsAccessError | undefined {
  const name = errName(err);
  if (BAD_CREDENTIALS.has(name)) {
    return new AwsAccessError(`AWS credentials were refused in ${region} (${name}): check AWS_PROFILE / aws sso login / the access key`, { cause: err });
  }
  if (name === 'AccessDeniedException') {
    return new AwsAccessError(`not allowed to read CloudWatch Logs in ${region}: the caller needs logs:DescribeLogGroups and logs:FilterLogEvents`, { cause: err });
  }
  return undefined;
}

/** The replica log group names of `functions` that exist in `region` (paginated DescribeLogGroups). */
async function groupsIn(deps: LogsDeps, region: string, functions: string[]): Promise<string[]> {
  const client = deps.client(region);
  const found: string[] = [];
  for (const fn of functions) {
    const name = `/aws/lambda/us-east-1.${fn}`;
    let nextToken: string | undefined;
    do {
      const page = await withRetry(deps, region, () => client.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: name, ...(nextToken ? { nextToken } : {}) })));
      for (const g of page.logGroups ?? []) if (g.logGroupName === name) found.push(name);
      nextToken = page.nextToken;
    } while (nextToken);
  }
  return found;
}

/**
 * The Regions (of `regions`) holding a log group of `functions`, with those groups. A Region that refuses the
 * credentials is skipped as not enabled (opt-in), unless it is us-east-1, which every account has: then the
 * credentials themselves are bad and the search stops with that error.
 */
export async function discover(deps: LogsDeps, regions: readonly string[], functions: string[]): Promise<Map<string, string[]>> {
  deps.progress(`searching ${regions.length} Regions for ${functions.map((f) => `/aws/lambda/us-east-1.${f}`).join(', ')}`);
  const out = new Map<string, string[]>();
  // A few Regions at a time: quick, without tripping the per-account API rate.
  for (let i = 0; i < regions.length; i += 4) {
    await Promise.all(regions.slice(i, i + 4).map(async (region) => {
      try {
        const groups = await groupsIn(deps, region, functions);
        if (groups.length > 0) out.set(region, groups);
        deps.progress(`  ${region}: ${groups.length === 0 ? 'no log group' : groups.length === 1 ? '1 log group' : `${groups.length} log groups`}`);
      } catch (err) {
        // An opt-in Region the account has not enabled refuses any token; us-east-1 never does unless it is bad.
        const name = errName(err);
        if (BAD_CREDENTIALS.has(name) && name !== 'CredentialsProviderError' && region !== 'us-east-1') {
          deps.progress(`  ${region}: skipped (${name}: Region not enabled for this account?)`);
          return;
        }
        if (err instanceof AwsAccessError) throw err;
        throw accessError(region, err) ?? new AwsAccessError(`${region}: ${name || 'error'}: ${(err as Error)?.message ?? ''}`, { cause: err });
      }
    }));
  }
  return out;
}

/** Every event of `logGroup` in [startTime, now] matching `filter`, following nextToken. A missing group is empty. */
export async function readGroup(deps: LogsDeps, region: string, logGroup: string, startTime: number, filter?: string): Promise<LogLine[]> {
  const client = deps.client(region);
  const lines: LogLine[] = [];
  let nextToken: string | undefined;
  try {
    do {
      const page = await withRetry(deps, region, () => client.send(new FilterLogEventsCommand({
        logGroupName: logGroup, startTime, ...(filter ? { filterPattern: filter } : {}), ...(nextToken ? { nextToken } : {}),
      })));
      for (const e of page.events ?? []) {
        lines.push({ timestamp: e.timestamp ?? 0, region, logGroup, logStream: e.logStreamName ?? '', eventId: e.eventId ?? '', message: (e.message ?? '').trimEnd() });
      }
      nextToken = page.nextToken;
    } while (nextToken);
  } catch (err) {
    // Deleted between discovery and reading (or expired by retention): nothing to show, not an error.
    if (errName(err) === 'ResourceNotFoundException') return lines;
    throw accessError(region, err) ?? err;
  }
  return lines;
}

/** Lines of every group of `found`, merged by time (ties by Region, then event id, so the order is stable). */
export async function readAll(deps: LogsDeps, found: Map<string, string[]>, startTime: number, filter?: string): Promise<LogLine[]> {
  const parts = await Promise.all([...found].flatMap(([region, groups]) => groups.map((g) => readGroup(deps, region, g, startTime, filter))));
  return parts.flat().sort((a, b) => a.timestamp - b.timestamp || a.region.localeCompare(b.region) || a.eventId.localeCompare(b.eventId));
}
