/**
 * The runner: input order, the concurrency cap, the batch deadline,
 * retries on a fresh connection, and a process that exits by itself after a
 * batch against hanging targets.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { RETRY_BACKOFF_MS } from '../../lib/spec/retry.ts';
import { DEADLINE_MARGIN_MS, runChecks } from '../../lambda/runner.ts';
import { makeCerts, type TestCerts } from '../fixtures/certs.ts';
import { checkSpec } from '../fixtures/spec.ts';
import { startTargets, type Targets } from '../fixtures/targets.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

let certs: TestCerts;
let t: Targets;
before(async () => {
  certs = makeCerts();
  t = await startTargets(certs);
});
after(async () => {
  await t.close();
  certs.cleanup();
});

const spec = (name: string, url: string, o: Partial<Parameters<typeof checkSpec>[0]> = {}) => checkSpec({ name, url, timeout: 3000, ...o });

describe('runChecks', () => {
  it('returns nothing for no checks', async () => {
    assert.deepEqual(await runChecks([]), []);
  });

  it('returns results in input order and streams them as they finish', async () => {
    const specs = [spec('slow', `${t.http}/delay/150`), spec('fast', `${t.http}/ok`), spec('middle', `${t.http}/delay/60`)];
    const seen: [string, number][] = [];
    const results = await runChecks(specs, { concurrency: 3, onResult: (r, i) => seen.push([r.name, i]) });
    assert.deepEqual(results.map((r) => r.name), ['slow', 'fast', 'middle']);
    assert.deepEqual(results.map((r) => r.ok), [true, true, true]);
    assert.deepEqual(seen, [['fast', 1], ['middle', 2], ['slow', 0]]);
  });

  it('never has more probes in flight than the cap', async () => {
    let inFlight = 0;
    let most = 0;
    const server = http.createServer((_req, res) => {
      most = Math.max(most, ++inFlight);
      setTimeout(() => {
        inFlight--;
        res.end('ok');
      }, 40);
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
      const results = await runChecks(Array.from({ length: 7 }, (_, i) => spec(`c${i}`, url)), { concurrency: 2 });
      assert.equal(results.filter((r) => r.ok).length, 7);
      assert.equal(most, 2);
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });

  it('clips every probe to the deadline: hanging targets come back as timeouts before it', async () => {
    const deadline = Date.now() + 400;
    const specs = [t.noAnswer, t.dripHeaders, t.dripBody].map((base, i) => spec(`hang${i}`, `${base}/`, { timeout: 5000 }));
    const results = await runChecks(specs, { deadline });
    const late = Date.now() - deadline;
    assert.ok(late < 100, `returned ${late} ms after the deadline`);
    for (const r of results) {
      assert.equal(r.failure?.kind, 'timeout', r.failure?.message);
      assert.match(r.failure!.message, /^timeout after \d+ ms .+ \(the batch deadline cut the 5000 ms timeout short\)$/);
      assert.ok(r.timings.total < 400, `total ${r.timings.total}`);
    }
  });

  it('a check that cannot start before the deadline is a timeout result, not a missing one', async () => {
    const deadline = Date.now() + 300;
    const specs = [spec('first', `${t.noAnswer}/`, { timeout: 5000 }), spec('second', `${t.http}/ok`), spec('third', `${t.http}/ok`)];
    const results = await runChecks(specs, { deadline, concurrency: 1 });
    assert.deepEqual(results.map((r) => [r.name, r.failure?.kind, r.attempts]), [
      ['first', 'timeout', 1],
      ['second', 'timeout', 0],
      ['third', 'timeout', 0],
    ]);
    assert.equal(results[1]!.failure!.message, 'not run: the batch deadline passed before the check could start (timeout 3000 ms)');
    assert.ok(Date.now() < deadline + 100);
  });

  describe('retries', () => {
    it('a transient failure is retried on a fresh connection after the backoff', async () => {
      const started = performance.now();
      const [r] = await runChecks([spec('flaky', `${t.http}/flaky/once/1`, { retries: 2 })]);
      assert.equal(r!.ok, true, r!.failure?.message);
      assert.equal(r!.attempts, 2);
      assert.equal(t.hits.get('/flaky/once/1'), 2);
      assert.ok(performance.now() - started >= RETRY_BACKOFF_MS, 'waited the backoff between attempts');
    });

    it('stops after the configured retries, reporting the last failure', async () => {
      const [r] = await runChecks([spec('down', `${t.http}/flaky/always/9`, { retries: 2 })]);
      assert.deepEqual([r!.ok, r!.attempts, r!.failure?.kind, r!.failure?.message], [false, 3, 'status', 'status 503, expected one of [2xx]']);
      assert.equal(t.hits.get('/flaky/always/9'), 3);
    });

    it('does not retry what a retry cannot fix', async () => {
      const results = await runChecks([
        spec('missing', `${t.http}/status/404`, { retries: 2 }),
        spec('cert', `${t.selfSigned}/ok`, { retries: 2 }),
        spec('content', `${t.http}/ok`, { retries: 2, assert: { body: { contains: 'nope', notContains: null, matches: null } } }),
      ]);
      assert.deepEqual(results.map((r) => [r.failure?.kind, r.attempts]), [
        ['status', 1],
        ['tls', 1],
        ['assertion', 1],
      ]);
    });

    it('a refused connection is retried', async () => {
      const [r] = await runChecks([spec('refused', `${t.refused}/`, { retries: 1 })]);
      assert.deepEqual([r!.failure?.kind, r!.attempts], ['connect', 2]);
    });

    it('no retry is started that the deadline would cut off', async () => {
      const deadline = Date.now() + DEADLINE_MARGIN_MS + RETRY_BACKOFF_MS + 150;
      const [r] = await runChecks([spec('hang', `${t.noAnswer}/`, { retries: 2, timeout: 5000 })], { deadline });
      assert.equal(r!.attempts, 1);
      assert.ok(Date.now() < deadline + 100);
    });
  });

  it('a throwing onResult does not strand the batch; the error surfaces when it is done', async () => {
    const specs = [spec('a', `${t.http}/flaky/cb-a/0`), spec('b', `${t.http}/flaky/cb-b/0`)];
    await assert.rejects(
      runChecks(specs, {
        concurrency: 1,
        onResult: () => {
          throw new Error('reporter bug');
        },
      }),
      /reporter bug/,
    );
    assert.equal(t.hits.get('/flaky/cb-b/0'), 1, 'the second check still ran');
  });

  it('the process exits by itself right after a batch against hanging targets', async () => {
    const runner = pathToFileURL(path.join(ROOT, 'lambda/runner.ts')).href;
    const fixture = pathToFileURL(path.join(ROOT, 'test/fixtures/spec.ts')).href;
    const urls = [`${t.noAnswer}/`, `${t.dripHeaders}/`, `${t.dripBody}/`, `${t.closeWithoutReply}/`, `${t.http}/ok`];
    const script = `
      const { runChecks } = await import(${JSON.stringify(runner)});
      const { checkSpec } = await import(${JSON.stringify(fixture)});
      const urls = ${JSON.stringify(urls)};
      const results = await runChecks(urls.map((url, i) => checkSpec({ name: 'c' + i, url, timeout: 300 })));
      process.stdout.write(JSON.stringify(results.map((r) => r.failure?.kind ?? 'ok')) + '\\n');
    `;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let printedAt = 0;
    child.stdout.on('data', (d: Buffer) => {
      stdout += d;
      if (stdout.includes('\n') && !printedAt) printedAt = performance.now();
    });
    child.stderr.on('data', (d: Buffer) => (stderr += d));
    // Bounded: a child kept alive by a leftover socket or timer is killed after 15 s and the test fails.
    const killer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    const [code, signal] = (await once(child, 'exit')) as [number | null, NodeJS.Signals | null];
    clearTimeout(killer);
    const exitedAfter = performance.now() - printedAt;
    assert.equal(signal, null, `the child had to be killed; stdout ${stdout} stderr ${stderr}`);
    assert.equal(code, 0, stderr);
    assert.deepEqual(JSON.parse(stdout), ['timeout', 'timeout', 'timeout', 'reset', 'ok']);
    assert.ok(exitedAfter < 1000, `exited ${exitedAfter.toFixed(0)} ms after printing its results`);
  });
});
