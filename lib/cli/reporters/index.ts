/** Picks a reporter by format name. */
import { jsonReporter } from './json.ts';
import { listReporter } from './list.ts';
import { colorEnabled, type Reporter, type ReporterOutput } from './reporter.ts';

export type ReporterFormat = 'list' | 'json';

export function createReporter(format: ReporterFormat, out: ReporterOutput): Reporter {
  return format === 'json' ? jsonReporter(out) : listReporter(out, { color: colorEnabled(out) });
}

export type { Reporter, ReporterOutput, RunEnd, RunStart } from './reporter.ts';
