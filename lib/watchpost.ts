/**
 * The Watchpost construct: everything `cdk deploy` creates from a check file.
 * Put it in your own stack with the checks as props (the same shape as
 * watchpost.yaml), or use WatchpostStack. The parts are exposed for extension.
 *
 *   parent stack: key, topics, probe function (+ log group, role), schedules,
 *                 function alarms, the dashboard (every check, up to
 *                 SIZING.checksPerDashboard) or else the overview
 *   nested stacks (Checks01...): the checks' alarms (and, above that many
 *                 checks, detail dashboards), split so no template nears
 *                 CloudFormation's limits
 */
import { Annotations, Duration, NestedStack, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { CheckAlarms, FunctionAlarms, type TopicFor } from './alarms.ts';
import { costSummaryLine } from './cost.ts';
import { CheckDashboard, dashboardUrl, OverviewDashboard } from './dashboard.ts';
import { planDeployment, shardCount, SIZING, worstCaseMs, type CheckPlan, type DeploymentPlan, type Shard } from './plan.ts';
import { ProbeFunction } from './probe-function.ts';
import { ProbeSchedules } from './schedules.ts';
import { formatProblem, type Problem } from './spec/problems.ts';
import type { CheckSpec, Severity } from './spec/types.ts';
import { formatDuration } from './spec/units.ts';
import { validateConfig } from './spec/validate.ts';
import { AlertTopics } from './topics.ts';
import type { WatchpostCheckFile } from './watchpost-props.ts';

export type * from './watchpost-props.ts';

/** Deployment choices that are not part of the check file. */
export interface WatchpostOptions {
  /**
   * Your own topics to page through, per severity. A topic of yours must let
   * cloudwatch.amazonaws.com publish, and its KMS key (if any) must let
   * CloudWatch use it. Subscriptions from `alerting` are added to it.
   * @default - a critical and a warning topic, encrypted with a new customer managed key
   */
  readonly topics?: Partial<Record<Severity, sns.ITopic>>;
  /**
   * Probe function memory (MB). CPU share grows with memory, and a starved CPU
   * inflates every latency the probe reads (see README, "Deploying").
   * @default SIZING.memoryMb (1024)
   */
  readonly memoryMb?: number;
  /**
   * @default lambda.Architecture.ARM_64
   */
  readonly architecture?: lambda.Architecture;
  /**
   * How long the probe's log lines are kept.
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * Create the dashboard: one showing every check up to
   * SIZING.checksPerDashboard (163, from CloudWatch's limits), above that an
   * overview plus detail dashboards.
   * @default true
   */
  readonly dashboard?: boolean;
  /**
   * Name of the dashboard (the overview when split); detail dashboards are `<name>-<stack>-<n>`.
   * @default 'watchpost'
   */
  readonly dashboardName?: string;
  /**
   * What `cdk destroy` does with the log group and the topics' KMS key.
   * @default RemovalPolicy.DESTROY - nothing is left behind (the key's deletion waits the minimum 7 days)
   */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * How many nested stacks hold the checks' alarms (and detail dashboards, when split). By default
   * it follows the check count (1 up to 50 checks, then a power of two), and
   * each change of it moves about half the checks' alarms to another stack,
   * which CloudFormation cannot do for named alarms in one deploy. Pin it
   * (e.g. 32 for up to ~1,500 checks) before growing past 50 checks.
   * @default - from the check count (lib/plan.ts shardCount)
   */
  readonly checkStacks?: number;
  /**
   * The handler source to bundle. Only for testing the constructs.
   * @default PROBE_BUNDLE.entry (lambda/handler.ts)
   */
  readonly handlerEntry?: string;
}

/**
 * The check file's content (typed and documented as in watchpost.yaml, see
 * lib/watchpost-props.ts; validated at construction) plus deployment options.
 */
export type WatchpostProps = WatchpostCheckFile & WatchpostOptions;

/** Thrown when the checks are invalid; carries the same problems `watchpost validate` prints. */
export class WatchpostConfigError extends Error {
  override name = 'WatchpostConfigError';
  constructor(readonly problems: Problem[]) {
    super(`Invalid Watchpost checks (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n${problems.map(formatProblem).join('\n')}`);
  }
}

const OPTION_KEYS = ['topics', 'memoryMb', 'architecture', 'logRetention', 'dashboard', 'dashboardName', 'removalPolicy', 'checkStacks', 'handlerEntry'] as const;

/** Most checks one nested stack may hold: 4 alarms each plus dashboards stays under 500 resources. */
const MAX_CHECKS_PER_STACK = 110;

export class Watchpost extends Construct {
  readonly plan: DeploymentPlan;
  readonly topics: AlertTopics;
  readonly probe: ProbeFunction;
  readonly function: lambda.IFunction;
  readonly schedules: ProbeSchedules;
  /** Every alarm of every check, by alarm name. */
  readonly alarms: ReadonlyMap<string, cloudwatch.Alarm>;
  readonly functionAlarms: cloudwatch.Alarm[];
  /** The one dashboard; or, when split, the overview first, then the detail dashboards. */
  readonly dashboards: cloudwatch.Dashboard[] = [];
  readonly shardStacks: CheckShardStack[] = [];

  constructor(scope: Construct, id: string, props: WatchpostProps) {
    super(scope, id);
    const raw = stripOptions(props);
    const validation = validateConfig(raw);
    if (!validation.ok) throw new WatchpostConfigError(validation.problems);
    const optionProblems = optionsProblems(props);
    if (optionProblems.length > 0) throw new WatchpostConfigError(optionProblems);
    const memoryMb = props.memoryMb ?? SIZING.memoryMb;
    const dashboardName = props.dashboardName ?? 'watchpost';
    const architecture = props.architecture ?? lambda.Architecture.ARM_64;
    this.plan = planDeployment(validation.config, {
      memoryMb,
      architecture: architecture === lambda.Architecture.X86_64 ? 'x86_64' : 'arm64',
      checkStacks: props.checkStacks,
    });
    const crowded = this.plan.shards.find((s) => s.checks.length > MAX_CHECKS_PER_STACK);
    if (crowded) {
      const n = crowded.checks.length;
      throw new WatchpostConfigError([{
        where: 'checkStacks',
        message: `puts ${n} checks in nested stack ${crowded.index}, more than ${MAX_CHECKS_PER_STACK} fit under CloudFormation's 500 resources; raise it, got ${props.checkStacks ?? shardCount(this.plan.checks.length)}`,
      }]);
    }
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.DESTROY;
    // What it will cost, where `cdk synth` prints it; an environment-agnostic stack's region is a token until deploy.
    const region = Stack.of(this).region;
    Annotations.of(this).addInfo(
      costSummaryLine(validation.config, {
        region: Token.isUnresolved(region) ? undefined : region,
        // What this stack builds: its plan's sizing and stacks, and the options that add or remove dashboards and the key.
        plan: { memoryMb: this.plan.memoryMb, architecture: this.plan.architecture, checkStacks: props.checkStacks },
        stack: { dashboard: props.dashboard, topics: props.topics },
      }),
    );

    this.topics = new AlertTopics(this, 'Topics', { alerting: validation.config.alerting, topics: props.topics, removalPolicy });
    const timeout = Duration.seconds(this.plan.functionTimeoutSeconds);
    const timeoutWarning = functionTimeoutWarning(this.plan);
    // Not an error: the handler's own deadline still bounds each run.
    if (timeoutWarning) Annotations.of(this).addWarningV2(timeoutWarning.id, timeoutWarning.message);
    this.probe = new ProbeFunction(this, 'Probe', {
      rawConfig: raw,
      namespace: this.plan.namespace,
      topics: { critical: this.topics.critical, warning: this.topics.warning },
      topicKeys: this.topics.keys,
      memoryMb,
      architecture,
      timeout,
      logRetention: props.logRetention,
      removalPolicy,
      entry: props.handlerEntry,
    });
    this.function = this.probe.function;
    this.schedules = new ProbeSchedules(this, 'Schedules', { fn: this.function, batches: this.plan.batches });
    this.functionAlarms = new FunctionAlarms(this, 'FunctionAlarms', { fn: this.function, timeout, topic: this.topics.critical }).alarms;

    const withDashboards = props.dashboard ?? true;
    const single = this.plan.dashboardLayout === 'single';
    const topicFor: TopicFor = (s) => this.topics.topicFor(s);
    const plans = new Map(this.plan.checks.map((c) => [c.spec.name, c]));
    const details: Array<{ name: string; checks: string[] }> = [];
    for (const shard of this.plan.shards) {
      const stack = new CheckShardStack(this, `Checks${String(shard.index).padStart(2, '0')}`, {
        shard,
        plans,
        namespace: this.plan.namespace,
        topicFor,
        dashboardPrefix: withDashboards && !single ? dashboardName : undefined,
        sharedDashboard: withDashboards && single ? dashboardName : undefined,
      });
      this.shardStacks.push(stack);
      details.push(...stack.detailDashboards);
    }
    this.alarms = new Map(this.shardStacks.flatMap((s) => s.namedAlarms));
    if (!withDashboards) return;
    // In the parent stack, reading the nested stacks' alarms by name; created after them so every alarm it shows exists.
    const first = single
      ? new CheckDashboard(this, 'Dashboard', {
          dashboardName,
          namespace: this.plan.namespace,
          checks: this.plan.checks.map((c) => c.spec),
          alarms: this.plan.checks.flatMap((c) => c.alarms.map((a) => a.alarmName)),
          functionAlarms: this.functionAlarms,
        })
      : new OverviewDashboard(this, 'Overview', {
          dashboardName,
          availabilityAlarms: this.plan.checks.map((c) => c.alarms.find((a) => a.kind === 'availability')!.alarmName),
          functionAlarms: this.functionAlarms,
          details,
        });
    for (const stack of this.shardStacks) first.dashboard.node.addDependency(stack.nestedStackResource!);
    this.dashboards.push(first.dashboard, ...this.shardStacks.flatMap((s) => s.dashboards));
  }
}

interface CheckShardStackProps {
  readonly shard: Shard;
  readonly plans: ReadonlyMap<string, CheckPlan>;
  readonly namespace: string;
  readonly topicFor: TopicFor;
  /** Prefix of the detail dashboards' names when split; undefined when there are none here. */
  readonly dashboardPrefix?: string;
  /** The one dashboard (in the parent) that shows every check, for the alarms' links; undefined when split or off. */
  readonly sharedDashboard?: string;
}

/** A share of the checks: their alarms and (when split) detail dashboards, in a nested stack of its own. */
export class CheckShardStack extends NestedStack {
  readonly alarms: cloudwatch.Alarm[] = [];
  readonly namedAlarms: Array<[string, cloudwatch.Alarm]> = [];
  readonly dashboards: cloudwatch.Dashboard[] = [];
  readonly detailDashboards: Array<{ name: string; checks: string[] }> = [];

  constructor(scope: Construct, id: string, props: CheckShardStackProps) {
    super(scope, id, { description: `Watchpost checks, stack ${props.shard.index}: alarms${props.dashboardPrefix ? ' and dashboards' : ''}` });
    const { shard } = props;
    // Without detail dashboards, one group: the stack's checks, linking to the shared dashboard (if any).
    const groups = shard.dashboards.length > 0 && props.dashboardPrefix ? shard.dashboards : [shard.checks];
    groups.forEach((checks, d) => {
      const name = props.dashboardPrefix ? `${props.dashboardPrefix}-${String(shard.index).padStart(2, '0')}-${d + 1}` : undefined;
      const link = name ?? props.sharedDashboard;
      const alarms: cloudwatch.Alarm[] = [];
      for (const spec of checks) {
        const plan = props.plans.get(spec.name)!;
        const made = new CheckAlarms(this, spec.name, {
          spec,
          alarms: plan.alarms,
          namespace: props.namespace,
          topicFor: props.topicFor,
          dashboardUrl: link ? dashboardUrl(link) : '',
        });
        made.alarms.forEach((alarm, i) => this.namedAlarms.push([plan.alarms[i]!.alarmName, alarm]));
        alarms.push(...made.alarms);
      }
      this.alarms.push(...alarms);
      if (name) {
        const dashboard = new CheckDashboard(this, `Dashboard${d + 1}`, {
          dashboardName: name,
          namespace: props.namespace,
          checks,
          alarms,
          overviewName: props.dashboardPrefix,
        });
        this.dashboards.push(dashboard.dashboard);
        this.detailDashboards.push({ name, checks: checks.map((c) => c.name) });
      }
    });
  }
}

/**
 * One timeout serves every batch, and the slowest check anywhere sets it. When
 * that is more than half the shortest schedule period, the short batches get
 * a timeout near their period, and the duration alarm (above 80 % of the
 * timeout) no longer notices one of them running late; at the period or
 * above, runs of one batch may overlap. Says which checks set it and what to
 * change; undefined when the timeout is within half the shortest period.
 */
export function functionTimeoutWarning(plan: DeploymentPlan): { id: string; message: string } | undefined {
  const timeoutMs = plan.functionTimeoutSeconds * 1000;
  const shortest = Math.min(...plan.batches.map((b) => b.frequency));
  const half = shortest / 2;
  if (timeoutMs <= half) return undefined;
  const reserves = SIZING.publishReserveMs + SIZING.startupReserveMs;
  const needs = (spec: CheckSpec) => Math.ceil((worstCaseMs(spec) + reserves) / 1000) * 1000;
  // The checks that alone would push the timeout past half the period, slowest first.
  const setters = plan.checks.map((c) => c.spec).filter((spec) => needs(spec) > half).sort((a, b) => needs(b) - needs(a));
  const shown = setters.slice(0, 5).map((spec) => `${spec.name} (timeout ${formatDuration(spec.timeout)}, retries ${spec.retries}: ${formatDuration(needs(spec))} with reserves)`);
  const more = setters.length > shown.length ? ` and ${setters.length - shown.length} more` : '';
  const period = formatDuration(shortest);
  const set = `set by ${shown.join(', ')}${more}`;
  const [which, each] = setters.length === 1 ? ['that check', 'it needs'] : ['those checks', 'each needs'];
  const fix = `lower the timeout or retries of ${which} until ${each} at most ${formatDuration(Math.floor(half / 1000) * 1000)} with the ${formatDuration(reserves)} reserves`;
  if (timeoutMs >= shortest) {
    return {
      id: 'watchpost:timeout-above-period',
      message: `The probe function timeout (${formatDuration(timeoutMs)}: the slowest check's attempts plus reserves) is not under the shortest schedule period (${period}), ${set}: runs of a ${period} batch may overlap; ${fix}`,
    };
  }
  return {
    id: 'watchpost:timeout-above-half-period',
    message:
      `The probe function timeout (${formatDuration(timeoutMs)}) is more than half the shortest schedule period (${period}), ${set}. ` +
      `One timeout serves every batch, so a ${period} batch may run ${formatDuration(timeoutMs)} before it is stopped, and the duration alarm ` +
      `(above 80 % of the timeout, ${formatDuration(Math.floor(timeoutMs * 0.8))}) no longer notices a ${period} batch running late; ${fix}`,
  };
}

/** Every problem with the deployment options, like validate reports the file's. */
function optionsProblems(props: WatchpostOptions): Problem[] {
  const problems: Problem[] = [];
  const { memoryMb, dashboardName, checkStacks } = props;
  if (memoryMb !== undefined && (!Number.isInteger(memoryMb) || memoryMb < 128 || memoryMb > 10_240)) {
    problems.push({ where: 'memoryMb', message: `must be a whole number of MB from 128 to 10240, got ${memoryMb}` });
  }
  if (dashboardName !== undefined && !/^[A-Za-z0-9_-]{1,200}$/.test(dashboardName)) {
    problems.push({ where: 'dashboardName', message: `must be 1 to 200 letters, digits, - or _, got ${JSON.stringify(dashboardName)}` });
  }
  if (checkStacks !== undefined && (!Number.isInteger(checkStacks) || checkStacks < 1 || checkStacks > 200)) {
    problems.push({ where: 'checkStacks', message: `must be a whole number from 1 to 200, got ${checkStacks}` });
  }
  return problems;
}

function stripOptions(props: WatchpostProps): WatchpostCheckFile {
  const raw: Record<string, unknown> = { ...props };
  for (const key of OPTION_KEYS) delete raw[key];
  return raw as WatchpostCheckFile;
}
