/**
 * Reporters on hand-built CheckResults (the end-to-end runs with the real
 * runner are in run.test.ts and demo.test.ts).
 */
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import { createReporter } from '../../lib/cli/reporters/index.ts';
import { jsonReporter } from '../../lib/cli/reporters/json.ts';
import { listReporter } from '../../lib/cli/reporters/list.ts';
import { colorEnabled } from '../../lib/cli/reporters/reporter.ts';
import type { CheckResult } from '../../lib/spec/result.ts';
import { checkSpec } from '../fixtures/spec.ts';

const ANSI = /\x1b\[[0-9;]*m/;

function output(isTTY = false) {
  const chunks: string[] = [];
  const stdout = Object.assign(
    new Writable({
      write(chunk, _enc, done) {
        chunks.push(String(chunk));
        done();
      },
    }),
    { isTTY },
  );
  return { stdout, text: () => chunks.join('') };
}

function result(overrides: Partial<CheckResult> & { name: string }): CheckResult {
  return {
    url: `http://127.0.0.1:8080/${overrides.name}`,
    method: 'GET',
    ok: true,
    startedAt: '2026-11-26T08:00:00.000Z',
    statusCode: 200,
    timings: { dns: null, connect: 0.4, tls: null, firstByte: 10.1, download: 1.5, total: 12 },
    failure: null,
    assertions: [
      { type: 'status', ok: true, severity: 'critical', message: 'status 200, expected one of [200]', actual: 200, expected: [200] },
    ],
    attempts: 1,
    redirects: 0,
    bodyBytes: 15,
    bodyExcerpt: '{"status":"ok"}',
    responseHeaders: { 'content-type': 'application/json' },
    certificate: null,
    cache: null,
    serverTiming: null,
    ...overrides,
  };
}

const healthy = result({
  name: 'products',
  cache: { hit: true, source: 'cache-status', age: 42 },
  serverTiming: [
    { name: 'db', dur: 12.4, desc: 'products query' },
    { name: 'cache', dur: null, desc: 'edge hit' },
  ],
});

const broken = result({
  name: 'checkout',
  ok: false,
  statusCode: 503,
  failure: { kind: 'status', message: 'status 503, expected one of [200]', retryable: true, phase: null, code: null },
  assertions: [
    { type: 'status', ok: false, severity: 'critical', message: 'status 503, expected one of [200]', actual: 503, expected: [200] },
    { type: 'json', ok: false, severity: 'critical', message: 'json status equals "ok"', actual: 'degraded', expected: 'ok' },
  ],
  bodyExcerpt: '{"status":"degraded",\n "error":"payment provider timed out"}',
});

const refused = result({
  name: 'down',
  ok: false,
  statusCode: null,
  timings: { dns: null, connect: null, tls: null, firstByte: null, download: null, total: 0.8 },
  failure: { kind: 'connect', message: 'connection refused by 127.0.0.1:1', retryable: true, phase: 'connect', code: 'ECONNREFUSED' },
  assertions: [],
  bodyExcerpt: null,
  responseHeaders: null,
});

const slow = result({
  name: 'slow',
  attempts: 2,
  timings: { dns: null, connect: 0.3, tls: null, firstByte: 300.2, download: 0.5, total: 301 },
  assertions: [
    { type: 'latency', ok: false, severity: 'warning', message: 'latency 301 ms, above the warning threshold 200 ms', actual: 301, expected: 200 },
  ],
});

const specs = [healthy, broken, refused, slow].map((r) =>
  checkSpec({ name: r.name, url: r.url, runbook: r.name === 'checkout' ? { expected: '200 {"status":"ok"}', owner: 'team-shop' } : {} }),
);

function runList(results: CheckResult[], order: number[], color = false): string {
  const out = output();
  const reporter = listReporter({ stdout: out.stdout, env: {} }, { color });
  reporter.onBegin({ checks: specs.slice(0, results.length), source: 'watchpost.yaml' });
  for (const i of order) reporter.onCheckEnd(results[i]!, i);
  reporter.onEnd({ results, durationMs: 1234 });
  return out.text();
}

describe('list reporter', () => {
  const text = runList([healthy, broken, refused, slow], [3, 1, 0, 2]);
  const block = (name: string) => text.split('\n\n').find((b) => b.match(new RegExp(`^. ${name} `)))!;

  it('prints a header, one block per check in input order whatever the finishing order, then the summary', () => {
    assert.match(text, /^Running 4 checks from watchpost\.yaml\n\n/);
    const firstLines = text.split('\n').filter((l) => /^[✓✗!] /.test(l));
    assert.deepEqual(
      firstLines.map((l) => l.split(' ')[1]),
      ['products', 'checkout', 'down', 'slow'],
    );
    assert.match(text, /\n2 passed \(1 with a warning\), 2 failed in 1\.2 s\n$/);
    assert.doesNotMatch(text, ANSI);
  });

  it('a block reads request, response, assertions: status line, method and URL, waterfall, cache, server-timing', () => {
    assert.equal(
      block('products'),
      [
        '✓ products  200 OK  12.0 ms',
        '  GET http://127.0.0.1:8080/products',
        '  connect        0.4 ms  │█                       │',
        '  first byte    10.1 ms  │ ████████████████████   │',
        '  download       1.5 ms  │                     ███│',
        '  cache         hit (cache-status), age 42 s',
        '  server-timing db 12.4 ms "products query" · cache "edge hit"',
        '  ✓ status 200, expected one of [200]',
      ].join('\n'),
    );
  });

  it('a failing check shows each failing assertion with its actual value, and the body, without repeating the failure', () => {
    const b = block('checkout');
    assert.match(b, /^✗ checkout  503 Service Unavailable  12\.0 ms\n/);
    assert.match(b, /\n  ✗ status 503, expected one of \[200\]\n/);
    // The message forgot the actual value, so the reporter adds it.
    assert.match(b, /\n  ✗ json status equals "ok" \(actual "degraded"\)\n/);
    assert.match(b, /\n  body          \{"status":"degraded", "error":"payment provider timed out"\}\n/);
    // What the runbook says should have happened, and whose it is.
    assert.match(b, /\n  expected      200 \{"status":"ok"\}\n  owner         team-shop$/);
    assert.doesNotMatch(b, /status: status 503/);
  });

  it('a failure with no response names the kind, the message and the error code, and draws no waterfall', () => {
    assert.equal(
      block('down'),
      ['✗ down  no response  0.8 ms', '  GET http://127.0.0.1:8080/down', '  ✗ connect: connection refused by 127.0.0.1:1 (ECONNREFUSED)'].join('\n'),
    );
  });

  it('https: the tls phase and the certificate; an error code already in the message is not repeated', () => {
    const tls = result({
      name: 'secure',
      url: 'https://127.0.0.1:8443/',
      ok: false,
      statusCode: null,
      timings: { dns: null, connect: 0.5, tls: 4.5, firstByte: null, download: null, total: 5 },
      certificate: { subject: 'CN=127.0.0.1', issuer: 'CN=Test CA', validTo: '2026-11-27T08:00:00.000Z', daysRemaining: 1 },
      failure: {
        kind: 'tls',
        message: 'the certificate is self-signed (DEPTH_ZERO_SELF_SIGNED_CERT), expected a trusted certificate',
        retryable: false,
        phase: 'tls',
        code: 'DEPTH_ZERO_SELF_SIGNED_CERT',
      },
      assertions: [],
      bodyExcerpt: null,
    });
    const out = output();
    const r = listReporter({ stdout: out.stdout, env: {} });
    r.onBegin({ checks: [checkSpec({ name: 'secure', url: tls.url })], source: 'x.yaml' });
    r.onCheckEnd(tls, 0);
    r.onEnd({ results: [tls], durationMs: 5 });
    assert.match(
      out.text(),
      new RegExp(
        [
          '✗ secure  no response  5\\.0 ms',
          '  GET https://127\\.0\\.0\\.1:8443/',
          '  connect        0\\.5 ms  │██                      │',
          '  tls            4\\.5 ms  │  ██████████████████████│',
          '  certificate   CN=127\\.0\\.0\\.1, issued by CN=Test CA, expires 2026-11-27 \\(1 day\\)',
          '  ✗ tls: the certificate is self-signed \\(DEPTH_ZERO_SELF_SIGNED_CERT\\), expected a trusted certificate\\n',
        ].join('\\n'),
      ),
    );
  });

  it('a warning marks the check with ! and shows the attempts', () => {
    const b = block('slow');
    assert.match(b, /^! slow  200 OK  301 ms  2 attempts\n/);
    assert.match(b, /\n  ! latency 301 ms, above the warning threshold 200 ms/);
  });

  it('with colour on, the same text wrapped in ANSI codes', () => {
    const coloured = runList([healthy, broken, refused, slow], [0, 1, 2, 3], true);
    assert.match(coloured, ANSI);
    assert.equal(coloured.replace(/\x1b\[[0-9;]*m/g, ''), text);
  });

  it('prints results the runner never called back for at the end, still in order', () => {
    const late = runList([healthy, broken], [1]);
    const names = late.split('\n').filter((l) => /^[✓✗!] /.test(l)).map((l) => l.split(' ')[1]);
    assert.deepEqual(names, ['products', 'checkout']);
  });

  it('formats run durations under a second in ms', () => {
    const out = output();
    const r = listReporter({ stdout: out.stdout, env: {} });
    r.onBegin({ checks: specs.slice(0, 1), source: 'x.yaml' });
    r.onCheckEnd(healthy, 0);
    r.onEnd({ results: [healthy], durationMs: 412.4 });
    assert.match(out.text(), /^Running 1 check from x\.yaml\n/);
    assert.match(out.text(), /\n1 passed, 0 failed in 412 ms\n$/);
  });
});

describe('colour decision', () => {
  it('colour only on a TTY, and never when NO_COLOR is set', () => {
    assert.equal(colorEnabled({ stdout: output(true).stdout, env: {} }), true);
    assert.equal(colorEnabled({ stdout: output(false).stdout, env: {} }), false);
    assert.equal(colorEnabled({ stdout: output(true).stdout, env: { NO_COLOR: '1' } }), false);
    // no-color.org: an empty NO_COLOR does not disable colour.
    assert.equal(colorEnabled({ stdout: output(true).stdout, env: { NO_COLOR: '' } }), true);
  });

  it('createReporter("list") on a TTY with NO_COLOR prints no ANSI codes; without NO_COLOR it does', () => {
    for (const [env, expectAnsi] of [[{ NO_COLOR: '1' }, false], [{}, true]] as const) {
      const out = output(true);
      const r = createReporter('list', { stdout: out.stdout, env });
      r.onBegin({ checks: specs.slice(0, 2), source: 'watchpost.yaml' });
      r.onCheckEnd(healthy, 0);
      r.onCheckEnd(broken, 1);
      r.onEnd({ results: [healthy, broken], durationMs: 10 });
      assert.equal(ANSI.test(out.text()), expectAnsi, JSON.stringify(env));
    }
  });
});

describe('json reporter', () => {
  it('prints exactly one JSON document { results } at the end and nothing before', () => {
    const out = output(true);
    const r = jsonReporter({ stdout: out.stdout, env: {} });
    r.onBegin({ checks: specs, source: 'watchpost.yaml' });
    r.onCheckEnd(broken, 1);
    r.onCheckEnd(healthy, 0);
    assert.equal(out.text(), '');
    r.onEnd({ results: [healthy, broken], durationMs: 5 });
    const doc = JSON.parse(out.text());
    assert.deepEqual(Object.keys(doc), ['results']);
    assert.deepEqual(doc.results, [healthy, broken]);
  });
});
