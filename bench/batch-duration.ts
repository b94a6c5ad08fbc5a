/**
 * How long one probe-function invocation takes beyond its slowest probe: the
 * figure the cost model's Lambda GB-seconds rest on (lib/cost.ts,
 * MEASURED_BATCH_OVERHEAD_MS). Prints Markdown (pasted into
 * docs/BENCHMARKS.md, section "batch").
 *
 *   node --import tsx bench/batch-duration.ts
 *
 * One handler-style invocation = lambda/invocation.ts's handler (the real
 * runner, result and summary log lines, PutMetricData) with a batch of
 * SIZING.batchSize checks, all https to a local target that answers after an
 * injected delay D, publishing to a moto_server this script starts. The
 * handler runs in a worker process that stays warm across invocations (a warm
 * Lambda container); the first invocations are warm-up and not counted.
 * overhead = wall time of the invocation - D: the loopback connect and TLS
 * handshake, the probes' own CPU, result handling, log lines and the
 * PutMetricData call. The worker runs twice: unconstrained, and (as root,
 * with cgroup v1/v2 cpu) under the CPU share Lambda gives the probe
 * function's memory (memory / 1,769 MB of one vCPU).
 *
 * Only 127.0.0.1; every loop is bounded; the target, moto, the worker and the
 * cgroup are gone when it ends.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { createHandler, createRuntime } from '../lambda/invocation.ts';
import { runChecks } from '../lambda/runner.ts';
import { SIZING } from '../lib/plan.ts';
import { selfSignedCert } from './certs.ts';
import { createCpuQuota, type CpuQuota } from './cgroup.ts';
import { median, ms, percentile, table } from './stats.ts';

const HERE = path.dirname(fileURLToPath(import.meta.url));
/** Injected server delays (ms): the overhead must not depend on them. */
const DELAYS_MS = [100, 300] as const;
const WARM_UP_INVOCATIONS = 3;
const SAMPLES = 20;
/** Lambda: one vCPU at 1,769 MB, CPU proportional to memory below that. */
const FULL_VCPU_MB = 1769;
/** What each invocation is given, as Lambda's getRemainingTimeInMillis would say (the function timeout). */
const INVOCATION_TIMEOUT_MS = 15_000;
/** Hard stop, so a wedged target or moto can never keep the bench running. */
const BENCH_LIMIT_MS = 300_000;

interface WorkerArgs {
  ca: string;
  httpsPort: number;
  motoEndpoint: string;
  configDir: string;
}

interface Sample {
  delayMs: number;
  wallMs: number;
  /** From the invocation's start until the runner returned the batch. */
  probeMs: number;
  /** The slowest probe's own measured total. */
  slowestTotalMs: number;
  cpuMs: number;
  datapoints: number;
  putMetricDataCalls: number;
  passed: number;
}

if (process.argv[2] === '--worker') {
  await worker(JSON.parse(process.argv[3]!) as WorkerArgs);
} else {
  await parent();
}

async function parent(): Promise<void> {
  const { startMoto } = await import('../test/fixtures/moto.ts');
  const children: ChildProcess[] = [];
  let quota: CpuQuota | null = null;
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'watchpost-batch-bench-'));
  const moto = await startMoto();
  const cleanup = async () => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
    await moto.stop();
    if (quota) await quota.remove();
    rmSync(tmp, { recursive: true, force: true });
  };
  const watchdog = setTimeout(() => {
    process.stderr.write(`batch bench: gave up after ${BENCH_LIMIT_MS / 1000} s\n`);
    void cleanup().then(() => process.exit(1));
  }, BENCH_LIMIT_MS);
  watchdog.unref();

  try {
    const out = (text = '') => process.stdout.write(`${text}\n`);
    const { cert, key } = selfSignedCert(tmp);
    const target = spawn(process.execPath, ['--import', 'tsx', path.join(HERE, 'target.ts'), cert, key], { stdio: ['pipe', 'pipe', 'inherit'] });
    children.push(target);
    const ports = JSON.parse(await firstLine(target)) as { http: number; https: number };

    out(`# Watchpost batch duration benchmark`);
    out();
    out(`Machine: ${os.cpus().length} x ${os.cpus()[0]?.model ?? 'unknown CPU'}, Linux ${os.release()}, Node ${process.version}; load average at start ${loadAverage()}.`);
    out(`Batch: ${SIZING.batchSize} https checks (fresh connection each, TLS verified) on one local target process; handler publishing to moto_server; ` +
      `${WARM_UP_INVOCATIONS} warm-up invocations, then ${SAMPLES} per delay, in one warm worker process.`);
    out();

    const args: WorkerArgs = { ca: cert, httpsPort: ports.https, motoEndpoint: moto.endpoint, configDir: tmp };
    const made = createCpuQuota(`watchpost-batch-bench-${process.pid}`);
    const runs: Array<{ label: string; share: number | null }> = [{ label: 'unconstrained (2 cores shared)', share: null }];
    if ('unavailable' in made) {
      out(`CPU quota run skipped: ${made.unavailable}.`);
    } else {
      quota = made;
      runs.push({ label: `${SIZING.memoryMb} MB share (${((SIZING.memoryMb / FULL_VCPU_MB) * 100).toFixed(1)} % of a CPU)`, share: SIZING.memoryMb / FULL_VCPU_MB });
    }

    const rows: string[][] = [];
    for (const run of runs) {
      const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--worker', JSON.stringify(args)], {
        stdio: ['ignore', 'pipe', 'inherit'],
        // The SDK's Node-version notice is not part of the figures.
        env: { ...process.env, NODE_NO_WARNINGS: '1' },
      });
      children.push(child);
      if (run.share !== null && quota) {
        quota.setShare(run.share);
        quota.add(child.pid!);
      }
      const samples = JSON.parse(await firstLine(child)) as Sample[];
      for (const delay of DELAYS_MS) {
        const mine = samples.filter((s) => s.delayMs === delay);
        const failed = mine.filter((s) => s.passed !== SIZING.batchSize);
        if (failed.length > 0) throw new Error(`${failed.length} invocations at /delay/${delay} had failing probes`);
        const overhead = mine.map((s) => s.wallMs - delay);
        const probeOverhead = mine.map((s) => s.probeMs - delay);
        const publish = mine.map((s) => s.wallMs - s.probeMs);
        rows.push([
          run.label,
          `${delay}`,
          String(mine.length),
          ms(median(mine.map((s) => s.wallMs)), 0),
          ms(median(overhead), 0),
          ms(percentile(overhead, 95), 0),
          ms(Math.max(...overhead), 0),
          ms(median(probeOverhead), 0),
          ms(median(publish), 0),
          ms(median(mine.map((s) => s.slowestTotalMs)), 0),
          ms(median(mine.map((s) => s.cpuMs)), 0),
          `${mine[0]!.datapoints} / ${mine[0]!.putMetricDataCalls}`,
        ]);
      }
    }
    out(table(
      ['CPU', 'D (ms)', 'n', 'wall median', 'overhead median', 'overhead p95', 'overhead max', 'of which probing', 'of which publishing', 'slowest probe total', 'CPU ms', 'datapoints / calls'],
      rows,
    ));
    out();
    out(`overhead = invocation wall time - D; "probing" = runner return - D, "publishing" = the rest (log lines, PutMetricData to moto). Load average at the end ${loadAverage()}.`);
  } finally {
    clearTimeout(watchdog);
    await cleanup();
  }
}

/** The warm "container": one runtime, many invocations; prints every sample as one JSON line. */
async function worker(args: WorkerArgs): Promise<void> {
  const { motoEnv } = await import('../test/fixtures/moto.ts');
  const { CloudWatchClient } = await import('@aws-sdk/client-cloudwatch');
  const { SNSClient } = await import('@aws-sdk/client-sns');
  const names = Array.from({ length: SIZING.batchSize }, (_, i) => `batch-${i}`);
  const samples: Sample[] = [];
  const env = motoEnv(args.motoEndpoint);
  const clientConfig = { endpoint: args.motoEndpoint, region: env.AWS_REGION, credentials: { accessKeyId: env.AWS_ACCESS_KEY_ID!, secretAccessKey: env.AWS_SECRET_ACCESS_KEY! }, disableRequestCompression: true };
  const cloudWatch = new CloudWatchClient(clientConfig);
  const sns = new SNSClient(clientConfig);
  const environment = { ca: readFileSync(args.ca, 'utf8') };
  try {
    for (const delay of DELAYS_MS) {
      const file = path.join(args.configDir, `watchpost.config.${delay}.json`);
      writeFileSync(file, JSON.stringify({
        namespace: 'WatchpostBatchBench',
        checks: names.map((name, i) => ({ name, url: `https://127.0.0.1:${args.httpsPort}/delay/${delay}?check=${i}`, timeout: '5s' })),
      }));
      let probeEnded = 0;
      let slowest = 0;
      const runtime = createRuntime({
        env: {
          WATCHPOST_NAMESPACE: 'WatchpostBatchBench',
          WATCHPOST_CRITICAL_TOPIC_ARN: 'arn:aws:sns:us-east-1:123456789012:watchpost-critical',
          WATCHPOST_WARNING_TOPIC_ARN: 'arn:aws:sns:us-east-1:123456789012:watchpost-warning',
          AWS_REGION: env.AWS_REGION,
          WATCHPOST_CONFIG_FILE: file,
        },
        handlerDir: args.configDir,
        cloudWatch,
        sns,
        // Lambda ships stdout to CloudWatch Logs; the lines are built and serialized, then dropped here.
        log: () => undefined,
        // The real runner, trusting the bench's self-signed certificate.
        runChecks: async (specs, options) => {
          const results = await runChecks(specs, { ...options, environment });
          probeEnded = performance.now();
          slowest = Math.max(...results.map((r) => r.timings.total));
          return results;
        },
      });
      const handler = createHandler(runtime);
      for (let i = 0; i < WARM_UP_INVOCATIONS + SAMPLES; i++) {
        const deadline = Date.now() + INVOCATION_TIMEOUT_MS;
        const cpu = process.cpuUsage();
        const started = performance.now();
        const summary = await handler(
          { batch: 'f1m-0', checks: names, scheduledTime: new Date().toISOString() },
          { getRemainingTimeInMillis: () => deadline - Date.now() },
        );
        const wallMs = performance.now() - started;
        const used = process.cpuUsage(cpu);
        if (i < WARM_UP_INVOCATIONS) continue;
        samples.push({
          delayMs: delay,
          wallMs,
          probeMs: probeEnded - started,
          slowestTotalMs: slowest,
          cpuMs: (used.user + used.system) / 1000,
          datapoints: summary.datapoints,
          putMetricDataCalls: summary.putMetricDataCalls,
          passed: summary.passed,
        });
      }
    }
  } finally {
    cloudWatch.destroy();
    sns.destroy();
  }
  process.stdout.write(`${JSON.stringify(samples)}\n`);
}

/** The first stdout line of a child, or an error if it exits first. */
function firstLine(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    const rl = createInterface({ input: child.stdout! });
    rl.once('line', (line) => {
      rl.close();
      resolve(line);
    });
    child.once('exit', (code) => reject(new Error(`child exited with ${code} before answering`)));
  });
}

function loadAverage(): string {
  return os.loadavg().map((l) => l.toFixed(2)).join(' / ');
}
