import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ALWAYS_NOT_INCLUDED, estimateCost, KEY_ROTATION_NOT_INCLUDED } from '../../lib/cost.ts';
import { PRICES_PROVENANCE } from '../../lib/pricing.ts';
import { loadConfig } from '../../lib/spec/load.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const CLI = path.join(ROOT, 'bin', 'watchpost.js');
const tmp = mkdtempSync(path.join(tmpdir(), 'watchpost-cost-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

function watchpost(args: string[], cwd = ROOT) {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const NO_STACK = /\n\s+at .+:\d+:\d+/;

describe('watchpost cost', () => {
  it('prints a table per check, the shared lines, the total and the free-tier line for the example file', () => {
    const r = watchpost(['cost']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, '');
    const loaded = loadConfig(path.join(ROOT, 'watchpost.yaml'));
    assert.ok(loaded.ok);
    const e = estimateCost(loaded.config);
    for (const check of e.checks) {
      assert.match(r.stdout, new RegExp(`^${check.name}  https://`, 'm'));
    }
    assert.match(r.stdout, /^Watchpost cost estimate for watchpost\.yaml: us-east-1, USD per month$/m);
    assert.match(r.stdout, /^  Lambda compute \(arm64, 1024 MB\) +[\d,]+ +GB-seconds +\$/m);
    assert.match(r.stdout, /^  CloudWatch Synthetics \$[\d,.]+ \(\d+× Watchpost\)$/m);
    assert.match(r.stdout, /^Shared \(stack-wide/m);
    const total = `$${e.totalMonthly.toFixed(2)}`;
    assert.match(r.stdout, new RegExp(`^Total \\${total} a month for ${e.checks.length} checks`, 'm'));
    assert.match(r.stdout, /^Free tier: .* would take off up to \$[\d.]+/m);
    // Where the prices come from, without claiming they were fetched today; how the batch time was arrived at.
    assert.ok(r.stdout.includes(`\nPrices: ${PRICES_PROVENANCE}, without free tier.`), r.stdout.split('\n')[1]);
    assert.match(r.stdout, /0\.9 s per batch invocation \(assumed slowest probe 0\.8 s \+ measured overhead 0\.1 s\)/);
    const notIncluded = r.stdout.split('\n').find((l) => l.startsWith('Not included: '));
    assert.equal(notIncluded, `Not included: ${[...ALWAYS_NOT_INCLUDED, KEY_ROTATION_NOT_INCLUDED].join('; ')}.`);
  });

  it('--json prints exactly the documented document, whose figures add up', () => {
    const r = watchpost(['cost', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout);
    assert.deepEqual(Object.keys(doc), ['currency', 'region', 'totalMonthly', 'checks', 'shared']);
    assert.equal(doc.currency, 'USD');
    assert.equal(doc.region, 'us-east-1');
    assert.deepEqual(doc.checks.map((c: { name: string }) => c.name), ['shop-home', 'api-health', 'checkout-post']);
    for (const check of doc.checks) {
      assert.deepEqual(Object.keys(check), ['name', 'monthly', 'lines', 'cloudwatchSyntheticsMonthly', 'route53Monthly']);
      for (const line of check.lines) {
        assert.deepEqual(Object.keys(line), ['item', 'quantity', 'unit', 'monthly']);
        assert.equal(typeof line.quantity, 'number');
        assert.equal(typeof line.monthly, 'number');
      }
      const sum = check.lines.reduce((s: number, l: { monthly: number }) => s + l.monthly, 0);
      assert.ok(Math.abs(sum - check.monthly) < 1e-4, `${check.name}: lines ${sum} vs ${check.monthly}`);
      assert.ok(check.cloudwatchSyntheticsMonthly > check.monthly);
    }
    const checksTotal = doc.checks.reduce((s: number, c: { monthly: number }) => s + c.monthly, 0);
    assert.ok(Math.abs(checksTotal - doc.totalMonthly) < 1e-4);
    assert.deepEqual(doc.shared.map((l: { item: string }) => l.item), ['KMS key (alert topics)', 'Dashboards', 'Probe function alarms']);
  });

  it('takes --region and --config', () => {
    const f = path.join(tmp, 'one.yaml');
    writeFileSync(f, 'checks:\n  - name: solo\n    url: https://solo.example.com/\n');
    const r = watchpost(['cost', '--config', f, '--region', 'us-east-1', '--json'], tmp);
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout);
    assert.deepEqual(doc.checks.map((c: { name: string }) => c.name), ['solo']);
  });

  it('exits 2 naming the supported regions for a region without prices', () => {
    const r = watchpost(['cost', '--region', 'eu-central-9']);
    assert.equal(r.code, 2);
    assert.equal(r.stdout, '');
    assert.equal(
      r.stderr,
      'watchpost: cost: no prices for region "eu-central-9"; supported regions: us-east-1\nRun "watchpost --help" for usage.\n',
    );
  });

  it('exits 2 with the problems of an invalid file, and for an unknown option', () => {
    const f = path.join(tmp, 'bad.yaml');
    writeFileSync(f, 'checks:\n  - name: a\n    url: not-a-url\n');
    const bad = watchpost(['cost', '--config', f], tmp);
    assert.equal(bad.code, 2);
    assert.equal(bad.stdout, '');
    assert.match(bad.stderr, /^bad\.yaml: checks\[0\] \(a\)\.url: /m);
    assert.doesNotMatch(bad.stderr, NO_STACK);
    const unknown = watchpost(['cost', '--regoin', 'us-east-1']);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /^watchpost: cost: Unknown option '--regoin'/);
  });
});
