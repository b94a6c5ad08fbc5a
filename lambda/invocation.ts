/**
 * One invocation of the probe function: check the scheduled event, probe the
 * batch within the time Lambda gives, then publish metrics, notices and log
 * lines, always, before the function times out.
 *
 * lambda/handler.ts builds one Runtime per container and hands every event
 * here; tests build their own Runtime (clients pointed at moto, a captured log).
 */
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { SNSClient } from '@aws-sdk/client-sns';
import { RUNTIME_BUDGET } from '../lib/spec/budget.ts';
import type { CheckResult } from '../lib/spec/result.ts';
import type { CheckSpec, WatchpostConfig } from '../lib/spec/types.ts';
import { configFilePath, loadBundledConfig, readEnvironment, type RuntimeEnv } from './config.ts';
import { blank, runChecks as realRunChecks } from './runner.ts';
import { datapointsFor } from './sinks/datapoints.ts';
import { alarmHints, IncidentMemory, needsAlarmState, noticeFor, previousState, type KnownState, type Recalled } from './sinks/incident-state.ts';
import { problemLine, resultLine, stdoutWriter, type LogWriter, type SummaryLine } from './sinks/log-lines.ts';
import { describeError, publishMetrics, type MetricsOutcome } from './sinks/metrics.ts';
import { failureNotice, recoveryNotice, sendNotice, severityOf, type Notice } from './sinks/notifier.ts';
import { scrubberFor } from './sinks/scrub.ts';

/** What EventBridge Scheduler sends: the batch id, the names of its checks, and when the run was due. */
export interface ScheduledEvent {
  batch: string;
  checks: string[];
  /** ISO 8601; `<aws.scheduler.scheduled-time>` in the schedule's input. */
  scheduledTime: string;
}

/** The part of the Lambda context the handler uses. */
export interface InvocationContext {
  getRemainingTimeInMillis(): number;
}

export interface Runtime {
  env: RuntimeEnv;
  config: WatchpostConfig;
  specs: ReadonlyMap<string, CheckSpec>;
  cloudWatch: CloudWatchClient;
  sns: SNSClient;
  memory: IncidentMemory;
  log: LogWriter;
  runChecks: typeof realRunChecks;
  now: () => number;
}

export interface RuntimeOptions {
  env: Record<string, string | undefined>;
  /** Where the bundled check file sits (the handler's directory). */
  handlerDir: string;
  cloudWatch?: CloudWatchClient;
  sns?: SNSClient;
  log?: LogWriter;
  runChecks?: typeof realRunChecks;
  now?: () => number;
}

/** Per-attempt limits for the AWS calls; the invocation deadline aborts whatever is left. */
const AWS_CLIENT_LIMITS = { maxAttempts: 3, requestHandler: { connectionTimeout: 1_000, requestTimeout: 3_000 } };

/** Reads the environment and the bundled check file and creates the SDK clients: once per container. */
export function createRuntime(options: RuntimeOptions): Runtime {
  const env = readEnvironment(options.env);
  const config = loadBundledConfig(configFilePath(options.env, options.handlerDir));
  return {
    env,
    config,
    specs: new Map(config.checks.map((c) => [c.name, c])),
    cloudWatch: options.cloudWatch ?? new CloudWatchClient({ region: env.region, ...AWS_CLIENT_LIMITS }),
    sns: options.sns ?? new SNSClient({ region: env.region, ...AWS_CLIENT_LIMITS }),
    memory: new IncidentMemory(),
    log: options.log ?? stdoutWriter,
    runChecks: options.runChecks ?? realRunChecks,
    now: options.now ?? Date.now,
  };
}

/**
 * How the time Lambda gives is split. Publishing gets up to
 * RUNTIME_BUDGET.publishReserveMs (the reserve the function timeout was sized with)
 * but never more than 40% of what is left, so a short deadline still leaves
 * the probes time; the last 10% (at most 1 s) is never used, so the summary
 * line is written before Lambda stops the function.
 */
export function budget(start: number, remainingMs: number): { probeDeadline: number; publishDeadline: number } {
  const margin = Math.min(1_000, remainingMs * 0.1);
  const reserve = Math.min(RUNTIME_BUDGET.publishReserveMs, remainingMs * 0.4);
  return { probeDeadline: start + remainingMs - reserve, publishDeadline: start + remainingMs - margin };
}

export type Handler = (event: unknown, context: InvocationContext) => Promise<SummaryLine>;

export function createHandler(runtime: Runtime): Handler {
  return (event, context) => invoke(runtime, event, context);
}

async function invoke(rt: Runtime, event: unknown, context: InvocationContext): Promise<SummaryLine> {
  const start = rt.now();
  const remainingAtStart = context.getRemainingTimeInMillis();
  const { probeDeadline, publishDeadline } = budget(start, remainingAtStart);
  const summary = (fields: Partial<SummaryLine> & Pick<SummaryLine, 'outcome' | 'batch'>): SummaryLine => ({
    level: 'info',
    msg: 'batch summary',
    region: rt.env.region,
    checks: 0,
    passed: 0,
    failed: 0,
    datapoints: 0,
    putMetricDataCalls: 0,
    metricsFallback: 'none',
    notificationsSent: 0,
    notificationsFailed: 0,
    elapsed: rt.now() - start,
    remaining: context.getRemainingTimeInMillis(),
    errors: [],
    ...fields,
  });
  const finish = (line: SummaryLine): SummaryLine => {
    rt.log(JSON.stringify(line));
    return line;
  };

  const parsed = parseEvent(event);
  if (!parsed.ok) {
    rt.log(problemLine('error', 'malformed event: nothing probed, nothing published', { problems: parsed.problems }));
    return finish(summary({ level: 'error', outcome: 'rejected', batch: batchOf(event), errors: parsed.problems }));
  }
  const { batch, scheduledTime } = parsed.event;
  const names = [...new Set(parsed.event.checks)];
  const unknown = names.filter((n) => !rt.specs.has(n));
  const specs = names.filter((n) => rt.specs.has(n)).map((n) => rt.specs.get(n)!);
  const errors: string[] = [];
  if (unknown.length > 0) {
    const problem = `event.checks: ${unknown.map((n) => JSON.stringify(n)).join(', ')} not in the bundled check file (known: ${[...rt.specs.keys()].length} checks); those are not probed`;
    rt.log(problemLine('error', 'unknown checks in event', { batch, unknown, problem }));
    errors.push(problem);
  }
  if (specs.length === 0) return finish(summary({ level: 'error', outcome: 'rejected', batch, errors }));

  // A run retried after its slot has passed would publish a stale "now": skip it, and let the
  // availability alarm treat the missing datapoint as breaching rather than see a late success.
  const frequency = Math.min(...specs.map((s) => s.frequency));
  const age = start - Date.parse(scheduledTime);
  if (age > frequency) {
    const problem = `scheduledTime ${scheduledTime} is ${Math.round(age / 1000)} s old, more than the checks' frequency of ${frequency / 1000} s: a late or retried run, skipped so it cannot make a failing check look healthy`;
    rt.log(problemLine('warn', 'stale invocation skipped', { batch, scheduledTime, ageMs: age, frequencyMs: frequency, problem }));
    return finish(summary({ level: 'warn', outcome: 'stale', batch, errors: [...errors, problem] }));
  }

  const collected: Array<CheckResult | undefined> = new Array(specs.length);
  let results: CheckResult[] = [];
  let line!: SummaryLine;
  try {
    results = await probeWithin(rt, specs, start, probeDeadline, collected);
  } catch (err) {
    // A runner bug: publish the results that did arrive (never invented ones), then fail the invocation.
    errors.push(`runner failed: ${describeError(err)}`);
    results = collected.filter((r): r is CheckResult => r !== undefined);
    throw err;
  } finally {
    const published = await publishAll(rt, specs, results, { batch, scheduledTime: Date.parse(scheduledTime) }, publishDeadline);
    const failed = results.filter((r) => !r.ok).length;
    line = finish(
      summary({
        level: errors.length + published.errors.length > 0 ? 'warn' : 'info',
        outcome: 'probed',
        batch,
        checks: specs.length,
        passed: results.length - failed,
        failed,
        datapoints: published.metrics.datapoints,
        putMetricDataCalls: published.metrics.requests,
        metricsFallback: published.metrics.fallback,
        notificationsSent: published.sent,
        notificationsFailed: published.failed,
        errors: [...errors, ...published.errors],
      }),
    );
  }
  return line;
}

/**
 * Runs the batch with the runner's own deadline, and does not trust it
 * blindly: a check still without a result shortly after the deadline gets a
 * timeout result here, so every check publishes Success=0 rather than nothing.
 */
async function probeWithin(
  rt: Runtime,
  specs: CheckSpec[],
  start: number,
  deadline: number,
  collected: Array<CheckResult | undefined>,
): Promise<CheckResult[]> {
  const grace = Math.max(50, Math.min(500, (deadline - start) * 0.05));
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => {
    timer = setTimeout(() => resolve('late'), Math.max(0, deadline + grace - rt.now()));
  });
  try {
    const run = rt.runChecks(specs, {
      concurrency: RUNTIME_BUDGET.concurrency,
      deadline,
      onResult: (result, index) => {
        collected[index] = result;
      },
    });
    const first = await Promise.race([run, late]);
    if (first !== 'late') return first;
    run.catch(() => undefined);
    rt.log(problemLine('warn', 'runner missed its deadline', { missing: specs.filter((_, i) => !collected[i]).map((s) => s.name) }));
    return specs.map((spec, i) => collected[i] ?? deadlineResult(spec, start, deadline));
  } finally {
    clearTimeout(timer);
  }
}

function deadlineResult(spec: CheckSpec, start: number, deadline: number): CheckResult {
  const budgetMs = Math.max(0, Math.round(deadline - start));
  return {
    ...blank(spec),
    startedAt: new Date(start).toISOString(),
    timings: { dns: null, connect: null, tls: null, firstByte: null, download: null, total: budgetMs },
    failure: {
      kind: 'timeout',
      message: `no result within the invocation's probe budget of ${budgetMs} ms`,
      retryable: true,
      phase: null,
      code: null,
    },
    attempts: 1,
  };
}

interface Published {
  metrics: MetricsOutcome;
  sent: number;
  failed: number;
  errors: string[];
}

/**
 * Log lines first (they cost nothing and cannot fail), then metrics and
 * notices side by side: neither waits for nor depends on the other, and both
 * are aborted at the publish deadline.
 */
async function publishAll(
  rt: Runtime,
  specs: CheckSpec[],
  results: CheckResult[],
  run: { batch: string; scheduledTime: number },
  deadline: number,
): Promise<Published> {
  const abortSignal = AbortSignal.timeout(Math.max(1, deadline - rt.now()));
  const context = { region: rt.env.region, batch: run.batch };
  const specOf = new Map(specs.map((s) => [s.name, s]));
  const pairs = results.flatMap((r) => (specOf.has(r.name) ? [{ spec: specOf.get(r.name)!, result: r }] : []));
  for (const { spec, result } of pairs) rt.log(JSON.stringify(resultLine(result, scrubberFor(spec), context)));

  const errors: string[] = [];
  const datapoints = pairs.flatMap(({ spec, result }) => datapointsFor(spec, result));
  const [metrics, notices] = await Promise.allSettled([
    publishMetrics(rt.cloudWatch, rt.env.namespace, datapoints, { abortSignal, log: rt.log }),
    notify(rt, pairs, run.scheduledTime, context, abortSignal),
  ]);
  const metricsOutcome: MetricsOutcome =
    metrics.status === 'fulfilled'
      ? metrics.value
      : { datapoints: datapoints.length, requests: 0, emfDatapoints: 0, fallback: 'emf', error: describeError(metrics.reason) };
  if (metricsOutcome.error) errors.push(`PutMetricData failed, ${metricsOutcome.emfDatapoints} datapoints written as EMF: ${metricsOutcome.error}`);
  const noticeOutcome = notices.status === 'fulfilled' ? notices.value : { sent: 0, failed: 0, errors: [describeError(notices.reason)] };
  return { metrics: metricsOutcome, sent: noticeOutcome.sent, failed: noticeOutcome.failed, errors: [...errors, ...noticeOutcome.errors] };
}

async function notify(
  rt: Runtime,
  pairs: Array<{ spec: CheckSpec; result: CheckResult }>,
  scheduledTime: number,
  context: { region: string; batch: string },
  abortSignal: AbortSignal,
): Promise<{ sent: number; failed: number; errors: string[] }> {
  const outcome = { sent: 0, failed: 0, errors: [] as string[] };
  const recalled = new Map<string, Recalled>(pairs.map(({ spec }) => [spec.name, rt.memory.recall(spec.name, scheduledTime, spec.frequency)]));
  // Read after the probes, not during: only the results say whose alarm matters, and a healthy run needs none.
  const asked = pairs.filter(({ spec, result }) => needsAlarmState(result.ok, recalled.get(spec.name)!)).map(({ spec }) => spec.name);
  const alarms = asked.length > 0 ? await alarmHints(rt.cloudWatch, asked, abortSignal) : { states: new Map<string, KnownState>(), error: null };
  if (alarms.error) outcome.errors.push(`alarm states unreadable, previous state unknown for some of ${asked.length} checks: ${alarms.error}`);

  const sends: Array<Promise<void>> = [];
  for (const { spec, result } of pairs) {
    const severity = result.ok ? 'critical' : severityOf(result);
    const previous = previousState(recalled.get(spec.name)!, alarms.states.get(spec.name), severity);
    const which = noticeFor(result.ok, previous);
    const scrub = scrubberFor(spec);
    let notice: Notice | null = null;
    let next: KnownState;
    if (which === 'failure') {
      notice = failureNotice(spec, result, scrub, context);
      next = { ok: false, severity: notice.severity };
    } else if (which === 'recovery' && previous !== 'unknown') {
      notice = recoveryNotice(spec, result, scrub, { ...context, severity: previous.severity });
      next = { ok: true, severity: previous.severity };
    } else {
      // No change to announce; a still-failing check keeps its incident's severity.
      rt.memory.remember(spec.name, result.ok || previous === 'unknown' ? { ok: result.ok, severity: 'critical' } : previous, scheduledTime);
      continue;
    }
    // Undelivered, the announced state stays what it was (unknown counts as "no open incident"), so the next run retries.
    const unchanged: KnownState = previous === 'unknown' ? { ok: true, severity: 'critical' } : previous;
    const sent = notice;
    sends.push(
      sendNotice(rt.sns, rt.env.topics[sent.severity], sent, { abortSignal }).then(
        () => {
          rt.memory.remember(spec.name, next, scheduledTime);
          outcome.sent++;
          rt.log(problemLine('info', 'notice sent', { check: spec.name, event: sent.event, severity: sent.severity }));
        },
        (err: unknown) => {
          rt.memory.remember(spec.name, unchanged, scheduledTime);
          outcome.failed++;
          const why = `SNS Publish of the ${sent.event} notice for ${spec.name} failed: ${describeError(err)}`;
          outcome.errors.push(why);
          rt.log(problemLine('error', 'notice not sent', { check: spec.name, event: sent.event, error: describeError(err) }));
        },
      ),
    );
  }
  await Promise.all(sends);
  return outcome;
}

/** Checks the scheduled event; every problem is named with what was expected and what came. */
export function parseEvent(event: unknown): { ok: true; event: ScheduledEvent } | { ok: false; problems: string[] } {
  if (typeof event !== 'object' || event === null || Array.isArray(event)) {
    return { ok: false, problems: [`event: expected an object {batch, checks, scheduledTime}, got ${show(event)}`] };
  }
  const e = event as Record<string, unknown>;
  const problems: string[] = [];
  if (typeof e.batch !== 'string' || e.batch.trim() === '') problems.push(`event.batch: expected a batch id like "f1m-0", got ${show(e.batch)}`);
  if (!Array.isArray(e.checks) || e.checks.length === 0) {
    problems.push(`event.checks: expected a non-empty list of check names, got ${show(e.checks)}`);
  } else {
    e.checks.forEach((c, i) => {
      if (typeof c !== 'string' || c === '') problems.push(`event.checks[${i}]: expected a check name, got ${show(c)}`);
    });
  }
  if (typeof e.scheduledTime !== 'string' || Number.isNaN(Date.parse(e.scheduledTime))) {
    problems.push(`event.scheduledTime: expected an ISO 8601 time like "2026-01-01T00:00:00Z", got ${show(e.scheduledTime)}`);
  }
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, event: { batch: e.batch as string, checks: e.checks as string[], scheduledTime: e.scheduledTime as string } };
}

function show(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

function batchOf(event: unknown): string {
  const batch = (event as { batch?: unknown } | null)?.batch;
  return typeof batch === 'string' ? batch : '(unknown)';
}
