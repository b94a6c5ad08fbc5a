/**
 * The pages. Each check's alarms come from the plan (lib/plan.ts decides
 * which alarms, thresholds and M of N); this file turns them into CloudWatch
 * alarms whose description carries what on-call needs at 3 a.m., with ALARM
 * and OK (the recovery notice) going to the severity's topic. The probe
 * function is watched too: errors, throttles, duration near its timeout.
 */
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import type { AlarmPlan } from './plan.ts';
import { CHECK_DIMENSION } from './spec/metrics.ts';
import type { CheckSpec, Severity } from './spec/types.ts';
import { formatDuration } from './spec/units.ts';
import { ALARM_NAME_PREFIX } from './topics.ts';

/** CloudWatch's limit on AlarmDescription. */
export const ALARM_DESCRIPTION_MAX = 1024;

/** Routes a severity to its topic. */
export type TopicFor = (severity: Severity) => sns.ITopic;

export interface CheckAlarmsProps {
  readonly spec: CheckSpec;
  readonly alarms: readonly AlarmPlan[];
  readonly namespace: string;
  readonly topicFor: TopicFor;
  /** Console link to the dashboard that shows this check. */
  readonly dashboardUrl: string;
}

/** The alarms of one check. */
export class CheckAlarms extends Construct {
  readonly alarms: cloudwatch.Alarm[] = [];

  constructor(scope: Construct, id: string, props: CheckAlarmsProps) {
    super(scope, id);
    for (const plan of props.alarms) {
      const alarm = new cloudwatch.Alarm(this, plan.kind, {
        alarmName: plan.alarmName,
        alarmDescription: alarmDescription(props.spec, plan, props.dashboardUrl),
        metric: new cloudwatch.Metric({
          namespace: props.namespace,
          metricName: plan.metricName,
          dimensionsMap: { [CHECK_DIMENSION]: plan.check },
          statistic: plan.statistic,
          period: Duration.seconds(plan.periodSeconds),
        }),
        threshold: plan.threshold,
        comparisonOperator: cloudwatch.ComparisonOperator[COMPARISON[plan.comparison]],
        evaluationPeriods: plan.evaluationPeriods,
        datapointsToAlarm: plan.datapointsToAlarm,
        treatMissingData: plan.treatMissingData === 'breaching' ? cloudwatch.TreatMissingData.BREACHING : cloudwatch.TreatMissingData.NOT_BREACHING,
      });
      const topic = new actions.SnsAction(props.topicFor(plan.severity));
      alarm.addAlarmAction(topic);
      alarm.addOkAction(topic);
      this.alarms.push(alarm);
    }
  }
}

const COMPARISON = {
  LessThanThreshold: 'LESS_THAN_THRESHOLD',
  GreaterThanThreshold: 'GREATER_THAN_THRESHOLD',
} as const satisfies Record<AlarmPlan['comparison'], keyof typeof cloudwatch.ComparisonOperator>;

const KIND_TEXT: Record<AlarmPlan['kind'], string> = {
  availability: 'is failing',
  'latency-warning': 'is slow (warning)',
  'latency-critical': 'is slow (critical)',
  certificate: 'certificate expires soon',
};

/**
 * What on-call reads first: which check, what it probes, the rule that fired,
 * and the runbook fields. Kept within CloudWatch's 1024 characters by
 * shortening the free-text fields, never the links' beginnings or the rule.
 */
export function alarmDescription(spec: CheckSpec, plan: AlarmPlan, dashboardUrl: string): string {
  const fixed = [`Watchpost: ${spec.name} ${KIND_TEXT[plan.kind]}. ${spec.method} ${spec.url}`, `Fires when ${ruleText(plan)}.`];
  const fields: Array<[string, string | null]> = [
    ['Expected', spec.runbook.expected],
    ['Owner', spec.runbook.owner],
    ['Rollback', spec.runbook.rollback],
    ['Runbook', spec.runbook.url],
    ['Dashboard', dashboardUrl],
  ];
  const lines = [...fixed, ...fields.filter(([, v]) => v).map(([k, v]) => `${k}: ${v}`)];
  return fitLines(lines, ALARM_DESCRIPTION_MAX);
}

function ruleText(plan: AlarmPlan): string {
  const period = formatDuration(plan.periodSeconds * 1000);
  const op = plan.comparison === 'LessThanThreshold' ? '<' : '>';
  const value = plan.metric === 'duration' ? formatDuration(plan.threshold) : String(plan.threshold);
  const missing = plan.treatMissingData === 'breaching' ? '; no data (the probe stopped) counts as failing' : '';
  return `${plan.metricName} ${plan.statistic} ${op} ${value} in ${plan.datapointsToAlarm} of ${plan.evaluationPeriods} periods of ${period}${missing}`;
}

/** Cuts the longest line (with an ellipsis) until the text fits. */
export function fitLines(lines: string[], max: number): string {
  const out = [...lines];
  const total = () => out.reduce((n, l) => n + l.length, 0) + out.length - 1;
  for (let guard = 0; total() > max && guard < 100; guard++) {
    let longest = 0;
    out.forEach((l, i) => {
      if (l.length > out[longest]!.length) longest = i;
    });
    const excess = total() - max;
    const line = out[longest]!;
    out[longest] = `${line.slice(0, Math.max(20, line.length - excess - 1))}…`;
  }
  return out.join('\n');
}

export interface FunctionAlarmsProps {
  readonly fn: lambda.IFunction;
  readonly timeout: Duration;
  readonly topic: sns.ITopic;
}

/** The monitor is monitored: alarms on the probe function itself, to the critical topic. */
export class FunctionAlarms extends Construct {
  readonly alarms: cloudwatch.Alarm[];

  constructor(scope: Construct, id: string, props: FunctionAlarmsProps) {
    super(scope, id);
    const period = Duration.minutes(5);
    const nearTimeoutMs = Math.floor(props.timeout.toMilliseconds() * 0.8);
    const specs: Array<[string, cloudwatch.IMetric, number, string]> = [
      ['errors', props.fn.metricErrors({ period, statistic: 'Sum' }), 0, 'The probe function failed: checks in the failed batch published nothing (their availability alarms will follow).'],
      ['throttles', props.fn.metricThrottles({ period, statistic: 'Sum' }), 0, 'The probe function was throttled: some batches did not run. Check the account\'s Lambda concurrency.'],
      [
        'duration',
        props.fn.metricDuration({ period, statistic: 'Maximum' }),
        nearTimeoutMs,
        `A probe batch ran above 80 % of the function timeout (${formatDuration(props.timeout.toMilliseconds())}): slow targets are eating the publishing reserve.`,
      ],
    ];
    this.alarms = specs.map(([kind, metric, threshold, why]) => {
      const alarm = new cloudwatch.Alarm(this, kind, {
        alarmName: `${ALARM_NAME_PREFIX}probe-function-${kind}`,
        alarmDescription: `Watchpost probe function: ${why} Function: ${props.fn.functionName}`,
        metric,
        threshold,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        datapointsToAlarm: 1,
        // No invocations means no errors; a stopped probe is caught by every availability alarm.
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
      const action = new actions.SnsAction(props.topic);
      alarm.addAlarmAction(action);
      alarm.addOkAction(action);
      return alarm;
    });
  }
}
