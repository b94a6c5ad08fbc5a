/**
 * The log: one JSON line per CheckResult and one summary line per invocation.
 * Their shapes and the result line's builder are the log line contract in
 * lib/spec/log-lines.ts (the cost model sizes the same lines); this module
 * writes them.
 *
 * Lines are written straight to stdout, not through console.log: the Lambda
 * runtime prefixes console output with a timestamp and request id, which
 * would break both the JSON lines and EMF extraction.
 */
export { resultLine, type LineScrubber, type LogContext, type ResultLine, type SummaryLine } from '../../lib/spec/log-lines.ts';

export type LogWriter = (line: string) => void;

export const stdoutWriter: LogWriter = (line) => {
  process.stdout.write(`${line}\n`);
};

/** An event line: input the handler refuses (a malformed event, unknown checks, a stale run), a notice sent or not. */
export function problemLine(level: 'info' | 'warn' | 'error', msg: string, fields: Record<string, unknown>): string {
  return JSON.stringify({ level, msg, ...fields });
}
