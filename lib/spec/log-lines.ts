/**
 * THE log line contract: the JSON line the probe writes per CheckResult and
 * the summary line it writes per invocation, with flat fields a Logs Insights
 * query can filter on (`filter msg = "check result" and not ok | stats
 * count() by check, kind`). Like the metric contract it has two readers: the
 * runtime writes these lines (lambda/sinks/log-lines.ts) and the cost model
 * sizes them (lib/cost-log-line.ts), so both build them here. Pure.
 */
import type { CheckResult } from './result.ts';

/** Where a line was written: every line names the region and the batch. */
export interface LogContext {
  region: string;
  batch: string;
}

/**
 * What a line needs from a scrubber: the runtime passes one that removes the
 * check's secrets (lambda/sinks/scrub.ts), the cost model one that keeps the
 * text as it is.
 */
export interface LineScrubber {
  /** A URL without its password (and without secret values). */
  url(value: string): string;
  /** Free text without secret values. */
  text(value: string): string;
}

export interface ResultLine {
  level: 'info' | 'warn';
  msg: 'check result';
  check: string;
  ok: boolean;
  /** The failure kind, or null when the check passed. */
  kind: string | null;
  status: number | null;
  /** Milliseconds. */
  total: number;
  region: string;
  batch: string;
  url: string;
  attempts: number;
  startedAt: string;
  message: string | null;
}

export function resultLine(result: CheckResult, scrub: LineScrubber, context: LogContext): ResultLine {
  return {
    level: result.ok ? 'info' : 'warn',
    msg: 'check result',
    check: result.name,
    ok: result.ok,
    kind: result.failure?.kind ?? null,
    status: result.statusCode,
    total: result.timings.total,
    region: context.region,
    batch: context.batch,
    url: scrub.url(result.url),
    attempts: result.attempts,
    startedAt: result.startedAt,
    message: result.failure ? scrub.text(result.failure.message) : null,
  };
}

export interface SummaryLine {
  level: 'info' | 'warn' | 'error';
  msg: 'batch summary';
  batch: string;
  region: string;
  /** What the invocation did: probed, or why it did not. */
  outcome: 'probed' | 'stale' | 'rejected';
  checks: number;
  passed: number;
  failed: number;
  datapoints: number;
  putMetricDataCalls: number;
  metricsFallback: 'none' | 'emf';
  notificationsSent: number;
  notificationsFailed: number;
  /** Milliseconds from the start of the invocation. */
  elapsed: number;
  /** Milliseconds left before the Lambda timeout when the summary was written. */
  remaining: number;
  errors: string[];
}
