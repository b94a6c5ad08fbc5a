/**
 * The topics alarms page through: one per severity, encrypted with a customer
 * managed key that CloudWatch may use (the AWS managed SNS key does not let
 * CloudWatch publish, so alarms would fail silently), TLS-only, with the
 * subscriptions the check file lists under `alerting`.
 */
import { ArnFormat, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { SEVERITIES, type Severity, type Subscriptions } from './spec/types.ts';

/** Alarm names all start with this, so topic and key policies can name them with one pattern. */
export const ALARM_NAME_PREFIX = 'watchpost-';

export interface AlertTopicsProps {
  /** Who is paged per severity (from the check file's `alerting`). */
  readonly alerting: Record<Severity, Subscriptions>;
  /**
   * Existing topics to publish to instead of creating them. A topic of yours
   * must let CloudWatch alarms publish, and its key (if any) must let
   * cloudwatch.amazonaws.com use it.
   * @default - a topic per severity is created, with a customer managed key
   */
  readonly topics?: Partial<Record<Severity, sns.ITopic>>;
  /**
   * What happens to the key on `cdk destroy`.
   * @default RemovalPolicy.DESTROY - deletion is scheduled after a 7-day waiting period
   */
  readonly removalPolicy?: RemovalPolicy;
}

export class AlertTopics extends Construct {
  readonly critical: sns.ITopic;
  readonly warning: sns.ITopic;
  /** The key encrypting the topics created here; undefined when every topic was brought. */
  readonly key?: kms.Key;

  constructor(scope: Construct, id: string, props: AlertTopicsProps) {
    super(scope, id);
    const needKey = SEVERITIES.some((s) => !props.topics?.[s]);
    if (needKey) this.key = this.makeKey(props.removalPolicy ?? RemovalPolicy.DESTROY);
    const topics = {} as Record<Severity, sns.ITopic>;
    for (const severity of SEVERITIES) {
      const topic = props.topics?.[severity] ?? this.makeTopic(severity);
      this.subscribe(severity, topic, props.alerting[severity]);
      topics[severity] = topic;
    }
    this.critical = topics.critical;
    this.warning = topics.warning;
  }

  topicFor(severity: Severity): sns.ITopic {
    return severity === 'critical' ? this.critical : this.warning;
  }

  /** Every key that publishing to the topics needs (the created one and those of brought topics). */
  get keys(): kms.IKey[] {
    const keys = new Set<kms.IKey>();
    for (const topic of [this.critical, this.warning]) if (topic.masterKey) keys.add(topic.masterKey);
    return [...keys];
  }

  /**
   * Subscriptions live here (not under the topic), so a brought topic's
   * subscriptions are still created in this stack. Ids come from the
   * endpoint, so removing one subscriber never re-creates the others (an
   * e-mail subscription would need confirming again).
   */
  private subscribe(severity: Severity, topic: sns.ITopic, to: Subscriptions): void {
    const add = (protocol: sns.SubscriptionProtocol, endpoint: string) =>
      new sns.Subscription(this, `${severity}-${protocol}-${endpoint.replace(/\//g, '_')}`, { topic, protocol, endpoint });
    // A subscriber listed twice is subscribed once.
    for (const email of new Set(to.email)) add(sns.SubscriptionProtocol.EMAIL, email);
    for (const url of new Set(to.https)) add(sns.SubscriptionProtocol.HTTPS, url);
    for (const phone of new Set(to.sms)) add(sns.SubscriptionProtocol.SMS, phone);
  }

  private makeKey(removalPolicy: RemovalPolicy): kms.Key {
    const key = new kms.Key(this, 'Key', {
      description: 'Watchpost: encrypts the alert topics; CloudWatch alarms may use it to publish',
      enableKeyRotation: true,
      removalPolicy,
      // The shortest wait KMS allows: destroy leaves nothing behind for long, yet a mistake can be undone.
      pendingWindow: Duration.days(7),
    });
    const stack = Stack.of(this);
    // CloudWatch publishes to an encrypted topic only if the key lets it generate data keys.
    key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowCloudWatchAlarmsToPublishToEncryptedTopics',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        // Only on behalf of this account's Watchpost alarms (confused-deputy guard).
        conditions: {
          StringEquals: { 'aws:SourceAccount': stack.account },
          ArnLike: { 'aws:SourceArn': watchpostAlarmArns(stack) },
        },
      }),
    );
    return key;
  }

  private makeTopic(severity: Severity): sns.Topic {
    const topic = new sns.Topic(this, severity === 'critical' ? 'Critical' : 'Warning', {
      displayName: `Watchpost ${severity}`,
      masterKey: this.key,
      // Not enforceSSL: CDK's statement denies only sns:Publish; the one below denies every action.
    });
    const stack = Stack.of(this);
    topic.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'DenyAnyAccessWithoutTls',
        effect: iam.Effect.DENY,
        principals: [new iam.StarPrincipal()],
        actions: [...TOPIC_POLICY_ACTIONS],
        resources: [topic.topicArn],
        conditions: { Bool: { 'aws:SecureTransport': 'false' } },
      }),
    );
    // A topic policy replaces SNS's default one, so CloudWatch alarms need their own grant.
    topic.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowWatchpostAlarmsToPublish',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [topic.topicArn],
        conditions: {
          ArnLike: { 'aws:SourceArn': watchpostAlarmArns(stack) },
          StringEquals: { 'aws:SourceAccount': stack.account },
        },
      }),
    );
    return topic;
  }
}

/**
 * Every action an SNS topic policy accepts ("Valid Amazon SNS policy actions",
 * SNS developer guide): the TLS-only statement denies all of them, not only
 * Publish. Named rather than `sns:*`: these are the actions the guide lists
 * as valid in a topic policy, and cdk-nag's SNS3 rule matches sns:Publish by
 * name.
 */
export const TOPIC_POLICY_ACTIONS = [
  'sns:AddPermission',
  'sns:DeleteTopic',
  'sns:GetDataProtectionPolicy',
  'sns:GetTopicAttributes',
  'sns:ListSubscriptionsByTopic',
  'sns:ListTagsForResource',
  'sns:Publish',
  'sns:PutDataProtectionPolicy',
  'sns:RemovePermission',
  'sns:SetTopicAttributes',
  'sns:Subscribe',
] as const;

/** `arn:<partition>:cloudwatch:<region>:<account>:alarm:watchpost-*` */
export function watchpostAlarmArns(stack: Stack): string {
  return stack.formatArn({
    service: 'cloudwatch',
    resource: 'alarm',
    resourceName: `${ALARM_NAME_PREFIX}*`,
    arnFormat: ArnFormat.COLON_RESOURCE_NAME,
  });
}

