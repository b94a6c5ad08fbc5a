/**
 * 1,000 checks in one app, each with every alarm and the phase timings (the
 * worst case for resources and template size): every template stays within
 * CloudFormation's limits and every dashboard within CloudWatch's. And the
 * most checks one dashboard holds (SIZING.checksPerDashboard), worst case
 * too: still one dashboard, within the same limits. cfn-lint reads both
 * parents and one nested template of each shape.
 */
import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import { describe, it } from 'node:test';
import { ALARMS_PER_STATUS_WIDGET } from '../../lib/dashboard.ts';
import { DASHBOARD_LIMITS, SIZING } from '../../lib/plan.ts';
import { dashboardCount } from '../../lib/plan-extras.ts';
import type { FileInput } from '../../lib/spec/schema.ts';
import { cfnLint, dashboardBody, nagFindings, synthWatchpost, templateFiles } from './synth.ts';

const CHECKS = 1000;
const CFN_MAX_RESOURCES = 500;
const CFN_MAX_TEMPLATE_BYTES = 1_000_000;
const DASHBOARD_MAX_WIDGETS = 500;
const DASHBOARD_MAX_METRICS = 2_500;
const GRAPH_MAX_METRICS = 500;

/** N checks on three frequencies, all with latency, certificate and timings, and long runbook text. */
const worstCase = (n: number): FileInput => ({
  alerting: { critical: { email: ['oncall@example.com'] }, warning: { email: ['platform@example.com'] } },
  checks: Array.from({ length: n }, (_, i) => ({
    name: `svc-${String(i).padStart(4, '0')}-health`,
    url: `https://svc${i}.example.com/health`,
    frequency: ['1m', '5m', '15m'][i % 3]!,
    assert: { latency: { warning: '800ms', critical: '2s' }, certificate: { minDaysRemaining: 14 } },
    metrics: { timings: true },
    runbook: {
      owner: `team-${i % 17}`,
      expected: 'a 200 with the health document in under 800 ms, '.repeat(12),
      rollback: 'roll back the last deploy of the service, then page the owner; '.repeat(12),
      url: `https://wiki.example.com/runbooks/svc-${i}`,
    },
  })),
});

/** Lines a graph reads: metric rows and expression rows both count (the quota counts what a math expression reads). */
const metricsOn = (widgets: any[]) => widgets.reduce((n, w) => n + (w.type === 'metric' ? w.properties.metrics.length : 0), 0);

// GIVEN 1,000 worst-case checks
const FILE = worstCase(CHECKS);

// WHEN synthesized (without bundling: the bundle does not depend on the check count)
const synth = synthWatchpost(FILE, { bundle: false });
const files = templateFiles(synth.outdir);

describe('1,000 checks', () => {
  it('keeps every template under 500 resources and 1 MB', () => {
    for (const file of files) {
      const count = synth.resources.filter((r) => r.file === file).length;
      assert.ok(count < CFN_MAX_RESOURCES, `${file}: ${count} resources`);
      const bytes = statSync(file).size;
      assert.ok(bytes < CFN_MAX_TEMPLATE_BYTES, `${file}: ${bytes} bytes`);
    }
    assert.ok(files.length > 2, 'the checks are split into nested stacks');
  });

  it('creates every alarm of every check exactly once, and schedules grow with batches', () => {
    const names = synth.resources.filter((r) => r.type === 'AWS::CloudWatch::Alarm').map((r) => r.props.AlarmName as string);
    assert.equal(new Set(names).size, names.length);
    assert.equal(names.length, CHECKS * 4 + 3);
    const schedules = synth.resources.filter((r) => r.type === 'AWS::Scheduler::Schedule');
    assert.equal(schedules.length, synth.stack.watchpost.plan.batches.length);
    // 334, 333 and 333 checks on the three frequencies, at most 10 a batch: 34 schedules each.
    assert.equal(SIZING.batchSize, 10);
    assert.equal(schedules.length, 3 * 34);
  });

  it('keeps every dashboard within CloudWatch limits: widgets, metrics, alarms per status widget, metrics per graph', () => {
    const dashboards = synth.resources.filter((r) => r.type === 'AWS::CloudWatch::Dashboard');
    assert.ok(dashboards.length > 1);
    const shown = new Set<string>();
    for (const d of dashboards) {
      const widgets = dashboardBody(d.props).widgets;
      assert.ok(widgets.length <= DASHBOARD_MAX_WIDGETS, `${d.props.DashboardName}: ${widgets.length} widgets`);
      assert.ok(metricsOn(widgets) <= DASHBOARD_MAX_METRICS, `${d.props.DashboardName}: ${metricsOn(widgets)} metrics`);
      for (const w of widgets) {
        if (w.type === 'alarm') assert.ok(w.properties.alarms.length <= ALARMS_PER_STATUS_WIDGET);
        if (w.type === 'metric') assert.ok(w.properties.metrics.length <= GRAPH_MAX_METRICS);
        if (w.type === 'metric') shown.add(String(w.properties.title).split(':')[0]);
      }
    }
    assert.equal(shown.size, CHECKS, 'every check has its graphs on a detail dashboard');
  });

  it('splits 1,000 checks into an overview and one detail dashboard per nested stack, as the cost model counts', () => {
    const dashboards = synth.resources.filter((r) => r.type === 'AWS::CloudWatch::Dashboard');
    const plan = synth.stack.watchpost.plan;
    assert.equal(plan.dashboardLayout, 'split');
    // 32 nested stacks (1,000 / 32 = 31.25 checks on average), each far under 163 checks: 1 + 32.
    assert.equal(dashboards.length, 33);
    assert.equal(dashboards.length, dashboardCount(plan));
    const overview = dashboards.find((d) => d.props.DashboardName === 'watchpost')!;
    assert.ok(!overview.file.includes('nested'));
    const alarms = dashboardBody(overview.props).widgets.filter((w) => w.type === 'alarm').flatMap((w) => w.properties.alarms as string[]);
    assert.equal(alarms.filter((a) => /watchpost-svc-\d{4}-health-availability$/.test(a)).length, CHECKS);
  });

  it('keeps every alarm description within 1024 characters', () => {
    for (const r of synth.resources.filter((x) => x.type === 'AWS::CloudWatch::Alarm')) {
      const d = r.props.AlarmDescription;
      const length = typeof d === 'string' ? d.length : (d['Fn::Join'][1] as unknown[]).reduce<number>((n, p) => n + (typeof p === 'string' ? p.length : 'ap-southeast-5'.length), 0);
      assert.ok(length <= 1024, `${r.props.AlarmName}: ${length}`);
    }
  });

  it('has zero unacknowledged cdk-nag findings', () => {
    assert.deepEqual(nagFindings(synth.app), []);
  });
});

// GIVEN as many worst-case checks as one dashboard holds
const full = synthWatchpost(worstCase(SIZING.checksPerDashboard), { bundle: false });

describe(`${SIZING.checksPerDashboard} checks, the most one dashboard holds`, () => {
  const dashboards = full.resources.filter((r) => r.type === 'AWS::CloudWatch::Dashboard');

  it('shows them all on one dashboard in the stack, within every CloudWatch and CloudFormation limit', () => {
    assert.equal(dashboards.length, 1);
    const widgets = dashboardBody(dashboards[0]!.props).widgets;
    // 2 fixed (text, probe function) + ceil(4 × 163 / 100) = 7 alarm status + 3 × 163 = 489 graphs = 498.
    assert.equal(widgets.length, 498);
    assert.ok(widgets.length <= DASHBOARD_LIMITS.widgets);
    // 10 lines a check (expression, Success, p50, p90, max, 5 phases): 1,630.
    assert.equal(metricsOn(widgets), 1_630);
    assert.ok(metricsOn(widgets) <= DASHBOARD_MAX_METRICS);
    const alarms = widgets.filter((w) => w.type === 'alarm').map((w) => w.properties.alarms.length);
    assert.ok(alarms.every((n) => n <= ALARMS_PER_STATUS_WIDGET));
    assert.equal(alarms.reduce((a, b) => a + b, 0), SIZING.checksPerDashboard * 4 + 3);
    for (const file of templateFiles(full.outdir)) assert.ok(statSync(file).size < CFN_MAX_TEMPLATE_BYTES, `${file}: ${statSync(file).size} bytes`);
  });
});

/**
 * A template's shape: the resource types it holds with the properties each
 * sets. Nested stacks of one synth are the same code run on different checks,
 * so they share a shape and differ only in count and text.
 */
function shapeOf(file: string): string {
  const template = JSON.parse(readFileSync(file, 'utf8')) as { Resources: Record<string, { Type: string; Properties?: object }> };
  const kinds = new Set(Object.values(template.Resources).map((r) => `${r.Type}(${Object.keys(r.Properties ?? {}).sort().join(',')})`));
  return [...kinds].sort().join(' ');
}

/** Each parent, plus the largest nested template of each distinct shape. */
function lintSelection(outdirs: string[]): string[] {
  const picked = new Map<string, string>();
  for (const file of outdirs.flatMap(templateFiles)) {
    const key = file.includes('nested') ? `nested ${shapeOf(file)}` : `parent ${file}`;
    const current = picked.get(key);
    if (!current || statSync(file).size > statSync(current).size) picked.set(key, file);
  }
  return [...picked.values()];
}

describe('cfn-lint at scale', () => {
  it('passes cfn-lint: both parents and the largest nested template of each distinct shape, in one cfn-lint run', (t) => {
    // Not every template: cfn-lint took 51 s for all 33 of the 1,000-check synth on the 2-core test machine,
    // against 10 s for these four; the nested templates of one shape come from the same code
    // (lib/watchpost.ts CheckShardStack) and differ only in which checks they hold.
    const selected = lintSelection([synth.outdir, full.outdir]);
    // 1,000 checks: the parent and one nested shape (alarms + detail dashboard); 163 checks: the parent with the
    // one dashboard and one nested shape (alarms only).
    assert.equal(selected.length, 4, selected.join('\n'));
    assert.equal(selected.filter((f) => f.includes('nested')).length, 2);
    const result = cfnLint(selected);
    if (!result.ran) {
      assert.notEqual(process.env.CI, 'true', `under CI, ${result.why}`);
      t.skip(result.why);
      return;
    }
    assert.deepEqual(result.errors, []);
  });
});
