/**
 * The asset `cdk deploy` uploads: the handler bundled with the PROBE_BUNDLE
 * options (SDK included), beside the check file, in a directory without
 * node_modules, run by a fresh `node` process, publishing to moto.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { PROBE_BUNDLE } from '../../lib/probe-bundle.ts';
import { METRICS } from '../../lib/spec/metrics.ts';
import { motoEnv, motoSkip, startMoto, type Moto } from '../fixtures/moto.ts';
import { buildProbeBundle } from './bundle-build.ts';
import { startTargets, type Targets } from './helpers.ts';
import { createTopic, listMetrics, readMetric } from './moto-helpers.ts';

describe('the bundled probe asset', { skip: motoSkip() }, () => {
  let moto: Moto;
  let targets: Targets;
  let dir: string;

  before(async () => {
    [moto, targets] = await Promise.all([startMoto(), startTargets()]);
    dir = mkdtempSync(path.join(tmpdir(), 'watchpost-asset-'));
  });
  after(async () => {
    await Promise.all([moto?.stop(), targets?.close()]);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('runs from a directory without node_modules in a fresh node process and publishes to moto', async () => {
    const bundle = await buildProbeBundle(dir, {
      namespace: 'WatchpostBundle',
      checks: [
        { name: 'up', url: targets.url('/ok') },
        { name: 'down', url: targets.url('/fail') },
      ],
    });
    for (let d = dir; d !== path.dirname(d); d = path.dirname(d)) {
      assert.ok(!existsSync(path.join(d, 'node_modules')), `${d}/node_modules would let the bundle resolve packages it should carry`);
    }
    assert.ok(statSync(bundle.file).size > 0);

    const sns = moto.sns();
    const env = {
      PATH: process.env.PATH ?? '',
      ...motoEnv(moto.endpoint),
      WATCHPOST_NAMESPACE: 'WatchpostBundle',
      WATCHPOST_CRITICAL_TOPIC_ARN: await createTopic(sns, 'bundle-critical'),
      WATCHPOST_WARNING_TOPIC_ARN: await createTopic(sns, 'bundle-warning'),
    };
    const event = { batch: 'f1m-0', checks: ['up', 'down'], scheduledTime: new Date().toISOString() };
    const out = await runNode(dir, path.basename(bundle.driver), [JSON.stringify(event), '20000'], env);
    assert.equal(out.code, 0, out.stderr.slice(-1_500));
    const report = JSON.parse(out.stdout.trim().split('\n').at(-1)!) as { summary: { outcome: string; datapoints: number; metricsFallback: string } };
    assert.deepEqual(
      { outcome: report.summary.outcome, datapoints: report.summary.datapoints, fallback: report.summary.metricsFallback },
      { outcome: 'probed', datapoints: 4, fallback: 'none' },
    );
    const cw = moto.cloudWatch();
    assert.equal((await listMetrics(cw, 'WatchpostBundle')).length, 4);
    assert.deepEqual((await readMetric(cw, 'WatchpostBundle', METRICS.success.name, { Check: 'down' })).map((d) => d.value), [0]);
    assert.deepEqual((await readMetric(cw, 'WatchpostBundle', METRICS.success.name, { Check: 'up' })).map((d) => d.value), [1]);
  });

  it('fails at start naming a missing variable', async () => {
    const out = await runNode(dir, 'driver.mjs', ['{}', '1000'], { PATH: process.env.PATH ?? '', WATCHPOST_NAMESPACE: 'X' });
    assert.notEqual(out.code, 0);
    assert.match(out.stderr, /WATCHPOST_CRITICAL_TOPIC_ARN, WATCHPOST_WARNING_TOPIC_ARN, AWS_REGION not set/);
  });

  it('uses the bundle options shared with the construct', () => {
    assert.equal(PROBE_BUNDLE.configFileName, 'watchpost.config.json');
    assert.ok(existsSync(path.join(dir, PROBE_BUNDLE.configFileName)));
  });
});

function runNode(cwd: string, script: string, args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

