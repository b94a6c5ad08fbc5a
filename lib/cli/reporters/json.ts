/**
 * `--json`: one JSON document `{ "results": [CheckResult, ...] }` on stdout
 * and nothing else, written once every check has finished.
 */
import type { Reporter, ReporterOutput } from './reporter.ts';

export function jsonReporter(out: ReporterOutput): Reporter {
  return {
    onBegin() {},
    onCheckEnd() {},
    onEnd({ results }) {
      out.stdout.write(`${JSON.stringify({ results }, null, 2)}\n`);
    },
  };
}
