/** The README's "What it costs" figures are the model's, so they cannot go stale unnoticed. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ratio } from '../../lib/cli/reporters/cost-table.ts';
import { ALWAYS_NOT_INCLUDED, ASSUMED_BATCH_DURATION_MS, estimateCost, KEY_ROTATION_NOT_INCLUDED } from '../../lib/cost.ts';
import { PRICES_RECORDED_ON } from '../../lib/pricing.ts';
import { loadConfig } from '../../lib/spec/load.ts';
import type { WatchpostConfig } from '../../lib/spec/types.ts';
import { checkSpec } from '../fixtures/spec.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
const section = readme.slice(readme.indexOf('<!-- section:cost -->'), readme.indexOf('<!-- /section:cost -->'));
/** The section as one line of text, so a figure split over two lines still matches. */
const flat = section.replace(/\s+/g, ' ');
const money = (n: number) => `$${n.toFixed(2)}`;

describe('README cost section', () => {
  it('shows the example file\'s per-check and total figures, with the ratios the CLI prints', () => {
    const loaded = loadConfig(path.join(ROOT, 'watchpost.yaml'));
    assert.ok(loaded.ok);
    const e = estimateCost(loaded.config);
    for (const c of e.checks) {
      const row = section.split('\n').find((l) => l.startsWith(`| ${c.name} `));
      assert.ok(row, `no README row for ${c.name}`);
      const cells = row.split('|').map((x) => x.trim());
      assert.equal(cells[3], money(c.monthly), `${c.name} Watchpost`);
      assert.ok(cells[4]!.startsWith(`${money(c.cloudwatchSyntheticsMonthly)} (${ratio(c.cloudwatchSyntheticsMonthly, c.monthly)})`), `${c.name} Synthetics: ${cells[4]}`);
      assert.ok(cells[5]!.startsWith(`${money(c.route53Monthly)} (${ratio(c.route53Monthly, c.monthly)}`), `${c.name} Route 53: ${cells[5]}`);
    }
    const synthetics = e.checks.reduce((s, c) => s + c.cloudwatchSyntheticsMonthly, 0);
    const route53 = e.checks.reduce((s, c) => s + c.route53Monthly, 0);
    assert.ok(
      section.includes(
        `| **total** | | **${money(e.totalMonthly)}** | ${money(synthetics)} (${ratio(synthetics, e.totalMonthly)}) | ${money(route53)} (${ratio(route53, e.totalMonthly)}) |`,
      ),
      'total row',
    );
    // The free tier leaves the KMS key.
    assert.ok(flat.includes(`with the free tier the example costs ${money(e.totalMonthly - e.detail.freeTierMonthly)} a month`));
  });

  it('states the fleet and single-check figures the model gives', () => {
    const config = (n: number): WatchpostConfig => ({
      namespace: 'Watchpost',
      alerting: { critical: { email: ['oncall@example.com'], https: [], sms: [] }, warning: { email: [], https: [], sms: [] } },
      checks: Array.from({ length: n }, (_, i) =>
        checkSpec({ name: `svc-${i}`, url: `https://svc-${i}.example.com/health`, assert: { latency: { warning: null, critical: 1000 } } }),
      ),
    });
    const fleet = estimateCost(config(50));
    assert.ok(flat.includes(`**${money(fleet.totalMonthly)} a month, $${(fleet.totalMonthly / 50).toFixed(3)} a check**`), 'fleet figure');
    assert.ok(fleet.totalMonthly / 50 <= 1 && flat.includes('**the $1.00 target holds, by $0.006 a check**'), 'target');
    assert.ok(flat.includes(`With the free tier the fleet is ${money((fleet.totalMonthly - fleet.detail.freeTierMonthly) / 50)} a check`));
    assert.ok(flat.includes(`**A single check at 1 m** costs ${money(estimateCost(config(1)).totalMonthly)}`), 'single check');
    assert.ok(flat.includes(`0.9 s = **0.8 s assumed**`) && ASSUMED_BATCH_DURATION_MS === 900, 'batch duration');
  });

  it('lists what the CLI leaves out, and says the prices were not re-fetched', () => {
    // The CLI's wording, up to its parenthesis, appears in the README's "Not included".
    const notIncluded = flat.slice(flat.indexOf('Not included:'));
    for (const item of [...ALWAYS_NOT_INCLUDED, KEY_ROTATION_NOT_INCLUDED]) {
      const head = item.split(' (')[0]!;
      assert.ok(notIncluded.includes(head), `README "Not included" lacks "${head}"`);
    }
    assert.ok(flat.includes(`recorded on ${PRICES_RECORDED_ON} and **not re-fetched**`));
  });
});
