/**
 * The estimate prices what `cdk deploy` creates: the alarms (each metric an
 * alarm reads is billed), dashboards, schedules and KMS keys counted here in
 * the synthesized templates must be the ones the cost model counted, and
 * every custom metric the stack's alarms and dashboards read must be one the
 * estimate pays for.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parseDocument } from 'yaml';
import { estimateCost, type CostEstimate } from '../../lib/cost.ts';
import { planDeployment } from '../../lib/plan.ts';
import { scheduleCount } from '../../lib/plan-extras.ts';
import { CHECK_DIMENSION } from '../../lib/spec/metrics.ts';
import type { FileInput } from '../../lib/spec/schema.ts';
import { validateConfig } from '../../lib/spec/validate.ts';
import { dashboardBody, synthWatchpost, type Synthesized } from '../cdk/synth.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

interface Counted {
  alarms: number;
  alarmMetrics: number;
  dashboards: number;
  schedules: number;
  keys: number;
  /** `MetricName|Dim=value,...` of every metric in the namespace that an alarm or dashboard reads. */
  readMetrics: Set<string>;
}

function count(s: Synthesized, namespace: string): Counted {
  const of = (type: string) => s.resources.filter((r) => r.type === type);
  const readMetrics = new Set<string>();
  let alarmMetrics = 0;
  for (const alarm of of('AWS::CloudWatch::Alarm')) {
    const p = alarm.props;
    if (Array.isArray(p.Metrics)) {
      // A metric-math alarm is billed for each metric it reads, not for the expression.
      const stats = p.Metrics.filter((m: any) => m.MetricStat);
      alarmMetrics += stats.length;
      for (const m of stats) addMetric(readMetrics, namespace, m.MetricStat.Metric.Namespace, m.MetricStat.Metric.MetricName, m.MetricStat.Metric.Dimensions);
    } else {
      alarmMetrics += 1;
      addMetric(readMetrics, namespace, p.Namespace, p.MetricName, p.Dimensions);
    }
  }
  for (const d of of('AWS::CloudWatch::Dashboard')) {
    for (const widget of dashboardBody(d.props).widgets) {
      for (const m of widget.properties?.metrics ?? []) {
        // ["Namespace", "MetricName", "DimName", "DimValue", ..., {options}] or an expression [{...}].
        if (typeof m[0] !== 'string') continue;
        const parts = m.filter((x: unknown) => typeof x === 'string') as string[];
        const dims = [];
        for (let i = 2; i + 1 < parts.length; i += 2) dims.push({ Name: parts[i], Value: parts[i + 1] });
        addMetric(readMetrics, namespace, parts[0]!, parts[1]!, dims);
      }
    }
  }
  return {
    alarms: of('AWS::CloudWatch::Alarm').length,
    alarmMetrics,
    dashboards: of('AWS::CloudWatch::Dashboard').length,
    schedules: of('AWS::Scheduler::Schedule').length,
    keys: of('AWS::KMS::Key').length,
    readMetrics,
  };
}

function addMetric(set: Set<string>, namespace: string, ns: unknown, name: unknown, dims: Array<{ Name: string; Value: unknown }> | undefined): void {
  if (ns !== namespace) return; // AWS/Lambda metrics of the function alarms are not custom metrics
  const d = (dims ?? []).map((x) => `${x.Name}=${String(x.Value)}`).sort().join(',');
  set.add(`${String(name)}|${d}`);
}

function estimatedMetrics(raw: FileInput): Set<string> {
  const v = validateConfig(raw);
  assert.ok(v.ok);
  const set = new Set<string>();
  for (const c of planDeployment(v.config).checks) {
    for (const m of c.metrics) {
      const d = Object.entries(m.dimensions).map(([k, val]) => `${k}=${val}`).sort().join(',');
      set.add(`${m.name}|${d}`);
    }
  }
  return set;
}

function compare(raw: FileInput, e: CostEstimate, s: Synthesized, namespace: string): Counted {
  const t = count(s, namespace);
  assert.equal(t.alarmMetrics, e.detail.alarmMetrics, 'alarm metrics: template vs estimate');
  const checkAlarms = e.checks.reduce((sum, c) => sum + c.lines.find((l) => l.item === 'Alarms (standard)')!.quantity, 0);
  const functionAlarms = e.shared.find((l) => l.item === 'Probe function alarms')!.quantity;
  assert.equal(t.alarms, checkAlarms + functionAlarms, 'alarms: template vs estimate lines');
  assert.equal(t.dashboards, e.detail.dashboards, 'dashboards');
  assert.equal(t.dashboards, e.shared.find((l) => l.item === 'Dashboards')!.quantity, 'dashboards line');
  assert.equal(t.keys, e.shared.find((l) => l.item === 'KMS key (alert topics)')!.quantity, 'KMS keys');
  const v = validateConfig(raw);
  assert.ok(v.ok);
  assert.equal(t.schedules, scheduleCount(planDeployment(v.config)), 'schedules');
  assert.equal(t.schedules, e.detail.batches, 'schedules = batches');
  const paid = estimatedMetrics(raw);
  const unpaid = [...t.readMetrics].filter((m) => !paid.has(m));
  assert.deepEqual(unpaid, [], 'metrics the stack reads that the estimate does not pay for');
  assert.equal(e.detail.customMetrics, paid.size, 'custom metrics: estimate vs the metric contract');
  // Every check's Success metric is read by its availability alarm: none is published unwatched.
  for (const c of e.checks) assert.ok(t.readMetrics.has(`Success|${CHECK_DIMENSION}=${c.name}`), c.name);
  return t;
}

describe('estimate vs synthesized template', () => {
  it('counts what the example watchpost.yaml deploys', () => {
    const raw = parseDocument(readFileSync(path.join(ROOT, 'watchpost.yaml'), 'utf8')).toJS() as FileInput;
    const v = validateConfig(raw);
    assert.ok(v.ok);
    const e = estimateCost(v.config);
    const s = synthWatchpost(raw, { bundle: false });
    compare(raw, e, s, v.config.namespace);
  });

  it('counts what 60 mixed checks deploy (two nested stacks, timings, certificates, Server-Timing)', () => {
    const checks = Array.from({ length: 60 }, (_, i) => ({
      name: `svc-${i}`,
      url: `https://svc-${i}.example.com/health`,
      frequency: i % 3 === 0 ? '5m' : '1m',
      assert: {
        latency: i % 2 === 0 ? { warning: '800ms', critical: '2s' } : { critical: '1s' },
        ...(i % 4 === 0 ? { certificate: { minDaysRemaining: 14 } } : {}),
      },
      metrics: { timings: i % 5 === 0, cache: i % 7 === 0, serverTiming: i % 6 === 0 ? ['db', 'app'] : [] },
    }));
    const raw = { namespace: 'Probes', alerting: { critical: { email: ['oncall@example.com'] } }, checks } as unknown as FileInput;
    const v = validateConfig(raw);
    assert.ok(v.ok, JSON.stringify(!v.ok && v.problems));
    const e = estimateCost(v.config);
    const s = synthWatchpost(raw, { bundle: false });
    assert.ok(s.nested.length >= 2, `nested stacks: ${s.nested.length}`);
    const t = compare(raw, e, s, 'Probes');
    // The dashboards' phase graphs were read too (svc-0 publishes timings), so the parse is not vacuous.
    assert.ok(t.readMetrics.has(`DnsTime|${CHECK_DIMENSION}=svc-0`), [...t.readMetrics].slice(0, 5).join(' '));
    assert.ok(t.alarms > 120, `alarms ${t.alarms}`);
  });
});
