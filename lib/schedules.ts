/**
 * One EventBridge Scheduler schedule per batch (checks of one frequency,
 * grouped by lib/plan.ts), so the resource count grows with batches, not
 * checks. The input names the batch and its checks and carries the scheduled
 * time, so the handler can drop a run that arrives late.
 */
import { ArnFormat, Duration, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as targets from 'aws-cdk-lib/aws-scheduler-targets';
import { Construct } from 'constructs';
import type { Batch } from './plan.ts';

/** What the handler receives (the handler's side of the contract). */
export interface ScheduleInput {
  batch: string;
  checks: string[];
  /** ISO time the run was scheduled for (`<aws.scheduler.scheduled-time>`). */
  scheduledTime: string;
}

export interface ProbeSchedulesProps {
  readonly fn: lambda.IFunction;
  readonly batches: readonly Batch[];
}

export class ProbeSchedules extends Construct {
  readonly schedules: scheduler.Schedule[];
  /** The role Scheduler assumes to invoke the probe function (shared by every schedule). */
  readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: ProbeSchedulesProps) {
    super(scope, id);
    const stack = Stack.of(this);
    this.role = new iam.Role(this, 'InvokeRole', {
      description: 'Watchpost: lets EventBridge Scheduler invoke the probe function',
      // Only schedules of this account's default group may assume it (confused-deputy guard).
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
        conditions: {
          StringEquals: {
            'aws:SourceAccount': stack.account,
            'aws:SourceArn': stack.formatArn({
              service: 'scheduler',
              resource: 'schedule-group',
              resourceName: 'default',
              arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
            }),
          },
        },
      }),
    });
    this.schedules = props.batches.map((batch) => {
      const input: ScheduleInput = {
        batch: batch.id,
        checks: batch.checks.map((c) => c.name),
        scheduledTime: scheduler.ContextAttribute.scheduledTime,
      };
      return new scheduler.Schedule(this, batch.id, {
        description: describe(batch),
        schedule: scheduler.ScheduleExpression.rate(Duration.millis(batch.frequency)),
        timeWindow: scheduler.TimeWindow.off(),
        target: new targets.LambdaInvoke(props.fn, {
          role: this.role,
          input: scheduler.ScheduleTargetInput.fromObject(input),
          // A retried run would measure a later moment and report it as the scheduled one.
          retryAttempts: 0,
          maxEventAge: Duration.minutes(1),
        }),
      });
    });
    const policy = this.role.node.tryFindChild('DefaultPolicy');
    if (policy) {
      Validations.of(policy).acknowledge({
        id: `AwsSolutions-IAM5[Resource::<${stack.getLogicalId(props.fn.node.defaultChild as lambda.CfnFunction)}.Arn>:*]`,
        reason: "LambdaInvoke's grant adds the function's qualified ARNs (<arn>:*, its versions and aliases) beside the unqualified one; both name this one function only",
      });
    }
  }
}

/** Schedule descriptions are at most 512 characters. */
function describe(batch: Batch): string {
  const text = `Watchpost batch ${batch.id}: ${batch.checks.map((c) => c.name).join(', ')}`;
  return text.length > 512 ? `${text.slice(0, 511)}…` : text;
}
