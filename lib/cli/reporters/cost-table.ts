/**
 * `watchpost cost`: a table per check (what it brings to the bill, line by
 * line, and what the same endpoint would cost on CloudWatch Synthetics and
 * on a Route 53 health check), the stack-wide lines, the total, the
 * assumptions, and what the free tier would remove.
 */
import picocolors from 'picocolors';
import {
  ASSUMED_CERTIFICATE_EPISODES_PER_ALARM,
  ASSUMED_INCIDENTS_PER_CHECK,
  ASSUMED_LATENCY_EPISODES_PER_ALARM,
  ASSUMED_SLOWEST_PROBE_MS,
  MEASURED_BATCH_OVERHEAD_MS,
  ROUTE53_ENDPOINT,
  SNS_PUBLISHES_PER_INCIDENT,
  SYNTHETICS_CANARY,
  usd,
  type CostEstimate,
  type CostLine,
} from '../../cost.ts';
import { FREE_DASHBOARD_MAX_METRICS, FREE_TIER as F } from '../../pricing.ts';
import { formatDuration } from '../../spec/units.ts';

export interface CostTableOptions {
  /** Where the checks came from, for the header (`watchpost.yaml`). */
  source: string;
  /** Use ANSI colours. @default false */
  color?: boolean;
}

const ITEM_WIDTH = 38;
const QUANTITY_WIDTH = 12;
const UNIT_WIDTH = 14;
const MONEY_WIDTH = 10;

export function renderCostTable(e: CostEstimate, options: CostTableOptions): string {
  const c = picocolors.createColors(options.color ?? false);
  const d = e.detail;
  const n = e.checks.length;
  const out: string[] = [];
  out.push(c.bold(`Watchpost cost estimate for ${options.source}: ${e.region}, ${e.currency} per month`));
  out.push(
    c.dim(
      `Prices: ${d.pricesProvenance}, without free tier. Probe function ${d.architecture}, ${d.memoryMb} MB, ` +
        `${seconds(d.batchDurationMs)} per batch invocation${batchDurationBasis(d.batchDurationMs)}; ${d.batches} batch${d.batches === 1 ? '' : 'es'}.`,
    ),
  );
  for (const check of e.checks) {
    const x = check.detail;
    out.push('');
    out.push(
      `${c.bold(check.name)}  ${x.url}  every ${formatDuration(x.frequencyMs)} (${count(x.runsPerMonth)} runs), ` +
        `batch ${x.batchId} of ${x.batchChecks} check${x.batchChecks === 1 ? '' : 's'}`,
    );
    out.push(c.dim(header()));
    for (const l of check.lines) out.push(row(l));
    out.push(`  ${'check total'.padEnd(ITEM_WIDTH + QUANTITY_WIDTH + UNIT_WIDTH + 2)}${c.bold(usd(check.monthly).padStart(MONEY_WIDTH))}`);
    out.push(`  CloudWatch Synthetics ${usd(check.cloudwatchSyntheticsMonthly)} (${ratio(check.cloudwatchSyntheticsMonthly, check.monthly)} Watchpost)`);
    const features = x.route53Features.length > 0 ? `base + ${x.route53Features.join(', ')}` : 'base only';
    const cannot = x.route53Cannot.length > 0 ? `; cannot check ${x.route53Cannot.join(', ')}` : '';
    out.push(`  Route 53 health check ${usd(check.route53Monthly)} (${ratio(check.route53Monthly, check.monthly)} Watchpost; ${features}${cannot})`);
  }
  out.push('');
  out.push(`${c.bold('Shared')} (stack-wide; each check above carries 1/${n || 1} of these)`);
  out.push(c.dim(header()));
  for (const l of e.shared) out.push(row(l));

  const synthetics = e.checks.reduce((s, x) => s + x.cloudwatchSyntheticsMonthly, 0);
  const route53 = e.checks.reduce((s, x) => s + x.route53Monthly, 0);
  out.push('');
  out.push(
    c.bold(`Total ${usd(e.totalMonthly)} a month for ${n} check${n === 1 ? '' : 's'}`) +
      (n > 0 ? ` (${usd(e.totalMonthly / n)} per check)` : '') +
      `. CloudWatch Synthetics ${usd(synthetics)} (${ratio(synthetics, e.totalMonthly)}), Route 53 ${usd(route53)} (${ratio(route53, e.totalMonthly)}).`,
  );
  out.push(`Largest items: ${largest(e).join(', ')}.`);
  out.push(
    `Free tier: the always-free allowances (Lambda ${millions(F.lambdaRequests)} requests and ${count(F.lambdaGbSeconds)} GB-s, ` +
      `${F.metrics} metrics, ${F.alarmMetrics} alarm metrics, ${millions(F.metricRequests)} API requests, ` +
      `${F.dashboards} dashboards of up to ${FREE_DASHBOARD_MAX_METRICS} metrics (${d.dashboardsWithinFreeCap} of this stack's ${d.dashboards} within that), ` +
      `${F.logGb} GB of logs, ${millions(F.schedulerInvocations)} schedule runs, SNS and KMS requests) would take off up to ` +
      `${usd(d.freeTierMonthly)} (leaving ${usd(e.totalMonthly - d.freeTierMonthly)}), less whatever else in the account uses them.`,
  );
  out.push(
    c.dim(
      `Assumed: ${ASSUMED_INCIDENTS_PER_CHECK} incidents per check a month, ${SNS_PUBLISHES_PER_INCIDENT} SNS publishes each (critical topic); ` +
        `each latency alarm to ALARM and back ${ASSUMED_LATENCY_EPISODES_PER_ALARM} times a month (its severity's topic), ` +
        `each certificate alarm ${timesAMonth(ASSUMED_CERTIFICATE_EPISODES_PER_ALARM)} (warning topic); ` +
        `canary ${SYNTHETICS_CANARY.memoryMb} MB x86_64 for ${seconds(SYNTHETICS_CANARY.durationMs)} a run; ` +
        `Route 53 priced for ${ROUTE53_ENDPOINT === 'aws' ? 'an AWS' : 'a non-AWS'} endpoint, checked every 30 s.`,
    ),
  );
  out.push(c.dim(`Not included: ${d.notIncluded.join('; ')}.`));
  return `${out.join('\n')}\n`;
}

function header(): string {
  return `  ${'item'.padEnd(ITEM_WIDTH)}${'quantity'.padStart(QUANTITY_WIDTH)}  ${'unit'.padEnd(UNIT_WIDTH)}${'monthly'.padStart(MONEY_WIDTH)}`;
}

function row(l: CostLine): string {
  return `  ${l.item.padEnd(ITEM_WIDTH)}${quantity(l.quantity).padStart(QUANTITY_WIDTH)}  ${l.unit.padEnd(UNIT_WIDTH)}${usd(l.monthly).padStart(MONEY_WIDTH)}`;
}

/** The three largest items over the whole estimate, shared lines counted whole. */
function largest(e: CostEstimate): string[] {
  const byItem = new Map<string, number>();
  for (const check of e.checks) {
    for (const l of check.lines) if (!l.item.startsWith('Share: ')) byItem.set(l.item, (byItem.get(l.item) ?? 0) + l.monthly);
  }
  for (const l of e.shared) byItem.set(l.item, (byItem.get(l.item) ?? 0) + l.monthly);
  return [...byItem]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 3)
    .map(([item, monthly]) => `${item} ${usd(monthly)} (${Math.round((100 * monthly) / (e.totalMonthly || 1))}%)`);
}

/** `2 times a month`, or `once every 3 months` below once a month. */
function timesAMonth(perMonth: number): string {
  return perMonth >= 1 ? `${perMonth} times a month` : `once every ${Math.round(1 / perMonth)} months`;
}

/** How the invocation time was arrived at, when it is the model's own. */
function batchDurationBasis(ms: number): string {
  if (ms !== ASSUMED_SLOWEST_PROBE_MS + MEASURED_BATCH_OVERHEAD_MS) return ' (given)';
  return ` (assumed slowest probe ${seconds(ASSUMED_SLOWEST_PROBE_MS)} + measured overhead ${seconds(MEASURED_BATCH_OVERHEAD_MS)})`;
}

/** `16×`, `4.7×`: how many times `ours` the other service costs (the README's comparison uses the same). */
export function ratio(theirs: number, ours: number): string {
  if (ours <= 0) return 'n/a';
  const r = theirs / ours;
  return `${r >= 10 ? Math.round(r) : r.toFixed(1)}×`;
}

function quantity(q: number): string {
  if (q >= 100) return count(q);
  if (q >= 1) return q.toLocaleString('en-US', { maximumFractionDigits: 2 });
  if (q === 0) return '0';
  return q.toPrecision(3);
}

function count(q: number): string {
  return Math.round(q).toLocaleString('en-US');
}

function millions(q: number): string {
  return `${q / 1_000_000}M`;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toLocaleString('en-US', { maximumFractionDigits: 2 })} s`;
}
