/**
 * What a check set becomes when deployed: batches of checks per schedule, the
 * probe function's memory and timeout, the metrics and alarms each check gets.
 * Pure (no CDK, no undici), so the constructs build from it and the cost
 * model prices exactly what the constructs build.
 */
import { METRICS, metricsForCheck, type MetricKey, type PublishedMetric } from './spec/metrics.ts';
import type { CheckSpec, Severity, WatchpostConfig } from './spec/types.ts';
import { RETRY_BACKOFF_MS } from './spec/retry.ts';
import { alarmName, type AlarmKind } from './spec/alarm-names.ts';
import { RUNTIME_BUDGET } from './spec/budget.ts';

export { alarmName, type AlarmKind };

/**
 * CloudWatch's limits on one dashboard (CloudWatch service quotas,
 * "Dashboards"; they cannot be raised) and on the alarm status widget
 * (dashboard body structure: at most 100 alarms). The dashboard body has no
 * documented size limit of its own: it is one property of a template, so
 * CloudFormation's 1 MB per template bounds it (see dashboardCapacity).
 */
export const DASHBOARD_LIMITS = {
  widgets: 500,
  /** Across all widgets, counting the metrics a math expression reads. */
  metricsPerDashboard: 2_500,
  metricsPerGraph: 500,
  alarmsPerStatusWidget: 100,
} as const;

/**
 * The most one check puts on a dashboard (lib/dashboard.ts draws it): the
 * worst case, so the capacity holds whatever the checks assert.
 */
export const DASHBOARD_CHECK_SHAPE = {
  /** Widgets every dashboard has once: the owner/runbook text and the probe function's alarm status. */
  fixedWidgets: 2,
  /** Availability %, latency p50/p90/max, and the phases when timings are published. */
  graphsPerCheck: 3,
  /**
   * Lines read: Success (under the availability expression) and the
   * expression itself, counted to be safe; Duration p50, p90, max; 5 phases.
   */
  metricsPerCheck: 10,
  /** The most lines on one of its graphs: the 5 phases. */
  linesPerGraph: 5,
  /** Availability, latency warning, latency critical, certificate. */
  alarmsPerCheck: 4,
} as const;

/**
 * How many checks one dashboard holds: the largest n for which the fixed
 * widgets, the alarm status widgets for n checks' alarms and n checks'
 * graphs stay within every limit. With the figures above:
 * 2 + ceil(4n / 100) + 3n ≤ 500 widgets gives n = 163 (2 + 7 + 489 = 498;
 * 164 needs 501), and 10 × 163 = 1,630 ≤ 2,500 metrics. Size, measured on
 * the worst case (all four alarms, timings, long runbook text): about 2.9 KB
 * of dashboard body a check, so 163 checks make a 466 KB body in a 593 KB
 * parent template, within the 1 MB (test/cdk/scale.test.ts synthesizes it).
 */
export function dashboardCapacity(
  limits: { readonly [K in keyof typeof DASHBOARD_LIMITS]: number } = DASHBOARD_LIMITS,
  shape: { readonly [K in keyof typeof DASHBOARD_CHECK_SHAPE]: number } = DASHBOARD_CHECK_SHAPE,
): number {
  if (shape.linesPerGraph > limits.metricsPerGraph) return 0;
  const fits = (n: number) =>
    shape.fixedWidgets + Math.ceil((n * shape.alarmsPerCheck) / limits.alarmsPerStatusWidget) + n * shape.graphsPerCheck <= limits.widgets &&
    n * shape.metricsPerCheck <= limits.metricsPerDashboard;
  let n = 0;
  // Bounded: every check adds at least one widget.
  while (n < limits.widgets && fits(n + 1)) n++;
  return n;
}

/** Sizing rules. The reasoning and the measurements behind them are in docs/BENCHMARKS.md. */
export const SIZING = {
  /**
   * Most checks one invocation probes, all in flight at once. Concurrent TLS
   * handshakes share the CPU and their wait lands in every reading: at
   * 1,024 MB the https error was 20.6 ms median, 31.6 ms p95 with 25 in
   * flight and 13.7 / 18.7 ms with 10 (docs/BENCHMARKS.md, probe, table 5b). Keep
   * `concurrency` ≥ this, so a batch runs as one wave and worstCaseMs holds.
   */
  batchSize: 10,
  /**
   * Lambda memory (MB). CPU share grows with memory (one vCPU at 1,769 MB); a
   * starved CPU inflates every latency read: https readings of a batch of 25
   * were 0.4–0.7 s high at 128 MB and 0.2–0.3 s at 256 MB (median to p95),
   * and from 1,024 MB up memory no longer mattered much (docs/BENCHMARKS.md,
   * probe, table 5a).
   */
  memoryMb: 1024,
  architecture: 'arm64' as const,
  ...RUNTIME_BUDGET,
  /**
   * Checks on one dashboard: every check shares one dashboard up to this many
   * (one dashboard is $3 a month); only above it do they split into an
   * overview plus detail dashboards. From CloudWatch's limits: 163.
   */
  checksPerDashboard: dashboardCapacity(),
  /**
   * Checks per nested stack (their alarms plus detail dashboards). Up to this
   * many share one stack; above it, checks are hashed into a power of two of
   * stacks averaging at most 80 % of it (see makeShards). At 4 alarms a check,
   * even a bucket twice the average stays far under CloudFormation's 500
   * resources and 1 MB template limit (measured: docs/BENCHMARKS.md, synth).
   */
  checksPerStack: 50,
  /** Alarms on the probe function itself: errors, throttles, duration near timeout. */
  functionAlarms: 3,
};

export interface Batch {
  /** Stable id, `f1m-0`: frequency then index, used in construct ids and schedule names. */
  id: string;
  /** Milliseconds between runs. */
  frequency: number;
  checks: CheckSpec[];
}


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
  /** How the checks' alarms (and, when split, detail dashboards) are split into nested stacks. */
  shards: Shard[];
  /**
   * `single`: one dashboard shows every check (up to SIZING.checksPerDashboard);
   * `split`: an overview plus the shards' detail dashboards.
   */
  dashboardLayout: 'single' | 'split';
}

/** A nested stack's share of the checks: their alarms and, when split, their detail dashboards. */
export interface Shard {
  /** 1-based bucket number: stable for a check as long as the bucket count stays the same. */
  index: number;
  /** The checks whose alarms this stack holds, in file order. */
  checks: CheckSpec[];
  /** Each entry is one detail dashboard's checks, in file order; none when every check fits on one dashboard. */
  dashboards: CheckSpec[][];
}

export interface PlanOptions {
  memoryMb?: number;
  architecture?: 'arm64' | 'x86_64';
  batchSize?: number;
  /** Pin the number of nested check stacks (see makeShards); default: from the check count. */
  checkStacks?: number;
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
    functionAlarmCount: SIZING.functionAlarms,
    shards: makeShards(config.checks, SIZING.checksPerDashboard, SIZING.checksPerStack, options.checkStacks),
    dashboardLayout: config.checks.length <= SIZING.checksPerDashboard ? 'single' : 'split',
  };
}

/**
 * Splits checks into nested stacks. A check's stack is chosen by a hash of its
 * name, not its position, so inserting or removing a check never moves the
 * others' alarms (fixed alarm names cannot move between stacks in one deploy).
 * One stack up to `perStack` checks; above that, a power of two of buckets
 * averaging at most 80 % of `perStack`, so the bucket count (and with it the
 * placement) changes only when the check count doubles. Detail dashboards
 * only when the checks do not all fit on one (`perDashboard`).
 */
export function makeShards(
  checks: readonly CheckSpec[],
  perDashboard: number = SIZING.checksPerDashboard,
  perStack: number = SIZING.checksPerStack,
  /** A pinned bucket count: placement then never changes as checks are added. */
  stacks?: number,
): Shard[] {
  const buckets = stacks ?? shardCount(checks.length, perStack);
  const split = checks.length > perDashboard;
  const byBucket = new Map<number, CheckSpec[]>();
  for (const c of checks) {
    const b = buckets === 1 ? 0 : fnv1a(c.name) % buckets;
    byBucket.set(b, [...(byBucket.get(b) ?? []), c]);
  }
  return [...byBucket]
    .sort((a, b) => a[0] - b[0])
    .map(([b, list]) => ({ index: b + 1, checks: list, dashboards: split ? chunk(list, perDashboard) : [] }));
}

export function shardCount(checks: number, perStack: number = SIZING.checksPerStack): number {
  if (checks <= perStack) return 1;
  let n = 2;
  while (checks / n > perStack * 0.8) n *= 2;
  return n;
}

/** 32-bit FNV-1a: small, stable across runs and platforms. */
function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
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

/** Backoff between attempts of one check: lives in the spec module so the runner reads the same figure. */
export { RETRY_BACKOFF_MS };

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

