/**
 * How many bytes of CloudWatch Logs the probe writes: one JSON line per
 * result and one summary line per invocation, plus the Lambda platform's own
 * lines per invocation. The lines are built with the runtime's own builder
 * and shapes (the log line contract, lib/spec/log-lines.ts) from a passing
 * run; what is cost-specific here is only that run and the platform's lines.
 */
import { resultLine, type LineScrubber, type LogContext, type ResultLine, type SummaryLine } from './spec/log-lines.ts';
import type { AssertionResult, CheckResult } from './spec/result.ts';
import type { CheckSpec } from './spec/types.ts';

/**
 * Keeps text as it is. A passing line has no message, so the runtime's
 * scrubber could only change a password in the URL ("redacted" in its
 * place): a few bytes either way.
 */
const UNSCRUBBED: LineScrubber = { url: (value) => value, text: (value) => value };

/** The lines Lambda itself writes for each invocation (text format, warm start). */
const PLATFORM_LINES = [
  'START RequestId: 8f5e1a2b-4c3d-4e5f-9a8b-0123456789ab Version: $LATEST',
  'END RequestId: 8f5e1a2b-4c3d-4e5f-9a8b-0123456789ab',
  'REPORT RequestId: 8f5e1a2b-4c3d-4e5f-9a8b-0123456789ab\tDuration: 1512.34 ms\tBilled Duration: 1513 ms\tMemory Size: 1024 MB\tMax Memory Used: 112 MB\t',
];

/** Bytes Lambda logs per invocation besides what the handler writes. */
export const PLATFORM_LOG_BYTES_PER_INVOCATION = PLATFORM_LINES.reduce((sum, l) => sum + Buffer.byteLength(`${l}\n`), 0);

/** Bytes of a line as the runtime writes it: one JSON document and a newline (lambda/sinks/log-lines.ts, stdoutWriter). */
export function logLineBytes(line: ResultLine | SummaryLine): number {
  return Buffer.byteLength(`${JSON.stringify(line)}\n`);
}

/** Bytes of the result line of one passing run of this check (the `check result` line). */
export function resultLogLineBytes(spec: CheckSpec, context: LogContext): number {
  return logLineBytes(resultLine(representativeResult(spec), UNSCRUBBED, context));
}

/**
 * The `batch summary` line of one invocation that probed `checks` checks, all
 * passing (its times only need the right number of digits).
 */
export function representativeSummaryLine(checks: number, datapoints: number, putMetricDataCalls: number, context: LogContext): SummaryLine {
  return {
    level: 'info',
    msg: 'batch summary',
    batch: context.batch,
    region: context.region,
    outcome: 'probed',
    checks,
    passed: checks,
    failed: 0,
    datapoints,
    putMetricDataCalls,
    metricsFallback: 'none',
    notificationsSent: 0,
    notificationsFailed: 0,
    elapsed: 1512,
    remaining: 13488,
    errors: [],
  };
}

/** Bytes of that summary line. */
export function summaryLogLineBytes(checks: number, datapoints: number, putMetricDataCalls: number, context: LogContext): number {
  return logLineBytes(representativeSummaryLine(checks, datapoints, putMetricDataCalls, context));
}

/**
 * A passing run of this check as the runtime reports it: every assertion the
 * check makes with its actual value, the headers of a typical response, the
 * 512-byte body excerpt the result keeps, and the certificate, cache and
 * Server-Timing fields when the check asks for them.
 */
export function representativeResult(spec: CheckSpec): CheckResult {
  const https = spec.url.startsWith('https:');
  return {
    name: spec.name,
    url: spec.url,
    method: spec.method,
    ok: true,
    startedAt: '2026-11-26T08:30:00.123Z',
    statusCode: 200,
    timings: {
      // Microsecond resolution, as the probe's timeline rounds them.
      dns: 12.417,
      connect: 23.871,
      tls: https ? 41.926 : null,
      firstByte: 118.362,
      download: 9.731,
      total: https ? 206.307 : 164.381,
    },
    failure: null,
    assertions: representativeAssertions(spec),
    attempts: 1,
    redirects: 0,
    bodyBytes: 48_213,
    bodyExcerpt: 'x'.repeat(512),
    responseHeaders: {
      'content-type': 'text/html; charset=utf-8',
      'content-length': '48213',
      date: 'Thu, 26 Nov 2026 08:30:00 GMT',
      server: 'nginx',
      'cache-control': 'max-age=60',
      etag: '"5f3c-1a2b3c4d5e6f"',
      vary: 'Accept-Encoding',
      'strict-transport-security': 'max-age=63072000; includeSubDomains',
      'x-content-type-options': 'nosniff',
      'x-request-id': '0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b',
    },
    certificate: https
      ? { subject: hostOf(spec.url), issuer: 'Amazon RSA 2048 M02', validTo: '2027-06-30T23:59:59.000Z', daysRemaining: 216 }
      : null,
    cache: spec.metrics.cache ? { hit: true, source: 'x-cache', age: 42 } : null,
    serverTiming:
      spec.metrics.serverTiming.length > 0
        ? spec.metrics.serverTiming.map((name) => ({ name, dur: 23.4, desc: null }))
        : null,
  };
}

function representativeAssertions(spec: CheckSpec): AssertionResult[] {
  const a = spec.assert;
  const out: AssertionResult[] = [
    pass('status', 'status 200, expected one of ' + JSON.stringify(a.status), 200, a.status),
  ];
  if (a.latency) {
    const severity = a.latency.critical != null ? 'critical' : 'warning';
    const limit = a.latency.critical ?? a.latency.warning;
    out.push({ ...pass('latency', `total 206 ms, expected at most ${limit} ms`, 206, limit), severity });
  }
  if (a.body) {
    const expected = a.body.contains ?? a.body.matches ?? a.body.notContains;
    out.push(pass('body', `body contains ${JSON.stringify(expected)}`, true, expected));
  }
  for (const j of a.json) {
    out.push(pass('json', `json ${j.path} ${j.operator} ${JSON.stringify(j.value)}`, j.value, j.value));
  }
  for (const h of a.headers) {
    out.push(pass('header', `header ${h.name} ${h.operator} ${JSON.stringify(h.value)}`, 'max-age=60', h.value));
  }
  if (a.certificate) {
    const min = a.certificate.minDaysRemaining;
    out.push(pass('certificate', `certificate expires in 216 days, expected at least ${min}`, 216, min));
  }
  if (a.securityHeaders) {
    out.push(pass('securityHeaders', 'security headers present', ['strict-transport-security', 'x-content-type-options'], true));
  }
  return out;
}

function pass(type: AssertionResult['type'], message: string, actual: unknown, expected: unknown): AssertionResult {
  return { type, ok: true, severity: 'critical', message, actual, expected };
}

function hostOf(url: string): string {
  try {
    return new URL(url).hostname;
  } catch {
    return url;
  }
}
