/** The README's "What it costs" figures for the example file are the model's, so they cannot go stale unnoticed. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { estimateCost } from '../../lib/cost.ts';
import { loadConfig } from '../../lib/spec/load.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

describe('README cost section', () => {
  it('shows the example file\'s per-check and total figures', () => {
    const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('<!-- section:cost -->'), readme.indexOf('<!-- /section:cost -->'));
    const loaded = loadConfig(path.join(ROOT, 'watchpost.yaml'));
    assert.ok(loaded.ok);
    const e = estimateCost(loaded.config);
    const money = (n: number) => `$${n.toFixed(2)}`;
    for (const c of e.checks) {
      const row = section.split('\n').find((l) => l.startsWith(`| ${c.name} `));
      assert.ok(row, `no README row for ${c.name}`);
      const cells = row.split('|').map((x) => x.trim());
      assert.equal(cells[3], money(c.monthly), `${c.name} Watchpost`);
      assert.ok(cells[4]!.startsWith(money(c.cloudwatchSyntheticsMonthly)), `${c.name} Synthetics: ${cells[4]}`);
      assert.ok(cells[5]!.startsWith(money(c.route53Monthly)), `${c.name} Route 53: ${cells[5]}`);
    }
    assert.match(section, new RegExp(`\\| \\*\\*total\\*\\* \\| \\| \\*\\*\\${money(e.totalMonthly)}\\*\\* \\|`));
  });
});
