/**
 * The Watchpost construct, synthesized once from a small check file (with the
 * real handler bundled) and read back: function, schedules, alarms, topics,
 * key, IAM, dashboards, cdk-nag and cfn-lint.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { Match } from 'aws-cdk-lib/assertions';
import { planDeployment } from '../../lib/plan.ts';
import { PROBE_BUNDLE } from '../../lib/probe-bundle.ts';
import type { FileInput } from '../../lib/spec/schema.ts';
import { validateConfig } from '../../lib/spec/validate.ts';
import { cfnLint, dashboardBody, joined, nagFindings, nagFindingsIgnoringAcknowledgements, synthWatchpost, templateFiles } from './synth.ts';

// GIVEN a check file with every kind of alarm, two frequencies and all subscription protocols
const FILE: FileInput = {
  namespace: 'Shop/Probes',
  defaults: { frequency: '1m', timeout: '5s' },
  alerting: {
    critical: { email: ['oncall@example.com'], https: ['https://events.example.com/hook'], sms: ['+14155550100'] },
    warning: { email: ['platform@example.com'] },
  },
  checks: [
    {
      name: 'shop-home',
      url: 'https://shop.example.com/',
      retries: 1,
      assert: { latency: { warning: '800ms', critical: '2s' }, certificate: { minDaysRemaining: 14 } },
      metrics: { timings: true },
      runbook: {
        owner: 'team-shop',
        expected: '200 with the product grid in under 800 ms',
        rollback: 'npx cdk deploy ShopStack -c release=previous',
        url: 'https://wiki.example.com/runbooks/shop-home',
      },
    },
    {
      name: 'api-health',
      url: 'https://api.example.com/health',
      assert: { latency: { critical: '1s' } },
      alarm: { datapointsToAlarm: 3, evaluationPeriods: 5 },
      runbook: { owner: 'team-api' },
    },
    { name: 'checkout-post', url: 'https://shop.example.com/api/cart', method: 'POST', frequency: '5m', timeout: '20s', body: { sku: 'demo-001' } },
  ],
};

// WHEN it is synthesized (once for the whole file: bundling is the slow part)
const synth = synthWatchpost(FILE);
const { parent, nested, resources } = synth;
const shard = nested[0]!;
const config = (() => {
  const v = validateConfig(FILE);
  assert.ok(v.ok);
  return v.config;
})();
const plan = planDeployment(config);

const ofType = (type: string) => resources.filter((r) => r.type === type);
const logicalIdOf = (type: string, idPart: string) => {
  const found = resources.filter((r) => r.type === type && r.logicalId.includes(idPart));
  assert.equal(found.length, 1, `one ${type} with ${idPart} in its id, found ${found.map((f) => f.logicalId).join(', ')}`);
  return found[0]!.logicalId;
};
const criticalTopic = logicalIdOf('AWS::SNS::Topic', 'Critical');
const warningTopic = logicalIdOf('AWS::SNS::Topic', 'Warning');
const keyId = logicalIdOf('AWS::KMS::Key', 'Key');
const functionId = logicalIdOf('AWS::Lambda::Function', 'ProbeFunction');

/** Resolves a nested stack's `{Ref: parameter}` to the parent's topic logical id. */
function parentRef(value: unknown): string {
  const param = (value as { Ref: string }).Ref;
  const stackResource = resources.find((r) => r.type === 'AWS::CloudFormation::Stack')!;
  return (stackResource.props.Parameters[param] as { Ref: string }).Ref;
}

describe('probe function', () => {
  it('runs nodejs24.x on arm64 with the planned memory and timeout, logging to its own group', () => {
    parent.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      MemorySize: 1024,
      // checkout-post: 20s timeout, no retries, + 5s publish + 3s start-up reserves
      Timeout: 28,
      Handler: 'index.handler',
      LoggingConfig: { LogGroup: { Ref: Match.stringLikeRegexp('ProbeLogs') } },
      Environment: {
        Variables: {
          WATCHPOST_NAMESPACE: 'Shop/Probes',
          WATCHPOST_CRITICAL_TOPIC_ARN: { Ref: criticalTopic },
          WATCHPOST_WARNING_TOPIC_ARN: { Ref: warningTopic },
          // A thread per lookup of a full batch of 10, plus 6 for inflating bodies.
          UV_THREADPOOL_SIZE: '16',
        },
      },
    });
    assert.equal(plan.functionTimeoutSeconds, 28);
  });

  it('keeps logs 30 days and deletes them with the stack', () => {
    parent.hasResource('AWS::Logs::LogGroup', {
      Properties: { RetentionInDays: 30 },
      DeletionPolicy: 'Delete',
      UpdateReplacePolicy: 'Delete',
    });
  });

  it('never retries an invocation (a late run would report an old moment as now)', () => {
    parent.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      MaximumRetryAttempts: 0,
      MaximumEventAgeInSeconds: 60,
      FunctionName: { Ref: functionId },
    });
  });

  it('bundles the handler with the check file as written beside it', () => {
    const assetDirs = readdirSync(synth.outdir).filter((d) => d.startsWith('asset.') && existsSync(path.join(synth.outdir, d, 'index.mjs')));
    assert.equal(assetDirs.length, 1);
    const dir = path.join(synth.outdir, assetDirs[0]!);
    const written = JSON.parse(readFileSync(path.join(dir, PROBE_BUNDLE.configFileName), 'utf8'));
    assert.deepEqual(written, FILE);
    const bundle = readFileSync(path.join(dir, 'index.mjs'), 'utf8');
    assert.ok(bundle.startsWith(PROBE_BUNDLE.banner), 'the require banner opens the bundle');
  });
});

describe('schedules', () => {
  it('creates one schedule per batch with the batch, its checks and the scheduled time as input', () => {
    const schedules = ofType('AWS::Scheduler::Schedule');
    assert.equal(schedules.length, plan.batches.length);
    const byBatch = new Map(schedules.map((s) => [JSON.parse(s.props.Target.Input).batch, s.props]));
    assert.deepEqual(JSON.parse(byBatch.get('f1m-0')!.Target.Input), {
      batch: 'f1m-0',
      checks: ['shop-home', 'api-health'],
      scheduledTime: '<aws.scheduler.scheduled-time>',
    });
    assert.deepEqual(JSON.parse(byBatch.get('f5m-0')!.Target.Input), {
      batch: 'f5m-0',
      checks: ['checkout-post'],
      scheduledTime: '<aws.scheduler.scheduled-time>',
    });
    assert.equal(byBatch.get('f1m-0')!.ScheduleExpression, 'rate(1 minute)');
    assert.equal(byBatch.get('f5m-0')!.ScheduleExpression, 'rate(5 minutes)');
    for (const props of byBatch.values()) {
      assert.deepEqual(props.FlexibleTimeWindow, { Mode: 'OFF' });
      assert.deepEqual(props.Target.RetryPolicy, { MaximumEventAgeInSeconds: 60, MaximumRetryAttempts: 0 });
      assert.deepEqual(props.Target.Arn, { 'Fn::GetAtt': [functionId, 'Arn'] });
    }
  });

  it('lets the scheduler role invoke the probe function and nothing else', () => {
    parent.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: Match.stringLikeRegexp('SchedulesInvokeRole') }],
      PolicyDocument: {
        Statement: [
          {
            Effect: 'Allow',
            Action: 'lambda:InvokeFunction',
            Resource: [{ 'Fn::GetAtt': [functionId, 'Arn'] }, { 'Fn::Join': ['', [{ 'Fn::GetAtt': [functionId, 'Arn'] }, ':*']] }],
          },
        ],
      },
    });
  });
});

describe('least privilege', () => {
  const probePolicy = resources.find((r) => r.type === 'AWS::IAM::Policy' && r.logicalId.includes('ProbeRole'))!;
  const statements = probePolicy.props.PolicyDocument.Statement as Array<Record<string, any>>;

  it('puts metrics only in the configured namespace', () => {
    const put = statements.find((s) => s.Action === 'cloudwatch:PutMetricData')!;
    assert.deepEqual(put.Condition, { StringEquals: { 'cloudwatch:namespace': 'Shop/Probes' } });
    assert.equal(put.Resource, '*');
  });

  it('publishes only to the two alert topics, with the key they are encrypted with', () => {
    assert.deepEqual(statements.find((s) => s.Action === 'sns:Publish')!.Resource, [{ Ref: criticalTopic }, { Ref: warningTopic }]);
    const kms = statements.find((s) => JSON.stringify(s.Action).includes('kms:'))!;
    assert.deepEqual(kms.Action, ['kms:GenerateDataKey', 'kms:Decrypt']);
    assert.deepEqual(kms.Resource, { 'Fn::GetAtt': [keyId, 'Arn'] });
  });

  it('reads only the availability alarms of Watchpost checks (to page once per incident)', () => {
    const describe = statements.find((s) => s.Action === 'cloudwatch:DescribeAlarms')!;
    assert.equal(joined(describe.Resource), 'arn:{AWS::Partition}:cloudwatch:{AWS::Region}:{AWS::AccountId}:alarm:watchpost-*-availability');
  });

  it('grants nothing else: logs to its own group, metrics, alarm states, topics, key', () => {
    const actions = statements.flatMap((s) => [s.Action].flat()).sort();
    assert.deepEqual(actions, [
      'cloudwatch:DescribeAlarms', 'cloudwatch:PutMetricData', 'kms:Decrypt', 'kms:GenerateDataKey', 'logs:CreateLogStream', 'logs:PutLogEvents', 'sns:Publish',
    ]);
    const logs = statements.find((s) => JSON.stringify(s.Action).includes('logs:'))!;
    assert.deepEqual(logs.Resource, { 'Fn::GetAtt': [logicalIdOf('AWS::Logs::LogGroup', 'ProbeLogs'), 'Arn'] });
    // No AWS managed policy on the role (AWSLambdaBasicExecutionRole would grant every log group).
    parent.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Principal: { Service: 'lambda.amazonaws.com' } })] },
      ManagedPolicyArns: Match.absent(),
    });
  });
});

describe('topics and key', () => {
  it('encrypts both topics with a rotating customer managed key', () => {
    for (const id of [criticalTopic, warningTopic]) {
      assert.deepEqual(resources.find((r) => r.logicalId === id)!.props.KmsMasterKeyId, { 'Fn::GetAtt': [keyId, 'Arn'] });
    }
    parent.hasResource('AWS::KMS::Key', {
      Properties: { EnableKeyRotation: true, PendingWindowInDays: 7 },
      // Not RETAIN (CDK's default for keys): destroy schedules the deletion instead of orphaning the key.
      DeletionPolicy: 'Delete',
    });
  });

  it("lets CloudWatch alarms of this account use the key (the AWS managed key would drop their pages)", () => {
    const key = resources.find((r) => r.logicalId === keyId)!;
    const statement = (key.props.KeyPolicy.Statement as Array<Record<string, any>>).find((s) => s.Principal?.Service === 'cloudwatch.amazonaws.com')!;
    assert.deepEqual(statement.Action, ['kms:Decrypt', 'kms:GenerateDataKey*']);
    assert.equal(statement.Effect, 'Allow');
    assert.deepEqual(statement.Condition.StringEquals, { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } });
    assert.equal(joined(statement.Condition.ArnLike['aws:SourceArn']), 'arn:{AWS::Partition}:cloudwatch:{AWS::Region}:{AWS::AccountId}:alarm:watchpost-*');
  });

  it('denies any access to the topics that is not over TLS, and lets the alarms publish', () => {
    for (const topic of [criticalTopic, warningTopic]) {
      const policy = ofType('AWS::SNS::TopicPolicy').find((p) => JSON.stringify(p.props.Topics) === JSON.stringify([{ Ref: topic }]))!;
      const statements = policy.props.PolicyDocument.Statement as Array<Record<string, any>>;
      const denies = statements.filter((s) => s.Effect === 'Deny');
      assert.equal(denies.length, 1);
      const deny = denies[0]!;
      assert.deepEqual(deny.Condition, { Bool: { 'aws:SecureTransport': 'false' } });
      assert.equal(deny.Principal, '*');
      assert.deepEqual(deny.Resource, { Ref: topic });
      // Every action a topic policy accepts (SNS developer guide, "Valid Amazon SNS policy actions"), not only Publish.
      assert.deepEqual([deny.Action].flat().sort(), [
        'sns:AddPermission', 'sns:DeleteTopic', 'sns:GetDataProtectionPolicy', 'sns:GetTopicAttributes', 'sns:ListSubscriptionsByTopic',
        'sns:ListTagsForResource', 'sns:Publish', 'sns:PutDataProtectionPolicy', 'sns:RemovePermission', 'sns:SetTopicAttributes', 'sns:Subscribe',
      ]);
      assert.equal(statements.length, 2, 'the TLS deny and the alarms\' publish grant, nothing else');
      const allow = statements.find((s) => s.Principal?.Service === 'cloudwatch.amazonaws.com')!;
      assert.equal(allow.Action, 'sns:Publish');
      assert.deepEqual(allow.Resource, { Ref: topic });
    }
  });

  it('subscribes what alerting lists, per severity and protocol', () => {
    const subs = ofType('AWS::SNS::Subscription').map((s) => `${s.props.TopicArn.Ref === criticalTopic ? 'critical' : 'warning'} ${s.props.Protocol} ${s.props.Endpoint}`);
    assert.deepEqual(subs.sort(), [
      'critical email oncall@example.com',
      'critical https https://events.example.com/hook',
      'critical sms +14155550100',
      'warning email platform@example.com',
    ]);
  });
});

describe('check alarms', () => {
  const alarms = ofType('AWS::CloudWatch::Alarm').filter((a) => a.file.includes('nested'));
  const alarm = (name: string) => {
    const a = alarms.find((x) => x.props.AlarmName === name);
    assert.ok(a, `alarm ${name}`);
    return a.props;
  };

  it('creates exactly the alarms the plan lists', () => {
    assert.deepEqual(
      alarms.map((a) => a.props.AlarmName).sort(),
      [
        'watchpost-api-health-availability',
        'watchpost-api-health-latency-critical',
        'watchpost-checkout-post-availability',
        'watchpost-shop-home-availability',
        'watchpost-shop-home-certificate',
        'watchpost-shop-home-latency-critical',
        'watchpost-shop-home-latency-warning',
      ],
    );
    assert.deepEqual(alarms.map((a) => a.props.AlarmName).sort(), plan.checks.flatMap((c) => c.alarms.map((a) => a.alarmName)).sort());
  });

  /** The fields that decide when an alarm fires, under short names. */
  const alarmShape = (a: Record<string, any>) => ({
    ns: a.Namespace, metric: a.MetricName, dims: a.Dimensions, stat: a.Statistic, period: a.Period, op: a.ComparisonOperator,
    threshold: a.Threshold, m: a.DatapointsToAlarm, n: a.EvaluationPeriods, missing: a.TreatMissingData,
  });

  it('availability: Success below 1 in M of N periods of the frequency, missing data breaching, critical', () => {
    const a = alarm('watchpost-shop-home-availability');
    assert.deepEqual(
      alarmShape(a),
      {
        ns: 'Shop/Probes', metric: 'Success', dims: [{ Name: 'Check', Value: 'shop-home' }], stat: 'Minimum', period: 60, op: 'LessThanThreshold',
        threshold: 1, m: 2, n: 3, missing: 'breaching',
      },
    );
    const api = alarm('watchpost-api-health-availability');
    assert.equal(api.DatapointsToAlarm, 3);
    assert.equal(api.EvaluationPeriods, 5);
    assert.equal(alarm('watchpost-checkout-post-availability').Period, 300);
  });

  it('latency: Duration above the warning and critical thresholds, missing data not breaching', () => {
    const warning = alarm('watchpost-shop-home-latency-warning');
    const critical = alarm('watchpost-shop-home-latency-critical');
    for (const [a, threshold] of [[warning, 800], [critical, 2000]] as const) {
      assert.equal(a.MetricName, 'Duration');
      assert.equal(a.Statistic, 'Maximum');
      assert.equal(a.ComparisonOperator, 'GreaterThanThreshold');
      assert.equal(a.Threshold, threshold);
      assert.equal(a.DatapointsToAlarm, 2);
      assert.equal(a.EvaluationPeriods, 3);
      assert.equal(a.TreatMissingData, 'notBreaching');
    }
    assert.equal(alarm('watchpost-api-health-latency-critical').Threshold, 1000);
  });

  it('certificate: CertDaysRemaining below minDaysRemaining in M of N periods of the frequency, missing data not breaching', () => {
    const a = alarm('watchpost-shop-home-certificate');
    assert.deepEqual(
      alarmShape(a),
      {
        ns: 'Shop/Probes', metric: 'CertDaysRemaining', dims: [{ Name: 'Check', Value: 'shop-home' }], stat: 'Minimum', period: 60, op: 'LessThanThreshold',
        threshold: 14, m: 2, n: 3, missing: 'notBreaching',
      },
    );
  });

  it("sends ALARM and OK to the severity's topic", () => {
    const expected: Record<string, string> = {
      'watchpost-shop-home-availability': criticalTopic,
      'watchpost-shop-home-latency-critical': criticalTopic,
      'watchpost-shop-home-latency-warning': warningTopic,
      'watchpost-shop-home-certificate': warningTopic,
      'watchpost-api-health-availability': criticalTopic,
      'watchpost-checkout-post-availability': criticalTopic,
    };
    for (const [name, topic] of Object.entries(expected)) {
      const a = alarm(name);
      assert.equal(a.AlarmActions.length, 1, name);
      assert.equal(parentRef(a.AlarmActions[0]), topic, `${name} ALARM`);
      assert.equal(parentRef(a.OKActions[0]), topic, `${name} OK`);
    }
  });

  it('describes what on-call needs: URL, rule, expected, owner, rollback, runbook, dashboard link', () => {
    const text = joined(alarm('watchpost-shop-home-availability').AlarmDescription);
    assert.equal(
      text,
      [
        'Watchpost: shop-home is failing. GET https://shop.example.com/',
        'Fires when Success Minimum < 1 in 2 of 3 periods of 1m; no data (the probe stopped) counts as failing.',
        'Expected: 200 with the product grid in under 800 ms',
        'Owner: team-shop',
        'Rollback: npx cdk deploy ShopStack -c release=previous',
        'Runbook: https://wiki.example.com/runbooks/shop-home',
        'Dashboard: https://console.aws.amazon.com/cloudwatch/home?region={AWS::Region}#dashboards/dashboard/watchpost',
      ].join('\n'),
    );
    assert.match(joined(alarm('watchpost-shop-home-latency-warning').AlarmDescription), /Fires when Duration Maximum > 800ms in 2 of 3 periods of 1m\./);
  });
});

describe('function alarms (the monitor is monitored)', () => {
  const fnAlarms = ofType('AWS::CloudWatch::Alarm').filter((a) => !a.file.includes('nested'));
  const byName = new Map(fnAlarms.map((a) => [a.props.AlarmName, a.props]));

  it('alarms on errors, throttles and duration above 80 % of the timeout, 1 of 1 five-minute period, missing data not breaching, to the critical topic', () => {
    assert.deepEqual([...byName.keys()].sort(), ['watchpost-probe-function-duration', 'watchpost-probe-function-errors', 'watchpost-probe-function-throttles']);
    const expect = { errors: ['Errors', 'Sum', 0], throttles: ['Throttles', 'Sum', 0], duration: ['Duration', 'Maximum', 28_000 * 0.8] } as const;
    for (const [kind, [metric, stat, threshold]] of Object.entries(expect)) {
      const a = byName.get(`watchpost-probe-function-${kind}`)!;
      assert.equal(a.Namespace, 'AWS/Lambda');
      assert.equal(a.MetricName, metric);
      assert.equal(a.Statistic, stat);
      assert.equal(a.Threshold, threshold);
      assert.equal(a.ComparisonOperator, 'GreaterThanThreshold');
      assert.equal(a.Period, 300);
      assert.equal(a.DatapointsToAlarm, 1);
      assert.equal(a.EvaluationPeriods, 1);
      assert.equal(a.TreatMissingData, 'notBreaching');
      assert.deepEqual(a.Dimensions, [{ Name: 'FunctionName', Value: { Ref: functionId } }]);
      assert.deepEqual(a.AlarmActions, [{ Ref: criticalTopic }]);
      assert.deepEqual(a.OKActions, [{ Ref: criticalTopic }]);
    }
  });
});

describe('dashboards', () => {
  const dashboards = ofType('AWS::CloudWatch::Dashboard');
  const dashboard = dashboards.find((d) => d.props.DashboardName === 'watchpost')!;
  const widgets = dashboardBody(dashboard.props).widgets;
  /** Alarm names in a status widget: the stack's own alarms by GetAtt, the nested stacks' by an ARN built from the name. */
  const alarmNames = (w: any) =>
    (w.properties.alarms as string[]).map((arn) => (arn.includes(':alarm:') ? arn.split(':alarm:')[1] : resources.find((r) => `{${r.logicalId}.Arn}` === arn)?.props.AlarmName));

  it('creates one dashboard for three checks, in the stack, after the alarms it shows', () => {
    assert.deepEqual(dashboards.map((d) => d.props.DashboardName), ['watchpost']);
    assert.ok(dashboard.file.endsWith('Watchpost.template.json'));
    const nestedStack = resources.find((r) => r.type === 'AWS::CloudFormation::Stack')!;
    assert.ok((dashboard.raw.DependsOn as string[]).includes(nestedStack.logicalId), `DependsOn ${dashboard.raw.DependsOn}`);
  });

  it('shows owner and runbook table, the probe function\'s and every check\'s alarms, availability and latency per check, phases where timed', () => {
    const text = widgets.find((w) => w.type === 'text')!.properties.markdown as string;
    assert.match(text, /\| shop-home \| GET https:\/\/shop\.example\.com\/ \| team-shop \| \[runbook\]\(https:\/\/wiki\.example\.com\/runbooks\/shop-home\) \|/);
    assert.match(text, /\| api-health \| GET https:\/\/api\.example\.com\/health \| team-api \| - \|/);
    const status = widgets.filter((w) => w.type === 'alarm');
    assert.deepEqual(status.map((w) => w.properties.title), ['Probe function', 'Alarms']);
    assert.deepEqual(alarmNames(status[0]).sort(), ['watchpost-probe-function-duration', 'watchpost-probe-function-errors', 'watchpost-probe-function-throttles']);
    assert.deepEqual(alarmNames(status[1]).sort(), plan.checks.flatMap((c) => c.alarms.map((a) => a.alarmName)).sort());
    assert.equal(status[1].properties.alarms.length, 7);
    const titles = widgets.filter((w) => w.type === 'metric').map((w) => w.properties.title);
    assert.deepEqual(titles, [
      'shop-home: availability %', 'shop-home: latency (ms)', 'shop-home: phases (ms, average)',
      'api-health: availability %', 'api-health: latency (ms)',
      'checkout-post: availability %', 'checkout-post: latency (ms)',
    ]);
    const availability = widgets.find((w) => w.properties.title === 'shop-home: availability %')!;
    assert.deepEqual(availability.properties.metrics[0][0], { expression: '100 * success', label: 'availability %', period: 60 });
    assert.deepEqual(availability.properties.metrics[1].slice(0, 4), ['Shop/Probes', 'Success', 'Check', 'shop-home']);
    const latency = widgets.find((w) => w.properties.title === 'shop-home: latency (ms)')!;
    assert.deepEqual(latency.properties.metrics.map((m: any[]) => m[m.length - 1].stat), ['p50', 'p90', 'Maximum']);
    assert.deepEqual(latency.properties.annotations.horizontal.map((h: any) => [h.label, h.value]), [['warning', 800], ['critical', 2000]]);
    const phases = widgets.find((w) => w.properties.title === 'shop-home: phases (ms, average)')!;
    assert.deepEqual(phases.properties.metrics.map((m: any[]) => m[1]), ['DnsTime', 'ConnectTime', 'TlsTime', 'FirstByteTime', 'DownloadTime']);
    assert.equal(phases.properties.stacked, true);
  });

  it('draws only the phases a check publishes: no TlsTime for http, no DnsTime for an IP address', () => {
    const small = synthWatchpost(
      {
        checks: [
          { name: 'plain', url: 'http://plain.example.com/', metrics: { timings: true } },
          { name: 'by-address', url: 'https://192.0.2.10/', metrics: { timings: true }, tls: { verify: false } },
        ],
      },
      { bundle: false },
    );
    const board = small.resources.find((r) => r.type === 'AWS::CloudWatch::Dashboard')!;
    const phaseLines = (title: string) =>
      dashboardBody(board.props).widgets.find((w: any) => w.properties.title === title)!.properties.metrics.map((m: any[]) => m[1]);
    assert.deepEqual(phaseLines('plain: phases (ms, average)'), ['DnsTime', 'ConnectTime', 'FirstByteTime', 'DownloadTime']);
    assert.deepEqual(phaseLines('by-address: phases (ms, average)'), ['ConnectTime', 'TlsTime', 'FirstByteTime', 'DownloadTime']);
  });
});

describe('template quality', () => {
  it('has zero unacknowledged cdk-nag AwsSolutions findings', () => {
    assert.deepEqual(nagFindings(synth.app), []);
  });

  it('acknowledges each cdk-nag rule with a specific reason', () => {
    const acks = synth.stack.node
      .findAll()
      .flatMap((c) => c.node.metadata.filter((m) => m.type === 'aws:cdk:acknowledged-rules').map((m) => ({ path: c.node.path, data: m.data })));
    // Each acknowledgement is recorded as { [ruleId]: reason } on the construct it covers.
    const flat = acks.flatMap((a) => Object.entries(a.data as Record<string, string>).map(([id, reason]) => ({ path: a.path, id, reason })));
    assert.deepEqual(
      flat.map((a) => `${a.path.split('/').slice(1, 3).join('/')} ${a.id.replace(/<[A-Za-z0-9]+\.Arn>/, '<fn>')}`).sort(),
      [
        'Watchpost/Probe Annotation::AwsSolutions-IAM5[Resource::*]',
        'Watchpost/Probe Annotation::AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:cloudwatch:<AWS::Region>:<AWS::AccountId>:alarm:watchpost-*-availability]',
        'Watchpost/Schedules Annotation::AwsSolutions-IAM5[Resource::<fn>:*]',
      ],
    );
    for (const ack of flat) assert.ok(ack.reason.length > 60, `${ack.path}: the reason says why, got ${ack.reason}`);
    // And each one covers a finding that would otherwise be reported, on the policy it is attached to.
    const wouldReport = nagFindingsIgnoringAcknowledgements(synth.app);
    assert.deepEqual(
      wouldReport.sort(),
      flat.map((a) => `${a.path}/Resource ${a.id.replace(/^Annotation::/, '')}`).sort(),
    );
  });

  it('orphans nothing on destroy: no resource is retained', () => {
    const retained = resources.filter((r) => r.raw.DeletionPolicy === 'Retain' || r.raw.DeletionPolicy === 'RetainExceptOnCreate');
    assert.deepEqual(retained.map((r) => r.logicalId), []);
  });

  it('passes cfn-lint with no errors (every template)', (t) => {
    const result = cfnLint(templateFiles(synth.outdir));
    if (!result.ran) {
      assert.notEqual(process.env.CI, 'true', `under CI, ${result.why}`);
      t.skip(result.why);
      return;
    }
    assert.deepEqual(result.errors, []);
  });

  it('puts the alarms of a small file into one nested stack, and its one dashboard in the stack', () => {
    assert.equal(nested.length, 1);
    shard.resourceCountIs('AWS::CloudWatch::Alarm', 7);
    shard.resourceCountIs('AWS::CloudWatch::Dashboard', 0);
    parent.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
  });
});
