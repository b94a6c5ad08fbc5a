/**
 * The asset `cdk deploy` uploads: the handler bundled with the PROBE_BUNDLE
 * options (SDK included), beside the check file, in a directory without
 * node_modules, run by a fresh `node` process, publishing to moto.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { App, Duration, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import { PROBE_BUNDLE } from '../../lib/probe-bundle.ts';
import { probeBundling, ProbeFunction } from '../../lib/probe-function.ts';
import { METRICS } from '../../lib/spec/metrics.ts';
import { motoEnv, motoSkip, startMoto, type Moto } from '../fixtures/moto.ts';
import { buildProbeBundle, probeBuildOptions } from './bundle-build.ts';
import { startTargets, type Targets } from './helpers.ts';
import { createTopic, listMetrics, metricData, toSecond } from './moto-helpers.ts';

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
    const sent = Date.now();
    const event = { batch: 'f1m-0', checks: ['up', 'down'], scheduledTime: new Date(sent).toISOString() };
    const out = await runNode(dir, path.basename(bundle.driver), [JSON.stringify(event), '20000'], env);
    assert.equal(out.code, 0, out.stderr.slice(-1_500));
    const report = JSON.parse(out.stdout.trim().split('\n').at(-1)!) as { summary: { outcome: string; datapoints: number; metricsFallback: string } };
    assert.deepEqual(
      { outcome: report.summary.outcome, datapoints: report.summary.datapoints, fallback: report.summary.metricsFallback },
      { outcome: 'probed', datapoints: 4, fallback: 'none' },
    );
    const cw = moto.cloudWatch();
    assert.equal((await listMetrics(cw, 'WatchpostBundle')).length, 4);
    const success = async (check: string) =>
      (await metricData(cw, 'WatchpostBundle', METRICS.success.name, { Check: check }, METRICS.success.unit, { start: toSecond(sent), end: Date.now() + 60_000 })).map((d) => d.value);
    assert.deepEqual(await success('down'), [0]);
    assert.deepEqual(await success('up'), [1]);
  });

  it('fails at start naming a missing variable', async () => {
    const out = await runNode(dir, 'driver.mjs', ['{}', '1000'], { PATH: process.env.PATH ?? '', WATCHPOST_NAMESPACE: 'X' });
    assert.notEqual(out.code, 0);
    assert.match(out.stderr, /WATCHPOST_CRITICAL_TOPIC_ARN, WATCHPOST_WARNING_TOPIC_ARN, AWS_REGION not set/);
  });

  it('has its check file beside it under the name the handler reads', () => {
    assert.equal(PROBE_BUNDLE.configFileName, 'watchpost.config.json');
    assert.ok(existsSync(path.join(dir, PROBE_BUNDLE.configFileName)));
  });
});

// No moto needed: the tested and benchmarked bundle must be the deployed one, with or without the emulator.
describe('the bundle options', () => {
  it('is built with exactly PROBE_BUNDLE.esbuild, the options the construct bundles with', () => {
    const dir = path.join(tmpdir(), 'any');
    const { entryPoints, outfile, bundle, logLevel, metafile, ...shared } = probeBuildOptions(dir);
    assert.deepEqual(shared, PROBE_BUNDLE.esbuild);
    assert.deepEqual([entryPoints, outfile, bundle, logLevel, metafile], [[PROBE_BUNDLE.entry], path.join(dir, PROBE_BUNDLE.outputFile), true, 'silent', true]);
    assert.deepEqual(PROBE_BUNDLE.esbuild.mainFields, ['module', 'main'], 'the ESM builds of dependencies, as cdk synth bundles them');
    assert.deepEqual(probeBundling(), {
      format: 'esm',
      target: PROBE_BUNDLE.esbuild.target,
      minify: PROBE_BUNDLE.esbuild.minify,
      sourceMap: PROBE_BUNDLE.esbuild.sourcemap,
      externalModules: PROBE_BUNDLE.esbuild.external,
      mainFields: PROBE_BUNDLE.esbuild.mainFields,
      banner: PROBE_BUNDLE.esbuild.banner.js,
    });
  });

  it('is byte for byte the asset cdk synth uploads', async () => {
    const own = mkdtempSync(path.join(tmpdir(), 'watchpost-asset-'));
    const outdir = mkdtempSync(path.join(tmpdir(), 'watchpost-synth-'));
    try {
      const rawConfig = { checks: [{ name: 'up', url: 'http://127.0.0.1:9/' }] };
      const built = await buildProbeBundle(own, rawConfig);
      const app = new App({ outdir });
      const stack = new Stack(app, 'Bundle');
      new ProbeFunction(stack, 'Probe', {
        rawConfig,
        namespace: 'Watchpost',
        topics: { critical: new sns.Topic(stack, 'Critical'), warning: new sns.Topic(stack, 'Warning') },
        topicKeys: [],
        memoryMb: 1024,
        architecture: lambda.Architecture.ARM_64,
        timeout: Duration.seconds(30),
      });
      app.synth();
      const assets = readdirSync(outdir).filter((d) => d.startsWith('asset.') && existsSync(path.join(outdir, d, PROBE_BUNDLE.outputFile)));
      assert.equal(assets.length, 1);
      const uploaded = readFileSync(path.join(outdir, assets[0]!, PROBE_BUNDLE.outputFile));
      assert.equal(uploaded.length, built.bytes, 'same size');
      assert.ok(uploaded.equals(readFileSync(built.file)), 'same bytes');
    } finally {
      rmSync(own, { recursive: true, force: true });
      rmSync(outdir, { recursive: true, force: true });
    }
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

