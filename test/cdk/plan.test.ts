/**
 * The pure sizing rules the constructs build from: shards (nested stacks and
 * dashboards) and alarm descriptions that fit CloudWatch's limit.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ALARM_DESCRIPTION_MAX, alarmDescription, fitLines } from '../../lib/alarms.ts';
import { alarmsForCheck, makeShards, shardCount, SIZING } from '../../lib/plan.ts';
import { checkSpec } from '../fixtures/spec.ts';

const checks = (n: number, prefix = 'svc') => Array.from({ length: n }, (_, i) => checkSpec({ name: `${prefix}-${i}`, url: `https://${prefix}${i}.example.com/` }));

describe('makeShards', () => {
  it('keeps up to checksPerStack checks in one stack, dashboards of checksPerDashboard in file order', () => {
    const shards = makeShards(checks(SIZING.checksPerStack));
    assert.equal(shards.length, 1);
    assert.equal(shards[0]!.index, 1);
    assert.deepEqual(shards[0]!.dashboards.map((d) => d.length), [25, 25]);
    assert.deepEqual(shards[0]!.dashboards[1]![0]!.name, 'svc-25');
  });

  it('uses a power of two of buckets averaging at most 80 % of checksPerStack above that', () => {
    assert.deepEqual([1, 50, 51, 80, 81, 160, 161, 1000].map((n) => shardCount(n)), [1, 1, 2, 2, 4, 4, 8, 32]);
  });

  it('places every check exactly once', () => {
    const all = checks(1000);
    const placed = makeShards(all).flatMap((s) => s.dashboards.flat().map((c) => c.name));
    assert.deepEqual([...placed].sort(), all.map((c) => c.name).sort());
  });

  it('does not move other checks when one is inserted or removed (alarm names cannot move between stacks)', () => {
    const before = checks(400);
    const after = [...before.slice(0, 100), checkSpec({ name: 'new-check', url: 'https://new.example.com/' }), ...before.slice(101)];
    const where = (list: ReturnType<typeof checks>) =>
      new Map(makeShards(list).flatMap((s) => s.dashboards.flat().map((c) => [c.name, s.index] as const)));
    const a = where(before);
    const b = where(after);
    for (const [name, index] of b) if (a.has(name)) assert.equal(index, a.get(name), name);
  });

  it('keeps buckets small enough for the alarm and template limits at 1,000 checks', () => {
    const sizes = makeShards(checks(1000)).map((s) => s.dashboards.flat().length);
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
