import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PRICES, PRICES_PROVENANCE, PRICES_RECORDED_ON, pricesFor, supportedRegions, tieredPriceOf, type Price, type TieredPrice } from '../../lib/pricing.ts';

describe('price table', () => {
  it('is dated and cites an AWS pricing page for every price', () => {
    assert.match(PRICES_RECORDED_ON, /^\d{4}-\d{2}-\d{2}$/);
    // Says what the date is (when the table was written), and that the pages were not fetched again.
    assert.equal(PRICES_PROVENANCE, `list prices recorded ${PRICES_RECORDED_ON} from the AWS pricing pages cited in lib/pricing.ts (not re-fetched)`);
    for (const region of supportedRegions()) {
      const table = pricesFor(region)!;
      const prices = Object.values(table).flatMap((group) => (typeof group === 'object' ? Object.values(group) : [])) as Array<Price | TieredPrice>;
      assert.ok(prices.length >= 19, `${region}: ${prices.length} prices`);
      for (const p of prices) assert.match(p.source, /^https:\/\/aws\.amazon\.com\/[a-z0-9]+\/pricing\/$/, JSON.stringify(p));
    }
  });

  it('lists us-east-1 and nothing it cannot price', () => {
    assert.ok(supportedRegions().includes('us-east-1'));
    assert.equal(pricesFor('eu-west-1'), undefined);
    // Not fooled by inherited object keys.
    assert.equal(pricesFor('toString'), undefined);
  });

  it('fills the custom-metric tiers in order: 10k at $0.30, 240k at $0.10, 750k at $0.05, then $0.02', () => {
    const metrics = PRICES['us-east-1']!.cloudwatch.metrics;
    assert.equal(tieredPriceOf(metrics, 0), 0);
    assert.equal(tieredPriceOf(metrics, 10), 3); // 10 × 0.30
    assert.equal(tieredPriceOf(metrics, 10_000), 3_000); // 10,000 × 0.30
    assert.equal(tieredPriceOf(metrics, 10_001), 3_000.1); // + 1 × 0.10
    assert.equal(tieredPriceOf(metrics, 250_000), 27_000); // 3,000 + 240,000 × 0.10
    assert.equal(tieredPriceOf(metrics, 1_000_000), 64_500); // 27,000 + 750,000 × 0.05
    assert.equal(tieredPriceOf(metrics, 1_500_000), 74_500); // 64,500 + 500,000 × 0.02
  });
});
