/**
 * The check-file half of the Watchpost construct's props, written out by hand
 * so every optional field carries its documentation and `@default` (the
 * schema in lib/spec/schema.ts is the runtime truth but carries no docs).
 * The shape is exactly what watchpost.yaml holds, so a file loaded from YAML
 * can be passed as it is.
 *
 * Two tests keep this honest: test/cdk/props.test.ts proves (at compile time)
 * that these types and the schema's input type are assignable both ways, and
 * that each literal `@default` below, written out explicitly, validates to
 * the same check as leaving it out (lib/spec/defaults.ts).
 *
 * Type aliases, not interfaces: the schema's mappings accept unknown keys at
 * the type level (they are rejected at validation with a did-you-mean), and
 * only an object type alias is assignable to such a mapping; object literals
 * written against these types still get excess-property errors.
 *
 * `@default` convention: a value as it would be written in watchpost.yaml
 * (parsed and checked by the test), or `- words` where the default is
 * "nothing" (no assertion, no subscription, no runbook field).
 */

/** Who is paged on one severity's topic. */
export type WatchpostSubscriptions = {
  /**
   * E-mail addresses (each must confirm the subscription after the first deploy).
   * @default []
   */
  readonly email?: string[];
  /**
   * https:// endpoints that receive the SNS notification.
   * @default []
   */
  readonly https?: string[];
  /**
   * Phone numbers in E.164 form, such as +14155550100.
   * @default []
   */
  readonly sms?: string[];
};

/** Subscriptions per severity; availability and latency-critical alarms page `critical`. */
export type WatchpostAlerting = {
  /**
   * Subscribers of the critical topic (availability, latency critical, the probe function's own alarms).
   * @default - nobody is subscribed
   */
  readonly critical?: WatchpostSubscriptions;
  /**
   * Subscribers of the warning topic (latency warning, certificate).
   * @default - nobody is subscribed
   */
  readonly warning?: WatchpostSubscriptions;
};

/** Latency thresholds: durations with a unit such as "800ms" or "2s". */
export type WatchpostLatencyAssertion = {
  /**
   * Above it the check warns (it still passes) and the latency-warning alarm counts a breach.
   * @default - no warning threshold and no latency-warning alarm
   */
  readonly warning?: string | number;
  /**
   * Above it the check fails and the latency-critical alarm counts a breach; at most the check's `timeout`.
   * @default - no critical threshold and no latency-critical alarm
   */
  readonly critical?: string | number;
};

/** Body assertions: any of the three. */
export type WatchpostBodyAssertion = {
  /**
   * Text the body must contain.
   * @default - not asserted
   */
  readonly contains?: string;
  /**
   * Text the body must not contain.
   * @default - not asserted
   */
  readonly notContains?: string;
  /**
   * A regular expression the body must match.
   * @default - not asserted
   */
  readonly matches?: string;
};

/** A JSON body assertion: a path plus exactly one operator. */
export type WatchpostJsonAssertion = {
  /** A JSON path such as `status` or `data.items[0].id`. */
  readonly path: string;
  /**
   * The value at `path` equals this (deep equality).
   * @default - not this operator
   */
  readonly equals?: unknown;
  /**
   * The value at `path` does not equal this.
   * @default - not this operator
   */
  readonly notEquals?: unknown;
  /**
   * The string or list at `path` contains this.
   * @default - not this operator
   */
  readonly contains?: unknown;
  /**
   * The number at `path` is below this.
   * @default - not this operator
   */
  readonly lessThan?: number;
  /**
   * The number at `path` is above this.
   * @default - not this operator
   */
  readonly greaterThan?: number;
  /**
   * `true`: the path must exist; `false`: it must not.
   * @default - not this operator
   */
  readonly exists?: boolean;
};

/** A response header assertion: a name plus exactly one operator. */
export type WatchpostHeaderAssertion = {
  /** The header name (case-insensitive). */
  readonly name: string;
  /**
   * The header's value equals this.
   * @default - not this operator
   */
  readonly equals?: string;
  /**
   * The header's value contains this.
   * @default - not this operator
   */
  readonly contains?: string;
  /**
   * A regular expression the header's value matches.
   * @default - not this operator
   */
  readonly matches?: string;
  /**
   * `true`: the header must be absent.
   * @default - not this operator
   */
  readonly absent?: true;
};

/** What a response must satisfy to count as a success. */
export type WatchpostAssertions = {
  /**
   * Accepted status codes (200) or classes ("2xx"), one or a list. When
   * redirects are not followed (`followRedirects` false or 0) the default
   * is ["2xx", "3xx"]: a redirect is then the answer.
   * @default ["2xx"]
   */
  readonly status?: number | string | Array<number | string>;
  /**
   * Latency thresholds; each adds an alarm on `Duration`.
   * @default - no latency thresholds and no latency alarms
   */
  readonly latency?: WatchpostLatencyAssertion;
  /**
   * Body content assertions.
   * @default - the body is not asserted
   */
  readonly body?: WatchpostBodyAssertion;
  /**
   * JSON body assertions, all of which must hold.
   * @default []
   */
  readonly json?: WatchpostJsonAssertion[];
  /**
   * Response header assertions, all of which must hold.
   * @default []
   */
  readonly headers?: WatchpostHeaderAssertion[];
  /**
   * https only: the certificate must stay valid at least this many days (1-365);
   * publishes `CertDaysRemaining` and adds a certificate alarm.
   * @default - no certificate assertion and no certificate alarm
   */
  readonly certificate?: { readonly minDaysRemaining: number };
  /**
   * Require the usual security headers (HSTS on https; nosniff; CSP or X-Frame-Options).
   * @default false
   */
  readonly securityHeaders?: boolean;
};

/** Metrics beyond `Success` and `Duration` (each costs money every month). */
export type WatchpostMetricOptions = {
  /**
   * Publish the phase timings: DNS, connect, TLS, first byte, download (five more metrics).
   * @default false
   */
  readonly timings?: boolean;
  /**
   * Publish `CacheHit` (1/0).
   * @default false
   */
  readonly cache?: boolean;
  /**
   * Server-Timing entry names to publish as `ServerTiming` metrics.
   * @default []
   */
  readonly serverTiming?: string[];
};

/** The M of N rule of every alarm of the check. */
export type WatchpostAlarmOptions = {
  /**
   * M: breaching periods that fire the alarm (1-60, at most `evaluationPeriods`).
   * @default 2
   */
  readonly datapointsToAlarm?: number;
  /**
   * N: periods of `frequency` looked at (1-60, at most one day in all).
   * @default 3
   */
  readonly evaluationPeriods?: number;
};

/** What on-call reads in every alarm description and page. */
export type WatchpostRunbook = {
  /**
   * Who owns the service.
   * @default - no owner line
   */
  readonly owner?: string;
  /**
   * What a healthy response looks like.
   * @default - no expected line
   */
  readonly expected?: string;
  /**
   * How to roll back.
   * @default - no rollback line
   */
  readonly rollback?: string;
  /**
   * The runbook link (http:// or https://).
   * @default - no runbook link
   */
  readonly url?: string;
};

/** Every field a check may set; `defaults` takes the same fields for every check. */
export type WatchpostCheckFields = {
  /**
   * HTTP method (case-insensitive): GET, HEAD, POST, PUT, PATCH, DELETE or OPTIONS.
   * @default "GET"
   */
  readonly method?: string;
  /**
   * Request headers: name to string value.
   * @default {}
   */
  readonly headers?: Record<string, string>;
  /**
   * Header names whose values never appear in logs or pages (authorization,
   * cookie, set-cookie and proxy-authorization always are hidden).
   * @default []
   */
  readonly secretHeaders?: string[];
  /**
   * Request body; a mapping or list is sent as JSON. Not with GET or HEAD.
   * @default - no body
   */
  readonly body?: string | Record<string, unknown> | unknown[];
  /**
   * How often the check runs: a duration with a unit, whole minutes from "1m" to "1h".
   * @default "1m"
   */
  readonly frequency?: string | number;
  /**
   * The budget of one attempt: a duration with a unit from "100ms" to "60s", below `frequency`.
   * @default "10s"
   */
  readonly timeout?: string | number;
  /**
   * Extra attempts after a transient failure (0-2); all attempts must fit in `frequency`.
   * @default 0
   */
  readonly retries?: number;
  /**
   * `true` follows up to 5 redirects, `false` or 0 none, a number sets the most (up to 20).
   * @default 5
   */
  readonly followRedirects?: boolean | number;
  /**
   * The most body bytes read: a size with a unit, at most "64MiB".
   * @default "1MiB"
   */
  readonly maxBodySize?: string | number;
  /**
   * TLS options.
   * @default - the certificate is verified
   */
  readonly tls?: {
    /**
     * Verify the certificate; `false` probes a self-signed endpoint.
     * @default true
     */
    readonly verify?: boolean;
  };
  /**
   * What the response must satisfy.
   * @default - status 2xx only
   */
  readonly assert?: WatchpostAssertions;
  /**
   * Metrics beyond Success and Duration.
   * @default - Success and Duration only
   */
  readonly metrics?: WatchpostMetricOptions;
  /**
   * The M of N rule of the check's alarms.
   * @default - 2 of 3
   */
  readonly alarm?: WatchpostAlarmOptions;
  /**
   * Carried in every alarm description and page.
   * @default - no runbook fields
   */
  readonly runbook?: WatchpostRunbook;
};

/** One check: a name, a URL, and any of the optional fields. */
export type WatchpostCheck = WatchpostCheckFields & {
  /** Unique; lowercase letters, digits and '-', at most 64 characters (the `Check` dimension). */
  readonly name: string;
  /** Absolute http:// or https:// URL, without a user:password part. */
  readonly url: string;
};

/** The check file (watchpost.yaml) as construct props. */
export type WatchpostCheckFile = {
  /**
   * CloudWatch namespace of the metrics; not starting with "AWS/".
   * @default "Watchpost"
   */
  readonly namespace?: string;
  /**
   * Fields applied to every check unless it sets them (mappings merge one level deep).
   * @default - each field's own default
   */
  readonly defaults?: WatchpostCheckFields;
  /**
   * Who is paged, per severity.
   * @default - nobody is subscribed (the topics are still created)
   */
  readonly alerting?: WatchpostAlerting;
  /** At least one check. */
  readonly checks: WatchpostCheck[];
};
