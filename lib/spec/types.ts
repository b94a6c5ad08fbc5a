/**
 * The normalized check spec: every default filled, every duration in
 * milliseconds, every size in bytes. This is what the runtime, the CLI and the
 * constructs consume; the raw file shape lives in schema.ts.
 */

export const HTTP_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

/** A status code (200) or a class ("2xx"). */
export type StatusMatcher = number | `${1 | 2 | 3 | 4 | 5}xx`;

export interface BodyAssertion {
  contains: string | null;
  notContains: string | null;
  /** A regular expression source, already checked to compile. */
  matches: string | null;
}

export type JsonOperator = 'equals' | 'notEquals' | 'contains' | 'lessThan' | 'greaterThan' | 'exists';
export interface JsonAssertion {
  /** Dot path with optional indices: `data.items[0].id`. */
  path: string;
  operator: JsonOperator;
  /** The expected value; for `exists`, a boolean. */
  value: unknown;
}

export type HeaderOperator = 'equals' | 'contains' | 'matches' | 'absent';
export interface HeaderAssertion {
  /** Lowercased header name. */
  name: string;
  operator: HeaderOperator;
  /** The expected value; for `absent`, true. */
  value: string | boolean;
}

export interface LatencyThresholds {
  /** Milliseconds; above it the check warns (it still passes). */
  warning: number | null;
  /** Milliseconds; above it the check fails. */
  critical: number | null;
}

export interface Assertions {
  status: StatusMatcher[];
  latency: LatencyThresholds | null;
  body: BodyAssertion | null;
  json: JsonAssertion[];
  headers: HeaderAssertion[];
  certificate: { minDaysRemaining: number } | null;
  securityHeaders: boolean;
}

export interface MetricOptions {
  /** Publish the phase timings (dns, connect, tls, firstByte, download). */
  timings: boolean;
  /** Publish CacheHit (1/0). */
  cache: boolean;
  /** Server-Timing entry names to publish as ServerTiming{Check, Entry}. */
  serverTiming: string[];
}

export interface AlarmOptions {
  datapointsToAlarm: number;
  evaluationPeriods: number;
}

export interface Runbook {
  owner: string | null;
  expected: string | null;
  rollback: string | null;
  url: string | null;
}

export interface CheckSpec {
  name: string;
  url: string;
  method: HttpMethod;
  /** Request headers, names lowercased. */
  headers: Record<string, string>;
  /** Lowercased names of headers never to show in logs or notifications (added to the built-in list). */
  secretHeaders: string[];
  /** Request body; an object in the file is sent as JSON (and content-type set). */
  body: string | null;
  /** Milliseconds, a whole number of minutes. */
  frequency: number;
  /** Milliseconds: the total budget of one attempt. */
  timeout: number;
  retries: number;
  /** The most redirects to follow; 0 means do not follow. */
  followRedirects: number;
  /** Bytes. */
  maxBodySize: number;
  tls: { verify: boolean };
  assert: Assertions;
  metrics: MetricOptions;
  alarm: AlarmOptions;
  runbook: Runbook;
}

export const SUBSCRIPTION_PROTOCOLS = ['email', 'https', 'sms'] as const;
export type SubscriptionProtocol = (typeof SUBSCRIPTION_PROTOCOLS)[number];
export type Subscriptions = Record<SubscriptionProtocol, string[]>;

export const SEVERITIES = ['critical', 'warning'] as const;
export type Severity = (typeof SEVERITIES)[number];

export interface WatchpostConfig {
  namespace: string;
  alerting: Record<Severity, Subscriptions>;
  checks: CheckSpec[];
}

/** Header names always redacted, whatever the check says. */
export const ALWAYS_SECRET_HEADERS = ['authorization', 'cookie', 'set-cookie', 'proxy-authorization'] as const;
