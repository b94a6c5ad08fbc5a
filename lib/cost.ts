/**
 * What the checks cost per month, from the same plan the CDK stack is built
 * from (batches, memory, architecture, metrics, alarms, dashboards), priced
 * with the dated table in pricing.ts. Pure: no AWS calls, no CDK.
 *
 * Costs shared by a batch (invocations, PutMetricData calls, schedule runs)
 * are divided equally among the batch's checks; stack-wide costs (the KMS
 * key, dashboards, the probe function's own alarms) are divided equally
 * among all checks and also listed whole under `shared`. So each check's
 * `monthly` is everything it brings to the bill, and `totalMonthly` is the
 * sum of the checks' `monthly`.
 */
import { PLATFORM_LOG_BYTES_PER_INVOCATION, resultLogLineBytes, summaryLogLineBytes } from './cost-log-line.ts';
import { planDeployment, type Batch, type CheckPlan, type DeploymentPlan, type PlanOptions } from './plan.ts';
import { alarmMetricCount, dashboardMetricCounts, kmsKeyCount, type StackChoices } from './plan-extras.ts';
import {
  DEFAULT_REGION,
  FREE_DASHBOARD_MAX_METRICS,
  FREE_TIER,
  PRICES_PROVENANCE,
  PRICES_RECORDED_ON,
  priceOf,
  pricesFor,
  supportedRegions,
  tieredPriceOf,
  type FreeTierKey,
  type RegionPrices,
} from './pricing.ts';
import type { CheckSpec, Severity, WatchpostConfig } from './spec/types.ts';

/**
 * ASSUMED, not measured: the slowest probe of a warm invocation's batch of
 * 10 (SIZING.batchSize) healthy public endpoints, all in flight at once.
 * Every run opens a fresh connection, so each probe pays a name lookup, a
 * TCP connect, a TLS handshake (1 round trip with TLS 1.3, 2 with 1.2) and
 * the request's round trip plus the server's think time before the first
 * byte, then the body. For an endpoint a continent away from the probe's
 * region (80-150 ms round trips) that is 4-5 round trips, 320-750 ms, plus
 * the server's time to the first byte (tens of ms for a health endpoint);
 * one such endpoint among the 10 sets the batch's time, since the batch
 * waits for its slowest probe. 800 ms covers that case; endpoints in the
 * probe's own region answer in 100-300 ms, so a batch of nearby endpoints
 * takes less. A batch waiting on a slow or timing-out check runs longer (up
 * to its timeout); failures are assumed rare (ASSUMED_INCIDENTS_PER_CHECK).
 * Not measured on Lambda against the public internet: this was written on a
 * machine without internet access.
 */
export const ASSUMED_SLOWEST_PROBE_MS = 800;

/**
 * MEASURED: what one invocation takes beyond its slowest probe, rounded up:
 * the handler with the real runner, a batch of 10 https checks against a
 * local server answering after a fixed delay, the result and summary log
 * lines and the PutMetricData call, warm, at 0.58 of a CPU (the 1,024 MB
 * share) and unconstrained: median 39-61 ms, p95 50-85 ms over 80
 * invocations on a loaded 2-core machine (docs/BENCHMARKS.md, "Batch
 * invocation overhead"; bench/batch-duration.ts). Measured against moto on
 * loopback, so rounding the p95s up to 100 ms leaves 15-50 ms for the
 * in-region round trip to the real CloudWatch endpoint. Most of it is the
 * ten handshakes' CPU, which a real batch spends too.
 */
export const MEASURED_BATCH_OVERHEAD_MS = 100;

/**
 * Billed wall time of one probe-function invocation (ms): the batch's probes
 * run concurrently, so a batch takes its slowest probe plus the overhead
 * measured around it. 800 + 100 = 900 ms.
 */
export const ASSUMED_BATCH_DURATION_MS = ASSUMED_SLOWEST_PROBE_MS + MEASURED_BATCH_OVERHEAD_MS;

/** Assumed availability incidents per check per month (each one pages the critical topic). */
export const ASSUMED_INCIDENTS_PER_CHECK = 2;

/**
 * SNS publishes per availability incident, to the critical topic: the
 * availability alarm's ALARM and OK actions, and the probe's own
 * failure-detail and recovery notices.
 */
export const SNS_PUBLISHES_PER_INCIDENT = 4;

/**
 * Assumed times a month each latency alarm (warning or critical) goes to
 * ALARM and back to OK: 2 publishes each time, to the topic of the alarm's
 * severity. A run slower than the critical threshold also fails the check;
 * its probe notices and availability alarm are among the incidents above.
 */
export const ASSUMED_LATENCY_EPISODES_PER_ALARM = 2;

/**
 * Assumed times a month a certificate alarm fires: a third, i.e. one renewal
 * in three months that runs past the threshold, which automatic renewal
 * (ACM: 60 days ahead; Let's Encrypt clients: 30) normally never lets
 * happen, so on the safe side. Each time: the alarm's ALARM and OK and the
 * probe's failure and recovery notices (a check failing only on its
 * certificate is a warning), 4 publishes to the warning topic.
 */
export const ASSUMED_CERTIFICATE_EPISODES_PER_ALARM = 1 / 3;

/** SNS publishes per certificate episode: ALARM, OK, the probe's failure and recovery notices. */
export const SNS_PUBLISHES_PER_CERTIFICATE_EPISODE = 4;

/**
 * KMS requests per publish to the encrypted topics: the publisher's
 * GenerateDataKey and SNS's Decrypt. An upper bound: SNS reuses data keys.
 */
export const KMS_REQUESTS_PER_PUBLISH = 2;

/** PutMetricData takes at most this many datapoints per call. */
export const PUT_METRIC_DATA_MAX_DATUMS = 1_000;

/**
 * The CloudWatch Synthetics canary compared with: the default 1,000 MB
 * (x86_64) and a lean API canary's run time; canaries that start a browser
 * (heartbeat blueprint) run for about 10 s.
 */
export const SYNTHETICS_CANARY = { memoryMb: 1_000, durationMs: 5_000 } as const;

/**
 * The Route 53 health check compared with is priced for an AWS endpoint (a
 * resource in the same account: the cheaper case). Its checkers probe every
 * 30 s, more often than any Watchpost check, so no fast-interval feature.
 */
export const ROUTE53_ENDPOINT: 'aws' | 'non-aws' = 'aws';

/** AWS bills by the month of 730 hours. */
export const MINUTES_PER_MONTH = 730 * 60;

const BYTES_PER_GB = 1024 ** 3;

export interface CostLine {
  item: string;
  quantity: number;
  unit: string;
  /** USD per month. */
  monthly: number;
}

export interface CheckCost {
  name: string;
  monthly: number;
  lines: CostLine[];
  cloudwatchSyntheticsMonthly: number;
  route53Monthly: number;
  /** For the table (not in --json): how the check runs and what the comparison assumed. */
  detail: {
    url: string;
    frequencyMs: number;
    runsPerMonth: number;
    batchId: string;
    batchChecks: number;
    route53Features: string[];
    /** What a Route 53 health check cannot check that this check does. */
    route53Cannot: string[];
  };
}

export interface CostEstimate {
  currency: 'USD';
  region: string;
  totalMonthly: number;
  checks: CheckCost[];
  /** Stack-wide resources, whole; already divided into the checks' lines. */
  shared: CostLine[];
  /** For the table (not in --json). */
  detail: {
    /** Where the prices come from, in one phrase (date and pages; not re-fetched). */
    pricesProvenance: string;
    pricesRecordedOn: string;
    memoryMb: number;
    architecture: 'arm64' | 'x86_64';
    batchDurationMs: number;
    batches: number;
    dashboards: number;
    /** Dashboards of at most FREE_DASHBOARD_MAX_METRICS metrics: the ones the free tier can cover. */
    dashboardsWithinFreeCap: number;
    customMetrics: number;
    alarmMetrics: number;
    /** What the always-free allowances would take off the total. */
    freeTierMonthly: number;
    /** Costs counted but not priced, or left out, said in words. */
    notIncluded: string[];
  };
}

export interface CostOptions {
  /** @default 'us-east-1' */
  region?: string;
  /** @default the plan's own sizing (SIZING) */
  plan?: PlanOptions;
  /** The construct options that add or remove dashboards and the KMS key. @default dashboards on, topics (and key) created */
  stack?: StackChoices;
  /** @default ASSUMED_BATCH_DURATION_MS */
  batchDurationMs?: number;
  /** @default ASSUMED_INCIDENTS_PER_CHECK */
  incidentsPerCheck?: number;
}

export class UnsupportedRegionError extends Error {
  override name = 'UnsupportedRegionError';
  constructor(readonly region: string) {
    super(`no prices for region "${region}"; supported: ${supportedRegions().join(', ')}`);
  }
}

/** Runs per month of a check run every `frequencyMs`. */
export function runsPerMonth(frequencyMs: number): number {
  return (MINUTES_PER_MONTH * 60_000) / frequencyMs;
}

export function estimateCost(config: WatchpostConfig, options: CostOptions = {}): CostEstimate {
  const region = options.region ?? DEFAULT_REGION;
  const prices = pricesFor(region);
  if (!prices) throw new UnsupportedRegionError(region);
  const plan = planDeployment(config, options.plan);
  const ctx = context(region, config, plan, prices, options);

  const shared = sharedLines(ctx);
  const sharedPerCheck = plan.checks.length > 0 ? 1 / plan.checks.length : 0;
  const costed = plan.checks.map((check) => checkCost(ctx, check, shared, sharedPerCheck));
  const checks = costed.map((c) => c.cost);
  const totalMonthly = checks.length > 0 ? sum(checks.map((c) => c.monthly)) : sum(shared.map((s) => s.line.monthly));

  return {
    currency: 'USD',
    region,
    totalMonthly,
    checks,
    shared: shared.map(({ line }) => line),
    detail: {
      pricesProvenance: PRICES_PROVENANCE,
      pricesRecordedOn: PRICES_RECORDED_ON,
      memoryMb: plan.memoryMb,
      architecture: plan.architecture,
      batchDurationMs: ctx.batchDurationMs,
      batches: plan.batches.length,
      dashboards: ctx.dashboardMetrics.length,
      dashboardsWithinFreeCap: ctx.dashboardsWithinFreeCap,
      customMetrics: ctx.totalMetrics,
      alarmMetrics: ctx.totalAlarmMetrics,
      freeTierMonthly: freeTierSavings(ctx, [...shared, ...costed.flatMap((c) => c.priced)]),
      notIncluded: notIncluded(config, ctx),
    },
  };
}

/**
 * One line for `cdk synth`: checks, the monthly estimate and the per-check
 * average. Never throws for a region: without one (an environment-agnostic
 * stack learns it at deploy) or with one that has no prices, it estimates at
 * us-east-1 prices, and the line says so.
 */
export function costSummaryLine(config: WatchpostConfig, options: CostOptions = {}): string {
  const asked = options.region;
  const priced = asked !== undefined && pricesFor(asked) ? asked : DEFAULT_REGION;
  const e = estimateCost(config, { ...options, region: priced });
  const n = e.checks.length;
  const average = n > 0 ? e.totalMonthly / n : 0;
  const where = asked === undefined ? `at ${priced} prices` : priced === asked ? `in ${priced}` : `at ${priced} prices (none listed for ${asked})`;
  return (
    `Watchpost cost estimate: ${n} check${n === 1 ? '' : 's'}, ${usd(e.totalMonthly)}/month ${where} ` +
    `(${usd(average)} per check, list prices without free tier; details: npx watchpost cost)`
  );
}

/** Dollars with two decimals, or four below a dime, so small figures do not read as zero. */
export function usd(amount: number): string {
  if (amount > 0 && amount < 0.00005) return '<$0.0001';
  const digits = amount !== 0 && Math.abs(amount) < 0.1 ? 4 : 2;
  return `$${amount.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })}`;
}

interface Context {
  region: string;
  config: WatchpostConfig;
  plan: DeploymentPlan;
  prices: RegionPrices;
  batchDurationMs: number;
  incidentsPerCheck: number;
  batchById: Map<string, Batch>;
  /** Datapoints one invocation of each batch publishes: one per metric of each of its checks. */
  datapointsByBatch: Map<string, number>;
  /** Custom metrics of the whole stack: the tier is chosen on this total. */
  totalMetrics: number;
  /** Average dollars per metric at that total. */
  metricUnitPrice: number;
  totalAlarmMetrics: number;
  /** Metrics on each dashboard the stack creates. */
  dashboardMetrics: number[];
  dashboardsWithinFreeCap: number;
  keys: number;
}

function context(region: string, config: WatchpostConfig, plan: DeploymentPlan, prices: RegionPrices, options: CostOptions): Context {
  const totalMetrics = sum(plan.checks.map((c) => c.metrics.length));
  const checkAlarmMetrics = sum(plan.checks.map((c) => sum(c.alarms.map(alarmMetricCount))));
  const dashboardMetrics = dashboardMetricCounts(plan, options.stack);
  return {
    region,
    config,
    plan,
    prices,
    batchDurationMs: options.batchDurationMs ?? ASSUMED_BATCH_DURATION_MS,
    incidentsPerCheck: options.incidentsPerCheck ?? ASSUMED_INCIDENTS_PER_CHECK,
    batchById: new Map(plan.batches.map((b) => [b.id, b])),
    datapointsByBatch: datapointsByBatch(plan),
    totalMetrics,
    metricUnitPrice: totalMetrics > 0 ? tieredPriceOf(prices.cloudwatch.metrics, totalMetrics) / totalMetrics : 0,
    totalAlarmMetrics: checkAlarmMetrics + plan.functionAlarmCount,
    dashboardMetrics,
    dashboardsWithinFreeCap: dashboardMetrics.filter((m) => m <= FREE_DASHBOARD_MAX_METRICS).length,
    keys: kmsKeyCount(plan, options.stack),
  };
}

/** A line plus the free-tier allowance its quantity counts against. */
interface Priced {
  line: CostLine;
  free?: FreeTierKey;
}

function sharedLines(ctx: Context): Priced[] {
  const { prices, plan, keys } = ctx;
  const dashboards = ctx.dashboardMetrics.length;
  return [
    { line: line('KMS key (alert topics)', keys, 'keys', priceOf(prices.kms.key, keys)) },
    { line: line('Dashboards', dashboards, 'dashboards', priceOf(prices.cloudwatch.dashboard, dashboards)), free: 'dashboards' },
    {
      line: line('Probe function alarms', plan.functionAlarmCount, 'alarm metrics', priceOf(prices.cloudwatch.alarmMetric, plan.functionAlarmCount)),
      free: 'alarmMetrics',
    },
  ];
}

function checkCost(ctx: Context, check: CheckPlan, shared: Priced[], sharedShare: number): { cost: CheckCost; priced: Priced[] } {
  const { prices, plan, config } = ctx;
  const spec = check.spec;
  const batch = ctx.batchById.get(check.batchId)!;
  const n = batch.checks.length;
  const runs = runsPerMonth(spec.frequency);
  // Every invocation of the batch runs this check once; its share of each invocation is 1/n.
  const invocations = runsPerMonth(batch.frequency) / n;
  const gbSeconds = invocations * (plan.memoryMb / 1024) * (ctx.batchDurationMs / 1000);
  const datums = ctx.datapointsByBatch.get(batch.id) ?? 0;
  const callsPerInvocation = putMetricDataCalls(datums);
  const putCalls = invocations * callsPerInvocation;
  // Its own result lines, and its share of each invocation's summary and platform lines.
  const logContext = { region: ctx.region, batch: batch.id };
  const perInvocationBytes = summaryLogLineBytes(n, datums, callsPerInvocation, logContext) + PLATFORM_LOG_BYTES_PER_INVOCATION;
  const logBytes = runs * resultLogLineBytes(spec, logContext) + invocations * perInvocationBytes;
  const alarmMetrics = sum(check.alarms.map(alarmMetricCount));
  const bySeverity = expectedPublishes(check, ctx.incidentsPerCheck);
  const publishes = bySeverity.critical + bySeverity.warning;
  // Each publish is delivered to every subscriber of its topic.
  const deliveries = (protocol: 'email' | 'https') =>
    bySeverity.critical * config.alerting.critical[protocol].length + bySeverity.warning * config.alerting.warning[protocol].length;
  const emails = deliveries('email');
  const hooks = deliveries('https');
  const gbSecondPrice = plan.architecture === 'arm64' ? prices.lambda.armGbSecond : prices.lambda.x86GbSecond;

  const own: Priced[] = [
    { line: line('Scheduler invocations', invocations, 'invocations', priceOf(prices.scheduler.invocations, invocations)), free: 'schedulerInvocations' },
    { line: line('Lambda requests', invocations, 'requests', priceOf(prices.lambda.requests, invocations)), free: 'lambdaRequests' },
    { line: line(`Lambda compute (${plan.architecture}, ${plan.memoryMb} MB)`, gbSeconds, 'GB-seconds', priceOf(gbSecondPrice, gbSeconds)), free: 'lambdaGbSeconds' },
    { line: line('PutMetricData requests', putCalls, 'requests', priceOf(prices.cloudwatch.metricRequests, putCalls)), free: 'metricRequests' },
    { line: line('Custom metrics', check.metrics.length, 'metrics', check.metrics.length * ctx.metricUnitPrice), free: 'metrics' },
    { line: line('Alarms (standard)', alarmMetrics, 'alarm metrics', priceOf(prices.cloudwatch.alarmMetric, alarmMetrics)), free: 'alarmMetrics' },
    { line: line('Log ingestion', logBytes / BYTES_PER_GB, 'GB', priceOf(prices.cloudwatch.logIngestion, logBytes / BYTES_PER_GB)), free: 'logGb' },
    { line: line('SNS publishes', publishes, 'publishes', priceOf(prices.sns.publishes, publishes)), free: 'snsPublishes' },
  ];
  if (emails > 0) own.push({ line: line('SNS email deliveries', emails, 'emails', priceOf(prices.sns.email, emails)), free: 'snsEmail' });
  if (hooks > 0) own.push({ line: line('SNS HTTPS deliveries', hooks, 'deliveries', priceOf(prices.sns.https, hooks)), free: 'snsHttps' });
  const kmsRequests = publishes * KMS_REQUESTS_PER_PUBLISH;
  own.push({ line: line('KMS requests', kmsRequests, 'requests', priceOf(prices.kms.requests, kmsRequests)), free: 'kmsRequests' });
  for (const s of shared) {
    own.push({
      line: line(`Share: ${s.line.item}`, s.line.quantity * sharedShare, s.line.unit, s.line.monthly * sharedShare),
      // The free allowance is applied to the whole shared line, not to shares.
    });
  }

  const lines = own.map((p) => p.line);
  const route53 = route53Comparison(spec, prices);
  const cost: CheckCost = {
    name: spec.name,
    monthly: sum(lines.map((l) => l.monthly)),
    lines,
    cloudwatchSyntheticsMonthly: syntheticsMonthly(runs, prices),
    route53Monthly: route53.monthly,
    detail: {
      url: spec.url,
      frequencyMs: spec.frequency,
      runsPerMonth: runs,
      batchId: batch.id,
      batchChecks: n,
      route53Features: route53.features,
      route53Cannot: route53.cannot,
    },
  };
  return { cost, priced: own };
}

/**
 * SNS publishes a month for one check's expected notifications, per topic:
 * its availability incidents (critical), each latency alarm's ALARM and OK
 * (its severity's topic), and its certificate alarm's episodes (warning).
 */
export function expectedPublishes(check: CheckPlan, incidentsPerCheck: number = ASSUMED_INCIDENTS_PER_CHECK): Record<Severity, number> {
  const out: Record<Severity, number> = { critical: incidentsPerCheck * SNS_PUBLISHES_PER_INCIDENT, warning: 0 };
  for (const alarm of check.alarms) {
    if (alarm.kind === 'latency-warning' || alarm.kind === 'latency-critical') out[alarm.severity] += ASSUMED_LATENCY_EPISODES_PER_ALARM * 2;
    if (alarm.kind === 'certificate') out.warning += ASSUMED_CERTIFICATE_EPISODES_PER_ALARM * SNS_PUBLISHES_PER_CERTIFICATE_EPISODE;
  }
  return out;
}

function datapointsByBatch(plan: DeploymentPlan): Map<string, number> {
  const out = new Map<string, number>();
  for (const c of plan.checks) out.set(c.batchId, (out.get(c.batchId) ?? 0) + c.metrics.length);
  return out;
}

/** One call carries at most 1,000 datapoints: a batch of checks with many metrics needs more. */
function putMetricDataCalls(datapoints: number): number {
  return Math.max(1, Math.ceil(datapoints / PUT_METRIC_DATA_MAX_DATUMS));
}

/** Same endpoint, same frequency, on CloudWatch Synthetics: each run, plus the Lambda it runs on (x86_64). */
export function syntheticsMonthly(runs: number, prices: RegionPrices): number {
  const gbSeconds = runs * (SYNTHETICS_CANARY.memoryMb / 1024) * (SYNTHETICS_CANARY.durationMs / 1000);
  return (
    priceOf(prices.cloudwatch.canaryRun, runs) +
    priceOf(prices.lambda.requests, runs) +
    priceOf(prices.lambda.x86GbSecond, gbSeconds)
  );
}

/** A Route 53 health check doing what this check asserts, as far as it can: base price plus each feature needed. */
export function route53Comparison(spec: CheckSpec, prices: RegionPrices): { monthly: number; features: string[]; cannot: string[] } {
  const a = spec.assert;
  const features: string[] = [];
  if (spec.url.startsWith('https:')) features.push('HTTPS');
  // Route 53 searches the first 5,120 body bytes for one string; a JSON value is searched as text.
  if (a.body || a.json.length > 0) features.push('string matching');
  if (a.latency) features.push('latency measurement');
  const cannot: string[] = [];
  if (a.json.length > 0) cannot.push('JSON paths');
  if (a.body?.matches || a.body?.notContains) cannot.push('regex / not-contains');
  if (a.headers.length > 0 || a.securityHeaders) cannot.push('headers');
  if (a.certificate) cannot.push('certificate expiry');
  // Route 53 passes any 2xx or 3xx status; it cannot narrow that.
  if (!(a.status.includes('2xx') && a.status.includes('3xx'))) cannot.push('a status narrower than 2xx-3xx');
  if (spec.method !== 'GET' && spec.method !== 'HEAD') cannot.push(`${spec.method} requests`);
  const r = prices.route53;
  const base = ROUTE53_ENDPOINT === 'aws' ? r.healthCheckAws : r.healthCheckNonAws;
  const feature = ROUTE53_ENDPOINT === 'aws' ? r.optionalFeatureAws : r.optionalFeatureNonAws;
  return { monthly: priceOf(base, 1) + priceOf(feature, features.length), features, cannot };
}

/** What the always-free allowances would take off: each allowance against the stack's total use of it. */
function freeTierSavings(ctx: Context, all: Priced[]): number {
  const used = new Map<FreeTierKey, number>();
  for (const p of all) if (p.free) used.set(p.free, (used.get(p.free) ?? 0) + p.line.quantity);
  const { prices } = ctx;
  const flat: Partial<Record<FreeTierKey, (q: number) => number>> = {
    lambdaRequests: (q) => priceOf(prices.lambda.requests, q),
    lambdaGbSeconds: (q) => priceOf(ctx.plan.architecture === 'arm64' ? prices.lambda.armGbSecond : prices.lambda.x86GbSecond, q),
    metrics: (q) => tieredPriceOf(prices.cloudwatch.metrics, q),
    alarmMetrics: (q) => priceOf(prices.cloudwatch.alarmMetric, q),
    metricRequests: (q) => priceOf(prices.cloudwatch.metricRequests, q),
    dashboards: (q) => priceOf(prices.cloudwatch.dashboard, q),
    logGb: (q) => priceOf(prices.cloudwatch.logIngestion, q),
    schedulerInvocations: (q) => priceOf(prices.scheduler.invocations, q),
    snsPublishes: (q) => priceOf(prices.sns.publishes, q),
    snsEmail: (q) => priceOf(prices.sns.email, q),
    snsHttps: (q) => priceOf(prices.sns.https, q),
    kmsRequests: (q) => priceOf(prices.kms.requests, q),
  };
  let saved = 0;
  for (const [key, usedQuantity] of used) {
    const cost = flat[key];
    if (!cost) continue;
    // Only dashboards within the free tier's metric cap can be the free ones.
    const quantity = key === 'dashboards' ? Math.min(usedQuantity, ctx.dashboardsWithinFreeCap) : usedQuantity;
    // The free units are the first ones, at the first tier's price.
    saved += cost(Math.min(quantity, FREE_TIER[key]));
  }
  return saved;
}

/** Left out of every estimate (the README's "Not included" lists the same). */
export const ALWAYS_NOT_INCLUDED = [
  'log storage after ingestion ($0.03 per GB-month compressed; the log group keeps a month)',
  'data transfer out of the probes (responses are downloaded, not uploaded)',
  'cold-start init time (rare: a schedule every few minutes keeps the function warm)',
  'notifications of the probe function\'s own alarms (errors, throttles, duration: expected never to fire)',
] as const;

/** Left out when the stack creates its KMS key. */
export const KEY_ROTATION_NOT_INCLUDED = 'the KMS key\'s yearly rotation ($1 a month more after each of the first two)';

function notIncluded(config: WatchpostConfig, ctx: Context): string[] {
  const out: string[] = [...ALWAYS_NOT_INCLUDED];
  if (ctx.keys > 0) out.push(KEY_ROTATION_NOT_INCLUDED);
  const sms = config.alerting.critical.sms.length + config.alerting.warning.sms.length;
  if (sms > 0) {
    let messages = 0;
    for (const check of ctx.plan.checks) {
      const p = expectedPublishes(check, ctx.incidentsPerCheck);
      messages += p.critical * config.alerting.critical.sms.length + p.warning * config.alerting.warning.sms.length;
    }
    out.push(`SMS deliveries (about ${Math.round(messages)} a month; priced per destination country, see https://aws.amazon.com/sns/sms-pricing/)`);
  }
  return out;
}

function line(item: string, quantity: number, unit: string, monthly: number): CostLine {
  return { item, quantity, unit, monthly };
}

function sum(values: number[]): number {
  return values.reduce((a, b) => a + b, 0);
}
