/**
 * `watchpost cost --json`: the estimate as one JSON document, exactly
 * `{ currency, region, totalMonthly, checks: [{ name, monthly, lines,
 * cloudwatchSyntheticsMonthly, route53Monthly }], shared: [lines] }`,
 * amounts in dollars rounded to a millionth (quantities to a ten-thousandth).
 */
import type { CostEstimate, CostLine } from '../../cost.ts';

export interface CostJson {
  currency: 'USD';
  region: string;
  totalMonthly: number;
  checks: Array<{
    name: string;
    monthly: number;
    lines: CostLine[];
    cloudwatchSyntheticsMonthly: number;
    route53Monthly: number;
  }>;
  shared: CostLine[];
}

export function costJson(estimate: CostEstimate): CostJson {
  return {
    currency: estimate.currency,
    region: estimate.region,
    totalMonthly: money(estimate.totalMonthly),
    checks: estimate.checks.map((c) => ({
      name: c.name,
      monthly: money(c.monthly),
      lines: c.lines.map(jsonLine),
      cloudwatchSyntheticsMonthly: money(c.cloudwatchSyntheticsMonthly),
      route53Monthly: money(c.route53Monthly),
    })),
    shared: estimate.shared.map(jsonLine),
  };
}

export function renderCostJson(estimate: CostEstimate): string {
  return `${JSON.stringify(costJson(estimate), null, 2)}\n`;
}

function jsonLine(l: CostLine): CostLine {
  return { item: l.item, quantity: round(l.quantity, 4), unit: l.unit, monthly: money(l.monthly) };
}

function money(usd: number): number {
  return round(usd, 6);
}

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
