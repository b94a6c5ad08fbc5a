/**
 * Terminal reporters: one small interface, one file per format (list, json).
 * `watchpost run` and `npm run demo` drive a reporter the same way.
 */
import type { CheckResult } from '../../spec/result.ts';
import type { CheckSpec } from '../../spec/types.ts';

export interface RunStart {
  /** The checks about to run, in input order. */
  checks: readonly CheckSpec[];
  /** Where the checks came from, for the header line (`watchpost.yaml`). */
  source: string;
}

export interface RunEnd {
  /** One result per check, in input order. */
  results: readonly CheckResult[];
  /** Wall time of the whole run. */
  durationMs: number;
}

export interface Reporter {
  onBegin(start: RunStart): void;
  /** Called once per check as it finishes; `index` is its position in the input (results may finish out of order). */
  onCheckEnd(result: CheckResult, index: number): void;
  onEnd(end: RunEnd): void;
}

export interface ReporterOutput {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
}

/**
 * Colour only on a terminal, and never when NO_COLOR is set to a non-empty
 * value (https://no-color.org).
 */
export function colorEnabled(out: ReporterOutput): boolean {
  const noColor = out.env.NO_COLOR;
  if (noColor !== undefined && noColor !== '') return false;
  return out.stdout.isTTY === true;
}
