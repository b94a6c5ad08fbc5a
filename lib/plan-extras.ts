/**
 * Counts the cost model needs beyond what plan.ts states outright, derived
 * from the plan so that they follow it: how many dashboards, keys, schedules
 * and alarm metrics a plan becomes. Pure; the constructs may use them too
 * (and test/cost/template-parity.test.ts checks them against a synthesized
 * template).
 */
import type { AlarmPlan, DeploymentPlan } from './plan.ts';
import { phasesForCheck } from './spec/metrics.ts';
import { SEVERITIES, type CheckSpec, type Severity } from './spec/types.ts';

/**
 * The construct options (lib/watchpost.ts, WatchpostOptions) that add or
 * remove resources the plan alone does not decide.
 */
export interface StackChoices {
  /** Whether dashboards are created (WatchpostOptions.dashboard). @default true */
  dashboard?: boolean;
  /**
   * The topics the stack is given instead of creating (WatchpostOptions.topics);
   * only which severities have one matters here.
   * @default - none: the stack creates both topics and their key
   */
  topics?: Partial<Record<Severity, unknown>>;
}

/**
 * Metrics one check puts on a dashboard (lib/dashboard.ts, checkRow), each
 * metric a graph reads counted once per statistic drawn, a metric read by a
 * math expression included (the convention of DASHBOARD_LIMITS): Success
 * under the availability expression, Duration as p50, p90 and max, and the
 * phase graph's lines when the check publishes timings (only the phases it
 * publishes: phasesForCheck).
 */
export function dashboardMetricsForCheck(spec: CheckSpec): number {
  return 1 + 3 + (spec.metrics.timings ? phasesForCheck(spec).length : 0);
}

/**
 * The metrics on each dashboard the stack creates, one entry per dashboard:
 * none with `dashboard: false`; one for every check while they fit
 * (`SIZING.checksPerDashboard`); above that, the overview (alarm status
 * widgets only: no metrics) plus the detail dashboards the plan's shards hold.
 */
export function dashboardMetricCounts(plan: DeploymentPlan, choices: StackChoices = {}): number[] {
  if (plan.checks.length === 0 || choices.dashboard === false) return [];
  const metricsOf = (checks: readonly CheckSpec[]) => checks.reduce((sum, spec) => sum + dashboardMetricsForCheck(spec), 0);
  if (plan.dashboardLayout === 'single') return [metricsOf(plan.checks.map((c) => c.spec))];
  return [0, ...plan.shards.flatMap((shard) => shard.dashboards.map(metricsOf))];
}

/** Dashboards the stack creates: see dashboardMetricCounts. */
export function dashboardCount(plan: DeploymentPlan, choices: StackChoices = {}): number {
  return dashboardMetricCounts(plan, choices).length;
}

/**
 * Customer managed KMS keys: the one encrypting the topics the stack creates
 * (lib/topics.ts); none when it is given a topic for every severity.
 */
export function kmsKeyCount(_plan: DeploymentPlan, choices: StackChoices = {}): number {
  return SEVERITIES.every((s) => Boolean(choices.topics?.[s])) ? 0 : 1;
}

/** EventBridge Scheduler schedules: one per batch (checks of one frequency share a schedule). */
export function scheduleCount(plan: DeploymentPlan): number {
  return plan.batches.length;
}

/**
 * The metrics an alarm is billed for: one for an alarm on a single metric;
 * a metric-math alarm is billed for each metric it reads.
 */
export function alarmMetricCount(alarm: AlarmPlan): number {
  const metrics = (alarm as AlarmPlan & { metrics?: readonly unknown[] }).metrics;
  return Array.isArray(metrics) && metrics.length > 0 ? metrics.length : 1;
}
