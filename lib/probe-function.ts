/**
 * The probe function: the handler (named by path, never imported) bundled
 * locally with esbuild, with the check file written beside it, allowed to do
 * exactly four things: write its own log group, put metrics in its
 * namespace, publish to the alert topics, and read its checks' availability
 * alarm states.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ArnFormat, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat, type BundlingOptions } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { SIZING } from './plan.ts';
import { PROBE_BUNDLE } from './probe-bundle.ts';
import { ALARM_NAME_PREFIX } from './topics.ts';

/** The environment the handler reads (the handler's side of the contract). */
export const PROBE_ENV = {
  namespace: 'WATCHPOST_NAMESPACE',
  criticalTopicArn: 'WATCHPOST_CRITICAL_TOPIC_ARN',
  warningTopicArn: 'WATCHPOST_WARNING_TOPIC_ARN',
} as const;

/**
 * libuv's thread pool runs every name lookup (getaddrinfo) and zlib's
 * inflation of compressed bodies. Its default of 4 would queue the lookups of
 * a batch behind each other, and that wait would read as DNS time; a lookup
 * that hangs (it cannot be cancelled) would hold a thread for good. Room for
 * every check of a full batch, plus some for inflation.
 */
export const THREAD_POOL_SIZE = SIZING.batchSize + 6;

export interface ProbeFunctionProps {
  /** The check file as parsed (before validation): written beside the handler as PROBE_BUNDLE.configFileName. */
  readonly rawConfig: unknown;
  /** CloudWatch namespace the function may put metrics in (and nowhere else). */
  readonly namespace: string;
  readonly topics: { critical: sns.ITopic; warning: sns.ITopic };
  /** Keys encrypting the topics; publishing to an encrypted topic needs them. */
  readonly topicKeys: kms.IKey[];
  readonly memoryMb: number;
  readonly architecture: lambda.Architecture;
  readonly timeout: Duration;
  /**
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * What happens to the log group on `cdk destroy`.
   * @default RemovalPolicy.DESTROY
   */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * The handler source. For tests of the constructs only.
   * @default PROBE_BUNDLE.entry (lambda/handler.ts)
   */
  readonly entry?: string;
}

export class ProbeFunction extends Construct {
  readonly function: NodejsFunction;
  readonly logGroup: logs.LogGroup;
  readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: ProbeFunctionProps) {
    super(scope, id);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.DESTROY;
    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
      removalPolicy,
    });
    // An own role instead of AWSLambdaBasicExecutionRole: logs go to this log group only.
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'Watchpost probe: write its logs, put metrics in its namespace, read its availability alarms, publish to its alert topics',
    });

    const configFile = writeConfigFile(props.rawConfig);
    const entry = props.entry ?? PROBE_BUNDLE.entry;
    this.function = new NodejsFunction(this, 'Function', {
      entry,
      handler: PROBE_BUNDLE.handlerExport,
      // A test's handler outside the repository brings its own project root (lock file, node_modules).
      ...(props.entry ? { projectRoot: path.dirname(entry), depsLockFilePath: path.join(path.dirname(entry), 'package-lock.json') } : {}),
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: props.architecture,
      memorySize: props.memoryMb,
      timeout: props.timeout,
      role: this.role,
      logGroup: this.logGroup,
      description: 'Watchpost probe: runs a batch of checks and publishes their metrics',
      // Scheduler invokes asynchronously; a retried or late run would report an old moment as now.
      retryAttempts: 0,
      maxEventAge: Duration.minutes(1),
      environment: {
        [PROBE_ENV.namespace]: props.namespace,
        [PROBE_ENV.criticalTopicArn]: props.topics.critical.topicArn,
        [PROBE_ENV.warningTopicArn]: props.topics.warning.topicArn,
        UV_THREADPOOL_SIZE: String(THREAD_POOL_SIZE),
      },
      bundling: {
        forceDockerBundling: false,
        ...probeBundling(),
        commandHooks: {
          beforeBundling: () => [],
          beforeInstall: () => [],
          afterBundling: (_inputDir: string, outputDir: string) => [
            `cp "${configFile}" "${path.join(outputDir, PROBE_BUNDLE.configFileName)}"`,
          ],
        },
      },
    });
    this.grantLeastPrivilege(props);
  }

  private grantLeastPrivilege(props: ProbeFunctionProps): void {
    this.logGroup.grantWrite(this.role);
    this.role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'PutMetricDataInWatchpostNamespaceOnly',
        actions: ['cloudwatch:PutMetricData'],
        resources: ['*'],
        conditions: { StringEquals: { 'cloudwatch:namespace': props.namespace } },
      }),
    );
    this.role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'PublishFailureDetailToAlertTopics',
        actions: ['sns:Publish'],
        resources: [props.topics.critical.topicArn, props.topics.warning.topicArn],
      }),
    );
    // The handler reads its checks' availability alarm states to page once per incident (lambda/sinks/incident-state.ts).
    this.role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'ReadAvailabilityAlarmStates',
        actions: ['cloudwatch:DescribeAlarms'],
        resources: [availabilityAlarmArns(Stack.of(this))],
      }),
    );
    if (props.topicKeys.length > 0) {
      this.role.addToPolicy(
        new iam.PolicyStatement({
          sid: 'EncryptMessagesForEncryptedTopics',
          actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
          resources: props.topicKeys.map((k) => k.keyArn),
        }),
      );
    }
    const policy = this.role.node.tryFindChild('DefaultPolicy');
    if (policy) {
      Validations.of(policy).acknowledge({
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason: 'cloudwatch:PutMetricData has no resource-level permissions; the statement is limited by the cloudwatch:namespace condition to the Watchpost namespace',
      });
      Validations.of(policy).acknowledge({
        id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:cloudwatch:<AWS::Region>:<AWS::AccountId>:alarm:${ALARM_NAME_PREFIX}*-availability]`,
        reason: 'DescribeAlarms (read-only) on the availability alarms this stack names watchpost-<check>-availability; one pattern instead of one ARN per check keeps the policy small at 1,000 checks',
      });
    }
  }
}

/** `arn:<partition>:cloudwatch:<region>:<account>:alarm:watchpost-*-availability` */
function availabilityAlarmArns(stack: Stack): string {
  return stack.formatArn({
    service: 'cloudwatch',
    resource: 'alarm',
    resourceName: `${ALARM_NAME_PREFIX}*-availability`,
    arnFormat: ArnFormat.COLON_RESOURCE_NAME,
  });
}

/**
 * PROBE_BUNDLE.esbuild as NodejsFunction bundling options. Keyed by every
 * esbuild option, so one added there without a translation here fails to
 * type-check instead of building a different asset than the one tested.
 */
export function probeBundling(): Partial<BundlingOptions> {
  const o = PROBE_BUNDLE.esbuild;
  const translated: Record<keyof typeof o, Partial<BundlingOptions>> = {
    // NodejsFunction always builds for node.
    platform: {},
    format: { format: o.format === 'esm' ? OutputFormat.ESM : OutputFormat.CJS },
    target: { target: o.target },
    minify: { minify: o.minify },
    sourcemap: { sourceMap: o.sourcemap },
    external: { externalModules: o.external },
    mainFields: { mainFields: o.mainFields },
    banner: { banner: o.banner.js },
  };
  return Object.assign({}, ...Object.values(translated)) as Partial<BundlingOptions>;
}

const tempDirs: string[] = [];

/** Writes the raw config to a temp file for the bundling hook; removed when the process exits. */
function writeConfigFile(rawConfig: unknown): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'watchpost-config-'));
  if (tempDirs.length === 0) process.once('exit', () => tempDirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
  tempDirs.push(dir);
  const file = path.join(dir, PROBE_BUNDLE.configFileName);
  writeFileSync(file, `${JSON.stringify(rawConfig, null, 2)}\n`);
  return file;
}
