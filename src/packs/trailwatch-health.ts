/**
 * Trailwatch's own health: the self-metrics it publishes in namespace `Trailwatch`
 * (src/app/self-metrics.ts), default alarms on them and the built-in `Trailwatch-health`
 * dashboard. The server creates these at start when absent and never overwrites them.
 */
import type { MetricAlarmInput, PackResources, Widget } from './types.js';

export const HEALTH_NAMESPACE = 'Trailwatch';
export const HEALTH_DASHBOARD = 'Trailwatch-health';

export type SelfMetricName = 'IngestedEvents' | 'IngestedBytes' | 'RejectedEvents' | 'IngestLatency' | 'StoreQueueBytes'
  | 'NotificationDeliveryFailures' | 'NotificationsDeadLettered' | 'NotificationOutboxDepth' | 'QueryDuration';

/**
 * Each self-metric: its unit, whether it is a counter (one value per interval, zero included) or
 * a distribution of observations (gauge readings, durations), and what it means.
 */
export const SELF_METRICS: Record<SelfMetricName, { unit: string; kind: 'counter' | 'distribution'; description: string }> = {
  IngestedEvents: { unit: 'Count', kind: 'counter', description: 'log events stored (PutLogEvents, native ingest, imports, self-logging), retried duplicates excluded' },
  IngestedBytes: { unit: 'Bytes', kind: 'counter', description: 'UTF-8 bytes of the messages of those events' },
  RejectedEvents: { unit: 'Count', kind: 'counter', description: 'events refused individually (too old, too new, expired, too large)' },
  IngestLatency: { unit: 'Milliseconds', kind: 'distribution', description: 'per durable batch: from its acceptance to it being durable and processed (metric filters, EMF)' },
  StoreQueueBytes: { unit: 'Bytes', kind: 'distribution', description: 'bytes waiting for the engine, read at each publication; appends are throttled above 256 MiB' },
  NotificationDeliveryFailures: { unit: 'Count', kind: 'counter', description: 'notification delivery attempts that failed (each is retried per the delivery policy)' },
  NotificationsDeadLettered: { unit: 'Count', kind: 'counter', description: 'notifications whose retries ran out (dead-lettered)' },
  NotificationOutboxDepth: { unit: 'Count', kind: 'distribution', description: 'deliveries waiting in the outbox, read at each publication' },
  QueryDuration: { unit: 'Milliseconds', kind: 'distribution', description: 'duration of each finished Logs Insights query' },
};

interface AlarmRule { metric: SelfMetricName; name: string; description: string; stat: MetricAlarmInput['Statistic']; period: number; periods: number; toAlarm: number; threshold: number }

const ALARMS: AlarmRule[] = [
  { metric: 'IngestLatency', name: 'Trailwatch-IngestLatencyHigh', description: 'Average ingest latency above 2 s in 3 of the last 5 minutes: the disk or the engine is slow.', stat: 'Average', period: 60, periods: 5, toAlarm: 3, threshold: 2000 },
  { metric: 'RejectedEvents', name: 'Trailwatch-RejectedEvents', description: 'Log events were rejected (too old, too new, expired or too large) in the last 5 minutes.', stat: 'Sum', period: 300, periods: 1, toAlarm: 1, threshold: 1 },
  { metric: 'StoreQueueBytes', name: 'Trailwatch-StoreQueueBacklog', description: 'More than 128 MiB waiting for the engine for 3 minutes; appends are throttled at 256 MiB.', stat: 'Maximum', period: 60, periods: 3, toAlarm: 3, threshold: 128 * 1024 * 1024 },
  { metric: 'NotificationsDeadLettered', name: 'Trailwatch-NotificationsDeadLettered', description: 'Notifications were given up on (retries exhausted) in the last 5 minutes.', stat: 'Sum', period: 300, periods: 1, toAlarm: 1, threshold: 1 },
  { metric: 'NotificationOutboxDepth', name: 'Trailwatch-NotificationBacklog', description: 'More than 1000 deliveries waiting in the outbox for 5 minutes: an endpoint is down or slow.', stat: 'Minimum', period: 60, periods: 5, toAlarm: 5, threshold: 1000 },
  { metric: 'QueryDuration', name: 'Trailwatch-SlowQueries', description: 'A Logs Insights query ran for 5 minutes or more.', stat: 'Maximum', period: 300, periods: 1, toAlarm: 1, threshold: 300_000 },
];

const GRAPHS: Array<{ title: string; metric: SelfMetricName; stats: string[] }> = [
  { title: 'Ingested events', metric: 'IngestedEvents', stats: ['Sum'] },
  { title: 'Ingested bytes', metric: 'IngestedBytes', stats: ['Sum'] },
  { title: 'Rejected events', metric: 'RejectedEvents', stats: ['Sum'] },
  { title: 'Ingest latency (ms)', metric: 'IngestLatency', stats: ['Average', 'p99', 'Maximum'] },
  { title: 'Store queue (bytes)', metric: 'StoreQueueBytes', stats: ['Maximum'] },
  { title: 'Notification delivery failures', metric: 'NotificationDeliveryFailures', stats: ['Sum'] },
  { title: 'Notifications dead-lettered', metric: 'NotificationsDeadLettered', stats: ['Sum'] },
  { title: 'Notification outbox depth', metric: 'NotificationOutboxDepth', stats: ['Maximum'] },
  { title: 'Insights query duration (ms)', metric: 'QueryDuration', stats: ['Average', 'Maximum'] },
];

/**
 * The default alarms (only on metrics this server publishes: an alarm on a metric nobody writes
 * would only ever say "no data") and the health dashboard (every graph, so a metric that starts
 * being published later shows up without touching the dashboard).
 */
export function healthResources(o: { region: string; published: ReadonlySet<SelfMetricName> }): PackResources {
  const alarms: MetricAlarmInput[] = ALARMS.filter((a) => o.published.has(a.metric)).map((a) => ({
    AlarmName: a.name,
    AlarmDescription: a.description,
    ActionsEnabled: true,
    AlarmActions: [],
    OKActions: [],
    InsufficientDataActions: [],
    Namespace: HEALTH_NAMESPACE,
    MetricName: a.metric,
    Dimensions: [],
    Statistic: a.stat,
    Period: a.period,
    EvaluationPeriods: a.periods,
    DatapointsToAlarm: a.toAlarm,
    Threshold: a.threshold,
    ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    // No data means no ingest, no queries or no failures: healthy.
    TreatMissingData: 'notBreaching',
  }));
  const dashboard = (arns: Map<string, string>) => {
    const widgets: Widget[] = [];
    let y = 0;
    const alarmArns = alarms.map((a) => arns.get(a.AlarmName)).filter((a): a is string => !!a);
    if (alarmArns.length) {
      widgets.push({ type: 'alarm', x: 0, y, width: 24, height: 3, properties: { title: 'Trailwatch health alarms', alarms: alarmArns } });
      y += 3;
    }
    GRAPHS.forEach((gr, i) => {
      widgets.push({
        type: 'metric', x: (i % 3) * 8, y: y + Math.floor(i / 3) * 6, width: 8, height: 6,
        properties: {
          title: gr.title,
          view: 'timeSeries',
          stacked: false,
          region: o.region,
          period: 60,
          metrics: gr.stats.map((s) => [HEALTH_NAMESPACE, gr.metric, { stat: s, label: `${gr.metric} ${s}` }]),
          yAxis: { left: { min: 0 } },
        },
      });
    });
    return { DashboardName: HEALTH_DASHBOARD, DashboardBody: { widgets } };
  };
  return { metricFilters: [], alarms, dashboard };
}
