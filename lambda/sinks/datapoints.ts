/**
 * From a CheckResult to the datapoints its check publishes. Which metrics, and
 * their names, units and dimensions, come only from the metric contract
 * (lib/spec/metrics.ts); this module only reads the value each one carries.
 */
import { metricsForCheck, PHASE_METRICS, SERVER_TIMING_DIMENSION, type MetricUnit, type PublishedMetric } from '../../lib/spec/metrics.ts';
import type { CheckResult } from '../../lib/spec/result.ts';
import type { CheckSpec } from '../../lib/spec/types.ts';

/** One value of one metric at one time: what both PutMetricData and EMF carry. */
export interface Datapoint {
  name: string;
  unit: MetricUnit;
  dimensions: Record<string, string>;
  value: number;
  /** Epoch milliseconds: when the probe started. */
  timestamp: number;
}

/**
 * The datapoints of one result. A metric whose value the run did not produce
 * (a phase that did not happen, no certificate, no cache verdict, a missing
 * Server-Timing entry) is left out rather than published as a false zero.
 * A check that never ran (attempts 0: the batch deadline came first) still
 * publishes Success=0 but no Duration or phases: its zero total is no latency.
 */
export function datapointsFor(spec: CheckSpec, result: CheckResult): Datapoint[] {
  const timestamp = Date.parse(result.startedAt);
  const out: Datapoint[] = [];
  for (const metric of metricsForCheck(spec)) {
    const value = valueOf(metric, result);
    if (value === null || !Number.isFinite(value)) continue;
    out.push({ name: metric.name, unit: metric.unit, dimensions: metric.dimensions, value, timestamp });
  }
  return out;
}

function valueOf(metric: PublishedMetric, r: CheckResult): number | null {
  switch (metric.key) {
    case 'success':
      return r.ok ? 1 : 0;
    case 'duration':
      return r.attempts === 0 ? null : r.timings.total;
    case 'certDaysRemaining':
      return r.certificate?.daysRemaining ?? null;
    case 'cacheHit':
      return r.cache?.hit == null ? null : r.cache.hit ? 1 : 0;
    case 'serverTiming': {
      const entry = metric.dimensions[SERVER_TIMING_DIMENSION];
      return r.serverTiming?.find((e) => e.name === entry)?.dur ?? null;
    }
    default: {
      const phase = PHASE_METRICS.find((p) => p === metric.key);
      return phase && r.attempts > 0 ? r.timings[phase] : null;
    }
  }
}
