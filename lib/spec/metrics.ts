/**
 * The metric contract: the one place that names what the probe publishes and
 * what alarms and dashboards read. The publisher (lambda/) and the constructs
 * (lib/) both import it, so a renamed metric cannot silently break an alarm.
 */
import { isIP } from 'node:net';
import type { CheckSpec } from './types.ts';

export const DEFAULT_NAMESPACE = 'Watchpost';
export const CHECK_DIMENSION = 'Check';
export const SERVER_TIMING_DIMENSION = 'Entry';

/** CloudWatch units used by the contract (a subset of StandardUnit). */
export type MetricUnit = 'Count' | 'Milliseconds' | 'None';

export interface MetricDefinition {
  name: string;
  unit: MetricUnit;
  /** Whether alarms and dashboards aggregate it with Average, Minimum or percentiles. */
  description: string;
}

export const METRICS = {
  success: { name: 'Success', unit: 'Count', description: '1 when the run passed, 0 when it failed' },
  duration: { name: 'Duration', unit: 'Milliseconds', description: 'total time of the last attempt' },
  dns: { name: 'DnsTime', unit: 'Milliseconds', description: 'DNS lookup' },
  connect: { name: 'ConnectTime', unit: 'Milliseconds', description: 'TCP connect' },
  tls: { name: 'TlsTime', unit: 'Milliseconds', description: 'TLS handshake' },
  firstByte: { name: 'FirstByteTime', unit: 'Milliseconds', description: 'request written to first response byte' },
  download: { name: 'DownloadTime', unit: 'Milliseconds', description: 'first byte to body end' },
  certDaysRemaining: { name: 'CertDaysRemaining', unit: 'None', description: 'days until the certificate expires' },
  cacheHit: { name: 'CacheHit', unit: 'Count', description: '1 on a cache hit, 0 on a miss' },
  serverTiming: { name: 'ServerTiming', unit: 'Milliseconds', description: 'a Server-Timing entry duration' },
} as const satisfies Record<string, MetricDefinition>;

export type MetricKey = keyof typeof METRICS;

/** The phase metrics in waterfall order, keyed by their CheckResult timing field. */
export const PHASE_METRICS = ['dns', 'connect', 'tls', 'firstByte', 'download'] as const;

/** One custom metric a check publishes: a name plus its dimension values. */
export interface PublishedMetric {
  key: MetricKey;
  name: string;
  unit: MetricUnit;
  dimensions: Record<string, string>;
}

/**
 * The phase metrics a check with `timings` publishes: the phases its first
 * request goes through. A plain http: URL has no TLS handshake and a literal
 * IP address no name lookup, and the publisher leaves a phase that did not
 * happen out (lambda/sinks/datapoints.ts), so those are not counted (nor
 * paid for). A redirect to https or to a host name does add that phase on a
 * later hop; its time stays in Duration, but a metric that exists only after
 * a redirect is not paid for every month. Dashboards should draw these, not
 * PHASE_METRICS, so they read no metric that is never published.
 */
export function phasesForCheck(spec: Pick<CheckSpec, 'url'>): Array<(typeof PHASE_METRICS)[number]> {
  let url: URL;
  try {
    url = new URL(spec.url);
  } catch {
    return [...PHASE_METRICS];
  }
  const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  return PHASE_METRICS.filter((phase) => {
    if (phase === 'tls') return url.protocol === 'https:';
    if (phase === 'dns') return isIP(host) === 0;
    return true;
  });
}

/**
 * The custom metrics one check publishes (each costs money every month):
 * Success and Duration always; phase timings (phasesForCheck), certificate
 * days, cache hit and Server-Timing entries only when the check asks for them.
 */
export function metricsForCheck(spec: CheckSpec): PublishedMetric[] {
  const dims = { [CHECK_DIMENSION]: spec.name };
  const keys: MetricKey[] = ['success', 'duration'];
  if (spec.metrics.timings) keys.push(...phasesForCheck(spec));
  if (spec.assert.certificate) keys.push('certDaysRemaining');
  if (spec.metrics.cache) keys.push('cacheHit');
  const out: PublishedMetric[] = keys.map((key) => ({ key, ...pick(key), dimensions: dims }));
  for (const entry of spec.metrics.serverTiming) {
    out.push({
      key: 'serverTiming',
      ...pick('serverTiming'),
      dimensions: { ...dims, [SERVER_TIMING_DIMENSION]: entry },
    });
  }
  return out;
}

function pick(key: MetricKey): { name: string; unit: MetricUnit } {
  return { name: METRICS[key].name, unit: METRICS[key].unit };
}
