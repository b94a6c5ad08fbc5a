/**
 * The cost model against figures worked out by hand from the us-east-1 price
 * table. The arithmetic is written next to each expected value. The only
 * input not worked out by hand is the size of a result log line, which comes
 * from the representative CheckResult (tested apart, below).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PLATFORM_LOG_BYTES_PER_INVOCATION, representativeResult, resultLogLineBytes, summaryLogLineBytes } from '../../lib/cost-log-line.ts';
import {
  ASSUMED_BATCH_DURATION_MS,
  costSummaryLine,
  estimateCost,
  UnsupportedRegionError,
  type CheckCost,
  type CostEstimate,
} from '../../lib/cost.ts';
import { planDeployment, SIZING } from '../../lib/plan.ts';
import { dashboardCount } from '../../lib/plan-extras.ts';
import { FREE_TIER, tieredPriceOf, PRICES } from '../../lib/pricing.ts';
import type { CheckSpec, WatchpostConfig } from '../../lib/spec/types.ts';
import { checkSpec } from '../fixtures/spec.ts';

const GB = 1024 ** 3;

function config(checks: CheckSpec[], email = 1): WatchpostConfig {
  const none = { email: [], https: [], sms: [] };
  return {
    namespace: 'Watchpost',
    alerting: {
      critical: { ...none, email: Array.from({ length: email }, (_, i) => `oncall${i}@example.com`) },
      warning: none,
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

function near(actual: number, expected: number, what: string): void {
  assert.ok(Math.abs(actual - expected) < 1e-9, `${what}: got ${actual}, expected ${expected}`);
}

describe('cost model: 1 check at 1m', () => {
  const spec = plain('solo');
  const e = estimateCost(config([spec]));
  const c = e.checks[0]!;

  it('prices every line from runs, memory, architecture and the plan', () => {
    // The figures below are worked out for these two.
    assert.equal(ASSUMED_BATCH_DURATION_MS, 1_500);
    assert.equal(SIZING.batchSize, 10);
    // 730 h × 60 = 43,800 runs; a batch of one check, so 43,800 invocations, all its own.
    near(lineOf(c, 'Scheduler invocations').quantity, 43_800, 'schedules');
    near(lineOf(c, 'Scheduler invocations').monthly, 43_800 * (1 / 1e6), 'schedules $'); // $0.0438
    near(lineOf(c, 'Lambda requests').monthly, 43_800 * (0.2 / 1e6), 'requests $'); // $0.00876
    // 1,024 MB = 1 GB × 1.5 s × 43,800 = 65,700 GB-s at the arm64 $0.0000133334.
    near(lineOf(c, 'Lambda compute').quantity, 65_700, 'GB-s');
    near(lineOf(c, 'Lambda compute').monthly, 65_700 * 0.0000133334, 'GB-s $'); // $0.87600438
    assert.match(lineOf(c, 'Lambda compute').item, /arm64, 1024 MB/);
    // One PutMetricData call per invocation at $0.01 per 1,000.
    near(lineOf(c, 'PutMetricData requests').monthly, 43_800 * (0.01 / 1000), 'PutMetricData $'); // $0.438
    // Success and Duration: 2 × $0.30.
    near(lineOf(c, 'Custom metrics').quantity, 2, 'metrics');
    near(lineOf(c, 'Custom metrics').monthly, 0.6, 'metrics $');
    // Availability + latency-critical: 2 alarm metrics × $0.10.
    near(lineOf(c, 'Alarms').monthly, 0.2, 'alarms $');
    // 2 incidents × 4 publishes (ALARM, OK, failure notice, recovery notice) = 8 publishes;
    // × 1 email subscriber = 8 emails; 2 KMS requests a publish = 16.
    near(lineOf(c, 'SNS publishes').monthly, 8 * (0.5 / 1e6), 'publishes $'); // $0.000004
    near(lineOf(c, 'SNS email deliveries').monthly, 8 * (2 / 100_000), 'emails $'); // $0.00016
    near(lineOf(c, 'KMS requests').monthly, 16 * (0.03 / 10_000), 'KMS requests $'); // $0.000048
    // The whole stack-wide cost is this one check's: key $1, the one dashboard $3, 3 function alarms $0.30.
    near(lineOf(c, 'Share: KMS key').monthly, 1, 'key share');
    near(lineOf(c, 'Share: Dashboards').monthly, 3, 'dashboard share');
    near(lineOf(c, 'Share: Probe function alarms').monthly, 0.3, 'function alarms share');
  });

  it('totals to $6.4668 plus the log lines', () => {
    // Each run: its result line; each invocation: the summary line (1 check, 2 datapoints, 1 call) and Lambda's own lines.
    const where = { region: 'us-east-1', batch: 'f1m-0' };
    const perInvocation = resultLogLineBytes(spec, where) + summaryLogLineBytes(1, 2, 1, where) + PLATFORM_LOG_BYTES_PER_INVOCATION;
    const logGb = (43_800 * perInvocation) / GB;
    near(lineOf(c, 'Log ingestion').quantity, logGb, 'log GB');
    // 0.0438 + 0.00876 + 0.87600438 + 0.438 + 0.6 + 0.2 + 0.000004 + 0.00016 + 0.000048 + 1 + 3 + 0.3 = 6.46677638
    near(c.monthly, 6.46677638 + logGb * 0.5, 'check total');
    near(e.totalMonthly, c.monthly, 'total');
  });

  it('is dominated by the fixed costs, which the free tier mostly removes', () => {
    const fixed = 1 + 3 + 0.3;
    assert.ok(fixed / c.monthly > 0.6, `fixed ${fixed} of ${c.monthly}`);
    // Free: 3 dashboards (the one: $3), 10 alarm metrics (all 5: $0.50), 10 metrics (both: $0.60), the Lambda,
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
  // 35 checks at 1m, 15 at 5m; each publishes Success, Duration and 5 phase timings = 7 metrics.
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
    near(lineOf(first, 'Lambda compute').quantity, 4_380 * 1.5, 'GB-s'); // 6,570
    // 10 checks × 7 datapoints = 70 per call: one PutMetricData call per invocation.
    near(lineOf(first, 'PutMetricData requests').quantity, 4_380, 'PutMetricData share');
    near(lineOf(first, 'Custom metrics').monthly, 7 * 0.3, 'metrics $'); // 350 metrics, all in the $0.30 tier
  });

  it('totals by hand', () => {
    // Invocations: 43,800 × 4 batches + 8,760 × 2 = 192,720; GB-s: 192,720 × 1.5 = 289,080.
    // 192,720 × $1/M (schedules) = 0.19272; × $0.20/M (requests) = 0.038544;
    // 289,080 × 0.0000133334 = 3.854419272; PutMetricData 192,720 × $0.01/1,000 = 1.9272;
    // metrics 350 × 0.30 = 105; alarms 100 × 0.10 = 10; SNS 400 publishes = 0.0002, 400 emails = 0.008;
    // KMS 800 requests = 0.0024; key 1; dashboards: 50 checks fit on one (up to 163) = $3; function alarms 0.30.
    const fixed = 0.19272 + 0.038544 + 3.854419272 + 1.9272 + 105 + 10 + 0.0002 + 0.008 + 0.0024 + 1 + 3 + 0.3;
    // Logs: every run's result line; every invocation's summary (checks, 7 datapoints each, 1 call) and platform lines.
    const batches = [
      ...[0, 1, 2, 3].map((i) => ({ batch: `f1m-${i}`, checks: specs.slice(i * 10, Math.min(35, (i + 1) * 10)), invocations: 43_800 })),
      { batch: 'f5m-0', checks: specs.slice(35, 45), invocations: 8_760 },
      { batch: 'f5m-1', checks: specs.slice(45), invocations: 8_760 },
    ];
    assert.deepEqual(batches.map((b) => b.checks.length), [10, 10, 10, 5, 10, 5]);
    let logBytes = 0;
    for (const b of batches) {
      const where = { region: 'us-east-1', batch: b.batch };
      const results = b.checks.reduce((s, spec) => s + resultLogLineBytes(spec, where), 0);
      const perInvocation = results + summaryLogLineBytes(b.checks.length, 7 * b.checks.length, 1, where) + PLATFORM_LOG_BYTES_PER_INVOCATION;
      logBytes += b.invocations * perInvocation;
    }
    near(e.totalMonthly, fixed + (logBytes / GB) * 0.5, 'total');
    near(e.detail.dashboards, 1, 'dashboards');
    near(lineOf(e.shared, 'Dashboards').monthly, 3, 'shared dashboards');
    near(e.totalMonthly, e.checks.reduce((s, c) => s + c.monthly, 0), 'total = sum of checks');
  });
});

describe("cost model: issue 6's target, 50 checks at 1m", () => {
  // Default metrics (Success, Duration), an availability and a latency-critical alarm each, one e-mail subscriber.
  const specs = Array.from({ length: 50 }, (_, i) => plain(`svc-${i}`));
  const e = estimateCost(config(specs));

  it('averages $1.03 a check with every shared cost divided in: $0.03 over the $1.00 target', () => {
    // Batches f1m-0 … f1m-4, 10 checks each: 5 × 43,800 = 219,000 invocations.
    // Schedules 219,000 × $1/M = 0.219; requests 219,000 × $0.20/M = 0.0438; GB-s 219,000 × 1 GB × 1.5 s = 328,500
    // × 0.0000133334 = 4.3800219; PutMetricData 219,000 × $0.01/1,000 = 2.19 (20 datapoints a call: 1 call).
    // Metrics 100 × $0.30 = 30; alarm metrics 100 × $0.10 = 10; SNS 50 × 8 = 400 publishes = 0.0002,
    // 400 emails × $2/100,000 = 0.008; KMS 800 requests × $0.03/10,000 = 0.0024.
    // Shared: key 1; ONE dashboard (50 ≤ 163 checks) 3; function alarms 3 × $0.10 = 0.30.
    // 0.219 + 0.0438 + 4.3800219 + 2.19 + 30 + 10 + 0.0002 + 0.008 + 0.0024 + 1 + 3 + 0.3 = 51.1434219
    let logBytes = 0;
    for (let b = 0; b < 5; b++) {
      const where = { region: 'us-east-1', batch: `f1m-${b}` };
      const checks = specs.slice(b * 10, (b + 1) * 10);
      const results = checks.reduce((s, spec) => s + resultLogLineBytes(spec, where), 0);
      logBytes += 43_800 * (results + summaryLogLineBytes(10, 20, 1, where) + PLATFORM_LOG_BYTES_PER_INVOCATION);
    }
    const logs = (logBytes / GB) * 0.5; // about $0.31: half a GB of result lines, 0.1 GB of summary and Lambda lines
    assert.ok(logs > 0.1 && logs < 0.5, `logs $${logs}`);
    near(e.totalMonthly, 51.1434219 + logs, 'total');
    assert.equal(e.detail.dashboards, 1);
    // $51.46 / 50 = $1.029 a check. Batches of 10 (for accuracy, lib/plan.ts) cost 2.5 times the invocations
    // of batches of 25: Lambda compute 0.0876 instead of 0.035 a check, PutMetricData 0.0438 instead of 0.0175.
    const average = e.totalMonthly / 50;
    assert.ok(average > 1.02 && average < 1.04, `average $${average} a check`);
    // At a measured 1.0 s a batch instead of the assumed 1.5 s, compute drops by a third and the target holds.
    const faster = estimateCost(config(specs), { batchDurationMs: 1_000 }).totalMonthly / 50;
    assert.ok(faster <= 1 && faster > 0.99, `average $${faster} a check at 1.0 s a batch`);
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

  it('says what the free tier would remove, each allowance at most once', () => {
    // Lambda: 100 batches × 43,800 = 4,380,000 requests, 1M free = $0.20; 6,570,000 GB-s, 400,000 free
    // = 400,000 × 0.0000133334 = $5.33336. Metrics: the first 10 at $0.30 = $3. Alarm metrics: 10 × $0.10 = $1.
    // PutMetricData: 4,380,000 calls, 1M free = $10. Dashboards: 3 × $3 = $9. Logs: far above 5 GB, so
    // 5 × $0.50 = $2.50. Schedules: 4,380,000 of the 14M free = $4.38. SNS: 8,000 publishes (all free)
    // = $0.004, 8,000 emails, 1,000 free = $0.02. KMS: 16,000 requests (all free) = $0.048.
    assert.equal(FREE_TIER.metrics, 10);
    near(e.detail.freeTierMonthly, 0.2 + 5.33336 + 3 + 1 + 10 + 9 + 2.5 + 4.38 + 0.004 + 0.02 + 0.048, 'free tier');
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
    // 43,800 × 0.5 GB × 1.5 s = 32,850 GB-s at $0.0000166667.
    near(compute.monthly, 32_850 * 0.0000166667, 'x86 GB-s $');
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
