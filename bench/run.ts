/**
 * `npm run bench`: how exactly and how cheaply the probe measures, side by
 * side with curl on the same URLs in the same run. Prints Markdown tables
 * (pasted into docs/BENCHMARKS.md). Only 127.0.0.1; every loop is bounded;
 * the target, the workers and the cgroup are gone when it ends.
 *
 *   1. accuracy: |measured total - injected delay| on /delay/100 and /delay/500,
 *      http and https, fresh connection each, probe and curl interleaved
 *   2. the first probe after process start (fresh processes)
 *   3. CPU per probe in a warm process
 *   4. 500 distinct checks against a 200 ms endpoint in one run
 *   5. accuracy of a 25-check batch under Lambda-like CPU shares (cgroup quota)
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { runChecks } from '../lambda/runner.ts';
import type { CheckSpec } from '../lib/spec/types.ts';
import { createCpuQuota, type CpuQuota } from './cgroup.ts';
import { selfSignedCert } from './certs.ts';
import { curlTotalMs } from './curl.ts';
import { benchSpecs } from './specs.ts';
import { errors, median, ms, percentile, table } from './stats.ts';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const SAMPLES = { 100: 30, 500: 12 } as const;
const FIRST_PROBE_PROCESSES = 8;
const COST_PROBES = 100;
const CONCURRENT_CHECKS = 500;
/** Runs of the all-at-once case, back to back in the same process. */
const CONCURRENT_RUNS = 3;
const BATCH = 25;
const BATCHES_PER_SHARE = 4;
/** Lambda: one vCPU at 1,769 MB, CPU proportional to memory below that. */
const FULL_VCPU_MB = 1769;
/** Lambda memory sizes to emulate; the CPU share is memory / 1,769 MB. */
const MEMORY_MB = [128, 256, 512, 1024, 1769];
/** Memory sizes and batch sizes compared for the batch-size choice. */
const SIZE_MEMORY_MB = [512, 1024, 1769];
/** [checks per batch, probes in flight]. */
const BATCH_SHAPES: ReadonlyArray<readonly [number, number]> = [[10, 10], [25, 25], [25, 10], [25, 5], [50, 50], [50, 10]];
/** Hard stop, so a wedged target can never keep the bench running. */
const BENCH_LIMIT_MS = 240_000;

type Scheme = 'http' | 'https';

const children: ChildProcess[] = [];
let quota: CpuQuota | null = null;
let tmp = '';
let certFile = '';
let environment: { ca: string } = { ca: '' };

const watchdog = setTimeout(() => {
  process.stderr.write(`bench: gave up after ${BENCH_LIMIT_MS / 1000} s\n`);
  void cleanup().then(() => process.exit(1));
}, BENCH_LIMIT_MS);
watchdog.unref();
process.once('SIGINT', () => void cleanup().then(() => process.exit(130)));

try {
  await main();
} finally {
  await cleanup();
  clearTimeout(watchdog);
}

async function main(): Promise<void> {
  const started = performance.now();
  const out = (text = '') => process.stdout.write(`${text}\n`);
  out('# Watchpost probe benchmark');
  out();
  out(`Machine: ${os.cpus().length} x ${os.cpus()[0]?.model ?? 'unknown CPU'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, ` +
    `Linux ${os.release()}, Node ${process.version}, ${execFileSync('curl', ['--version'], { encoding: 'utf8' }).split(' ').slice(0, 2).join(' ')}`);

  out(`Load average at start: ${loadAverage()} (other work on the machine inflates every figure)`);

  tmp = mkdtempSync(path.join(os.tmpdir(), 'watchpost-bench-'));
  const { cert, key } = selfSignedCert(tmp);
  certFile = cert;
  // The probe verifies TLS as deployed, trusting the bench's certificate; curl runs with -k.
  environment = { ca: readFileSync(cert, 'utf8') };
  const ports = await startTarget(cert, key);
  const base: Record<Scheme, string> = { http: `http://127.0.0.1:${ports.http}`, https: `https://127.0.0.1:${ports.https}` };
  out(`Target: separate Node process, http ${base.http}, https ${base.https} (self-signed ECDSA P-256, verified by the probe as a trusted CA; curl -k)`);
  out();

  // Warm this process's probe code path before anything is measured in it.
  await runChecks(benchSpecs([`${base.http}/delay/0`, `${base.https}/delay/0`], 'warm'), { environment });

  // 1. Accuracy, interleaved so both tools see the same machine state.
  out('## 1. Accuracy: |measured total - injected delay| (ms), fresh connection per probe');
  out();
  const accuracyRows: string[][] = [];
  const steady: Record<Scheme, number> = { http: NaN, https: NaN };
  for (const delay of [100, 500] as const) {
    for (const scheme of ['http', 'https'] as const) {
      const url = `${base[scheme]}/delay/${delay}`;
      const probe: number[] = [];
      const curl: number[] = [];
      for (let i = 0; i < SAMPLES[delay]; i++) {
        probe.push(await probeTotal(url));
        curl.push(await curlTotalMs(url));
      }
      const pe = errors(probe, delay);
      const ce = errors(curl, delay);
      if (delay === 100) steady[scheme] = median(pe);
      accuracyRows.push([`${scheme} /delay/${delay}`, String(SAMPLES[delay]), ms(median(pe)), ms(percentile(pe, 95)), ms(median(ce)), ms(percentile(ce, 95))]);
    }
  }
  out(table(['endpoint', 'n', 'watchpost median', 'watchpost p95', 'curl median', 'curl p95'], accuracyRows));
  out();

  // 2. The first probe after a process starts.
  out(`## 2. First probe after process start (${FIRST_PROBE_PROCESSES} fresh processes per scheme, /delay/100)`);
  out();
  const firstRows: string[][] = [];
  for (const scheme of ['http', 'https'] as const) {
    const firsts: number[] = [];
    for (let i = 0; i < FIRST_PROBE_PROCESSES; i++) firsts.push(await firstProbeTotal(`${base[scheme]}/delay/100`));
    const fe = errors(firsts, 100);
    firstRows.push([scheme, ms(median(fe)), ms(Math.max(...fe)), ms(steady[scheme]), ms(median(fe) - steady[scheme])]);
  }
  out(table(['scheme', 'first-probe error median', 'max', 'steady-state median', 'difference'], firstRows));
  out();

  // 3. CPU per probe, warm process, one probe at a time.
  out(`## 3. CPU per probe, warm process (${COST_PROBES} sequential probes on /delay/0)`);
  out();
  const costRows: string[][] = [];
  let validationCpuMs = 0;
  for (const scheme of ['http', 'https'] as const) {
    const url = `${base[scheme]}/delay/0`;
    // Specs are built first (validation is a CLI cost, once per run, and measured on its own below).
    const validation = process.cpuUsage();
    const specs = Array.from({ length: COST_PROBES }, (_, i) => benchSpecs([`${url}?probe=${i}`], 'cost'));
    const validated = process.cpuUsage(validation);
    validationCpuMs = (validated.user + validated.system) / 1000 / COST_PROBES;
    const cpu = process.cpuUsage();
    const t0 = performance.now();
    for (const spec of specs) await probeTotal(spec);
    const wall = performance.now() - t0;
    const used = process.cpuUsage(cpu);
    costRows.push([scheme, ms((used.user + used.system) / 1000 / COST_PROBES, 2), ms(wall / COST_PROBES, 2)]);
  }
  out(table(['scheme', 'CPU ms per probe', 'wall ms per probe'], costRows));
  out(`(Each probe is one runChecks call with one check. Building a check spec through validation, as the CLI does once per run, costs another ${ms(validationCpuMs, 2)} ms of CPU per check, not included.)`);
  out();

  // 4. Many checks in one run.
  out(`## 4. Concurrency: ${CONCURRENT_CHECKS} distinct checks on /delay/200 in one run`);
  out();
  const concurrencyRows: string[][] = [];
  for (const scheme of ['http', 'https'] as const) {
    for (const concurrency of [CONCURRENT_CHECKS, 50]) {
      // All at once is run a few times: the first run in a process is the one a CLI user gets; the later ones show the spread.
      const runs = concurrency === CONCURRENT_CHECKS ? CONCURRENT_RUNS : 1;
      const rows: Array<{ wall: number; cpu: number; ok: number; errors: number[] }> = [];
      for (let run = 0; run < runs; run++) {
        const specs = benchSpecs(Array.from({ length: CONCURRENT_CHECKS }, (_, i) => `${base[scheme]}/delay/200?check=${i}`), 'many');
        const cpu = process.cpuUsage();
        const t0 = performance.now();
        const results = await runChecks(specs, { concurrency, environment });
        const wall = performance.now() - t0;
        const used = process.cpuUsage(cpu);
        rows.push({
          wall,
          cpu: (used.user + used.system) / 1000,
          ok: results.filter((r) => r.ok).length,
          errors: errors(results.map((r) => r.timings.total), 200),
        });
      }
      const first = rows[0]!;
      concurrencyRows.push([
        scheme,
        String(concurrency),
        ms(first.wall, 0),
        rows.length > 1 ? rows.slice(1).map((r) => ms(r.wall, 0)).join(', ') : '-',
        rows.map((r) => ms(r.cpu, 0)).join(', '),
        `${first.ok}/${CONCURRENT_CHECKS}`,
        ms(median(first.errors)),
        ms(percentile(first.errors, 95)),
      ]);
    }
  }
  out(table(['scheme', 'in flight', 'wall ms, first run (ideal 200)', 'wall ms, next runs', 'CPU ms per run', 'ok (first run)', 'error median (first run)', 'error p95 (first run)'], concurrencyRows));
  out();

  // 5. A batch under a Lambda-like CPU share.
  out(`## 5. Accuracy under a CPU quota: batches of concurrent checks on /delay/100, ${BATCHES_PER_SHARE} batches per row`);
  out();
  const made = createCpuQuota(`watchpost-bench-${process.pid}`);
  if ('unavailable' in made) {
    out(`Skipped: ${made.unavailable}.`);
  } else {
    quota = made;
    out(`Quota: ${quota.describe}; the worker is moved into the group after a warm-up batch (a warm invocation).`);
    out();
    const worker = await startWorker(`${base.https}/delay/0`);
    quota.add(worker.pid);
    /** Error figures of BATCHES_PER_SHARE batches of `size` checks under the current quota. */
    const measure = async (scheme: Scheme, size: number, concurrency = size) => {
      const totals: number[] = [];
      const cpu: number[] = [];
      const wall: number[] = [];
      for (let b = 0; b < BATCHES_PER_SHARE; b++) {
        const r = await worker.batch(Array.from({ length: size }, (_, i) => `${base[scheme]}/delay/100?check=${i}`), concurrency);
        if (r.ok !== size) throw new Error(`${size - r.ok} of ${size} ${scheme} probes failed under the quota`);
        totals.push(...r.totals);
        cpu.push(r.cpuMs);
        wall.push(r.wallMs);
      }
      const e = errors(totals, 100);
      return { median: median(e), p95: percentile(e, 95), cpu: median(cpu), wall: median(wall) };
    };

    const shareRows: string[][] = [];
    for (const memoryMb of MEMORY_MB) {
      quota.setShare(memoryMb / FULL_VCPU_MB);
      const http = await measure('http', BATCH);
      const https = await measure('https', BATCH);
      shareRows.push([
        `${memoryMb} MB`,
        `${((memoryMb / FULL_VCPU_MB) * 100).toFixed(1)} %`,
        ms(http.median), ms(http.p95),
        ms(https.median), ms(https.p95),
        ms(https.cpu, 0), ms(https.wall, 0),
      ]);
    }
    out(`### 5a. Batch of ${BATCH} by Lambda memory (CPU share = memory / ${FULL_VCPU_MB} MB)`);
    out();
    out(table(['Lambda memory', 'CPU share', 'http error median', 'http p95', 'https error median', 'https p95', 'https batch CPU ms', 'https batch wall ms'], shareRows));
    out();

    const sizeRows: string[][] = [];
    for (const memoryMb of SIZE_MEMORY_MB) {
      quota.setShare(memoryMb / FULL_VCPU_MB);
      for (const [size, concurrency] of BATCH_SHAPES) {
        const https = await measure('https', size, concurrency);
        sizeRows.push([`${memoryMb} MB`, String(size), String(concurrency), ms(https.median), ms(https.p95), ms(https.cpu, 0), ms(https.wall, 0)]);
      }
    }
    out(`### 5b. https batch size and probes in flight at ${SIZE_MEMORY_MB.join(', ')} MB`);
    out();
    out(table(['Lambda memory', 'batch size', 'in flight', 'https error median', 'https p95', 'batch CPU ms', 'batch wall ms'], sizeRows));
    worker.stop();
  }
  out();
  out(`Bench finished in ${ms((performance.now() - started) / 1000, 0)} s; load average at the end: ${loadAverage()}.`);
}

function loadAverage(): string {
  return os.loadavg().map((l) => l.toFixed(2)).join(' / ');
}

/** One probe in this process; a failed probe would make the figures meaningless, so it stops the bench. */
async function probeTotal(target: string | CheckSpec[]): Promise<number> {
  const specs = typeof target === 'string' ? benchSpecs([target], 'probe') : target;
  const [result] = await runChecks(specs, { environment });
  if (!result!.ok) throw new Error(`probe of ${specs[0]!.url} failed: ${result!.failure?.message}`);
  return result!.timings.total;
}

function nodeChild(script: string, args: string[]): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(HERE, script), ...args], { stdio: ['pipe', 'pipe', 'inherit'] });
  children.push(child);
  return child;
}

/** Lines from a child's stdout, one at a time. */
function lineReader(child: ChildProcess): () => Promise<string> {
  const queue: string[] = [];
  const waiting: Array<(line: string) => void> = [];
  let ended = false;
  const rl = createInterface({ input: child.stdout! });
  rl.on('line', (line) => (waiting.length > 0 ? waiting.shift()!(line) : queue.push(line)));
  rl.on('close', () => {
    ended = true;
    for (const w of waiting.splice(0)) w('');
  });
  return () => (queue.length > 0 ? Promise.resolve(queue.shift()!) : ended ? Promise.resolve('') : new Promise((r) => waiting.push(r)));
}

async function startTarget(cert: string, key: string): Promise<Record<Scheme, number>> {
  const target = nodeChild('target.ts', [cert, key]);
  const line = await lineReader(target)();
  if (!line) throw new Error('bench target did not start');
  return JSON.parse(line) as Record<Scheme, number>;
}

async function firstProbeTotal(url: string): Promise<number> {
  const child = nodeChild('worker.ts', [certFile, 'first', url]);
  child.stdin!.end();
  const line = await lineReader(child)();
  await new Promise((resolve) => (child.exitCode !== null ? resolve(null) : child.once('exit', resolve)));
  const parsed = JSON.parse(line) as { total: number; ok: boolean };
  if (!parsed.ok) throw new Error(`first probe of ${url} failed`);
  return parsed.total;
}

interface BatchReport {
  totals: number[];
  ok: number;
  cpuMs: number;
  wallMs: number;
}

async function startWorker(
  warmUrl: string,
): Promise<{ pid: number; batch(urls: string[], concurrency?: number): Promise<BatchReport>; stop(): void }> {
  const child = nodeChild('worker.ts', [certFile, 'serve']);
  const next = lineReader(child);
  if ((await next()) !== 'ready') throw new Error('bench worker did not start');
  const batch = async (urls: string[], concurrency = urls.length) => {
    child.stdin!.write(`${JSON.stringify({ cmd: 'batch', urls, concurrency })}\n`);
    const line = await next();
    if (!line) throw new Error('bench worker exited');
    return JSON.parse(line) as BatchReport;
  };
  // Warm-up outside the quota: code loaded and compiled, as in a warm Lambda container.
  await batch(Array.from({ length: BATCH }, (_, i) => `${warmUrl}?check=${i}`));
  return { pid: child.pid!, batch, stop: () => child.stdin!.end() };
}

async function cleanup(): Promise<void> {
  for (const child of children) {
    if (child.exitCode === null && child.signalCode === null) {
      child.stdin?.end();
      child.kill('SIGTERM');
    }
  }
  await Promise.all(
    children.map((c) => (c.exitCode !== null || c.signalCode !== null ? null : new Promise((resolve) => c.once('exit', resolve)))),
  );
  children.length = 0;
  if (quota && !(await quota.remove())) process.stderr.write(`bench: could not remove ${quota.describe}\n`);
  quota = null;
  if (tmp) rmSync(tmp, { recursive: true, force: true });
  tmp = '';
}
