/**
 * The cost model against figures worked out by hand from the us-east-1 price
 * table. The arithmetic is written next to each expected value, and so are
 * the log-line sizes (bytes), each asserted against the functions that
 * measure the runtime's real lines (test/cost/log-line.test.ts ties those to
 * the runtime's own line builder).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PLATFORM_LOG_BYTES_PER_INVOCATION, representativeResult, resultLogLineBytes, summaryLogLineBytes } from '../../lib/cost-log-line.ts';
import {
  ASSUMED_BATCH_DURATION_MS,
  ASSUMED_CERTIFICATE_EPISODES_PER_ALARM,
  ASSUMED_INCIDENTS_PER_CHECK,
  ASSUMED_LATENCY_EPISODES_PER_ALARM,
  ASSUMED_SLOWEST_PROBE_MS,
  costSummaryLine,
  estimateCost,
  expectedPublishes,
  MEASURED_BATCH_OVERHEAD_MS,
  SNS_PUBLISHES_PER_INCIDENT,
  UnsupportedRegionError,
  type CheckCost,
  type CostEstimate,
} from '../../lib/cost.ts';
import { planDeployment, SIZING } from '../../lib/plan.ts';
import { dashboardCount, dashboardMetricCounts } from '../../lib/plan-extras.ts';
import { FREE_DASHBOARD_MAX_METRICS, FREE_TIER, tieredPriceOf, PRICES } from '../../lib/pricing.ts';
import type { CheckSpec, WatchpostConfig } from '../../lib/spec/types.ts';
import { checkSpec } from '../fixtures/spec.ts';

const GB = 1024 ** 3;

function config(checks: CheckSpec[], email = 1, warningEmail = 0): WatchpostConfig {
  const none = { email: [], https: [], sms: [] };
  return {
    namespace: 'Watchpost',
    alerting: {
      critical: { ...none, email: Array.from({ length: email }, (_, i) => `oncall${i}@example.com`) },
      warning: { ...none, email: Array.from({ length: warningEmail }, (_, i) => `platform${i}@example.com`) },
    },
    checks,
  };
}

/** A check with the default metrics, an availability alarm and one latency alarm. */
function plain(name: string, frequency = 60_000): CheckSpec {
  return checkSpec({ name, url: `https://${name}.example.com/health`, frequency, assert: { latency: { warning: null, critical: 1000 } } });
}

function lineOf(check: CheckCost | CostEstimate['shared'], item: string) {
  const lines = Array.isArray(check) ? check : check.lines;
  const found = lines.find((l) => l.item === item || l.item.startsWith(`${item} (`));
  assert.ok(found, `no line "${item}" in ${lines.map((l) => l.item).join(', ')}`);
  return found;
}

/** Equal to a part in a billion (sums of a few thousand dollars differ from the hand's order of addition in the last bits). */
function near(actual: number, expected: number, what: string): void {
  assert.ok(Math.abs(actual - expected) <= 1e-9 * Math.max(1, Math.abs(expected)), `${what}: got ${actual}, expected ${expected}`);
}

const where = (batch: string) => ({ region: 'us-east-1', batch });

describe('cost model: the assumptions the figures below are worked out for', () => {
  it('a batch invocation takes the assumed slowest probe plus the measured overhead: 800 + 100 = 900 ms', () => {
    assert.equal(ASSUMED_SLOWEST_PROBE_MS, 800);
    assert.equal(MEASURED_BATCH_OVERHEAD_MS, 100);
    assert.equal(ASSUMED_BATCH_DURATION_MS, 900);
    assert.equal(SIZING.batchSize, 10);
    assert.equal(SIZING.memoryMb, 1024);
  });

  it('notifications: 2 incidents × 4 publishes (critical), each latency alarm 2 × ALARM+OK, each certificate alarm 1/3 × 4 (warning)', () => {
    assert.equal(ASSUMED_INCIDENTS_PER_CHECK, 2);
    assert.equal(SNS_PUBLISHES_PER_INCIDENT, 4);
    assert.equal(ASSUMED_LATENCY_EPISODES_PER_ALARM, 2);
    assert.equal(ASSUMED_CERTIFICATE_EPISODES_PER_ALARM, 1 / 3);
    const check = (spec: CheckSpec) => planDeployment(config([spec])).checks[0]!;
    // Availability only: 2 × 4 = 8 critical.
    assert.deepEqual(expectedPublishes(check(checkSpec({ name: 'a', url: 'https://a.example/' }))), { critical: 8, warning: 0 });
    // + latency warning (2 × 2 = 4 to warning) + latency critical (4 to critical) + certificate (1/3 × 4 to warning).
    const full = checkSpec({
      name: 'b',
      url: 'https://b.example/',
      assert: { latency: { warning: 500, critical: 2000 }, certificate: { minDaysRemaining: 14 } },
    });
    const p = expectedPublishes(check(full));
    assert.equal(p.critical, 8 + 4);
    near(p.warning, 4 + 4 / 3, 'warning publishes');
  });

  it('log lines: the byte counts used below are what the runtime\'s lines measure', () => {
    // Lambda's START, END and REPORT lines.
    assert.equal(PLATFORM_LOG_BYTES_PER_INVOCATION, 270);
    // A passing result line of plain(name): 2 bytes more for each extra character of the name (in `name` and `url`).
    assert.equal(resultLogLineBytes(plain('solo'), where('f1m-0')), 248);
    assert.equal(resultLogLineBytes(plain('svc-0'), where('f1m-0')), 250);
    assert.equal(resultLogLineBytes(plain('svc-10'), where('f1m-1')), 252);
    assert.equal(resultLogLineBytes(plain('m0'), where('f1m-0')), 244);
    assert.equal(resultLogLineBytes(plain('m10'), where('f1m-1')), 246);
    // Timings on add no bytes: the line always carries the phase times.
    assert.equal(resultLogLineBytes(checkSpec({ ...plain('m0'), metrics: { timings: true } }), where('f1m-0')), 244);
    // Summary lines: (checks, datapoints, PutMetricData calls); a one-digit count or batch index 1 byte less.
    assert.equal(summaryLogLineBytes(1, 2, 1, where('f1m-0')), 282);
    assert.equal(summaryLogLineBytes(10, 20, 1, where('f1m-0')), 285);
    assert.equal(summaryLogLineBytes(10, 70, 1, where('f1m-0')), 285);
    assert.equal(summaryLogLineBytes(5, 35, 1, where('f1m-3')), 283);
    assert.equal(summaryLogLineBytes(10, 120, 1, where('f1m-9')), 286);
    assert.equal(summaryLogLineBytes(10, 120, 1, where('f1m-10')), 287);
  });
});

describe('cost model: 1 check at 1m', () => {
  const spec = plain('solo');
  const e = estimateCost(config([spec]));
  const c = e.checks[0]!;

  it('prices every line from runs, memory, architecture and the plan', () => {
    // 730 h × 60 = 43,800 runs; a batch of one check, so 43,800 invocations, all its own.
    near(lineOf(c, 'Scheduler invocations').quantity, 43_800, 'schedules');
    near(lineOf(c, 'Scheduler invocations').monthly, 43_800 * (1 / 1e6), 'schedules $'); // $0.0438
    near(lineOf(c, 'Lambda requests').monthly, 43_800 * (0.2 / 1e6), 'requests $'); // $0.00876
    // 1,024 MB = 1 GB × 0.9 s × 43,800 = 39,420 GB-s at the arm64 $0.0000133334.
    near(lineOf(c, 'Lambda compute').quantity, 39_420, 'GB-s');
    near(lineOf(c, 'Lambda compute').monthly, 39_420 * 0.0000133334, 'GB-s $'); // $0.525602628
    assert.match(lineOf(c, 'Lambda compute').item, /arm64, 1024 MB/);
    // One PutMetricData call per invocation at $0.01 per 1,000.
    near(lineOf(c, 'PutMetricData requests').monthly, 43_800 * (0.01 / 1000), 'PutMetricData $'); // $0.438
    // Success and Duration: 2 × $0.30.
    near(lineOf(c, 'Custom metrics').quantity, 2, 'metrics');
    near(lineOf(c, 'Custom metrics').monthly, 0.6, 'metrics $');
    // Availability + latency-critical: 2 alarm metrics × $0.10.
    near(lineOf(c, 'Alarms').monthly, 0.2, 'alarms $');
    // 2 incidents × 4 publishes + the latency-critical alarm 2 × (ALARM, OK) = 12 publishes, all critical;
    // × 1 e-mail subscriber = 12 e-mails; 2 KMS requests a publish = 24.
    near(lineOf(c, 'SNS publishes').quantity, 12, 'publishes');
    near(lineOf(c, 'SNS publishes').monthly, 12 * (0.5 / 1e6), 'publishes $'); // $0.000006
    near(lineOf(c, 'SNS email deliveries').monthly, 12 * (2 / 100_000), 'emails $'); // $0.00024
    near(lineOf(c, 'KMS requests').monthly, 24 * (0.03 / 10_000), 'KMS requests $'); // $0.000072
    // The whole stack-wide cost is this one check's: key $1, the one dashboard $3, 3 function alarms $0.30.
    near(lineOf(c, 'Share: KMS key').monthly, 1, 'key share');
    near(lineOf(c, 'Share: Dashboards').monthly, 3, 'dashboard share');
    near(lineOf(c, 'Share: Probe function alarms').monthly, 0.3, 'function alarms share');
  });

  it('totals $6.1328', () => {
    // Logs: each run its result line (248 bytes), the summary (1 check, 2 datapoints, 1 call: 282) and Lambda's 270:
    // 43,800 × 800 = 35,040,000 bytes = 0.032633 GB × $0.50 = $0.0163.
    near(lineOf(c, 'Log ingestion').quantity, 35_040_000 / GB, 'log GB');
    // 0.0438 + 0.00876 + 0.525602628 + 0.438 + 0.6 + 0.2 + 0.000006 + 0.00024 + 0.000072 + 1 + 3 + 0.3 = 6.116480628
    near(c.monthly, 6.116480628 + (35_040_000 / GB) * 0.5, 'check total'); // $6.1328
    near(e.totalMonthly, c.monthly, 'total');
  });

  it('is dominated by the fixed costs, which the free tier mostly removes', () => {
    const fixed = 1 + 3 + 0.3;
    assert.ok(fixed / c.monthly > 0.7, `fixed ${fixed} of ${c.monthly}`);
    // Its one dashboard shows 1 + 3 = 4 metrics, within the free tier's 50, so it can be a free one.
    assert.deepEqual(dashboardMetricCounts(planDeployment(config([spec]))), [4]);
    assert.equal(e.detail.dashboardsWithinFreeCap, 1);
    // Free: that dashboard ($3), 10 alarm metrics (all 5: $0.50), 10 metrics (both: $0.60), the Lambda,
    // scheduler, API-request, log, SNS and KMS allowances (all of this check's use). Only the key stays.
    near(e.detail.freeTierMonthly, c.monthly - 1, 'free tier');
  });

  it('compares with CloudWatch Synthetics and Route 53', () => {
    // 43,800 runs × $0.0012 = $52.56, plus the canary's Lambda: 43,800 requests and
    // 43,800 × (1,000/1,024) GB × 5 s = 213,867.1875 GB-s at x86_64 $0.0000166667.
    near(c.cloudwatchSyntheticsMonthly, 52.56 + 43_800 * (0.2 / 1e6) + 213_867.1875 * 0.0000166667, 'synthetics');
    // AWS endpoint $0.50 + HTTPS $1 + latency measurement $1.
    near(c.route53Monthly, 2.5, 'route 53');
    assert.deepEqual(c.detail.route53Features, ['HTTPS', 'latency measurement']);
  });
});

describe('cost model: 50 checks at 1m and 5m, timings on', () => {
  // 35 checks at 1m, 15 at 5m; each (https) publishes Success, Duration and 5 phase timings = 7 metrics.
  const specs = [
    ...Array.from({ length: 35 }, (_, i) => checkSpec({ ...plain(`m${i}`), metrics: { timings: true } })),
    ...Array.from({ length: 15 }, (_, i) => checkSpec({ ...plain(`f${i}`, 300_000), metrics: { timings: true } })),
  ];
  const e = estimateCost(config(specs));
  const byName = new Map(e.checks.map((c) => [c.name, c]));

  it('divides each batch\'s invocations among its checks', () => {
    // Batches of at most 10: f1m-0..2 = 10 checks each, f1m-3 = 5, f5m-0 = 10, f5m-1 = 5 (8,760 runs a month at 5m).
    assert.equal(e.detail.batches, 6);
    const first = byName.get('m0')!;
    const tail = byName.get('m34')!;
    const slow = byName.get('f0')!;
    const slowTail = byName.get('f14')!;
    near(lineOf(first, 'Lambda requests').quantity, 43_800 / 10, 'f1m-0 share'); // 4,380
    near(lineOf(tail, 'Lambda requests').quantity, 43_800 / 5, 'f1m-3 share'); // 8,760
    near(lineOf(slow, 'Lambda requests').quantity, 8_760 / 10, 'f5m-0 share'); // 876
    near(lineOf(slowTail, 'Lambda requests').quantity, 8_760 / 5, 'f5m-1 share'); // 1,752
    near(lineOf(first, 'Lambda compute').quantity, 4_380 * 0.9, 'GB-s'); // 3,942
    // 10 checks × 7 datapoints = 70 per call: one PutMetricData call per invocation.
    near(lineOf(first, 'PutMetricData requests').quantity, 4_380, 'PutMetricData share');
    near(lineOf(first, 'Custom metrics').monthly, 7 * 0.3, 'metrics $'); // 350 metrics, all in the $0.30 tier
  });

  it('totals $124.03 by hand', () => {
    // Invocations: 43,800 × 4 batches + 8,760 × 2 = 192,720; GB-s: 192,720 × 0.9 = 173,448.
    // 192,720 × $1/M (schedules) = 0.19272; × $0.20/M (requests) = 0.038544;
    // 173,448 × 0.0000133334 = 2.3126516... ; PutMetricData 192,720 × $0.01/1,000 = 1.9272;
    // metrics 350 × 0.30 = 105; alarms 100 × 0.10 = 10; SNS 50 × 12 = 600 publishes = 0.0003, 600 emails = 0.012;
    // KMS 1,200 requests = 0.0036; key 1; dashboards: 50 checks fit on one (up to 163) = $3; function alarms 0.30.
    const fixed = 0.19272 + 0.038544 + 173_448 * 0.0000133334 + 1.9272 + 105 + 10 + 0.0003 + 0.012 + 0.0036 + 1 + 3 + 0.3;
    // Logs, bytes per invocation = result lines + summary + 270 (platform); result lines 244 bytes for m0-m9 and
    // f0-f9, 246 for two-digit names; summaries 285 for 10 checks (70 datapoints), 283 for 5 (35).
    //   f1m-0: 10 × 244 + 285 + 270 = 2,995   f1m-1, f1m-2: 10 × 246 + 285 + 270 = 3,015   f1m-3: 5 × 246 + 283 + 270 = 1,783
    //   f5m-0: 10 × 244 + 285 + 270 = 2,995   f5m-1: 5 × 246 + 283 + 270 = 1,783
    // 43,800 × (2,995 + 3,015 + 3,015 + 1,783) + 8,760 × (2,995 + 1,783) = 473,390,400 + 41,855,280 = 515,245,680 bytes.
    const logBytes = 515_245_680;
    near(e.checks.reduce((s, c) => s + lineOf(c, 'Log ingestion').quantity, 0), logBytes / GB, 'log GB');
    near(e.totalMonthly, fixed + (logBytes / GB) * 0.5, 'total'); // 123.7873 + 0.2399 = $124.03, metrics $105 of it
    assert.ok(e.totalMonthly > 124.02 && e.totalMonthly < 124.03, `total ${e.totalMonthly}`);
    near(e.detail.dashboards, 1, 'dashboards');
    near(lineOf(e.shared, 'Dashboards').monthly, 3, 'shared dashboards');
    near(e.totalMonthly, e.checks.reduce((s, c) => s + c.monthly, 0), 'total = sum of checks');
  });

  it('leaves the dashboard out of the free tier: 50 × (1 + 3 + 5) = 450 metrics on it, over the 50 allowed', () => {
    assert.equal(FREE_DASHBOARD_MAX_METRICS, 50);
    assert.deepEqual(dashboardMetricCounts(planDeployment(config(specs))), [450]);
    assert.equal(e.detail.dashboardsWithinFreeCap, 0);
  });
});

describe("cost model: issue 6's target, 50 checks at 1m", () => {
  // Default metrics (Success, Duration), an availability and a latency-critical alarm each, one e-mail subscriber.
  const specs = Array.from({ length: 50 }, (_, i) => plain(`svc-${i}`));
  const e = estimateCost(config(specs));

  it('averages $0.9942 a check with every shared cost divided in: $0.0058 under the $1.00 target', () => {
    // Batches f1m-0 … f1m-4, 10 checks each: 5 × 43,800 = 219,000 invocations.
    // Schedules 219,000 × $1/M = 0.219; requests 219,000 × $0.20/M = 0.0438; GB-s 219,000 × 1 GB × 0.9 s = 197,100
    // × 0.0000133334 = 2.62801314; PutMetricData 219,000 × $0.01/1,000 = 2.19 (20 datapoints a call: 1 call).
    // Metrics 100 × $0.30 = 30; alarm metrics 100 × $0.10 = 10; SNS 50 × 12 = 600 publishes = 0.0003,
    // 600 emails × $2/100,000 = 0.012; KMS 1,200 requests × $0.03/10,000 = 0.0036.
    // Shared: key 1; ONE dashboard (50 ≤ 163 checks) 3; function alarms 3 × $0.10 = 0.30.
    // 0.219 + 0.0438 + 2.62801314 + 2.19 + 30 + 10 + 0.0003 + 0.012 + 0.0036 + 1 + 3 + 0.3 = 49.39671314
    // Logs: result lines 250 bytes (svc-0 … svc-9), 252 (svc-10 … svc-49); summary 285; platform 270:
    //   f1m-0: 10 × 250 + 285 + 270 = 3,055; f1m-1 … f1m-4: 10 × 252 + 285 + 270 = 3,075 each
    //   43,800 × (3,055 + 4 × 3,075) = 43,800 × 15,355 = 672,549,000 bytes = 0.6264 GB × $0.50 = $0.3132
    const logs = (672_549_000 / GB) * 0.5;
    near(e.totalMonthly, 49.39671314 + logs, 'total'); // $49.7099
    assert.equal(e.detail.dashboards, 1);
    // $49.7099 / 50 = $0.99420 a check.
    near(e.totalMonthly / 50, (49.39671314 + logs) / 50, 'average');
    assert.ok(e.totalMonthly / 50 <= 1 && e.totalMonthly / 50 > 0.994, `average $${e.totalMonthly / 50} a check`);
  });

  it('is sensitive to the batch duration: every 100 ms more is $0.0584 a check, so 1.0 s breaks the target', () => {
    // 219,000 invocations × 1 GB × 0.1 s = 21,900 GB-s × 0.0000133334 = $0.29200146, / 50 = $0.0058400292.
    const slower = estimateCost(config(specs), { batchDurationMs: 1_000 }).totalMonthly;
    near(slower - e.totalMonthly, 21_900 * 0.0000133334, '100 ms more');
    assert.ok(slower / 50 > 1, `average $${slower / 50} at 1.0 s`);
  });

  it('with the free tier: $0.806 a check (the dashboard, 200 metrics, is not a free one)', () => {
    // 50 × (1 + 3) = 200 metrics on the one dashboard > 50: no free dashboard. Free: requests 0.0438, GB-s 2.62801314,
    // 10 metrics 3, 10 alarm metrics 1, PutMetricData 2.19, logs 0.3132 (under 5 GB), schedules 0.219,
    // SNS 0.0003 + 0.012, KMS 0.0036.
    assert.equal(e.detail.dashboardsWithinFreeCap, 0);
    near(e.detail.freeTierMonthly, 0.0438 + 2.62801314 + 3 + 1 + 2.19 + (672_549_000 / GB) * 0.5 + 0.219 + 0.0003 + 0.012 + 0.0036, 'free tier');
    const left = (e.totalMonthly - e.detail.freeTierMonthly) / 50;
    near(left, (49.39671314 - (0.0438 + 2.62801314 + 3 + 1 + 2.19 + 0.219 + 0.0003 + 0.012 + 0.0036)) / 50, 'with free tier'); // 40.3/50 = 0.806
  });
});

describe('cost model: 1,000 checks, where the metric tiers matter', () => {
  // Each: Success, Duration, 5 timings, CertDaysRemaining, CacheHit, 3 Server-Timing entries = 12 metrics.
  const specs = Array.from({ length: 1000 }, (_, i) =>
    checkSpec({
      name: `c${i}`,
      url: `https://c${i}.example.com/`,
      assert: { certificate: { minDaysRemaining: 14 } },
      metrics: { timings: true, cache: true, serverTiming: ['db', 'app', 'cache'] },
    }),
  );
  const e = estimateCost(config(specs));

  it('prices 12,000 metrics as 10,000 × $0.30 + 2,000 × $0.10', () => {
    assert.equal(e.detail.customMetrics, 12_000);
    // 3,000 + 200 = $3,200 for 12,000 metrics: $0.2667 a metric on average, $3.20 a check.
    near(tieredPriceOf(PRICES['us-east-1']!.cloudwatch.metrics, 12_000), 3_200, 'tiered');
    for (const c of [e.checks[0]!, e.checks[999]!]) near(lineOf(c, 'Custom metrics').monthly, 3.2, `${c.name} metrics`);
    const metrics = e.checks.reduce((s, c) => s + lineOf(c, 'Custom metrics').monthly, 0);
    near(metrics, 3_200, 'all metrics');
  });

  it('counts alarms, dashboards and batches from the plan', () => {
    // Availability + certificate per check: 2,000, plus the function's 3.
    assert.equal(e.detail.alarmMetrics, 2_003);
    // 1,000 checks do not fit on one dashboard (163 do), so they split: the overview plus each nested
    // stack's detail dashboard. 1,000 checks: 32 stacks (1,000 / 16 = 62.5 > 40, 1,000 / 32 = 31.25 ≤ 40),
    // each far under 163 checks, so one detail dashboard each: 1 + 32 = 33 dashboards × $3 = $99.
    const plan = planDeployment(config(specs));
    assert.equal(plan.shards.length, 32);
    assert.ok(plan.shards.every((s) => s.dashboards.length === 1), 'one detail dashboard per stack');
    assert.equal(dashboardCount(plan), 33);
    assert.equal(e.detail.dashboards, 33);
    near(lineOf(e.shared, 'Dashboards').monthly, 99, 'dashboards $');
    // 10 checks a batch: 100 batches.
    assert.equal(e.detail.batches, 100);
    // 10 × 12 = 120 datapoints an invocation: one PutMetricData call.
    near(lineOf(e.checks[0]!, 'PutMetricData requests').quantity, 43_800 / 10, 'PutMetricData');
  });

  it('totals $3,608.22 by hand', () => {
    // Invocations: 100 batches × 43,800 = 4,380,000. Schedules 4,380,000 × $1/M = 4.38; requests × $0.20/M = 0.876;
    // GB-s 4,380,000 × 1 GB × 0.9 s = 3,942,000 × 0.0000133334 = 52.5602628; PutMetricData 4,380,000 × $0.01/1,000 = 43.8.
    // Metrics 3,200 (above). Alarm metrics 2,000 × $0.10 = 200; function alarms 3 × $0.10 = 0.30.
    // SNS per check: 2 × 4 = 8 critical + certificate 1/3 × 4 = 4/3 warning; × 1,000 = 9,333.33 publishes
    // × $0.50/M = 0.0046667; e-mails: 8,000 (critical has 1 subscriber, warning none) × $2/100,000 = 0.16;
    // KMS 2 × 9,333.33 = 18,666.67 × $0.03/10,000 = 0.056. Key 1; 33 dashboards × $3 = 99.
    const fixed =
      4.38 + 0.876 + 52.5602628 + 43.8 + 3_200 + 200 + 0.3 + (28_000 / 3) * (0.5 / 1e6) + 0.16 + (56_000 / 3) * (0.03 / 10_000) + 1 + 99;
    // Logs per 1-minute round of all 100 batches. Result lines (name, URL and batch id in them): c0-c9 in f1m-0
    // 238 bytes, c10-c99 in f1m-1 … f1m-9 240, c100-c999 in f1m-10 … f1m-99 243:
    //   10 × 238 + 90 × 240 + 900 × 243 = 2,380 + 21,600 + 218,700 = 242,680;
    // summaries (10 checks, 120 datapoints, 1 call) 286 bytes for f1m-0 … f1m-9, 287 for f1m-10 … f1m-99:
    //   10 × 286 + 90 × 287 = 28,690; platform 100 × 270 = 27,000. 242,680 + 28,690 + 27,000 = 298,370 bytes,
    // × 43,800 = 13,068,606,000 bytes = 12.171 GB × $0.50 = $6.0855.
    for (const [i, bytes] of [[0, 238], [9, 238], [10, 240], [99, 240], [100, 243], [999, 243]] as const) {
      assert.equal(resultLogLineBytes(specs[i]!, where(`f1m-${Math.floor(i / 10)}`)), bytes, `c${i}`);
    }
    const logBytes = 13_068_606_000;
    near(e.checks.reduce((s, c) => s + lineOf(c, 'Log ingestion').quantity, 0), logBytes / GB, 'log GB');
    near(e.totalMonthly, fixed + (logBytes / GB) * 0.5, 'total');
    assert.ok(e.totalMonthly > 3_608.2 && e.totalMonthly < 3_608.3, `total ${e.totalMonthly}`); // $3.61 a check
  });

  it('says what the free tier would remove, each allowance at most once, free dashboards only within 50 metrics', () => {
    // Dashboards: the 32 detail dashboards show about 31 checks × (1 + 3 + 5) = 279 metrics each, over 50;
    // only the overview (alarm status widgets, no metrics) qualifies: 1 × $3, not 3 × $3.
    const counts = dashboardMetricCounts(planDeployment(config(specs)));
    assert.equal(counts[0], 0);
    assert.ok(counts.slice(1).every((m) => m > 50), counts.join(','));
    assert.equal(e.detail.dashboardsWithinFreeCap, 1);
    // Lambda: 4,380,000 requests, 1M free = $0.20; 3,942,000 GB-s, 400,000 free = 400,000 × 0.0000133334
    // = $5.33336. Metrics: the first 10 at $0.30 = $3. Alarm metrics: 10 × $0.10 = $1. PutMetricData: 4,380,000
    // calls, 1M free = $10. Dashboards $3. Logs: far above 5 GB, so 5 × $0.50 = $2.50. Schedules: 4,380,000 of the
    // 14M free = $4.38. SNS: 9,333.33 publishes (all free) = $0.0046667, 8,000 emails, 1,000 free = $0.02.
    // KMS: 18,666.67 requests (all free) = $0.056.
    assert.equal(FREE_TIER.metrics, 10);
    near(e.detail.freeTierMonthly, 0.2 + 5.33336 + 3 + 1 + 10 + 3 + 2.5 + 4.38 + (28_000 / 3) * (0.5 / 1e6) + 0.02 + 0.056, 'free tier');
  });
});

describe('cost model: edges', () => {
  it('needs a second PutMetricData call when a batch has more than 1,000 datapoints', () => {
    // 10 checks × (2 + 100 Server-Timing entries) = 1,020 datapoints: 2 calls an invocation.
    const entries = Array.from({ length: 100 }, (_, i) => `e${i}`);
    const specs = Array.from({ length: 10 }, (_, i) => checkSpec({ name: `s${i}`, url: 'https://a.example/', metrics: { serverTiming: entries } }));
    const e = estimateCost(config(specs));
    near(lineOf(e.checks[0]!, 'PutMetricData requests').quantity, (43_800 * 2) / 10, 'two calls shared by 10');
  });

  it('pays for no TlsTime on a plain-http check with timings: 6 metrics, not 7', () => {
    const http = checkSpec({ name: 'legacy', url: 'http://legacy.example.com/', metrics: { timings: true } });
    const https = checkSpec({ name: 'modern', url: 'https://modern.example.com/', metrics: { timings: true } });
    const e = estimateCost(config([http, https]));
    // Success, Duration, DnsTime, ConnectTime, FirstByteTime, DownloadTime = 6 × $0.30; https adds TlsTime: 7.
    near(lineOf(e.checks[0]!, 'Custom metrics').quantity, 6, 'http metrics');
    near(lineOf(e.checks[0]!, 'Custom metrics').monthly, 1.8, 'http metrics $');
    near(lineOf(e.checks[1]!, 'Custom metrics').quantity, 7, 'https metrics');
  });

  it('follows the stack options: no dashboards, and no key when both topics are brought', () => {
    const specs = [plain('a'), plain('b')];
    const base = estimateCost(config(specs));
    const without = estimateCost(config(specs), { stack: { dashboard: false } });
    // The one $3 dashboard is gone: $1.50 less a check.
    near(lineOf(without.shared, 'Dashboards').quantity, 0, 'no dashboards');
    near(base.totalMonthly - without.totalMonthly, 3, 'dashboard $');
    const brought = { critical: 'arn:aws:sns:us-east-1:111111111111:c', warning: 'arn:aws:sns:us-east-1:111111111111:w' };
    const ownTopics = estimateCost(config(specs), { stack: { topics: brought } });
    near(lineOf(ownTopics.shared, 'KMS key').quantity, 0, 'no key');
    near(base.totalMonthly - ownTopics.totalMonthly, 1, 'key $');
    assert.ok(!ownTopics.detail.notIncluded.some((n) => n.includes('rotation')), 'no key, no rotation note');
    // One brought topic: the stack still creates the other, and the key for it.
    near(lineOf(estimateCost(config(specs), { stack: { topics: { critical: brought.critical } } }).shared, 'KMS key').quantity, 1, 'one brought');
  });

  it('sends the warning alarms\' notices to the warning topic\'s subscribers', () => {
    // Latency warning + critical, a certificate alarm; 1 critical and 2 warning e-mail subscribers.
    const spec = checkSpec({
      name: 'w',
      url: 'https://w.example/',
      assert: { latency: { warning: 500, critical: 2000 }, certificate: { minDaysRemaining: 14 } },
    });
    const c = estimateCost(config([spec], 1, 2)).checks[0]!;
    // Critical: 2 × 4 + 2 × 2 (latency critical) = 12; warning: 2 × 2 (latency warning) + 1/3 × 4 (certificate) = 16/3.
    near(lineOf(c, 'SNS publishes').quantity, 12 + 16 / 3, 'publishes');
    // E-mails: 12 × 1 + 16/3 × 2 = 12 + 32/3.
    near(lineOf(c, 'SNS email deliveries').quantity, 12 + 32 / 3, 'emails');
  });

  it('refuses a region without prices, naming the supported ones', () => {
    assert.throws(() => estimateCost(config([plain('a')]), { region: 'mars-north-1' }), (err: unknown) => {
      assert.ok(err instanceof UnsupportedRegionError);
      assert.equal(err.message, 'no prices for region "mars-north-1"; supported: us-east-1');
      return true;
    });
  });

  it('follows the plan options (memory, architecture)', () => {
    const e = estimateCost(config([plain('a')]), { plan: { memoryMb: 512, architecture: 'x86_64' } });
    const compute = lineOf(e.checks[0]!, 'Lambda compute');
    assert.match(compute.item, /x86_64, 512 MB/);
    // 43,800 × 0.5 GB × 0.9 s = 19,710 GB-s at $0.0000166667.
    near(compute.monthly, 19_710 * 0.0000166667, 'x86 GB-s $');
  });

  it('asks Route 53 for string matching for body and JSON assertions, and says what it cannot check', () => {
    const spec = checkSpec({
      name: 'api',
      url: 'http://api.example.com/',
      method: 'POST',
      assert: { status: [201], json: [{ path: 'ok', operator: 'equals', value: true }], headers: [{ name: 'x', operator: 'absent', value: true }] },
    });
    const c = estimateCost(config([spec])).checks[0]!;
    // http: no HTTPS feature; $0.50 + string matching $1.
    near(c.route53Monthly, 1.5, 'route 53');
    assert.deepEqual(c.detail.route53Cannot, ['JSON paths', 'headers', 'a status narrower than 2xx-3xx', 'POST requests']);
  });
});

describe('representative result', () => {
  it('carries every assertion the check makes, with its certificate for https', () => {
    const spec = checkSpec({
      name: 'shop',
      url: 'https://shop.example.com/',
      assert: { body: { contains: 'Add to cart', notContains: null, matches: null }, certificate: { minDaysRemaining: 14 } },
    });
    const result = representativeResult(spec);
    assert.deepEqual(result.assertions.map((a) => a.type), ['status', 'body', 'certificate']);
    assert.equal(result.certificate?.subject, 'shop.example.com');
    assert.equal(result.ok, true);
  });
});

describe('costSummaryLine', () => {
  it('says checks, the monthly estimate and the per-check average in one line', () => {
    const line = costSummaryLine(config([plain('a'), plain('b')]));
    const e = estimateCost(config([plain('a'), plain('b')]));
    const total = e.totalMonthly.toFixed(2);
    const average = (e.totalMonthly / 2).toFixed(2);
    assert.equal(
      line,
      `Watchpost cost estimate: 2 checks, $${total}/month at us-east-1 prices ($${average} per check, list prices without free tier; details: npx watchpost cost)`,
    );
    assert.doesNotMatch(line, /\n/);
    // With the region known (a stack with an env), the line says where.
    assert.match(costSummaryLine(config([plain('a'), plain('b')]), { region: 'us-east-1' }), /\/month in us-east-1 \(/);
  });

  it('falls back to us-east-1 prices for a region without them, and says so', () => {
    const line = costSummaryLine(config([plain('a')]), { region: 'ap-south-9' });
    assert.match(line, /^Watchpost cost estimate: 1 check, \$[\d.]+\/month at us-east-1 prices \(none listed for ap-south-9\) \(/);
  });
});
