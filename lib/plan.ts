/**
 * What a check set becomes when deployed: batches of checks per schedule, the
 * probe function's memory and timeout, the metrics and alarms each check gets.
 * Pure (no CDK, no undici), so the constructs build from it and the cost
 * model prices exactly what the constructs build.
 */
import { METRICS, metricsForCheck, type MetricKey, type PublishedMetric } from './spec/metrics.ts';
import type { CheckSpec, Severity, WatchpostConfig } from './spec/types.ts';

/** Sizing rules. The reasoning and the measurements behind them are in docs/BENCHMARKS.md. */
export const SIZING = {
  /** Most checks one invocation probes. */
  batchSize: 25,
  /** Lambda memory (MB). CPU share grows with memory; a starved CPU inflates every latency read. */
  memoryMb: 1024,
  architecture: 'arm64' as const,
  /** Time reserved after the probes for PutMetricData, SNS and logs (ms). */
  publishReserveMs: 5_000,
  /** Time for init and the warm-up probe (ms). */
  startupReserveMs: 3_000,
  /** Probes in flight per invocation. */
  concurrency: 50,
};

export interface Batch {
  /** Stable id, `f1m-0`: frequency then index, used in construct ids and schedule names. */
  id: string;
  /** Milliseconds between runs. */
  frequency: number;
  checks: CheckSpec[];
}

export type AlarmKind = 'availability' | 'latency-warning' | 'latency-critical' | 'certificate';

export interface AlarmPlan {
  kind: AlarmKind;
  /** `watchpost-<check>-<kind>` */
  alarmName: string;
  check: string;
  metric: MetricKey;
  metricName: string;
  statistic: 'Minimum' | 'Maximum' | 'Average';
  comparison: 'LessThanThreshold' | 'GreaterThanThreshold';
  threshold: number;
  periodSeconds: number;
  datapointsToAlarm: number;
  evaluationPeriods: number;
  treatMissingData: 'breaching' | 'notBreaching';
  severity: Severity;
}

export interface CheckPlan {
  spec: CheckSpec;
  batchId: string;
  metrics: PublishedMetric[];
  alarms: AlarmPlan[];
}

export interface DeploymentPlan {
  namespace: string;
  memoryMb: number;
  architecture: 'arm64' | 'x86_64';
  /** Function timeout in seconds: the longest batch's worst case plus reserves. */
  functionTimeoutSeconds: number;
  batches: Batch[];
  checks: CheckPlan[];
  /** Alarms on the probe function itself (errors, throttles, duration near timeout). */
  functionAlarmCount: number;
}

export interface PlanOptions {
  memoryMb?: number;
  architecture?: 'arm64' | 'x86_64';
  batchSize?: number;
}

export function planDeployment(config: WatchpostConfig, options: PlanOptions = {}): DeploymentPlan {
  const batchSize = options.batchSize ?? SIZING.batchSize;
  const batches = makeBatches(config.checks, batchSize);
  const batchOf = new Map<string, string>();
  for (const b of batches) for (const c of b.checks) batchOf.set(c.name, b.id);
  return {
    namespace: config.namespace,
    memoryMb: options.memoryMb ?? SIZING.memoryMb,
    architecture: options.architecture ?? SIZING.architecture,
    functionTimeoutSeconds: functionTimeoutSeconds(config.checks),
    batches,
    checks: config.checks.map((spec) => ({
      spec,
      batchId: batchOf.get(spec.name)!,
      metrics: metricsForCheck(spec),
      alarms: alarmsForCheck(spec),
    })),
    functionAlarmCount: 3,
  };
}

/** Checks with the same frequency share invocations, in file order, at most batchSize each. */
export function makeBatches(checks: readonly CheckSpec[], batchSize: number = SIZING.batchSize): Batch[] {
  const byFrequency = new Map<number, CheckSpec[]>();
  for (const c of checks) {
    const list = byFrequency.get(c.frequency) ?? [];
    list.push(c);
    byFrequency.set(c.frequency, list);
  }
  const batches: Batch[] = [];
  for (const [frequency, list] of [...byFrequency].sort((a, b) => a[0] - b[0])) {
    for (let i = 0; i * batchSize < list.length; i++) {
      batches.push({
        id: `f${frequency / 60_000}m-${i}`,
        frequency,
        checks: list.slice(i * batchSize, (i + 1) * batchSize),
      });
    }
  }
  return batches;
}

/** Worst case of one check: every attempt times out, with the retry backoff between them. */
export function worstCaseMs(spec: CheckSpec): number {
  return (spec.retries + 1) * spec.timeout + spec.retries * RETRY_BACKOFF_MS;
}

/** Backoff between attempts of one check (the runner uses the same figure). */
export const RETRY_BACKOFF_MS = 250;

function functionTimeoutSeconds(checks: readonly CheckSpec[]): number {
  const longest = Math.max(0, ...checks.map(worstCaseMs));
  return Math.ceil((longest + SIZING.publishReserveMs + SIZING.startupReserveMs) / 1000);
}

export function alarmsForCheck(spec: CheckSpec): AlarmPlan[] {
  const base = {
    check: spec.name,
    periodSeconds: spec.frequency / 1000,
    datapointsToAlarm: spec.alarm.datapointsToAlarm,
    evaluationPeriods: spec.alarm.evaluationPeriods,
  };
  const alarms: AlarmPlan[] = [
    {
      ...base,
      kind: 'availability',
      alarmName: alarmName(spec.name, 'availability'),
      metric: 'success',
      metricName: METRICS.success.name,
      statistic: 'Minimum',
      comparison: 'LessThanThreshold',
      threshold: 1,
      // A probe that stopped running is an incident.
      treatMissingData: 'breaching',
      severity: 'critical',
    },
  ];
  const latency = spec.assert.latency;
  for (const severity of ['warning', 'critical'] as const) {
    const threshold = latency?.[severity];
    if (threshold == null) continue;
    const kind = `latency-${severity}` as const;
    alarms.push({
      ...base,
      kind,
      alarmName: alarmName(spec.name, kind),
      metric: 'duration',
      metricName: METRICS.duration.name,
      statistic: 'Maximum',
      comparison: 'GreaterThanThreshold',
      threshold,
      // The availability alarm covers a probe that stopped.
      treatMissingData: 'notBreaching',
      severity,
    });
  }
  if (spec.assert.certificate) {
    alarms.push({
      ...base,
      kind: 'certificate',
      alarmName: alarmName(spec.name, 'certificate'),
      metric: 'certDaysRemaining',
      metricName: METRICS.certDaysRemaining.name,
      statistic: 'Minimum',
      comparison: 'LessThanThreshold',
      threshold: spec.assert.certificate.minDaysRemaining,
      treatMissingData: 'notBreaching',
      severity: 'warning',
    });
  }
  return alarms;
}

export function alarmName(check: string, kind: AlarmKind): string {
  return `watchpost-${check}-${kind}`;
}
