/**
 * The prices the cost model uses: one dated table per region, every price
 * with the AWS pricing page it comes from. On-demand list prices in USD,
 * without free tier (the free tier is listed apart, in FREE_TIER, so the
 * estimate can say what it would remove).
 *
 * Only regions whose every line below was checked are listed; adding one is
 * one entry. Pure data, no I/O.
 */

/**
 * The day the table below was written down: AWS's published on-demand list
 * prices as known on that day, each with the page it comes from. They were
 * not re-fetched from those pages (the table was written without network
 * access), so a figure that matters should be checked on its page.
 */
export const PRICES_RECORDED_ON = '2026-11-26';

/** How the estimate states where its prices come from, in one phrase (CLI and README). */
export const PRICES_PROVENANCE = `list prices recorded ${PRICES_RECORDED_ON} from the AWS pricing pages cited in lib/pricing.ts (not re-fetched)`;

/** A flat price: `usd` for every `per` units. */
export interface Price {
  usd: number;
  per: number;
  /** What is counted: 'GB-second', 'request', 'metric-month'… (singular). */
  unit: string;
  source: string;
}

/** One step of a tiered price: `usd` per unit for the units up to `upTo` (cumulative; null = no limit). */
export interface Tier {
  upTo: number | null;
  usd: number;
}

export interface TieredPrice {
  tiers: Tier[];
  unit: string;
  source: string;
}

export interface RegionPrices {
  region: string;
  lambda: { armGbSecond: Price; x86GbSecond: Price; requests: Price };
  cloudwatch: {
    /** Custom metrics, per metric-month, tiered on the account's total in the region (prorated hourly). */
    metrics: TieredPrice;
    /** Standard-resolution alarms: per metric the alarm evaluates (a metric-math alarm counts each). */
    alarmMetric: Price;
    /** PutMetricData and the other metric API requests. */
    metricRequests: Price;
    dashboard: Price;
    /** CloudWatch Logs Standard ingestion (Lambda logs: first vended-logs tier, the same rate). */
    logIngestion: Price;
    canaryRun: Price;
  };
  scheduler: { invocations: Price };
  sns: { publishes: Price; email: Price; https: Price };
  kms: { key: Price; requests: Price };
  route53: {
    /** Basic health check on an AWS endpoint (a resource in the same account). */
    healthCheckAws: Price;
    healthCheckNonAws: Price;
    /** Each optional feature: HTTPS, string matching, fast interval, latency measurement. */
    optionalFeatureAws: Price;
    optionalFeatureNonAws: Price;
  };
}

const PAGES = {
  lambda: 'https://aws.amazon.com/lambda/pricing/',
  cloudwatch: 'https://aws.amazon.com/cloudwatch/pricing/',
  scheduler: 'https://aws.amazon.com/eventbridge/pricing/',
  sns: 'https://aws.amazon.com/sns/pricing/',
  kms: 'https://aws.amazon.com/kms/pricing/',
  route53: 'https://aws.amazon.com/route53/pricing/',
} as const;

const US_EAST_1: RegionPrices = {
  region: 'us-east-1',
  lambda: {
    // First tier (7.5 billion GB-s/month for Arm), far beyond any Watchpost stack.
    armGbSecond: { usd: 0.0000133334, per: 1, unit: 'GB-second', source: PAGES.lambda },
    x86GbSecond: { usd: 0.0000166667, per: 1, unit: 'GB-second', source: PAGES.lambda },
    requests: { usd: 0.2, per: 1_000_000, unit: 'request', source: PAGES.lambda },
  },
  cloudwatch: {
    metrics: {
      tiers: [
        { upTo: 10_000, usd: 0.3 },
        { upTo: 250_000, usd: 0.1 },
        { upTo: 1_000_000, usd: 0.05 },
        { upTo: null, usd: 0.02 },
      ],
      unit: 'metric-month',
      source: PAGES.cloudwatch,
    },
    alarmMetric: { usd: 0.1, per: 1, unit: 'alarm metric-month', source: PAGES.cloudwatch },
    metricRequests: { usd: 0.01, per: 1_000, unit: 'request', source: PAGES.cloudwatch },
    dashboard: { usd: 3, per: 1, unit: 'dashboard-month', source: PAGES.cloudwatch },
    logIngestion: { usd: 0.5, per: 1, unit: 'GB', source: PAGES.cloudwatch },
    canaryRun: { usd: 0.0012, per: 1, unit: 'canary run', source: PAGES.cloudwatch },
  },
  scheduler: { invocations: { usd: 1, per: 1_000_000, unit: 'invocation', source: PAGES.scheduler } },
  sns: {
    publishes: { usd: 0.5, per: 1_000_000, unit: 'publish', source: PAGES.sns },
    email: { usd: 2, per: 100_000, unit: 'email delivery', source: PAGES.sns },
    https: { usd: 0.6, per: 1_000_000, unit: 'HTTPS delivery', source: PAGES.sns },
  },
  kms: {
    // Automatic rotation adds $1/month per rotated backing key, for the first two rotations (years 2 and 3).
    key: { usd: 1, per: 1, unit: 'key-month', source: PAGES.kms },
    requests: { usd: 0.03, per: 10_000, unit: 'request', source: PAGES.kms },
  },
  route53: {
    healthCheckAws: { usd: 0.5, per: 1, unit: 'health check-month', source: PAGES.route53 },
    healthCheckNonAws: { usd: 0.75, per: 1, unit: 'health check-month', source: PAGES.route53 },
    optionalFeatureAws: { usd: 1, per: 1, unit: 'feature-month', source: PAGES.route53 },
    optionalFeatureNonAws: { usd: 2, per: 1, unit: 'feature-month', source: PAGES.route53 },
  },
};

/** Price tables by region. */
export const PRICES: Readonly<Record<string, RegionPrices>> = { 'us-east-1': US_EAST_1 };

export const DEFAULT_REGION = 'us-east-1';

export function supportedRegions(): string[] {
  return Object.keys(PRICES).sort();
}

/** The price table for a region, or undefined when it is not listed. */
export function pricesFor(region: string): RegionPrices | undefined {
  return Object.hasOwn(PRICES, region) ? PRICES[region] : undefined;
}

/** Dollars for `quantity` units at a flat price. */
export function priceOf(price: Price, quantity: number): number {
  return (quantity / price.per) * price.usd;
}

/** Dollars for `quantity` units at a tiered price, filling the cheapest-last tiers in order. */
export function tieredPriceOf(price: TieredPrice, quantity: number): number {
  let usd = 0;
  let from = 0;
  for (const tier of price.tiers) {
    const upTo = tier.upTo ?? Infinity;
    const inTier = Math.max(0, Math.min(quantity, upTo) - from);
    usd += inTier * tier.usd;
    from = upTo;
    if (quantity <= upTo) break;
  }
  return usd;
}

/**
 * The always-free monthly allowances (per account, shared with everything
 * else running there), in the units of the prices above. The estimate
 * ignores them; the report says in one line what they would remove.
 */
export const FREE_TIER = {
  lambdaRequests: 1_000_000,
  lambdaGbSeconds: 400_000,
  metrics: 10,
  alarmMetrics: 10,
  metricRequests: 1_000_000,
  /** Only dashboards of up to FREE_DASHBOARD_MAX_METRICS metrics count. */
  dashboards: 3,
  logGb: 5,
  schedulerInvocations: 14_000_000,
  snsPublishes: 1_000_000,
  snsEmail: 1_000,
  snsHttps: 100_000,
  kmsRequests: 20_000,
  canaryRuns: 100,
  /** Route 53 health checks on AWS endpoints (not the optional features). */
  route53AwsHealthChecks: 50,
} as const;

export type FreeTierKey = keyof typeof FREE_TIER;

/**
 * The free dashboards are "3 dashboards for up to 50 metrics per month"
 * (CloudWatch pricing page, free tier): a dashboard with more metrics is
 * never free.
 */
export const FREE_DASHBOARD_MAX_METRICS = 50;
