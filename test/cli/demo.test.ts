/**
 * `npm run demo` end to end: the real entry point in a child process, which
 * starts the demo service on 127.0.0.1, runs examples/demo.yaml with the real
 * runner, prints, stops the service and exits.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

function demo(): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'bin/demo.ts'],
      { cwd: ROOT, encoding: 'utf8', timeout: 30_000, env: { ...process.env, NO_COLOR: '1' } },
      (err, stdout, stderr) => resolve({ code: err ? (typeof err.code === 'number' ? err.code : null) : 0, stdout, stderr }),
    );
  });
}

describe('npm run demo', () => {
  it('probes the demo service, shows every kind of result, says the failure is intended, and exits 0', async () => {
    const r = await demo();
    assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
    assert.equal(r.stderr, '');
    const out = r.stdout;
    assert.match(out, /^Demo service listening on http:\/\/127\.0\.0\.1:\d+\n/);
    assert.match(out, /\nRunning 5 checks from examples\/demo\.yaml\n/);
    assert.deepEqual(
      [...out.matchAll(/^([✓✗!]) (\S+)/gm)].map((m) => `${m[1]} ${m[2]}`),
      ['✓ health', '! slow-search', '✓ flaky-inventory', '✓ products-api', '✗ checkout'],
    );
    // The slow endpoint crosses the warning threshold; the flaky one needs its retry.
    assert.match(out, /\n! slow-search  200 OK  \d+ ms\n/);
    assert.match(out, /\n✓ flaky-inventory  200 OK  [\d.]+ m?s  2 attempts\n/);
    // Cache and Server-Timing from the cached JSON endpoint.
    assert.match(out, /\n  cache         hit \(cache-status\), age 42 s\n/);
    assert.match(out, /\n  server-timing db 12\.4 ms "products query" · render 3\.1 ms · cache "edge hit"\n/);
    // The failing check shows the actual status and the actual JSON value.
    const checkout = out.slice(out.indexOf('✗ checkout'));
    assert.match(checkout, /^✗ checkout  503 Service Unavailable /);
    assert.match(checkout, /\n  ✗ [^\n]*503[^\n]*\n/);
    assert.match(checkout, /\n  ✗ [^\n]*degraded[^\n]*\n/);
    assert.match(out, /\n4 passed \(1 with a warning\), 1 failed in [\d.]+ m?s\n/);
    assert.match(out, /\nThe failure of checkout is intended: the demo shows what a failing check looks like\.\n/);
  });
});
