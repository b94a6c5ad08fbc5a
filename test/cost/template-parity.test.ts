/**
 * The estimate prices what `cdk deploy` creates: the alarms (each metric an
 * alarm reads is billed), dashboards, schedules and KMS keys counted here in
 * the synthesized templates must be the ones the cost model counted, and
 * every custom metric the stack's alarms and dashboards read must be one the
 * estimate pays for.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { App, Stack } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import { parseDocument } from 'yaml';
import { runChecks } from '../../lambda/runner.ts';
import { datapointsFor } from '../../lambda/sinks/datapoints.ts';
import { representativeResult } from '../../lib/cost-log-line.ts';
import { costSummaryLine, estimateCost, type CostEstimate, type CostOptions } from '../../lib/cost.ts';
import { planDeployment } from '../../lib/plan.ts';
import { dashboardMetricCounts, scheduleCount } from '../../lib/plan-extras.ts';
import { CHECK_DIMENSION } from '../../lib/spec/metrics.ts';
import type { FileInput } from '../../lib/spec/schema.ts';
import type { WatchpostConfig } from '../../lib/spec/types.ts';
import { validateConfig } from '../../lib/spec/validate.ts';
import type { WatchpostProps } from '../../lib/watchpost.ts';
import { dashboardBody, synthWatchpost, type Synthesized } from '../cdk/synth.ts';
import { makeCerts } from '../fixtures/certs.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

interface Counted {
  alarms: number;
  alarmMetrics: number;
  dashboards: number;
  schedules: number;
  keys: number;
  /** Metric lines on each dashboard (a metric read by a math expression included, the expression not), sorted. */
  dashboardMetrics: number[];
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
  const dashboardMetrics: number[] = [];
  for (const d of of('AWS::CloudWatch::Dashboard')) {
    let lines = 0;
    for (const widget of dashboardBody(d.props).widgets) {
      for (const m of widget.properties?.metrics ?? []) {
        // ["Namespace", "MetricName", "DimName", "DimValue", ..., {options}] or an expression [{...}].
        if (typeof m[0] !== 'string') continue;
        lines++;
        const parts = m.filter((x: unknown) => typeof x === 'string') as string[];
        const dims = [];
        for (let i = 2; i + 1 < parts.length; i += 2) dims.push({ Name: parts[i], Value: parts[i + 1] });
        addMetric(readMetrics, namespace, parts[0]!, parts[1]!, dims);
      }
    }
    dashboardMetrics.push(lines);
  }
  return {
    alarms: of('AWS::CloudWatch::Alarm').length,
    alarmMetrics,
    dashboards: of('AWS::CloudWatch::Dashboard').length,
    schedules: of('AWS::Scheduler::Schedule').length,
    keys: of('AWS::KMS::Key').length,
    dashboardMetrics: dashboardMetrics.sort((a, b) => a - b),
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

/**
 * Each check's custom metrics in the estimate against the datapoints the
 * runtime's publisher (lambda/sinks/datapoints.ts) makes from a passing run
 * of that check: a metric the estimate pays for must be one the runtime
 * really sends, and the other way round.
 */
function comparePublished(config: WatchpostConfig, e: CostEstimate): void {
  let total = 0;
  for (const spec of config.checks) {
    const published = datapointsFor(spec, representativeResult(spec)).length;
    const priced = e.checks.find((c) => c.name === spec.name)!.lines.find((l) => l.item === 'Custom metrics')!.quantity;
    assert.equal(priced, published, `${spec.name} (${spec.url}): metrics priced vs datapoints published`);
    total += published;
  }
  assert.equal(e.detail.customMetrics, total, 'custom metrics: estimate vs datapoints the runtime publishes');
}

function compare(raw: FileInput, e: CostEstimate, s: Synthesized, namespace: string, options: CostOptions = {}): Counted {
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
  // The free tier's 50-metric cap is applied to these counts.
  const modelled = dashboardMetricCounts(planDeployment(v.config, options.plan), options.stack).sort((a, b) => a - b);
  assert.deepEqual(t.dashboardMetrics, modelled, 'metrics per dashboard: template vs model');
  const paid = estimatedMetrics(raw);
  const unpaid = [...t.readMetrics].filter((m) => !paid.has(m));
  assert.deepEqual(unpaid, [], 'metrics the stack reads that the estimate does not pay for');
  comparePublished(v.config, e);
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

describe('estimate vs what the runtime publishes', () => {
  it('prices exactly the datapoints of a passing run, http and https, every opt-in metric', () => {
    const raw = {
      checks: [
        { name: 'plain-http', url: 'http://legacy.example.com/', metrics: { timings: true } },
        { name: 'plain-https', url: 'https://modern.example.com/', metrics: { timings: true } },
        {
          name: 'everything',
          url: 'https://shop.example.com/',
          assert: { certificate: { minDaysRemaining: 14 } },
          metrics: { timings: true, cache: true, serverTiming: ['db', 'app'] },
        },
        { name: 'http-extras', url: 'http://api.example.com/', metrics: { timings: true, cache: true, serverTiming: ['db'] } },
      ],
    } as unknown as FileInput;
    const v = validateConfig(raw);
    assert.ok(v.ok, JSON.stringify(!v.ok && v.problems));
    const e = estimateCost(v.config);
    comparePublished(v.config, e);
    // Written out: http 2 + 4 phases = 6; https 2 + 5 = 7; 2 + 5 + certificate + cache + 2 entries = 11; 2 + 4 + 1 + 1 = 8.
    assert.deepEqual(e.checks.map((c) => c.lines.find((l) => l.item === 'Custom metrics')!.quantity), [6, 7, 11, 8]);
  });

  it('and of real runs against local http and https servers (the representative run is not an invention)', async () => {
    const certs = makeCerts();
    const handler = (_req: http.IncomingMessage, res: http.ServerResponse) => {
      res.writeHead(200, { 'content-type': 'text/plain', 'x-cache': 'Hit from cloudfront', 'server-timing': 'db;dur=12.5, app;dur=3' });
      res.end('ok');
    };
    const servers = [http.createServer(handler), https.createServer(certs.valid, handler)];
    try {
      const [httpPort, httpsPort] = await Promise.all(
        servers.map((server) => new Promise<number>((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)))),
      );
      const raw = {
        checks: [
          { name: 'local-http', url: `http://127.0.0.1:${httpPort}/`, metrics: { timings: true, cache: true, serverTiming: ['db', 'app'] } },
          {
            name: 'local-https',
            url: `https://127.0.0.1:${httpsPort}/`,
            assert: { certificate: { minDaysRemaining: 14 } },
            metrics: { timings: true, cache: true, serverTiming: ['db', 'app'] },
          },
        ],
      } as unknown as FileInput;
      const v = validateConfig(raw);
      assert.ok(v.ok, JSON.stringify(!v.ok && v.problems));
      const results = await runChecks(v.config.checks, { environment: { ca: certs.ca } });
      assert.deepEqual(results.map((r) => [r.name, r.ok, r.failure?.message ?? null]), [['local-http', true, null], ['local-https', true, null]]);
      const e = estimateCost(v.config);
      comparePublished(v.config, e);
      const published = v.config.checks.map((spec, i) => datapointsFor(spec, results[i]!).map((d) => d.name));
      // http: no TlsTime; https: TlsTime and CertDaysRemaining; neither a DnsTime (a literal IP is not looked up).
      assert.deepEqual(published[0], ['Success', 'Duration', 'ConnectTime', 'FirstByteTime', 'DownloadTime', 'CacheHit', 'ServerTiming', 'ServerTiming']);
      assert.deepEqual(published[1], ['Success', 'Duration', 'ConnectTime', 'TlsTime', 'FirstByteTime', 'DownloadTime', 'CertDaysRemaining', 'CacheHit', 'ServerTiming', 'ServerTiming']);
      assert.deepEqual(e.checks.map((c) => c.lines.find((l) => l.item === 'Custom metrics')!.quantity), [8, 10]);
    } finally {
      await Promise.all(servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve()))));
      certs.cleanup();
    }
  });
});

describe('cdk synth annotation vs the stack\'s own options', () => {
  const FILE = {
    alerting: { critical: { email: ['oncall@example.com'] } },
    checks: [
      { name: 'a', url: 'https://a.example.com/', assert: { latency: { critical: '1s' } } },
      { name: 'b', url: 'https://b.example.com/' },
    ],
  } as unknown as FileInput;
  const config = (raw: FileInput) => {
    const v = validateConfig(raw);
    assert.ok(v.ok, JSON.stringify(!v.ok && v.problems));
    return v.config;
  };
  const annotation = (s: Synthesized): string => {
    const found = Annotations.fromStack(s.stack).findInfo('*', Match.stringLikeRegexp('^Watchpost cost estimate'));
    assert.equal(found.length, 1);
    return String(found[0]!.entry.data);
  };
  const holder = new Stack(new App(), 'Topics');
  const topics = {
    critical: sns.Topic.fromTopicArn(holder, 'C', 'arn:aws:sns:us-east-1:111111111111:pager-critical'),
    warning: sns.Topic.fromTopicArn(holder, 'W', 'arn:aws:sns:us-east-1:111111111111:pager-warning'),
  };

  it('prices the memory, architecture, dashboards and topics the stack is given, and counts what it creates', () => {
    const props = { ...FILE, memoryMb: 512, architecture: lambda.Architecture.X86_64, dashboard: false, topics } as WatchpostProps;
    const s = synthWatchpost(props, { bundle: false });
    const options: CostOptions = { plan: { memoryMb: 512, architecture: 'x86_64' }, stack: { dashboard: false, topics } };
    const line = annotation(s);
    assert.equal(line, costSummaryLine(config(FILE), options));
    assert.notEqual(line, costSummaryLine(config(FILE)));
    const e = estimateCost(config(FILE), options);
    const t = compare(FILE, e, s, 'Watchpost', options);
    // Nothing of the defaults' $4 of key and dashboard: neither is in the template, nor in the estimate.
    assert.equal(t.keys, 0);
    assert.equal(t.dashboards, 0);
    // x86_64 at 512 MB: 43,800 invocations (one batch of 2) × 0.5 GB × 0.9 s = 19,710 GB-s × $0.0000166667, split in two.
    const compute = e.checks[0]!.lines.find((l) => l.item.startsWith('Lambda compute'))!;
    assert.equal(compute.item, 'Lambda compute (x86_64, 512 MB)');
    assert.ok(Math.abs(compute.monthly - (19_710 * 0.0000166667) / 2) < 1e-12, `${compute.monthly}`);
    const base = estimateCost(config(FILE));
    assert.ok(e.totalMonthly < base.totalMonthly - 3.9, `${e.totalMonthly} vs ${base.totalMonthly}`);
  });

  it('counts the dashboards of a pinned checkStacks: 170 checks in 16 stacks make 1 + 16 dashboards, not 1 + 8', () => {
    const checks = Array.from({ length: 170 }, (_, i) => ({ name: `s${i}`, url: `https://s${i}.example.com/` }));
    const raw = { alerting: { critical: { email: ['oncall@example.com'] } }, checks } as unknown as FileInput;
    const s = synthWatchpost({ ...raw, checkStacks: 16 } as WatchpostProps, { bundle: false });
    const options: CostOptions = { plan: { checkStacks: 16 } };
    const e = estimateCost(config(raw), options);
    // 170 > 163 checks: split. By default 8 stacks (170 / 4 = 42.5 > 40; 170 / 8 = 21.25), pinned 16: one detail
    // dashboard per stack plus the overview.
    assert.equal(estimateCost(config(raw)).detail.dashboards, 1 + 8);
    assert.equal(e.detail.dashboards, 1 + 16);
    assert.equal(annotation(s), costSummaryLine(config(raw), options));
    compare(raw, e, s, 'Watchpost', options);
  });
});
