/**
 * One page per incident when batches move between warm containers: two
 * independent handler instances (each with its own memory, as two Lambda
 * containers have) run the same check on alternating schedule slots against
 * one moto, whose availability alarm the test moves the way CloudWatch would.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { PutMetricAlarmCommand, SetAlarmStateCommand } from '@aws-sdk/client-cloudwatch';
import { createHandler, createRuntime } from '../../lambda/invocation.ts';
import { IncidentMemory, needsAlarmState, previousState, PRECEDING_RUN_TOLERANCE } from '../../lambda/sinks/incident-state.ts';
import { alarmName } from '../../lib/spec/alarm-names.ts';
import { motoSkip, startMoto, TEST_REGION, type Moto } from '../fixtures/moto.ts';
import { bundledConfig, captureLog, context, startTargets, type Targets } from './helpers.ts';
import { countRequests, createTopic, startSubscriber, subscribe, type Subscriber } from './moto-helpers.ts';

const MINUTE = 60_000;

describe('the memory of a check is trusted only from the immediately preceding run', () => {
  const t0 = Date.parse('2026-11-26T08:00:00Z');
  const memory = new IncidentMemory();
  memory.remember('api', { ok: false, severity: 'warning' }, t0);

  it('one frequency later (within a quarter of it): trusted', () => {
    assert.deepEqual(memory.recall('api', t0 + MINUTE, MINUTE).trusted, { ok: false, severity: 'warning' });
    assert.deepEqual(memory.recall('api', t0 + MINUTE * (1 + PRECEDING_RUN_TOLERANCE), MINUTE).trusted, { ok: false, severity: 'warning' });
  });

  it('two runs later, the same run again, or a check never seen: not trusted', () => {
    for (const at of [t0 + 2 * MINUTE, t0, t0 + MINUTE * (1 + PRECEDING_RUN_TOLERANCE) + 1]) {
      assert.deepEqual(memory.recall('api', at, MINUTE), { trusted: undefined, last: { ok: false, severity: 'warning' } }, new Date(at).toISOString());
    }
    assert.deepEqual(memory.recall('web', t0 + MINUTE, MINUTE), { trusted: undefined, last: undefined });
  });

  it('the alarm is asked only where it could change what is sent', () => {
    const seenOk = { trusted: undefined, last: { ok: true, severity: 'critical' as const } };
    const seenFailing = { trusted: undefined, last: { ok: false, severity: 'warning' as const } };
    const never = { trusted: undefined, last: undefined };
    assert.equal(needsAlarmState(true, seenOk), false, 'a healthy check last seen healthy');
    assert.equal(needsAlarmState(true, seenFailing), true, 'a recovery is possible');
    assert.equal(needsAlarmState(true, never), true, 'a recovery is possible');
    assert.equal(needsAlarmState(false, seenOk), true, 'another container may have paged already');
    assert.equal(needsAlarmState(false, { trusted: seenOk.last, last: seenOk.last }), false, 'the trusted memory decides');
    // An open incident learned from the alarm keeps the severity this container last saw it with.
    assert.deepEqual(previousState(seenFailing, { ok: false, severity: 'critical' }, 'critical'), { ok: false, severity: 'warning' });
    assert.deepEqual(previousState(seenOk, { ok: false, severity: 'critical' }, 'warning'), { ok: false, severity: 'warning' });
    assert.equal(previousState(seenFailing, undefined, 'critical'), 'unknown');
  });
});

describe('two warm containers sharing one check', { skip: motoSkip() }, () => {
  let moto: Moto;
  let targets: Targets;
  let subscriber: Subscriber;

  before(async () => {
    [moto, targets, subscriber] = await Promise.all([startMoto(), startTargets(), startSubscriber()]);
  });
  after(async () => {
    await Promise.all([moto?.stop(), targets?.close(), subscriber?.close()]);
  });

  it('no second page for an open incident, one recovery notice, and a new incident paged after a stale "failing" memory', async () => {
    const sns = moto.sns();
    const topics = { critical: await createTopic(sns, 'two-critical'), warning: await createTopic(sns, 'two-warning') };
    await subscribe(sns, topics.critical, subscriber.url('/all'));
    await subscribe(sns, topics.warning, subscriber.url('/all'));
    const cw = moto.cloudWatch();
    const alarm = alarmName('billing', 'availability');
    await cw.send(
      new PutMetricAlarmCommand({
        AlarmName: alarm,
        Namespace: 'WatchpostTwo',
        MetricName: 'Success',
        Dimensions: [{ Name: 'Check', Value: 'billing' }],
        Statistic: 'Minimum',
        Period: 60,
        EvaluationPeriods: 3,
        DatapointsToAlarm: 2,
        Threshold: 1,
        ComparisonOperator: 'LessThanThreshold',
      }),
    );
    // moto does not evaluate alarms: the test sets the state CloudWatch would reach.
    const alarmState = (state: 'OK' | 'ALARM') => cw.send(new SetAlarmStateCommand({ AlarmName: alarm, StateValue: state, StateReason: 'test' }));
    await alarmState('OK');

    const config = bundledConfig({ namespace: 'WatchpostTwo', checks: [{ name: 'billing', url: targets.url('/toggle') }] });
    const container = () => {
      const cloudWatch = moto.cloudWatch();
      const counts = countRequests(cloudWatch);
      const runtime = createRuntime({
        env: {
          WATCHPOST_NAMESPACE: 'WatchpostTwo',
          WATCHPOST_CRITICAL_TOPIC_ARN: topics.critical,
          WATCHPOST_WARNING_TOPIC_ARN: topics.warning,
          AWS_REGION: TEST_REGION,
          WATCHPOST_CONFIG_FILE: config,
        },
        handlerDir: '/nonexistent',
        cloudWatch,
        sns: moto.sns(),
        log: captureLog().write,
      });
      return { handler: createHandler(runtime), describeAlarms: () => counts.commands.filter((c) => c === 'DescribeAlarmsCommand').length };
    };
    const X = container();
    const Y = container();
    const firstRun = Math.floor(Date.now() / MINUTE) * MINUTE;
    let slot = 0;
    /** Runs the next schedule slot in one container and returns the subjects delivered for it. */
    const runIn = async (c: typeof X, status: number): Promise<string[]> => {
      targets.toggle.status = status;
      const before = subscriber.deliveries.length;
      const summary = await c.handler({ batch: 'f1m-0', checks: ['billing'], scheduledTime: new Date(firstRun + slot++ * MINUTE).toISOString() }, context(20_000));
      assert.equal(summary.outcome, 'probed');
      assert.equal(summary.notificationsFailed, 0);
      return subscriber.deliveries.slice(before).map((d) => d.subject ?? '');
    };
    const FAILING = ['Watchpost FAILING billing: status - status 500, expected one of [2xx]'];
    const RECOVERED = ['Watchpost RECOVERED billing'];

    // Both containers have seen the check passing: a healthy fleet asks no alarm, whichever container runs it.
    assert.deepEqual(await runIn(X, 200), []);
    assert.deepEqual(await runIn(Y, 200), []);
    const [xCalls, yCalls] = [X.describeAlarms(), Y.describeAlarms()];
    assert.deepEqual([xCalls, yCalls], [1, 1], 'each container asked once, for a check it had never seen');
    assert.deepEqual(await runIn(X, 200), []);
    assert.deepEqual(await runIn(Y, 200), []);
    assert.deepEqual([X.describeAlarms(), Y.describeAlarms()], [xCalls, yCalls], 'no DescribeAlarms while healthy');

    // Incident A starts in X; the alarm follows two runs later; the same incident moves to Y.
    assert.deepEqual(await runIn(X, 500), FAILING, 'slot 4, X: first failure paged');
    await alarmState('ALARM');
    assert.deepEqual(await runIn(Y, 500), [], 'slot 5, Y (memory from slot 3, stale): the alarm says open, no second page');
    assert.deepEqual(await runIn(X, 200), RECOVERED, 'slot 6, X (memory from slot 4, stale): the alarm says open, recovery sent');
    assert.deepEqual(await runIn(X, 200), [], 'slot 7, X: its own preceding run passed');
    await alarmState('OK');
    assert.deepEqual(await runIn(Y, 200), [], 'slot 8, Y (remembers failing at slot 5): the alarm says closed, no second recovery');

    // Incident B opens in Y and closes in X, leaving Y with a stale "failing" memory.
    assert.deepEqual(await runIn(Y, 500), FAILING, 'slot 9, Y: its own preceding run passed, new incident paged');
    await alarmState('ALARM');
    assert.deepEqual(await runIn(X, 500), [], 'slot 10, X: the alarm says open');
    assert.deepEqual(await runIn(X, 200), RECOVERED, 'slot 11, X: its own preceding run failed, recovery sent');
    await alarmState('OK');
    assert.deepEqual(await runIn(X, 200), [], 'slot 12, X');

    // Incident C lands on Y, which still remembers incident B as failing (slot 9).
    assert.deepEqual(await runIn(Y, 500), FAILING, 'slot 13, Y: stale "failing" memory does not hide the new incident');

    assert.deepEqual(
      subscriber.at('/all').map((d) => d.subject),
      [...FAILING, ...RECOVERED, ...FAILING, ...RECOVERED, ...FAILING],
      'one failure detail per incident, one recovery per ended incident',
    );
  });
});
