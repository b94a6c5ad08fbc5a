/**
 * CheckResult: what one probe run produced. A failing endpoint is data, never
 * an exception. Shared by the runtime (lambda/), the CLI reporters and the sinks.
 */

/** The closed set of failure kinds. Classified by error code, never message text. */
export const FAILURE_KINDS = [
  'dns',
  'connect',
  'tls',
  'timeout',
  'reset',
  'protocol',
  'status',
  'assertion',
  'body-too-large',
] as const;
export type FailureKind = (typeof FAILURE_KINDS)[number];

/** The phase a probe was in, used to say where a timeout or reset happened. */
export type Phase = 'dns' | 'connect' | 'tls' | 'firstByte' | 'download';

/**
 * Durations of consecutive phases in milliseconds (monotonic clock). They add
 * up to `total`; a phase that did not happen is null.
 */
export interface Timings {
  dns: number | null;
  connect: number | null;
  tls: number | null;
  firstByte: number | null;
  download: number | null;
  total: number;
}

export interface Failure {
  kind: FailureKind;
  /** What failed and what was expected, for people. */
  message: string;
  /** True for transient kinds (timeout, reset, 5xx); false for tls, NXDOMAIN, assertion. */
  retryable: boolean;
  /** The phase the probe was in when it failed, when known. */
  phase?: Phase | null;
  /** The underlying error code (ECONNREFUSED, UND_ERR_..., CERT_HAS_EXPIRED), when there was one. */
  code?: string | null;
}

export type AssertionType =
  | 'status'
  | 'latency'
  | 'body'
  | 'json'
  | 'header'
  | 'certificate'
  | 'securityHeaders';

export interface AssertionResult {
  type: AssertionType;
  ok: boolean;
  /** 'warning' results do not fail the check (a latency warning threshold). */
  severity: 'warning' | 'critical';
  /** Human sentence with the actual value: `status 503, expected one of [200]`. */
  message: string;
  /** The value that was compared, as found in the response. */
  actual: unknown;
  /** What the check expected. */
  expected: unknown;
}

export interface CertificateInfo {
  subject: string;
  issuer: string;
  /** ISO 8601 expiry time. */
  validTo: string;
  daysRemaining: number;
}

export interface CacheInfo {
  /** true hit, false miss, null when the response does not say. */
  hit: boolean | null;
  /** The header the verdict came from (cache-status, x-cache, cf-cache-status, x-cache-status, age). */
  source: string | null;
  /** The Age header in seconds, when present. */
  age: number | null;
}

export interface ServerTimingEntry {
  name: string;
  dur: number | null;
  desc: string | null;
}

export interface CheckResult {
  name: string;
  url: string;
  method: string;
  ok: boolean;
  /** ISO 8601 wall-clock time the (first) attempt started; metrics are timestamped with it. */
  startedAt: string;
  statusCode: number | null;
  timings: Timings;
  failure: Failure | null;
  assertions: AssertionResult[];
  attempts: number;
  redirects: number;
  /** Decompressed body bytes read (stops at maxBodySize). */
  bodyBytes: number;
  /** At most 512 bytes of the body, for failure details; null when there was no body. */
  bodyExcerpt: string | null;
  /** Response headers with secret ones redacted. */
  responseHeaders: Record<string, string> | null;
  certificate: CertificateInfo | null;
  cache: CacheInfo | null;
  serverTiming: ServerTimingEntry[] | null;
}
