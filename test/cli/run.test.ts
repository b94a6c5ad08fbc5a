/**
 * `watchpost run` end to end: the real CLI process, the real runner, real
 * servers on 127.0.0.1 started and stopped here.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ListMetricsCommand } from '@aws-sdk/client-cloudwatch';
import { FAILURE_KINDS } from '../../lib/spec/result.ts';
import { motoEnv, motoSkip, startMoto, type Moto } from '../fixtures/moto.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const CLI = path.join(ROOT, 'bin', 'watchpost.js');
const NO_STACK = /\n\s+at .+:\d+:\d+/;

let server: Server;
let base = '';
let closedPort = 0;
const tmp = mkdtempSync(path.join(tmpdir(), 'watchpost-run-'));

before(async () => {
  server = createServer((req, res) => {
    if (req.url === '/ok') {
      res.writeHead(200, { 'content-type': 'application/json', 'server-timing': 'db;dur=3.5;desc="lookup"', 'x-cache': 'HIT' });
      res.end('{"status":"ok","items":[1,2]}');
    } else {
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end('{"status":"broken"}');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // A port nothing listens on: bind, note it, close.
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  closedPort = (probe.address() as AddressInfo).port;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
});

after(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  rmSync(tmp, { recursive: true, force: true });
});

function configFile(name: string, checks: string[]): string {
  const file = path.join(tmp, name);
  writeFileSync(file, `checks:\n${checks.join('\n')}\n`);
  return file;
}

const okCheck = (name: string) =>
  `  - name: ${name}\n    url: ${base}/ok\n    timeout: 2s\n    assert: { status: 200, json: [ { path: status, equals: ok } ] }`;
const brokenCheck = (name: string) => `  - name: ${name}\n    url: ${base}/broken\n    timeout: 2s\n    assert: { status: 200 }`;
const refusedCheck = (name: string) => `  - name: ${name}\n    url: http://127.0.0.1:${closedPort}/\n    timeout: 2s`;

/** Runs the CLI as a separate process (async, so this process's server keeps answering). */
function watchpost(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [CLI, ...args],
      { cwd: tmp, encoding: 'utf8', timeout: 30_000, env: { ...process.env, NO_COLOR: '1', ...env } },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : null) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** Asserts a value has exactly the CheckResult shape of lib/spec/result.ts, field by field. */
function assertCheckResult(r: Record<string, unknown>): void {
  assert.deepEqual(Object.keys(r).sort(), [
    'assertions', 'attempts', 'bodyBytes', 'bodyExcerpt', 'cache', 'certificate', 'failure', 'method', 'name', 'ok',
    'redirects', 'responseHeaders', 'serverTiming', 'startedAt', 'statusCode', 'timings', 'url',
  ]);
  for (const key of ['name', 'url', 'method', 'startedAt'] as const) assert.equal(typeof r[key], 'string', key);
  assert.ok(!Number.isNaN(Date.parse(r.startedAt as string)), 'startedAt is an ISO date');
  assert.equal(typeof r.ok, 'boolean');
  assert.ok(r.statusCode === null || Number.isInteger(r.statusCode));
  for (const key of ['attempts', 'redirects', 'bodyBytes'] as const) assert.ok(Number.isInteger(r[key]), key);
  assert.ok(r.bodyExcerpt === null || typeof r.bodyExcerpt === 'string');
  const t = r.timings as Record<string, unknown>;
  assert.deepEqual(Object.keys(t).sort(), ['connect', 'dns', 'download', 'firstByte', 'tls', 'total']);
  assert.equal(typeof t.total, 'number');
  for (const phase of ['dns', 'connect', 'tls', 'firstByte', 'download']) {
    assert.ok(t[phase] === null || (typeof t[phase] === 'number' && (t[phase] as number) >= 0), `timings.${phase}`);
  }
  if (r.failure !== null) {
    const f = r.failure as Record<string, unknown>;
    assert.ok((FAILURE_KINDS as readonly unknown[]).includes(f.kind), `failure.kind ${String(f.kind)}`);
    assert.equal(typeof f.message, 'string');
    assert.equal(typeof f.retryable, 'boolean');
  }
  assert.equal(r.ok, r.failure === null, 'ok exactly when there is no failure');
  for (const a of r.assertions as Record<string, unknown>[]) {
    assert.equal(typeof a.type, 'string');
    assert.equal(typeof a.ok, 'boolean');
    assert.ok(a.severity === 'warning' || a.severity === 'critical');
    assert.equal(typeof a.message, 'string');
    assert.ok('actual' in a && 'expected' in a);
  }
}

describe('watchpost run', () => {
  it('exits 0 when every check passes and prints a block per check and the summary', async () => {
    const file = configFile('pass.yaml', [okCheck('alpha'), okCheck('beta')]);
    const r = await watchpost(['run', '--config', file]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, '');
    assert.match(r.stdout, /^Running 2 checks from pass\.yaml\n/);
    assert.match(r.stdout, new RegExp(`\\n✓ alpha  200 OK  [\\d.]+ m?s\\n  GET ${base}/ok\\n`));
    assert.match(r.stdout, /\n✓ beta  200 OK /);
    assert.match(r.stdout, /\n  server-timing db 3\.5 ms "lookup"\n/);
    assert.match(r.stdout, /\n  cache         hit \(x-cache\)/);
    assert.match(r.stdout, /\n  first byte +[\d.]+ m?s  │/);
    assert.match(r.stdout, /\n2 passed, 0 failed in [\d.]+ m?s\n$/);
  });

  it('exits 1 when a check fails and shows the failing assertion with the actual status', async () => {
    const file = configFile('fail.yaml', [okCheck('alpha'), brokenCheck('broken'), refusedCheck('refused')]);
    const r = await watchpost(['run', '--config', file]);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stdout, /\n✗ broken  500 Internal Server Error /);
    assert.match(r.stdout, /\n  ✗ [^\n]*500[^\n]*\n/);
    assert.match(r.stdout, /\n✗ refused  no response /);
    assert.match(r.stdout, /\n  ✗ connect: /);
    assert.match(r.stdout, /\n1 passed, 2 failed in /);
    // Input order, whatever order the probes finished in.
    assert.deepEqual(
      [...r.stdout.matchAll(/^[✓✗!] (\S+)/gm)].map((m) => m[1]),
      ['alpha', 'broken', 'refused'],
    );
  });

  it('--json prints one document { results } with the CheckResult contract, in input order, and exits 1 on a failure', async () => {
    const file = configFile('json.yaml', [brokenCheck('broken'), okCheck('alpha'), refusedCheck('refused')]);
    const r = await watchpost(['run', '--config', file, '--json']);
    assert.equal(r.code, 1, r.stderr);
    const doc = JSON.parse(r.stdout);
    assert.deepEqual(Object.keys(doc), ['results']);
    assert.deepEqual(doc.results.map((x: { name: string }) => x.name), ['broken', 'alpha', 'refused']);
    for (const result of doc.results) assertCheckResult(result);
    const [broken, alpha, refused] = doc.results;
    assert.equal(alpha.ok, true);
    assert.equal(alpha.statusCode, 200);
    assert.deepEqual(alpha.serverTiming, [{ name: 'db', dur: 3.5, desc: 'lookup' }]);
    assert.equal(broken.statusCode, 500);
    assert.ok(['status', 'assertion'].includes(broken.failure.kind), broken.failure.kind);
    const status = broken.assertions.find((a: { type: string }) => a.type === 'status');
    assert.equal(status.ok, false);
    assert.equal(status.actual, 500);
    assert.equal(refused.failure.kind, 'connect');
    assert.equal(refused.statusCode, null);
  });

  it('--check selects checks (repeatable), keeping file order', async () => {
    const file = configFile('select.yaml', [okCheck('alpha'), brokenCheck('broken'), okCheck('gamma')]);
    const r = await watchpost(['run', '--config', file, '--check', 'gamma', '--check', 'alpha', '--json']);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout).results.map((x: { name: string }) => x.name), ['alpha', 'gamma']);
  });

  it('an unknown --check name is a usage error naming it, with a did-you-mean, exit 2', async () => {
    const file = configFile('unknown.yaml', [okCheck('alpha'), okCheck('checkout')]);
    const r = await watchpost(['run', '--config', file, '--check', 'chekout']);
    assert.equal(r.code, 2);
    assert.equal(r.stdout, '');
    assert.equal(
      r.stderr,
      'watchpost: run: no check named "chekout" in unknown.yaml; did you mean "checkout"?\nRun "watchpost --help" for usage.\n',
    );
    const far = await watchpost(['run', '--config', file, '--check', 'zzz']);
    assert.equal(far.code, 2);
    assert.match(far.stderr, /no check named "zzz" in unknown\.yaml; expected one of alpha, checkout\n/);
  });

  it('a configuration problem prints every problem and exits 2 without probing', async () => {
    const file = configFile('bad.yaml', [`  - name: alpha\n    url: ${base}/ok\n    timout: 2s`]);
    const r = await watchpost(['run', '--config', file]);
    assert.equal(r.code, 2);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr, 'bad.yaml: checks[0] (alpha).timout: unknown field, did you mean "timeout"?\n1 problem in bad.yaml\n');
    assert.doesNotMatch(r.stderr, NO_STACK);
  });

  it('an unknown option is a usage error, exit 2', async () => {
    const r = await watchpost(['run', '--chek', 'alpha']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^watchpost: run: Unknown option '--chek'/);
  });
});

describe('watchpost run --publish', { skip: motoSkip() }, () => {
  let moto: Moto;
  // AWS_MAX_ATTEMPTS=1: the unreachable-endpoint case need not wait through the SDK's retries.
  const aws = (url: string) => ({ ...motoEnv(url), AWS_MAX_ATTEMPTS: '1' });

  before(async () => {
    moto = await startMoto();
  });

  after(() => moto.stop());

  it('publishes the run to CloudWatch and says so on stderr; stdout keeps only the JSON document', async () => {
    const file = configFile('publish.yaml', [okCheck('alpha'), brokenCheck('broken')]);
    const r = await watchpost(['run', '--config', file, '--json', '--publish'], aws(moto.endpoint));
    assert.equal(r.code, 1, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout).results.map((x: { name: string }) => x.name), ['alpha', 'broken']);
    // (The AWS SDK may add a Node version warning above it.)
    assert.match(r.stderr, /(?:^|\n)published \d+ datapoints to CloudWatch namespace Watchpost in us-east-1 in 1 PutMetricData call\n$/);
    // The datapoints are really there: the emulator lists the Success metric for both checks.
    const listed = await moto.cloudWatch().send(new ListMetricsCommand({ Namespace: 'Watchpost', MetricName: 'Success' }));
    const checks = (listed.Metrics ?? []).flatMap((m) => (m.Dimensions ?? []).filter((d) => d.Name === 'Check').map((d) => d.Value));
    assert.deepEqual(checks.sort(), ['alpha', 'broken']);
  });

  it("when CloudWatch cannot be reached, the fallback is reported on stderr and the run's exit code stands", async () => {
    const file = configFile('publish-down.yaml', [okCheck('alpha')]);
    const r = await watchpost(['run', '--config', file, '--json', '--publish'], aws(`http://127.0.0.1:${closedPort}`));
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout).results.map((x: { name: string }) => x.name), ['alpha']);
    assert.match(r.stderr, /PutMetricData to namespace Watchpost in us-east-1 failed .*datapoints written to stderr as CloudWatch EMF lines instead\n$/);
  });
});
