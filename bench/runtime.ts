/**
 * `node --import tsx bench/runtime.ts`: the Lambda runtime's figures for
 * docs/BENCHMARKS.md, measured on the asset `cdk deploy` uploads (PROBE_BUNDLE
 * options, SDK bundled), run by fresh `node` processes against moto_server and
 * local targets on 127.0.0.1:
 *
 *   1. bundle size
 *   2. module init time (import of the bundle, median of fresh processes)
 *   3. peak memory of one invocation probing 100 checks, one of them reading a
 *      body to its 1 MiB cap, and publishing (max RSS, sampled peak heap)
 *
 * Prints Markdown. Every loop is bounded; moto and the targets stop at the end.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CreateTopicCommand } from '@aws-sdk/client-sns';
import { motoEnv, startMoto } from '../test/fixtures/moto.ts';
import { buildProbeBundle, type DriverReport } from '../test/runtime/bundle-build.ts';
import { startTargets } from '../test/runtime/helpers.ts';

const INIT_SAMPLES = 7;
const MEMORY_SAMPLES = 3;
const MIB = 1024 * 1024;

const dir = mkdtempSync(path.join(tmpdir(), 'watchpost-bench-runtime-'));
const [moto, targets] = await Promise.all([startMoto(), startTargets()]);
try {
  const checks = Array.from({ length: 100 }, (_, i) =>
    i === 0 ? { name: 'big-body', url: targets.url('/big') } : { name: `check-${String(i).padStart(3, '0')}`, url: targets.url(`/ok?i=${i}`) },
  );
  const bundle = await buildProbeBundle(dir, { namespace: 'WatchpostBench', checks });
  const sns = moto.sns();
  const topic = async (name: string) => (await sns.send(new CreateTopicCommand({ Name: name }))).TopicArn!;
  const env = {
    PATH: process.env.PATH ?? '',
    ...motoEnv(moto.endpoint),
    WATCHPOST_NAMESPACE: 'WatchpostBench',
    WATCHPOST_CRITICAL_TOPIC_ARN: await topic('bench-critical'),
    WATCHPOST_WARNING_TOPIC_ARN: await topic('bench-warning'),
  };
  const event = (names: string[]) => JSON.stringify({ batch: 'f1m-0', checks: names, scheduledTime: new Date().toISOString() });

  const inits: number[] = [];
  for (let i = 0; i < INIT_SAMPLES; i++) inits.push((await drive(dir, [event(['check-001']), '20000'], env)).initMs);

  const runs: DriverReport[] = [];
  for (let i = 0; i < MEMORY_SAMPLES; i++) runs.push(await drive(dir, [event(checks.map((c) => c.name)), '60000'], env));
  const last = runs.at(-1)!.summary;

  console.log(`| figure | value |\n| --- | --- |`);
  console.log(`| measured with | Node ${process.version} on ${process.arch} (the function runs nodejs24.x) |`);
  console.log(`| bundle size (index.mjs, minified, SDK bundled, PROBE_BUNDLE options) | ${(bundle.bytes / 1024).toFixed(0)} KiB (${bundle.bytes.toLocaleString('en-US')} bytes) |`);
  console.log(`| module init (import of the bundle), median of ${INIT_SAMPLES} fresh processes | ${median(inits).toFixed(0)} ms (min ${Math.min(...inits).toFixed(0)}, max ${Math.max(...inits).toFixed(0)}) |`);
  console.log(`| peak RSS, 100 checks incl. one 1 MiB body, max of ${MEMORY_SAMPLES} runs | ${(Math.max(...runs.map((r) => r.memory.maxRssBytes)) / MIB).toFixed(1)} MB |`);
  console.log(`| peak heap used (sampled every 5 ms), max of ${MEMORY_SAMPLES} runs | ${(Math.max(...runs.map((r) => r.memory.heapUsedBytes)) / MIB).toFixed(1)} MB |`);
  console.log(`| that invocation | ${last.passed} passed, ${last.failed} failed, ${last.datapoints} datapoints in ${last.putMetricDataCalls} PutMetricData call(s), ${last.elapsed} ms |`);
} finally {
  await Promise.all([moto.stop(), targets.close()]);
  rmSync(dir, { recursive: true, force: true });
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function drive(cwd: string, args: string[], env: Record<string, string>): Promise<DriverReport> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['driver.mjs', ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code !== 0) return reject(new Error(`driver exited ${code}: ${stderr.slice(-2_000)}`));
      resolve(JSON.parse(stdout.trim().split('\n').at(-1)!) as DriverReport);
    });
  });
}
