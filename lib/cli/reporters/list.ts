/**
 * The human reporter: one block per check, read top to bottom in the order
 * things happened (request, response, assertions), then a summary line.
 *
 *   ✗ checkout  503 Service Unavailable  4.2 ms
 *     GET http://127.0.0.1:40123/checkout
 *     connect        0.3 ms  │██                      │
 *     first byte     3.6 ms  │  ████████████████████  │
 *     download       0.3 ms  │                      ██│
 *     ✗ status 503, expected one of [200]
 *
 * Checks run concurrently and finish in any order; blocks are printed in
 * input order as soon as every earlier check has finished.
 */
import { STATUS_CODES } from 'node:http';
import picocolors from 'picocolors';
import type { AssertionResult, CheckResult, Phase, Timings } from '../../spec/result.ts';
import { renderValue } from '../../spec/problems.ts';
import type { CheckSpec } from '../../spec/types.ts';
import type { Reporter, ReporterOutput, RunStart } from './reporter.ts';

type Colors = ReturnType<typeof picocolors.createColors>;

export interface ListOptions {
  /** Use ANSI colours. @default false */
  color?: boolean;
}

/** Characters of the waterfall bar. */
const BAR_WIDTH = 24;
/** Width of the label column (`first byte`, `server-timing`). */
const LABEL_WIDTH = 14;
/** Longest body excerpt shown for a failing check. */
const EXCERPT_CHARS = 100;

type Paint = 'cyan' | 'yellow' | 'magenta' | 'blue' | 'green';

const PHASES: ReadonlyArray<{ key: Phase; label: string; paint: Paint }> = [
  { key: 'dns', label: 'dns', paint: 'cyan' },
  { key: 'connect', label: 'connect', paint: 'yellow' },
  { key: 'tls', label: 'tls', paint: 'magenta' },
  { key: 'firstByte', label: 'first byte', paint: 'blue' },
  { key: 'download', label: 'download', paint: 'green' },
];

export function listReporter(out: ReporterOutput, options: ListOptions = {}): Reporter {
  const c = picocolors.createColors(options.color ?? false);
  const finished = new Map<number, CheckResult>();
  let specs: RunStart['checks'] = [];
  let next = 0;

  const flush = () => {
    while (finished.has(next)) {
      out.stdout.write(`${formatBlock(finished.get(next)!, c, specs[next])}\n`);
      finished.delete(next);
      next++;
    }
  };

  return {
    onBegin({ checks, source }) {
      specs = checks;
      const n = checks.length;
      out.stdout.write(`Running ${n} check${n === 1 ? '' : 's'} from ${source}\n\n`);
    },
    onCheckEnd(result, index) {
      if (index >= next) finished.set(index, result);
      flush();
    },
    onEnd({ results, durationMs }) {
      // Whatever was not streamed (a runner that did not call back) is printed now, still in order.
      results.forEach((r, i) => {
        if (i >= next && !finished.has(i)) finished.set(i, r);
      });
      flush();
      out.stdout.write(`${formatSummary(results, durationMs, c)}\n`);
    },
  };
}

/** One check, as lines; the spec adds the runbook's expectation to a failure. Exported for the tests. */
export function formatBlock(r: CheckResult, c: Colors, spec?: CheckSpec): string {
  const lines: string[] = [];
  const warned = r.assertions.some((a) => !a.ok && a.severity === 'warning');
  const symbol = !r.ok ? c.red('✗') : warned ? c.yellow('!') : c.green('✓');
  const status = r.statusCode === null ? c.red('no response') : formatStatus(r.statusCode, r.ok, c);
  const extras = [
    r.attempts > 1 ? `${r.attempts} attempts` : null,
    r.redirects > 0 ? `${r.redirects} redirect${r.redirects === 1 ? '' : 's'}` : null,
  ].filter((x): x is string => x !== null);
  lines.push(
    [`${symbol} ${c.bold(r.name)}`, status, formatMs(r.timings.total), ...extras.map((x) => c.dim(x))].join('  '),
  );

  // Request.
  lines.push(`  ${c.dim(`${r.method} ${r.url}`)}`);

  // Response: where the time went, then what the server said about itself.
  lines.push(...waterfall(r.timings, c));
  if (r.certificate) {
    const { subject, issuer, validTo, daysRemaining } = r.certificate;
    lines.push(row('certificate', `${subject}, issued by ${issuer}, expires ${validTo.slice(0, 10)} (${daysRemaining} day${daysRemaining === 1 ? '' : 's'})`, c));
  }
  if (r.cache) lines.push(row('cache', formatCache(r.cache), c));
  if (r.serverTiming && r.serverTiming.length > 0) {
    const entries = r.serverTiming.map((e) =>
      [e.name, e.dur === null ? null : formatMs(e.dur), e.desc === null ? null : JSON.stringify(e.desc)]
        .filter((x) => x !== null)
        .join(' '),
    );
    lines.push(row('server-timing', entries.join(c.dim(' · ')), c));
  }

  // Assertions, then a failure the assertions do not already explain.
  for (const a of r.assertions) lines.push(`  ${formatAssertion(a, c)}`);
  const f = r.failure;
  if (f && !explainedByAssertions(r)) {
    const code = f.code && !f.message.includes(f.code) ? c.dim(` (${f.code})`) : '';
    lines.push(`  ${c.red('✗')} ${c.red(`${f.kind}:`)} ${f.message}${code}`);
  }
  if (!r.ok && r.bodyExcerpt) lines.push(row('body', c.dim(excerpt(r.bodyExcerpt)), c));
  if (!r.ok && spec?.runbook.expected) lines.push(row('expected', spec.runbook.expected, c));
  if (!r.ok && spec?.runbook.owner) lines.push(row('owner', spec.runbook.owner, c));
  return `${lines.join('\n')}\n`;
}

/** `7 passed, 1 failed in 1.2 s`. Exported for the tests. */
export function formatSummary(results: readonly CheckResult[], durationMs: number, c: Colors): string {
  const failed = results.filter((r) => !r.ok).length;
  const passed = results.length - failed;
  const warned = results.filter((r) => r.ok && r.assertions.some((a) => !a.ok && a.severity === 'warning')).length;
  const passedText = c.green(`${passed} passed`) + (warned > 0 ? c.yellow(` (${warned} with a warning)`) : '');
  const failedText = failed > 0 ? c.red(`${failed} failed`) : `${failed} failed`;
  return `${passedText}, ${failedText} in ${formatRunDuration(durationMs)}`;
}

function formatStatus(code: number, ok: boolean, c: Colors): string {
  const text = `${code} ${STATUS_CODES[code] ?? ''}`.trim();
  if (code >= 500) return c.red(text);
  if (code >= 400) return c.yellow(text);
  return ok ? text : c.red(text);
}

/**
 * One row per phase that happened, with a bar placed where the phase sits in
 * the total, like a browser's network waterfall.
 */
function waterfall(t: Timings, c: Colors): string[] {
  const happened = PHASES.filter((p) => t[p.key] !== null);
  const sum = happened.reduce((s, p) => s + t[p.key]!, 0);
  const scale = Math.max(t.total, sum);
  const lines: string[] = [];
  let start = 0;
  let previousEnd = 0;
  happened.forEach((p, i) => {
    const d = t[p.key]!;
    let bar = '';
    if (scale > 0) {
      // Every phase that happened gets at least one column, after the previous one's, leaving room for the rest.
      const reserved = happened.length - 1 - i;
      const from = Math.min(Math.max(previousEnd, Math.floor((start / scale) * BAR_WIDTH)), BAR_WIDTH - 1 - reserved);
      const to = Math.min(BAR_WIDTH - reserved, Math.max(from + 1, Math.round(((start + d) / scale) * BAR_WIDTH)));
      bar = ' '.repeat(from) + c[p.paint]('█'.repeat(to - from)) + ' '.repeat(BAR_WIDTH - to);
      previousEnd = to;
    }
    lines.push(`  ${p.label.padEnd(LABEL_WIDTH)}${formatMs(d).padStart(7)}  ${c.dim('│')}${bar}${c.dim('│')}`);
    start += d;
  });
  return lines;
}

function row(label: string, text: string, c: Colors): string {
  return `  ${c.dim(label.padEnd(LABEL_WIDTH))}${text}`;
}

function formatCache(cache: NonNullable<CheckResult['cache']>): string {
  const verdict = cache.hit === true ? 'hit' : cache.hit === false ? 'miss' : 'not stated';
  const parts = [cache.source ? `${verdict} (${cache.source})` : verdict];
  if (cache.age !== null) parts.push(`age ${cache.age} s`);
  return parts.join(', ');
}

function formatAssertion(a: AssertionResult, c: Colors): string {
  if (a.ok) return `${c.green('✓')} ${c.dim(a.message)}`;
  // The contract says the message carries the actual value; show it anyway if a message forgot to.
  const actual = renderValue(a.actual);
  const shown = a.message.includes(actual) || a.message.includes(String(a.actual)) ? '' : ` (actual ${actual})`;
  return a.severity === 'warning' ? `${c.yellow('!')} ${c.yellow(a.message + shown)}` : `${c.red('✗')} ${c.red(a.message + shown)}`;
}

/** A status or assertion failure whose story is already told by a failing assertion line. */
function explainedByAssertions(r: CheckResult): boolean {
  const f = r.failure!;
  const failing = r.assertions.filter((a) => !a.ok && a.severity === 'critical');
  if (failing.some((a) => a.message === f.message)) return true;
  return (f.kind === 'assertion' || f.kind === 'status') && failing.length > 0;
}

function excerpt(body: string): string {
  const flat = body.replace(/\s+/g, ' ').trim();
  return flat.length > EXCERPT_CHARS ? `${flat.slice(0, EXCERPT_CHARS - 3)}...` : flat;
}

/** Milliseconds for timings: one decimal below 100 ms, whole numbers above, seconds from 10 s. */
export function formatMs(ms: number): string {
  if (ms < 100) return `${ms.toFixed(1)} ms`;
  if (ms < 10_000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(1)} s`;
}

function formatRunDuration(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}
