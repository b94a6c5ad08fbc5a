/**
 * The construct's optional props: bring-your-own topics, memory, architecture,
 * log retention, dashboards off, removal policy; and bad props stop synth with
 * the same problems `watchpost validate` reports. Bundling is skipped here:
 * these tests read templates only.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import type { FileInput } from '../../lib/spec/schema.ts';
import { validateConfig } from '../../lib/spec/validate.ts';
import { costSummaryLine } from '../../lib/cost.ts';
import { formatProblem } from '../../lib/spec/problems.ts';
import { Watchpost, WatchpostConfigError } from '../../lib/watchpost.ts';
import { joined, nagFindings, synthWatchpost } from './synth.ts';

const FILE: FileInput = {
  alerting: { critical: { email: ['oncall@example.com'] } },
  checks: [{ name: 'api-health', url: 'https://api.example.com/health', assert: { certificate: { minDaysRemaining: 10 } } }],
};
const CRITICAL_ARN = 'arn:aws:sns:eu-west-1:111111111111:pager-critical';
const WARNING_ARN = 'arn:aws:sns:eu-west-1:111111111111:pager-warning';

describe('bring-your-own topics', () => {
  // GIVEN both topics brought by ARN
  const synth = (() => {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const holder = new Stack(app, 'Topics');
    return synthWatchpost({
      ...FILE,
      topics: {
        critical: sns.Topic.fromTopicArn(holder, 'C', CRITICAL_ARN),
        warning: sns.Topic.fromTopicArn(holder, 'W', WARNING_ARN),
      },
    }, { bundle: false });
  })();

  it('creates no topic and no key, and pages through the brought ones', () => {
    // THEN
    synth.parent.resourceCountIs('AWS::SNS::Topic', 0);
    synth.parent.resourceCountIs('AWS::KMS::Key', 0);
    const alarms = synth.resources.filter((r) => r.type === 'AWS::CloudWatch::Alarm' && r.file.includes('nested'));
    const byName = new Map(alarms.map((a) => [a.props.AlarmName, a.props]));
    assert.deepEqual(byName.get('watchpost-api-health-availability')!.AlarmActions, [CRITICAL_ARN]);
    assert.deepEqual(byName.get('watchpost-api-health-certificate')!.OKActions, [WARNING_ARN]);
  });

  it('still subscribes what alerting lists, and publishes only to the brought topics', () => {
    synth.parent.hasResourceProperties('AWS::SNS::Subscription', { TopicArn: CRITICAL_ARN, Protocol: 'email', Endpoint: 'oncall@example.com' });
    const policy = synth.resources.find((r) => r.type === 'AWS::IAM::Policy' && r.logicalId.includes('ProbeRole'))!;
    const statements = policy.props.PolicyDocument.Statement as Array<Record<string, any>>;
    assert.deepEqual(statements.find((s) => s.Action === 'sns:Publish')!.Resource, [CRITICAL_ARN, WARNING_ARN]);
    assert.equal(statements.some((s) => JSON.stringify(s.Action).includes('kms:')), false);
  });
});

describe('deployment options', () => {
  // GIVEN every option set away from its default
  const synth = synthWatchpost(
    {
      ...FILE,
      memoryMb: 2048,
      architecture: lambda.Architecture.X86_64,
      logRetention: logs.RetentionDays.ONE_WEEK,
      dashboard: false,
      removalPolicy: RemovalPolicy.RETAIN,
    },
    { bundle: false },
  );

  it('sizes and places the function as asked', () => {
    synth.parent.hasResourceProperties('AWS::Lambda::Function', { MemorySize: 2048, Architectures: ['x86_64'] });
    synth.parent.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 7 });
  });

  it('creates no dashboard, and alarm descriptions carry no dashboard link', () => {
    assert.equal(synth.resources.filter((r) => r.type === 'AWS::CloudWatch::Dashboard').length, 0);
    const alarm = synth.resources.find((r) => r.props.AlarmName === 'watchpost-api-health-availability')!;
    assert.doesNotMatch(joined(alarm.props.AlarmDescription), /Dashboard:/);
  });

  it('retains the log group and key only when asked to', () => {
    synth.parent.hasResource('AWS::Logs::LogGroup', { DeletionPolicy: 'Retain' });
    synth.parent.hasResource('AWS::KMS::Key', { DeletionPolicy: 'Retain' });
  });

  it('stays free of cdk-nag findings with the options', () => {
    assert.deepEqual(nagFindings(synth.app), []);
  });
});

describe('pinned check stacks', () => {
  it('places checks by name hash in the pinned number of stacks, creating only non-empty ones', () => {
    const file: FileInput = { checks: Array.from({ length: 12 }, (_, i) => ({ name: `c-${i}`, url: `https://c${i}.example.com/` })) };
    const w = new Watchpost(new Stack(new App({ context: { 'aws:cdk:bundling-stacks': [] } }), 'S'), 'W', { ...file, checkStacks: 8 });
    const indexes = w.plan.shards.map((s) => s.index);
    assert.ok(indexes.length > 1 && indexes.every((i) => i >= 1 && i <= 8), `${indexes}`);
    assert.equal(w.shardStacks.length, indexes.length);
    assert.equal(w.plan.shards.flatMap((s) => s.checks).length, 12);
    // 12 checks fit on one dashboard however many stacks hold their alarms.
    assert.equal(w.dashboards.length, 1);
  });
});

describe('cost summary at synth', () => {
  const config = (() => {
    const v = validateConfig(FILE);
    assert.ok(v.ok);
    return v.config;
  })();

  it('adds the one-line estimate as an info annotation, at us-east-1 prices for an environment-agnostic stack', () => {
    // GIVEN / WHEN
    const stack = new Stack(new App({ context: { 'aws:cdk:bundling-stacks': [] } }), 'S');
    new Watchpost(stack, 'W', FILE);
    // THEN: exactly the model's line, once
    const expected = costSummaryLine(config);
    assert.match(expected, /^Watchpost cost estimate: 1 check, \$\d+\.\d{2}\/month at us-east-1 prices \(\$\d+\.\d{2} per check, /);
    Annotations.fromStack(stack).hasInfo('/S/W', expected);
    assert.equal(Annotations.fromStack(stack).findInfo('*', Match.stringLikeRegexp('^Watchpost cost estimate')).length, 1);
  });

  it('prices the stack\'s own region when it has one', () => {
    const stack = new Stack(new App({ context: { 'aws:cdk:bundling-stacks': [] } }), 'S', { env: { region: 'us-east-1' } });
    new Watchpost(stack, 'W', FILE);
    Annotations.fromStack(stack).hasInfo('/S/W', Match.stringLikeRegexp('^Watchpost cost estimate: 1 check, \\$[\\d.]+/month in us-east-1 '));
  });
});

describe('function timeout against the schedule period', () => {
  const warningsOf = (file: FileInput) => {
    const stack = new Stack(new App({ context: { 'aws:cdk:bundling-stacks': [] } }), 'S');
    new Watchpost(stack, 'W', file);
    return Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('probe function timeout')).map((w) => String(w.entry.data));
  };

  it('warns when the slowest check leaves the timeout at or above the shortest period, naming it', () => {
    // GIVEN a 1m check whose two attempts of 29 s plus reserves need 67 s
    const warnings = warningsOf({ checks: [{ name: 'slow', url: 'https://slow.example.com/', timeout: '29s', retries: 1 }] });
    // THEN
    assert.deepEqual(warnings, [
      'The probe function timeout (67s: the slowest check\'s attempts plus reserves) is not under the shortest schedule period (1m), ' +
        'set by slow (timeout 29s, retries 1: 67s with reserves): runs of a 1m batch may overlap; ' +
        'lower the timeout or retries of that check until it needs at most 30s with the 8s reserves [ack: watchpost:timeout-above-period]',
    ]);
  });

  it('warns when a slow check of a longer frequency pushes the timeout past half the shortest period, naming only the checks that do', () => {
    // GIVEN 1m checks of the default 10 s (18 s each with reserves) and two 5m checks: 2 × 20 s + 0.25 s backoff + 8 s = 49 s, and 25 s + 8 s = 33 s
    const warnings = warningsOf({
      checks: [
        { name: 'home', url: 'https://shop.example.com/' },
        { name: 'report-export', url: 'https://shop.example.com/export', frequency: '5m', timeout: '20s', retries: 1 },
        { name: 'search', url: 'https://shop.example.com/search', frequency: '5m', timeout: '25s' },
        { name: 'api', url: 'https://api.example.com/health', timeout: '5s' },
      ],
    });
    // THEN one warning: which checks set the timeout (slowest first), what it does to the 1m batches and the duration alarm, what to change
    assert.deepEqual(warnings, [
      'The probe function timeout (49s) is more than half the shortest schedule period (1m), ' +
        'set by report-export (timeout 20s, retries 1: 49s with reserves), search (timeout 25s, retries 0: 33s with reserves). ' +
        'One timeout serves every batch, so a 1m batch may run 49s before it is stopped, and the duration alarm ' +
        '(above 80 % of the timeout, 39.2s) no longer notices a 1m batch running late; ' +
        'lower the timeout or retries of those checks until each needs at most 30s with the 8s reserves [ack: watchpost:timeout-above-half-period]',
    ]);
  });

  it('does not warn at exactly half the shortest period, nor for the defaults (10 s timeout: an 18 s function timeout)', () => {
    // 22 s + 8 s = 30 s: exactly half of 1m
    assert.deepEqual(warningsOf({ checks: [{ name: 'edge', url: 'https://edge.example.com/', timeout: '22s' }] }), []);
    assert.deepEqual(warningsOf({ checks: [{ name: 'edge', url: 'https://edge.example.com/', timeout: '22001ms' }] }).length, 1);
    assert.deepEqual(warningsOf(FILE), []);
  });

  it('measures against the shortest period present: the same slow check alone at 5m is fine', () => {
    assert.deepEqual(warningsOf({ checks: [{ name: 'report-export', url: 'https://shop.example.com/export', frequency: '5m', timeout: '20s', retries: 1 }] }), []);
  });
});

describe('invalid props', () => {
  const build = (props: Parameters<typeof synthWatchpost>[0]) => () =>
    new Watchpost(new Stack(new App({ context: { 'aws:cdk:bundling-stacks': [] } }), 'S'), 'W', props);

  it('throws the problems validate reports, all of them', () => {
    // GIVEN a check with three mistakes
    const bad = { checks: [{ name: 'Bad_Name', url: 'ftp://x', timeout: '2m' }] } as unknown as FileInput;
    const v = validateConfig(bad);
    assert.equal(v.ok, false);
    const expected = (v as { problems: Parameters<typeof formatProblem>[0][] }).problems;
    // WHEN / THEN
    assert.throws(build(bad), (err: unknown) => {
      assert.ok(err instanceof WatchpostConfigError);
      assert.deepEqual(err.problems, expected);
      assert.equal(err.problems.length, 3);
      for (const p of expected) assert.ok(err.message.includes(formatProblem(p)));
      return true;
    });
  });

  it('rejects a memory size Lambda does not offer, echoing it', () => {
    assert.throws(build({ ...FILE, memoryMb: 64 }), /memoryMb: must be a whole number of MB from 128 to 10240, got 64/);
  });

  it('rejects a pinned stack count that would crowd a nested stack past the resource limit', () => {
    const many: FileInput = { checks: Array.from({ length: 111 }, (_, i) => ({ name: `c-${i}`, url: `https://c${i}.example.com/` })) };
    assert.throws(build({ ...many, checkStacks: 1 }), /checkStacks: puts 111 checks in nested stack 1, more than 110 fit under CloudFormation's 500 resources; raise it, got 1/);
    assert.throws(build({ ...FILE, checkStacks: 0 }), /checkStacks: must be a whole number from 1 to 200, got 0/);
  });

  it('rejects a dashboard name CloudWatch does not accept, echoing it', () => {
    assert.throws(build({ ...FILE, dashboardName: 'on call' }), /dashboardName: must be 1 to 200 letters, digits, - or _, got "on call"/);
  });
});
