/**
 * The monitoring part of template.yaml: the dashboard is the one src/metrics/dashboard.ts generates, every metric it
 * and the alarms name exists, every alarm reaches the optional topic, and the validator checks the new resource types.
 */
import { describe, expect, it } from 'vitest';
import { dashboardBody, DASHBOARD_VARIABLES, EDGE_REGIONS } from '../../src/metrics/dashboard.js';
import { METRIC_NAMESPACE, METRICS } from '../../src/metrics/names.js';
import { validateTemplate } from './cfn-validate.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readTemplate, ROOT } from './template-file.js';

const { text, template, mutate } = readTemplate();
const resources = template.Resources as Record<string, { Type: string; Condition?: string; Properties: Record<string, any> }>;
const alarms = Object.entries(resources).filter(([, r]) => r.Type === 'AWS::CloudWatch::Alarm');

/** Every [namespace, metric name] an alarm watches. */
function alarmMetrics(props: Record<string, any>): [string, string][] {
  if (props.MetricName !== undefined) return [[props.Namespace, props.MetricName]];
  return (props.Metrics as Array<{ MetricStat?: { Metric: { Namespace: string; MetricName: string } } }>)
    .filter((m) => m.MetricStat !== undefined)
    .map((m) => [m.MetricStat!.Metric.Namespace, m.MetricStat!.Metric.MetricName]);
}

describe('the monitoring resources of template.yaml', () => {
  it('carries the dashboard src/metrics/dashboard.ts generates (run npx tsx scripts/sync-dashboard.ts)', () => {
    const [body, variables] = resources.MonitoringDashboard!.Properties.DashboardBody['Fn::Sub'];
    expect(body).toBe(dashboardBody());
    expect(Object.keys(variables).sort()).toEqual([...DASHBOARD_VARIABLES].sort());
    const used = new Set([...body.matchAll(/\$\{([^}]+)\}/g)].map((m: RegExpMatchArray) => m[1]));
    expect([...used].sort()).toEqual([...DASHBOARD_VARIABLES].sort());
  });

  it('keeps the template within what sam deploy can upload (the dashboard is its largest part)', () => {
    // Over 51,200 bytes a template must go through S3 (samconfig.toml: resolve_s3), which allows 1 MB.
    // https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/cloudformation-limits.html
    expect(readFileSync(join(ROOT, 'samconfig.toml'), 'utf8')).toMatch(/^resolve_s3 = true$/m);
    expect(Buffer.byteLength(text)).toBeLessThan(1024 * 1024);
  });

  it('draws every edge and signer metric, for every edge Region', () => {
    const body = JSON.parse(dashboardBody()) as { widgets: Array<{ properties: { metrics: unknown[][] } }> };
    const lines = body.widgets.flatMap((w) => w.properties.metrics);
    const ours = lines.filter((l) => l[0] === METRIC_NAMESPACE);
    expect(new Set(ours.map((l) => l[1]))).toEqual(new Set(Object.values(METRICS)));
    const regions = new Set(ours.map((l) => (l.at(-1) as { region?: string }).region).filter((r) => r !== undefined));
    expect([...regions].sort()).toEqual([...EDGE_REGIONS].sort());
  });

  it('alarms on the CloudFront 5xx rate, Lambda@Edge throttles and errors, and the signer', () => {
    const watched = alarms.flatMap(([, r]) => alarmMetrics(r.Properties)).map(([ns, name]) => `${ns} ${name}`);
    expect(watched).toEqual(expect.arrayContaining([
      'AWS/CloudFront 5xxErrorRate',
      'AWS/CloudFront LambdaLimitExceededErrors',
      'AWS/CloudFront LambdaExecutionError',
      'AWS/CloudFront LambdaValidationError',
      'AWS/Lambda Errors',
      'AWS/Lambda Throttles',
      `${METRIC_NAMESPACE} ${METRICS.signerRequests}`,
    ]));
  });

  it('names only metrics of src/metrics/names.ts in its own namespace', () => {
    const ours = alarms.flatMap(([, r]) => alarmMetrics(r.Properties)).filter(([ns]) => ns === METRIC_NAMESPACE);
    for (const [, name] of ours) expect(Object.values(METRICS)).toContain(name);
  });

  it('sends every alarm and its recovery to the topic when AlarmEmail is set, and treats missing data as fine', () => {
    expect(alarms.length).toBeGreaterThanOrEqual(4);
    for (const [id, alarm] of alarms) {
      for (const key of ['AlarmActions', 'OKActions']) {
        expect(alarm.Properties[key], `${id}.${key}`).toEqual({ 'Fn::If': ['HasAlarmEmail', [{ Ref: 'AlarmTopic' }], { Ref: 'AWS::NoValue' }] });
      }
      expect(alarm.Properties.TreatMissingData, id).toBe('notBreaching');
    }
    expect(resources.AlarmTopic!.Condition).toBe('HasAlarmEmail');
    expect(resources.AlarmTopic!.Properties.Subscription).toEqual([{ Protocol: 'email', Endpoint: { Ref: 'AlarmEmail' } }]);
  });

  it('turns on the distribution\'s additional metrics unless AdditionalMetrics is false', () => {
    const sub = resources.AdditionalDistributionMetrics!;
    expect(sub.Type).toBe('AWS::CloudFront::MonitoringSubscription');
    expect(sub.Condition).toBe('HasAdditionalMetrics');
    expect(sub.Properties.DistributionId).toEqual({ Ref: 'Distribution' });
    expect((template.Parameters as Record<string, { Default?: string }>).AdditionalMetrics!.Default).toBe('true');
  });

  it('is checked by the validator: a misspelt alarm or subscription property fails', () => {
    expect(validateTemplate(mutate((t) => { t.Resources.Distribution5xxAlarm.Properties.Treshold = 1; }))).toEqual(
      expect.arrayContaining([expect.stringMatching(/Distribution5xxAlarm\.Properties\.Treshold: unknown property/)]),
    );
    expect(validateTemplate(mutate((t) => {
      delete t.Resources.AdditionalDistributionMetrics.Properties.MonitoringSubscription.RealtimeMetricsSubscriptionConfig.RealtimeMetricsSubscriptionStatus;
    }))).toEqual(expect.arrayContaining([expect.stringMatching(/RealtimeMetricsSubscriptionStatus: required property missing/)]));
    expect(validateTemplate(mutate((t) => { t.Resources.EdgeThrottledAlarm.Properties.AlarmActions = { 'Fn::If': ['HasAlarmMail', [], []] }; }))).toEqual(
      expect.arrayContaining([expect.stringMatching(/unknown condition "HasAlarmMail"/)]),
    );
  });
});
