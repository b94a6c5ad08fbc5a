/**
 * The log: one JSON line per CheckResult and one summary line per invocation,
 * with flat fields a Logs Insights query can filter on
 * (`filter msg = "check result" and not ok | stats count() by check, kind`).
 *
 * Lines are written straight to stdout, not through console.log: the Lambda
 * runtime prefixes console output with a timestamp and request id, which
 * would break both the JSON lines and EMF extraction.
 */
import type { CheckResult } from '../../lib/spec/result.ts';
import type { Scrubber } from './scrub.ts';

export type LogWriter = (line: string) => void;

export const stdoutWriter: LogWriter = (line) => {
  process.stdout.write(`${line}\n`);
};

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

export function resultLine(result: CheckResult, scrub: Scrubber, context: { region: string; batch: string }): ResultLine {
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

/** An event line: input the handler refuses (a malformed event, unknown checks, a stale run), a notice sent or not. */
export function problemLine(level: 'info' | 'warn' | 'error', msg: string, fields: Record<string, unknown>): string {
  return JSON.stringify({ level, msg, ...fields });
}
