/**
 * Counts the cost model needs beyond what plan.ts states outright, derived
 * from the plan so that they follow it: how many dashboards, keys, schedules
 * and alarm metrics a plan becomes. Pure; the constructs may use them too
 * (and test/cost/template-parity.test.ts checks them against a synthesized
 * template).
 */
import type { AlarmPlan, DeploymentPlan } from './plan.ts';

/**
 * Dashboards: one for every check while they fit (`SIZING.checksPerDashboard`);
 * above that, the overview plus the detail dashboards the plan's shards hold.
 */
export function dashboardCount(plan: DeploymentPlan): number {
  if (plan.checks.length === 0) return 0;
  if (plan.dashboardLayout === 'single') return 1;
  return 1 + plan.shards.reduce((sum, shard) => sum + shard.dashboards.length, 0);
}

/** Customer managed KMS keys: the one encrypting the alert topics (the stack creates its topics). */
export function kmsKeyCount(_plan: DeploymentPlan): number {
  return 1;
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
