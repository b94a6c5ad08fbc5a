/**
 * The pure sizing rules the constructs build from: shards (nested stacks and
 * dashboards) and alarm descriptions that fit CloudWatch's limit.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ALARM_DESCRIPTION_MAX, alarmDescription, fitLines } from '../../lib/alarms.ts';
import { alarmsForCheck, DASHBOARD_CHECK_SHAPE, DASHBOARD_LIMITS, dashboardCapacity, makeShards, planDeployment, shardCount, SIZING } from '../../lib/plan.ts';
import { dashboardCount } from '../../lib/plan-extras.ts';
import { checkSpec } from '../fixtures/spec.ts';

const checks = (n: number, prefix = 'svc') => Array.from({ length: n }, (_, i) => checkSpec({ name: `${prefix}-${i}`, url: `https://${prefix}${i}.example.com/` }));

describe('dashboard capacity', () => {
  it('is the most checks one dashboard holds within CloudWatch\'s limits: 163', () => {
    assert.deepEqual(DASHBOARD_LIMITS, { widgets: 500, metricsPerDashboard: 2_500, metricsPerGraph: 500, alarmsPerStatusWidget: 100 });
    // Widgets: 2 fixed + ceil(4n / 100) alarm status + 3n graphs. n = 163: 2 + 7 + 489 = 498 ≤ 500;
    // n = 164: 2 + 7 + 492 = 501 > 500. Metrics: 10 × 163 = 1,630 ≤ 2,500.
    assert.equal(dashboardCapacity(), 163);
    assert.equal(SIZING.checksPerDashboard, 163);
  });

  it('follows whichever limit binds first', () => {
    // Metrics binding: 1,000 / 10 = 100 checks (widgets would allow 163).
    assert.equal(dashboardCapacity({ ...DASHBOARD_LIMITS, metricsPerDashboard: 1_000 }), 100);
    // Alarm status widgets of 10 alarms: n = 146: 2 + ceil(584 / 10) + 438 = 2 + 59 + 438 = 499 ≤ 500;
    // n = 147: 2 + 59 + 441 = 502 > 500.
    assert.equal(dashboardCapacity({ ...DASHBOARD_LIMITS, alarmsPerStatusWidget: 10 }), 146);
    // A graph with more lines than a widget may show: nothing fits.
    assert.equal(dashboardCapacity(DASHBOARD_LIMITS, { ...DASHBOARD_CHECK_SHAPE, linesPerGraph: 501 }), 0);
  });

  it('puts 50 checks (issue 6\'s fleet) and 163 on one dashboard, 164 on an overview plus detail dashboards', () => {
    const plan = (n: number) => planDeployment({ namespace: 'W', alerting: { critical: { email: [], https: [], sms: [] }, warning: { email: [], https: [], sms: [] } }, checks: checks(n) });
    for (const n of [1, 50, 163]) {
      const p = plan(n);
      assert.equal(p.dashboardLayout, 'single', `${n}`);
      assert.equal(dashboardCount(p), 1, `${n}`);
      assert.ok(p.shards.every((s) => s.dashboards.length === 0));
    }
    // 164 checks: 8 stacks (164 / 4 = 41 > 40; 164 / 8 = 20.5), a detail dashboard each, plus the overview.
    const p = plan(164);
    assert.equal(p.dashboardLayout, 'split');
    assert.equal(p.shards.length, 8);
    assert.equal(dashboardCount(p), 9);
    assert.deepEqual(p.shards.map((s) => s.dashboards.flat().length), p.shards.map((s) => s.checks.length));
  });
});

describe('batches', () => {
  it('puts at most 10 checks of one frequency in a batch, all probed in one wave', () => {
    // 10, not 25: https readings at 1,024 MB were 13.7 / 18.7 ms high (median / p95) with 10 in flight, 20.6 / 31.6 ms with 25 (docs/BENCHMARKS.md, table 5b).
    assert.equal(SIZING.batchSize, 10);
    // worstCaseMs (the function timeout) assumes one wave: every check of a batch in flight at once.
    assert.ok(SIZING.concurrency >= SIZING.batchSize, `concurrency ${SIZING.concurrency} < batch ${SIZING.batchSize}`);
    const specs = [...checks(23), ...checks(3, 'slow').map((c) => ({ ...c, frequency: 300_000 }))];
    const plan = planDeployment({ namespace: 'W', alerting: { critical: { email: [], https: [], sms: [] }, warning: { email: [], https: [], sms: [] } }, checks: specs });
    assert.deepEqual(
      plan.batches.map((b) => `${b.id}:${b.checks.length}`),
      ['f1m-0:10', 'f1m-1:10', 'f1m-2:3', 'f5m-0:3'],
    );
    assert.equal(plan.checks.find((c) => c.spec.name === 'svc-22')!.batchId, 'f1m-2');
  });
});

describe('makeShards', () => {
  it('keeps up to checksPerStack checks in one stack in file order, with no detail dashboard while they fit on one', () => {
    const shards = makeShards(checks(SIZING.checksPerStack));
    assert.equal(shards.length, 1);
    assert.equal(shards[0]!.index, 1);
    assert.equal(shards[0]!.checks.length, 50);
    assert.deepEqual(shards[0]!.checks[25]!.name, 'svc-25');
    assert.deepEqual(shards[0]!.dashboards, []);
  });

  it('groups a stack\'s checks into detail dashboards of at most perDashboard when they do not fit on one', () => {
    const shards = makeShards(checks(50), 20);
    assert.deepEqual(shards[0]!.dashboards.map((d) => d.length), [20, 20, 10]);
    assert.equal(shards[0]!.dashboards[1]![0]!.name, 'svc-20');
  });

  it('uses a power of two of buckets averaging at most 80 % of checksPerStack above that', () => {
    assert.deepEqual([1, 50, 51, 80, 81, 160, 161, 1000].map((n) => shardCount(n)), [1, 1, 2, 2, 4, 4, 8, 32]);
  });

  it('places every check exactly once', () => {
    const all = checks(1000);
    const placed = makeShards(all).flatMap((s) => s.checks.map((c) => c.name));
    assert.deepEqual([...placed].sort(), all.map((c) => c.name).sort());
  });

  it('does not move other checks when one is inserted or removed (alarm names cannot move between stacks)', () => {
    const before = checks(400);
    const after = [...before.slice(0, 100), checkSpec({ name: 'new-check', url: 'https://new.example.com/' }), ...before.slice(101)];
    const where = (list: ReturnType<typeof checks>) =>
      new Map(makeShards(list).flatMap((s) => s.checks.map((c) => [c.name, s.index] as const)));
    const a = where(before);
    const b = where(after);
    for (const [name, index] of b) if (a.has(name)) assert.equal(index, a.get(name), name);
  });

  it('keeps buckets small enough for the alarm and template limits at 1,000 checks', () => {
    const sizes = makeShards(checks(1000)).map((s) => s.checks.length);
    // 4 alarms per check at most: under 500 resources with a wide margin.
    assert.ok(Math.max(...sizes) * 4 < 300, `largest bucket ${Math.max(...sizes)}`);
  });
});

describe('alarm descriptions', () => {
  const spec = checkSpec({
    name: 'shop-home',
    url: 'https://shop.example.com/',
    runbook: { owner: 'team-shop', expected: 'x'.repeat(900), rollback: 'y'.repeat(900), url: 'https://wiki.example.com/r' },
  });
  const [availability] = alarmsForCheck(spec);

  it('fits 1024 characters by cutting the long free text, keeping the rule and the links', () => {
    const text = alarmDescription(spec, availability!, 'https://console.aws.amazon.com/cloudwatch/home#dashboards/dashboard/watchpost-01-1');
    assert.ok(text.length <= ALARM_DESCRIPTION_MAX, `${text.length}`);
    assert.match(text, /^Watchpost: shop-home is failing\. GET https:\/\/shop\.example\.com\/\n/);
    assert.match(text, /\nFires when Success Minimum < 1 in 2 of 3 periods of 1m; no data \(the probe stopped\) counts as failing\.\n/);
    assert.match(text, /\nRunbook: https:\/\/wiki\.example\.com\/r\n/);
    assert.match(text, /\nDashboard: https:\/\/console\.aws\.amazon\.com\/cloudwatch\/home#dashboards\/dashboard\/watchpost-01-1$/);
    assert.match(text, /\nExpected: x+…\n/);
    assert.match(text, /\nRollback: y+…\n/);
  });

  it('leaves out runbook fields the check does not set', () => {
    const bare = checkSpec({ name: 'api', url: 'https://api.example.com/' });
    const text = alarmDescription(bare, alarmsForCheck(bare)[0]!, '');
    assert.equal(text, 'Watchpost: api is failing. GET https://api.example.com/\nFires when Success Minimum < 1 in 2 of 3 periods of 1m; no data (the probe stopped) counts as failing.');
  });

  it('fitLines leaves text that fits untouched', () => {
    assert.equal(fitLines(['a', 'bc'], 4), 'a\nbc');
    assert.equal(fitLines(['a', 'b'.repeat(40)], 30), `a\n${'b'.repeat(27)}…`);
  });
});
