/**
 * A probe process the bench controls, so it can be measured fresh (the first
 * probe after start) or moved into a CPU-limited cgroup.
 *
 *   worker.ts CA.pem first URL   one probe right after start; prints {"total": ms, "ok": bool}, exits
 *   worker.ts CA.pem serve       reads JSON commands on stdin, one per line:
 *                             {"cmd":"batch","urls":[...],"concurrency":n} -> {"totals":[...],"ok":n,"cpuMs":n,"wallMs":n}
 *                           and exits when stdin closes.
 */
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { performance } from 'node:perf_hooks';
import { runChecks } from '../lambda/runner.ts';
import { benchSpecs } from './specs.ts';

const [caFile, mode, url] = process.argv.slice(2);
const environment = { ca: caFile ? readFileSync(caFile, 'utf8') : [] };

if (mode === 'first' && url) {
  const [result] = await runChecks(benchSpecs([url], 'first'), { environment });
  process.stdout.write(`${JSON.stringify({ total: result!.timings.total, ok: result!.ok })}\n`);
} else if (mode === 'serve') {
  process.stdout.write('ready\n');
  for await (const line of createInterface({ input: process.stdin })) {
    const command = JSON.parse(line) as { cmd: 'batch'; urls: string[]; concurrency?: number };
    const specs = benchSpecs(command.urls, 'batch');
    const cpu = process.cpuUsage();
    const started = performance.now();
    const results = await runChecks(specs, { concurrency: command.concurrency ?? specs.length, environment });
    const wallMs = performance.now() - started;
    const used = process.cpuUsage(cpu);
    process.stdout.write(
      `${JSON.stringify({
        totals: results.map((r) => r.timings.total),
        ok: results.filter((r) => r.ok).length,
        cpuMs: (used.user + used.system) / 1000,
        wallMs,
      })}\n`,
    );
  }
} else {
  process.stderr.write('usage: worker.ts CA.pem first URL | worker.ts CA.pem serve\n');
  process.exitCode = 2;
}
