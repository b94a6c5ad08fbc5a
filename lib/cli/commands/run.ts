/**
 * `watchpost run`: probes the checks from this machine with the same runner
 * the deployed Lambda uses, and reports the results.
 *
 *   watchpost run [--config FILE] [--check NAME]... [--json] [--publish]
 *
 * Exit 0 when every check passes (warnings included), 1 when any fails, 2 for
 * a configuration or usage error, or when --publish could not run at all (a
 * fallback to EMF lines is not a failure: the datapoints are not lost).
 */
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { runChecks } from '../../../lambda/runner.ts';
import type { CheckResult } from '../../spec/result.ts';
import { suggest } from '../../spec/problems.ts';
import type { CheckSpec, WatchpostConfig } from '../../spec/types.ts';
import { CONFIG_OPTION, loadFromOptions, printProblems } from '../config.ts';
import type { CliIO, Command } from '../main.ts';
import { createReporter, type Reporter } from '../reporters/index.ts';
import { EXIT, UsageError } from '../usage.ts';

export const runCommand: Command = {
  options: {
    ...CONFIG_OPTION,
    check: { type: 'string', multiple: true },
    json: { type: 'boolean' },
    publish: { type: 'boolean' },
  },
  async run(values, io) {
    const loaded = loadFromOptions(values, io);
    if (!loaded.ok) {
      printProblems(loaded, io);
      return EXIT.configError;
    }
    const source = path.relative(io.cwd, loaded.file) || loaded.file;
    const checks = selectChecks(loaded.config.checks, (values.check as string[] | undefined) ?? [], source);
    const reporter = createReporter(values.json ? 'json' : 'list', io);
    const results = await runAndReport(checks, reporter, source);

    let exit: number = results.every((r) => r.ok) ? EXIT.ok : EXIT.checksFailed;
    if (values.publish) {
      const published = await publish({ ...loaded.config, checks }, results, io);
      if (!published) exit = EXIT.configError;
    }
    return exit;
  },
};

/**
 * Runs the checks with the real runner and drives the reporter: onBegin, one
 * onCheckEnd per check (as each finishes), onEnd. Shared with `npm run demo`.
 */
export async function runAndReport(checks: CheckSpec[], reporter: Reporter, source: string): Promise<CheckResult[]> {
  const started = performance.now();
  reporter.onBegin({ checks, source });
  const reported = new Set<number>();
  const results = await runChecks(checks, {
    onResult(result, index) {
      reported.add(index);
      reporter.onCheckEnd(result, index);
    },
  });
  // The callback is optional in the runner contract; make sure the reporter sees every result once.
  results.forEach((r, i) => {
    if (!reported.has(i)) reporter.onCheckEnd(r, i);
  });
  reporter.onEnd({ results, durationMs: performance.now() - started });
  return results;
}

/** The checks named by --check, in file order; every check when none is named. */
export function selectChecks(checks: CheckSpec[], names: string[], source: string): CheckSpec[] {
  if (names.length === 0) return checks;
  const known = checks.map((c) => c.name);
  for (const name of names) {
    if (known.includes(name)) continue;
    const close = suggest(name, known);
    const listed = known.length > 10 ? `${known.slice(0, 10).join(', ')}, ... (${known.length} checks)` : known.join(', ');
    const hint = close ? `did you mean "${close}"?` : `expected one of ${listed}`;
    throw new UsageError(`run: no check named "${name}" in ${source}; ${hint}`);
  }
  const wanted = new Set(names);
  return checks.filter((c) => wanted.has(c.name));
}

/** Publishes to CloudWatch like the deployed probe would; false when it could not. */
async function publish(config: WatchpostConfig, results: CheckResult[], io: CliIO): Promise<boolean> {
  try {
    // Loaded only with --publish, so a plain run never pays for the AWS SDK.
    const { publishLocalRun } = await import('../../../lambda/sinks/local-publish.ts');
    const outcome = await publishLocalRun(config, results);
    io.stderr.write(`${outcome.message}\n`);
    return true;
  } catch (err) {
    io.stderr.write(`watchpost: --publish failed: ${(err as Error)?.message ?? String(err)}\n`);
    return false;
  }
}
