/**
 * A small CloudWatch Embedded Metric Format (EMF) writer: one JSON log line that CloudWatch Logs turns into
 * metrics, with no API call from the function (Lambda@Edge has no environment and should not wait on PutMetricData).
 * Spec: https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html
 *
 * The root node carries `_aws` { Timestamp (ms since epoch), CloudWatchMetrics: MetricDirective[] } plus one member
 * per dimension and per metric. A MetricDirective is { Namespace, Dimensions: DimensionSet[], Metrics:
 * MetricDefinition[] }; a DimensionSet lists root member names (at most 30), a MetricDirective at most 100 metrics;
 * every member a directive names MUST be on the root node. Lambda@Edge writes stdout to CloudWatch Logs in the
 * Region of the edge that ran it, so the metrics appear in that Region (docs/deployment.md, "What lives where").
 */

/** CloudWatch units this project uses (a subset of the spec's list). */
export type MetricUnit = 'Count' | 'Milliseconds' | 'Bytes';

/** One metric of a record: its value and unit. */
export interface MetricValue {
  value: number;
  unit: MetricUnit;
}

export const count = (value: number): MetricValue => ({ value, unit: 'Count' });
export const ms = (value: number): MetricValue => ({ value, unit: 'Milliseconds' });
export const bytes = (value: number): MetricValue => ({ value, unit: 'Bytes' });

/** One directive: metric names extracted under each dimension set (names of dimension members). */
export interface MetricGroup {
  dimensionSets: string[][];
  metrics: Record<string, MetricValue>;
}

/** The spec's limits (MetricDirective section). */
export const EMF_LIMITS = { dimensionsPerSet: 30, metricsPerDirective: 100 } as const;

/**
 * The EMF record for `groups` in `namespace`, with `dimensions` (name -> value) and `properties` (extra members that
 * are not metrics, for searching the logs). A group with no metric is left out; so is a whole record with none
 * (undefined). Throws on a record the spec forbids (a dimension set naming a missing member, a limit exceeded), which
 * is a programming error, not input.
 *
 * @example emfRecord('cloudfront-hls', { Function: 'origin-response' }, [{ dimensionSets: [['Function']],
 *   metrics: { OriginReads: { value: 1, unit: 'Count' } } }], 1700000000000)
 */
export function emfRecord(
  namespace: string,
  dimensions: Record<string, string>,
  groups: MetricGroup[],
  timestamp: number,
  properties: Record<string, string | number> = {},
): Record<string, unknown> | undefined {
  const root: Record<string, unknown> = { ...properties, ...dimensions };
  const directives: unknown[] = [];
  for (const group of groups) {
    const names = Object.keys(group.metrics);
    if (names.length === 0) continue;
    if (names.length > EMF_LIMITS.metricsPerDirective) throw new RangeError(`EMF: over ${EMF_LIMITS.metricsPerDirective} metrics in one directive`);
    for (const set of group.dimensionSets) {
      if (set.length > EMF_LIMITS.dimensionsPerSet) throw new RangeError(`EMF: over ${EMF_LIMITS.dimensionsPerSet} dimensions in a set`);
      const missing = set.find((d) => dimensions[d] === undefined);
      if (missing !== undefined) throw new RangeError(`EMF: dimension ${missing} has no value`);
    }
    for (const name of names) {
      const value = group.metrics[name]!.value;
      if (name in dimensions || (name in root && root[name] !== value)) throw new RangeError(`EMF: member ${name} has two meanings`);
      root[name] = value;
    }
    directives.push({
      Namespace: namespace,
      Dimensions: group.dimensionSets,
      Metrics: names.map((name) => ({ Name: name, Unit: group.metrics[name]!.unit })),
    });
  }
  if (directives.length === 0) return undefined;
  return { _aws: { Timestamp: timestamp, CloudWatchMetrics: directives }, ...root };
}

/** Where metric records go: stdout, one line each (CloudWatch Logs reads EMF from the function's log stream). */
let sink: (line: string) => void = (line) => {
  process.stdout.write(`${line}\n`);
};

/** Replaces the metric sink (tests); returns the previous one. */
export function setMetricSink(next: (line: string) => void): (line: string) => void {
  const prev = sink;
  sink = next;
  return prev;
}

/** Writes one EMF record as a log line; never throws (metrics must never break a response). */
export function writeMetrics(...args: Parameters<typeof emfRecord>): void {
  try {
    const record = emfRecord(...args);
    if (record !== undefined) sink(JSON.stringify(record));
  } catch {
    // A bad record is dropped, never the response.
  }
}
