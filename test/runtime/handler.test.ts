/**
 * The handler with the real runner against real local targets, publishing to
 * moto_server (real CloudWatch and SNS wire protocols): metrics read back,
 * notices delivered to a local HTTP subscriber, and the faults.
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, beforeEach, describe, it } from 'node:test';
import { DeleteAlarmsCommand, PutMetricAlarmCommand, SetAlarmStateCommand, CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { SNSClient } from '@aws-sdk/client-sns';
import { createHandler, createRuntime, type Runtime } from '../../lambda/invocation.ts';
import type { SummaryLine } from '../../lambda/sinks/log-lines.ts';
import { alarmName } from '../../lib/plan.ts';
import { CHECK_DIMENSION, METRICS, metricsForCheck, PHASE_METRICS } from '../../lib/spec/metrics.ts';
import type { CheckResult } from '../../lib/spec/result.ts';
import { DUMMY_CREDENTIALS, freePort, motoSkip, startMoto, TEST_REGION, type Moto } from '../fixtures/moto.ts';
import { assertValidEmf, bundledConfig, passing as passingResult, captureLog, context, startTargets, type CapturedLog, type Targets } from './helpers.ts';
import { countRequests, createTopic, listMetrics, metricData, startSubscriber, subscribe, toSecond, valuesAt, type Subscriber } from './moto-helpers.ts';
import { runChecks } from '../../lambda/runner.ts';

const TOKEN = 'Bearer sk-test-0123456789abcdef';
const API_KEY = 'ak-secret-5678';

describe('handler against moto', { skip: motoSkip() }, () => {
  let moto: Moto;
  let targets: Targets;
  let subscriber: Subscriber;
  let topics: { critical: string; warning: string };
  let namespaceSeq = 0;

  before(async () => {
    [moto, targets, subscriber] = await Promise.all([startMoto(), startTargets(), startSubscriber()]);
    const sns = moto.sns();
    topics = { critical: await createTopic(sns, 'watchpost-critical'), warning: await createTopic(sns, 'watchpost-warning') };
    await subscribe(sns, topics.critical, subscriber.url('/all'));
    await subscribe(sns, topics.warning, subscriber.url('/all'));
    // Filter policies on every attribute: a delivery here proves the attributes arrived as sent.
    await subscribe(sns, topics.critical, subscriber.url('/billing-failure'), {
      check: ['billing'],
      severity: ['critical'],
      kind: ['status'],
      owner: ['team-payments'],
      event: ['failure'],
    });
    await subscribe(sns, topics.critical, subscriber.url('/billing-recovery'), {
      check: ['billing'],
      kind: ['recovered'],
      owner: ['team-payments'],
      event: ['recovery'],
    });
  });
  after(async () => {
    await Promise.all([moto?.stop(), targets?.close(), subscriber?.close()]);
  });
  beforeEach(() => {
    subscriber.deliveries.length = 0;
    targets.toggle.status = 200;
  });

  function checks() {
    return [
      { name: 'home', url: targets.url('/ok'), metrics: { timings: true } },
      { name: 'api', url: targets.url('/ok?v=1') },
      { name: 'orders', url: targets.url('/fail'), runbook: { owner: 'team-orders' } },
      {
        name: 'billing',
        url: targets.url('/toggle'),
        headers: { Authorization: TOKEN, 'X-Api-Key': API_KEY },
        secretHeaders: ['x-api-key'],
        runbook: { owner: 'team-payments', expected: '200 from /toggle', rollback: 'flip the toggle back', url: 'https://wiki.example/billing' },
      },
    ];
  }

  function setup(options: { checks?: unknown[]; cloudWatch?: CloudWatchClient; sns?: SNSClient; runner?: typeof runChecks } = {}) {
    const namespace = `WatchpostTest${++namespaceSeq}`;
    const runner = options.runner;
    const log = captureLog();
    const cloudWatch = options.cloudWatch ?? moto.cloudWatch();
    const counts = countRequests(cloudWatch);
    const results: CheckResult[] = [];
    const runtime = createRuntime({
      env: {
        WATCHPOST_NAMESPACE: namespace,
        WATCHPOST_CRITICAL_TOPIC_ARN: topics.critical,
        WATCHPOST_WARNING_TOPIC_ARN: topics.warning,
        AWS_REGION: TEST_REGION,
        WATCHPOST_CONFIG_FILE: bundledConfig({ namespace, checks: options.checks ?? checks() }),
      },
      handlerDir: '/nonexistent',
      cloudWatch,
      sns: options.sns ?? moto.sns(),
      log: log.write,
      runChecks: async (specs, options) => {
        const out = await (runner ?? runChecks)(specs, options);
        results.push(...out);
        return out;
      },
    });
    const handler = createHandler(runtime);
    // Consecutive runs of a 1-minute schedule, as Scheduler stamps them: the container's memory of run n is trusted at run n+1.
    const firstRun = Math.floor(Date.now() / 60_000) * 60_000;
    let run = 0;
    const invoke = (names: string[], ms = 20_000): Promise<SummaryLine> =>
      handler({ batch: 'f1m-0', checks: names, scheduledTime: new Date(firstRun + run++ * 60_000).toISOString() }, context(ms));
    return { namespace, log, counts, runtime, invoke, results };
  }

  it('publishes every check’s metrics with the contract’s names, dimensions, units and values', async () => {
    const { namespace, invoke, runtime, counts, results } = setup();
    const summary = await invoke(['home', 'api', 'orders', 'billing']);
    assert.equal(summary.outcome, 'probed');
    assert.equal(summary.metricsFallback, 'none');
    assert.deepEqual(counts.commands.filter((c) => c === 'PutMetricDataCommand').length, 1);

    const cw = moto.cloudWatch();
    const stored = await listMetrics(cw, namespace);
    const resultOf = (name: string) => results.find((r) => r.name === name)!;
    // The contract's metrics, less the phases the run did not go through (no TLS on http): those publish nothing.
    const expected = (name: string) =>
      metricsForCheck(runtime.specs.get(name)!).filter((m) => {
        const phase = PHASE_METRICS.find((p) => METRICS[p].name === m.name);
        return !phase || resultOf(name).timings[phase] !== null;
      });
    const key = (m: { name: string; dimensions: Record<string, string> }) => `${m.name} ${JSON.stringify(m.dimensions)}`;
    assert.deepEqual(stored.map(key).sort(), ['home', 'api', 'orders', 'billing'].flatMap(expected).map(key).sort());
    assert.ok(expected('home').length >= 4, 'home publishes phase timings');

    for (const [check, success] of [['home', 1], ['api', 1], ['orders', 0], ['billing', 1]] as const) {
      // A window a minute either side of the probe's start: the only datum in it must sit at that second.
      const startedAt = toSecond(resultOf(check).startedAt);
      const window = { start: startedAt - 60_000, end: Date.now() + 60_000 };
      for (const metric of expected(check)) {
        const phase = PHASE_METRICS.find((p) => METRICS[p].name === metric.name);
        const value = metric.key === 'success' ? success : metric.key === 'duration' ? resultOf(check).timings.total : resultOf(check).timings[phase!]!;
        assert.deepEqual(
          await metricData(cw, namespace, metric.name, metric.dimensions, metric.unit, window),
          [{ timestamp: startedAt, value, count: 1 }],
          `${check} ${metric.name}: value, unit and timestamp as published`,
        );
      }
      const dims = { [CHECK_DIMENSION]: check };
      assert.deepEqual(await metricData(cw, namespace, METRICS.success.name, dims, METRICS.duration.unit, window), [], 'Success stored as Count, not another unit');
      assert.deepEqual(await metricData(cw, namespace, METRICS.duration.name, dims, METRICS.success.unit, window), [], 'Duration stored as Milliseconds, not another unit');
    }
  });

  it('sends one failure detail per incident and one recovery notice, with attributes, secrets redacted', async () => {
    const { invoke, log } = setup();
    targets.toggle.status = 500;
    await invoke(['billing', 'api']);
    await invoke(['billing', 'api']); // still failing: nothing new
    targets.toggle.status = 200;
    await invoke(['billing', 'api']);
    await invoke(['billing', 'api']); // still passing: nothing new

    const failures = subscriber.at('/billing-failure');
    const recoveries = subscriber.at('/billing-recovery');
    assert.equal(failures.length, 1, 'one failure detail');
    assert.equal(recoveries.length, 1, 'one recovery notice');
    assert.deepEqual(
      subscriber.at('/all').map((d) => d.subject),
      ['Watchpost FAILING billing: status - status 500, expected one of [2xx]', 'Watchpost RECOVERED billing'],
    );
    const detail = failures[0]!.message;
    assert.match(detail, /Check: +billing/);
    assert.match(detail, /Status: +500/);
    assert.match(detail, /Owner: +team-payments/);
    assert.match(detail, /Runbook: +https:\/\/wiki\.example\/billing/);
    assert.match(detail, /"authorization":"\[redacted\]"/, 'the echoed token is in the excerpt, redacted');
    for (const text of [detail, recoveries[0]!.message, ...log.lines]) {
      assert.ok(!text.includes('sk-test-0123456789abcdef'), 'token leaked');
      assert.ok(!text.includes(API_KEY), 'api key leaked');
      assert.ok(!text.includes('target-session-cookie'), 'set-cookie leaked');
    }
    assert.equal(failures[0]!.topicArn, topics.critical);
  });

  it('after a cold start, the availability alarm says whether an incident is already open', async () => {
    const cw = moto.cloudWatch();
    await cw.send(
      new PutMetricAlarmCommand({
        AlarmName: alarmName('billing', 'availability'),
        Namespace: 'Watchpost',
        MetricName: 'Success',
        Statistic: 'Minimum',
        Period: 60,
        EvaluationPeriods: 1,
        Threshold: 1,
        ComparisonOperator: 'LessThanThreshold',
      }),
    );
    await cw.send(new SetAlarmStateCommand({ AlarmName: alarmName('billing', 'availability'), StateValue: 'ALARM', StateReason: 'test' }));
    targets.toggle.status = 500;
    const cold = setup();
    await cold.invoke(['billing']);
    assert.equal(subscriber.at('/billing-failure').length, 0, 'the open incident is not paged again');
    assert.deepEqual(cold.counts.commands.filter((c) => c === 'DescribeAlarmsCommand').length, 1);
    await cold.invoke(['billing']);
    assert.deepEqual(cold.counts.commands.filter((c) => c === 'DescribeAlarmsCommand').length, 1, 'a warm container asks no more');

    targets.toggle.status = 200;
    const another = setup();
    await another.invoke(['billing']);
    assert.equal(subscriber.at('/billing-recovery').length, 1, 'the recovery is not lost across containers');
    await cw.send(new DeleteAlarmsCommand({ AlarmNames: [alarmName('billing', 'availability')] }));
  });

  it('CloudWatch down: every datapoint goes to the log as EMF, and notices still go out', async () => {
    const down = new CloudWatchClient({ endpoint: `http://127.0.0.1:${await freePort()}`, region: TEST_REGION, credentials: DUMMY_CREDENTIALS, maxAttempts: 2 });
    const { invoke, log, namespace } = setup({ cloudWatch: down });
    const summary = await invoke(['home', 'api', 'orders', 'billing']);
    assert.equal(summary.metricsFallback, 'emf');
    assertEmfCarries(log, namespace, summary.datapoints, { home: 1, api: 1, orders: 0, billing: 1 });
    assert.equal(subscriber.at('/all').filter((d) => d.subject?.includes('FAILING orders')).length, 1);
  });

  it('CloudWatch answering errors: the SDK retries, then EMF carries every datapoint', async () => {
    const failing = createServer((req, res) => {
      req.resume();
      res.writeHead(500, { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-query-error': 'InternalFailure;Receiver' });
      res.end(JSON.stringify({ __type: 'InternalFailure', message: 'injected' }));
    });
    await new Promise<void>((resolve) => failing.listen(0, '127.0.0.1', resolve));
    try {
      const erroring = new CloudWatchClient({
        endpoint: `http://127.0.0.1:${(failing.address() as AddressInfo).port}`,
        region: TEST_REGION,
        credentials: DUMMY_CREDENTIALS,
      });
      const { invoke, log, namespace, counts } = setup({ cloudWatch: erroring });
      const summary = await invoke(['home', 'orders']);
      assert.ok(counts.attempts.filter((c) => c === 'PutMetricDataCommand').length > 1, 'the SDK retried');
      assert.match(summary.errors.join('\n'), /PutMetricData failed, \d+ datapoints written as EMF: InternalFailure/);
      assertEmfCarries(log, namespace, summary.datapoints, { home: 1, orders: 0 });
    } finally {
      failing.closeAllConnections();
      await new Promise<void>((resolve) => failing.close(() => resolve()));
    }
  });

  it('SNS down: metrics are still published, and the failure detail goes out on the next run', async () => {
    const snsDown = new SNSClient({ endpoint: `http://127.0.0.1:${await freePort()}`, region: TEST_REGION, credentials: DUMMY_CREDENTIALS, maxAttempts: 1 });
    const { invoke, namespace, runtime, log } = setup({ sns: snsDown });
    const summary = await invoke(['orders', 'api']);
    assert.equal(summary.metricsFallback, 'none');
    assert.equal(summary.notificationsFailed, 1);
    assert.deepEqual(await successOf(namespace, log, 'orders'), [0]);

    (runtime as { sns: SNSClient }).sns = moto.sns();
    await invoke(['orders', 'api']);
    assert.equal(subscriber.at('/all').filter((d) => d.subject?.includes('FAILING orders')).length, 1, 'not lost: sent once SNS is back');
  });

  it('all targets hanging with a short deadline: Success=0, kind timeout, for every check, published in time', async () => {
    const hanging = Array.from({ length: 5 }, (_, i) => ({ name: `hang-${i}`, url: targets.url('/hang'), timeout: '30s' }));
    const { invoke, log, namespace } = setup({ checks: hanging });
    const names = hanging.map((c) => c.name);
    const summary = await invoke(names, 6_000);
    assert.ok(summary.remaining > 0, `finished with ${summary.remaining} ms left`);
    assert.equal(summary.metricsFallback, 'none');
    assert.deepEqual(
      log.byMsg('check result').map((l) => [l.check, l.ok, l.kind]),
      names.map((n) => [n, false, 'timeout']),
    );
    for (const name of names) {
      assert.deepEqual(await successOf(namespace, log, name), [0], name);
    }
  });

  it('one PutMetricData call for a batch of 100 checks with default metrics', async () => {
    const many = Array.from({ length: 100 }, (_, i) => ({ name: `check-${String(i).padStart(3, '0')}`, url: targets.url(`/ok?i=${i}`) }));
    const { invoke, counts, namespace } = setup({ checks: many });
    const summary = await invoke(many.map((c) => c.name));
    assert.equal(summary.passed, 100);
    assert.equal(summary.datapoints, 200);
    assert.deepEqual(counts.attempts.filter((c) => c === 'PutMetricDataCommand'), ['PutMetricDataCommand']);
    assert.equal((await listMetrics(moto.cloudWatch(), namespace)).length, 200);
  });

  it('a stale (late or retried) run publishes nothing', async () => {
    const { runtime, log, namespace, counts } = setup();
    const handler = createHandler(runtime);
    const summary = await handler(
      { batch: 'f1m-0', checks: ['orders'], scheduledTime: new Date(Date.now() - 5 * 60_000).toISOString() },
      context(20_000),
    );
    assert.equal(summary.outcome, 'stale');
    assert.match(log.byMsg('stale invocation skipped')[0]!.problem as string, /is 300 s old, more than the checks' frequency of 60 s/);
    assert.deepEqual(counts.commands, []);
    assert.deepEqual(await listMetrics(moto.cloudWatch(), namespace), []);
    assert.equal(subscriber.deliveries.length, 0);
  });

  it('a malformed event or unknown names: a clear error line, and nothing false published', async () => {
    const { runtime, log, counts } = setup();
    const handler = createHandler(runtime);
    const rejected = await handler({ batch: 'f1m-0', checks: 'orders' }, context(20_000));
    assert.equal(rejected.outcome, 'rejected');
    assert.deepEqual(log.json().find((l) => l.msg?.toString().startsWith('malformed event'))?.problems, [
      'event.checks: expected a non-empty list of check names, got "orders"',
      'event.scheduledTime: expected an ISO 8601 time like "2026-01-01T00:00:00Z", got nothing',
    ]);
    const unknown = await handler({ batch: 'f1m-0', checks: ['nope'], scheduledTime: new Date().toISOString() }, context(20_000));
    assert.equal(unknown.outcome, 'rejected');
    assert.deepEqual(log.byMsg('unknown checks in event')[0]!.unknown, ['nope']);
    assert.deepEqual(counts.commands, []);
    const partly = await handler({ batch: 'f1m-0', checks: ['api', 'nope'], scheduledTime: new Date().toISOString() }, context(20_000));
    assert.equal(partly.checks, 1, 'the known checks still run');
    assert.equal(partly.datapoints, 2);
  });

  it('a runner that misses its deadline: the missing checks still publish Success=0 kind timeout', async () => {
    const { invoke, log, namespace } = setup({
      // Answers for the first check only, then never returns (a runner bug the handler must survive).
      runner: (specs, options) => {
        options?.onResult?.(passingResult(specs[0]!.name, specs[0]!.url), 0);
        return new Promise(() => undefined);
      },
    });
    const summary = await invoke(['api', 'orders'], 5_000);
    assert.ok(summary.remaining > 0);
    assert.deepEqual(log.byMsg('runner missed its deadline')[0]!.missing, ['orders']);
    assert.deepEqual(log.byMsg('check result').map((l) => [l.check, l.ok, l.kind]), [['api', true, null], ['orders', false, 'timeout']]);
    assert.deepEqual(await successOf(namespace, log, 'orders'), [0]);
  });

  it('a runner that throws: the results that arrived are published, nothing invented, and the invocation fails', async () => {
    const { invoke, log, namespace } = setup({
      runner: async (specs, options) => {
        options?.onResult?.(passingResult(specs[0]!.name, specs[0]!.url), 0);
        throw new Error('runner bug');
      },
    });
    await assert.rejects(invoke(['api', 'orders']), /runner bug/);
    assert.deepEqual(log.byMsg('batch summary')[0]!.errors, ['runner failed: runner bug']);
    const stored = await listMetrics(moto.cloudWatch(), namespace);
    assert.deepEqual(stored.map((m) => m.dimensions.Check).sort(), ['api', 'api']);
  });

  /** GetMetricData of a check's Success in the second its (first logged) probe started. */
  async function successOf(namespace: string, log: CapturedLog, check: string): Promise<number[]> {
    const startedAt = log.byMsg('check result').find((l) => l.check === check)?.startedAt;
    assert.equal(typeof startedAt, 'string', `a result line for ${check}`);
    return valuesAt(moto.cloudWatch(), namespace, METRICS.success.name, { [CHECK_DIMENSION]: check }, METRICS.success.unit, startedAt as string);
  }

  function assertEmfCarries(log: CapturedLog, namespace: string, datapoints: number, success: Record<string, number>): void {
    const docs = log.emf();
    for (const doc of docs) assertValidEmf(doc);
    const metrics = docs.flatMap((d) => (d._aws as { CloudWatchMetrics: Array<{ Namespace: string; Metrics: unknown[] }> }).CloudWatchMetrics);
    assert.ok(metrics.every((m) => m.Namespace === namespace));
    assert.equal(metrics.reduce((n, m) => n + m.Metrics.length, 0), datapoints, 'every datapoint is in the EMF lines');
    for (const [check, value] of Object.entries(success)) {
      assert.deepEqual(docs.filter((d) => d.Check === check).map((d) => d.Success).filter((v) => v !== undefined), [value], check);
    }
  }
});

export type { Runtime };
