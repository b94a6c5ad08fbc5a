/**
 * The sinks on hand-built results: which datapoints a result becomes, how
 * they are split into PutMetricData calls, the EMF fallback documents, the
 * SNS notices (redaction, limits, attributes) and the log lines.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CHECK_DIMENSION, METRICS, SERVER_TIMING_DIMENSION } from '../../lib/spec/metrics.ts';
import { datapointsFor, type Datapoint } from '../../lambda/sinks/datapoints.ts';
import { emfDocuments } from '../../lambda/sinks/emf.ts';
import { noticeFor } from '../../lambda/sinks/incident-state.ts';
import { resultLine } from '../../lambda/sinks/log-lines.ts';
import { PUT_LIMITS, splitIntoCalls } from '../../lambda/sinks/metrics.ts';
import { failureNotice, recoveryNotice, severityOf, subjectLine, SUBJECT_MAX } from '../../lambda/sinks/notifier.ts';
import { MIN_SCRUBBED_LENGTH, REDACTED, scrubberFor, secretParts, truncateBytes } from '../../lambda/sinks/scrub.ts';
import { runChecks } from '../../lambda/runner.ts';
import { checkSpec } from '../fixtures/spec.ts';
import { assertValidEmf, failing, passing } from './helpers.ts';

const START = '2026-11-26T08:00:00.000Z';

describe('datapoints from a result', () => {
  it('a default check publishes Success and Duration only, timestamped at the probe start', () => {
    const spec = checkSpec({ name: 'api', url: 'https://api.example/' });
    const points = datapointsFor(spec, passing('api', spec.url, { startedAt: START }));
    assert.deepEqual(points, [
      { name: 'Success', unit: 'Count', dimensions: { Check: 'api' }, value: 1, timestamp: Date.parse(START) },
      { name: 'Duration', unit: 'Milliseconds', dimensions: { Check: 'api' }, value: 6, timestamp: Date.parse(START) },
    ]);
    assert.equal(datapointsFor(spec, failing('api'))[0]!.value, 0);
  });

  it('opt-in metrics carry their values; phases that did not happen are left out, not zero', () => {
    const spec = checkSpec({
      name: 'shop',
      url: 'https://shop.example/',
      metrics: { timings: true, cache: true, serverTiming: ['db', 'render'] },
      assert: { certificate: { minDaysRemaining: 14 } },
    });
    const result = passing('shop', spec.url, {
      startedAt: START,
      certificate: { subject: 'CN=shop', issuer: 'CN=ca', validTo: '2027-01-01T00:00:00Z', daysRemaining: 36 },
      cache: { hit: false, source: 'x-cache', age: null },
      serverTiming: [{ name: 'db', dur: 12.5, desc: null }],
    });
    const byName = (n: string, entry?: string) =>
      datapointsFor(spec, result).filter((p) => p.name === n && p.dimensions[SERVER_TIMING_DIMENSION] === entry);
    assert.equal(byName(METRICS.dns.name)[0]!.value, 0.4);
    assert.equal(byName(METRICS.tls.name).length, 0, 'tls did not happen on http');
    assert.equal(byName(METRICS.firstByte.name)[0]!.value, 3.5);
    assert.equal(byName(METRICS.certDaysRemaining.name)[0]!.value, 36);
    assert.equal(byName(METRICS.certDaysRemaining.name)[0]!.unit, 'None');
    assert.equal(byName(METRICS.cacheHit.name)[0]!.value, 0);
    assert.deepEqual(byName(METRICS.serverTiming.name, 'db')[0]!.dimensions, { [CHECK_DIMENSION]: 'shop', Entry: 'db' });
    assert.equal(byName(METRICS.serverTiming.name, 'render').length, 0, 'a Server-Timing entry the response lacked');
  });
});

describe('a check the batch deadline left unrun', () => {
  it('publishes Success=0 and no Duration or phase timings (its zero total is no latency)', async () => {
    const spec = checkSpec({ name: 'late', url: 'http://127.0.0.1:9/', metrics: { timings: true } });
    // The real runner's "not run" result: the deadline has already passed when the batch starts.
    const [notRun] = await runChecks([spec], { deadline: Date.now() - 1 });
    assert.deepEqual([notRun!.attempts, notRun!.timings.total, notRun!.failure?.kind], [0, 0, 'timeout']);
    assert.deepEqual(
      datapointsFor(spec, notRun!).map((p) => [p.name, p.unit, p.value]),
      [[METRICS.success.name, METRICS.success.unit, 0]],
    );
    // The same result after one attempt does publish its latency.
    const ran = { ...notRun!, attempts: 1, timings: { ...notRun!.timings, connect: 2, total: 2 } };
    assert.deepEqual(
      datapointsFor(spec, ran).map((p) => [p.name, p.value]),
      [[METRICS.success.name, 0], [METRICS.duration.name, 2], [METRICS.connect.name, 2]],
    );
  });
});

describe('PutMetricData calls', () => {
  const point = (i: number, name = 'Success'): Datapoint => ({
    name,
    unit: 'Count',
    dimensions: { Check: `check-${i}` },
    value: 1,
    timestamp: Date.parse(START),
  });

  it('100 default checks (200 datapoints) fit one call', () => {
    const points = Array.from({ length: 100 }, (_, i) => [point(i), point(i, 'Duration')]).flat();
    assert.deepEqual(splitIntoCalls(points).map((c) => c.length), [200]);
  });

  it('no call carries more than 1,000 datums, and order is kept', () => {
    const points = Array.from({ length: 2_345 }, (_, i) => point(i));
    const calls = splitIntoCalls(points);
    assert.deepEqual(calls.map((c) => c.length), [1_000, 1_000, 345]);
    assert.deepEqual(calls.flat(), points);
  });

  it('a call stays under the byte limit when dimension values are long', () => {
    const long = 'x'.repeat(1_000);
    const points = Array.from({ length: 900 }, (_, i) => ({ ...point(i), dimensions: { Check: `${i}-${long}`, Entry: long } }));
    const calls = splitIntoCalls(points);
    assert.ok(calls.length > 1, `expected a split, got ${calls.length} call`);
    for (const call of calls) {
      const bytes = Buffer.byteLength(JSON.stringify(call));
      assert.ok(bytes < PUT_LIMITS.bytes, `call of ${bytes} bytes`);
    }
    assert.equal(calls.flat().length, 900);
  });
});

describe('EMF fallback documents', () => {
  it('carry every datapoint with its unit, dimensions and timestamp, valid against the EMF spec', () => {
    const spec = checkSpec({ name: 'shop', url: 'https://shop.example/', metrics: { timings: true, serverTiming: ['db', 'app'] } });
    const points = [
      ...datapointsFor(spec, passing('shop', spec.url, { startedAt: START, serverTiming: [{ name: 'db', dur: 3, desc: null }, { name: 'app', dur: 9, desc: null }] })),
      ...datapointsFor(checkSpec({ name: 'api', url: 'https://api.example/' }), failing('api', undefined, { startedAt: START })),
    ];
    const docs = emfDocuments('Watchpost', points);
    for (const doc of docs) assertValidEmf(doc);
    // Back from the documents to datapoints: nothing lost, nothing changed.
    const back = docs.flatMap((doc) =>
      doc._aws.CloudWatchMetrics[0]!.Metrics.map((m) => ({
        name: m.Name,
        unit: m.Unit,
        dimensions: Object.fromEntries(doc._aws.CloudWatchMetrics[0]!.Dimensions[0]!.map((k) => [k, doc[k] as string])),
        value: doc[m.Name] as number,
        timestamp: doc._aws.Timestamp,
      })),
    );
    const key = (p: Datapoint) => JSON.stringify([p.name, p.dimensions, p.value, p.unit, p.timestamp]);
    assert.deepEqual(back.map(key).sort(), points.map(key).sort());
    assert.equal(docs.filter((d) => d.Check === 'shop' && 'ServerTiming' in d).length, 2, 'one document per Server-Timing entry');
  });
});

describe('SNS notices', () => {
  const spec = checkSpec({
    name: 'billing',
    url: 'https://svc:hunter2-password@billing.example/health?x=1',
    headers: { authorization: 'Bearer sk-live-abcdef123456', 'x-api-key': 'key-0987654321', accept: 'application/json' },
    secretHeaders: ['x-api-key'],
    runbook: { owner: 'team-payments', expected: '200 with {"ok":true}', rollback: 'redeploy previous build', url: 'https://wiki.example/billing' },
  });
  const result = failing('billing', spec.url, {
    failure: { kind: 'assertion', message: 'body does not contain "ok" (request had x-api-key key-0987654321)', retryable: false },
    statusCode: 200,
    attempts: 3,
    responseHeaders: { 'set-cookie': 'session=abc123456', 'content-type': 'application/json', 'x-echo': 'Bearer sk-live-abcdef123456' },
    bodyExcerpt: `{"headers":{"Authorization":"Bearer sk-live-abcdef123456"}} ${'é'.repeat(400)}`,
    assertions: [{ type: 'body', ok: false, severity: 'critical', message: 'body does not contain "ok"', actual: '{...}', expected: 'ok' }],
  });
  const notice = failureNotice(spec, result, scrubberFor(spec), { region: 'eu-west-1', batch: 'f1m-0' });

  it('the failure detail carries the why and the runbook', () => {
    for (const expected of [
      'Check:     billing',
      'Kind:      assertion',
      'Status:    200',
      'Attempts:  3',
      'Region:    eu-west-1',
      `Time:      ${result.startedAt}`,
      'Owner:     team-payments',
      'Expected:  200 with {"ok":true}',
      'Rollback:  redeploy previous build',
      'Runbook:   https://wiki.example/billing',
      'Timings:   dns 0.4, connect 1.2, firstByte 3.5, download 0.9, total 6.0 (ms)',
      '  - [critical] body: body does not contain "ok"',
    ]) {
      assert.ok(notice.message.includes(expected), `missing ${JSON.stringify(expected)} in:\n${notice.message}`);
    }
    assert.deepEqual(notice.attributes, { check: 'billing', severity: 'critical', kind: 'assertion', owner: 'team-payments', event: 'failure' });
  });

  it('nothing secret leaves: header values, URL password, secret response headers', () => {
    for (const secret of ['sk-live-abcdef123456', 'key-0987654321', 'hunter2-password', 'session=abc123456']) {
      assert.ok(!notice.message.includes(secret), `${secret} leaked:\n${notice.message}`);
      assert.ok(!notice.subject.includes(secret), `${secret} leaked in the subject`);
    }
    assert.ok(notice.message.includes(`set-cookie: ${REDACTED}`));
    assert.ok(notice.message.includes('https://svc:redacted@billing.example/health?x=1'));
    const line = JSON.stringify(resultLine(result, scrubberFor(spec), { region: 'r', batch: 'b' }));
    for (const secret of ['key-0987654321', 'hunter2-password']) assert.ok(!line.includes(secret), `${secret} leaked in the log line`);
  });

  it('scrubs the whole secret value and its token parts, but not an auth-scheme word or a value under the minimum length', () => {
    const scrubbed = checkSpec({
      name: 'scrub',
      url: 'https://scrub.example/',
      headers: { Authorization: 'Bearer tok-AAAA1111', 'X-Pair': 'left-part right-part', 'X-Pin': '42' },
      secretHeaders: ['x-pair', 'x-pin'],
    });
    const scrub = scrubberFor(scrubbed);
    assert.equal(
      scrub.text('echo: Bearer tok-AAAA1111; alone: tok-AAAA1111; the Bearer scheme; Basic auth'),
      `echo: ${REDACTED}; alone: ${REDACTED}; the Bearer scheme; Basic auth`,
    );
    assert.equal(scrub.text('pair: left-part right-part, then right-part'), `pair: ${REDACTED}, then ${REDACTED}`);
    // Shorter than MIN_SCRUBBED_LENGTH: left in free text (scrubbing "42" would mangle every number), redacted as a header.
    assert.equal(MIN_SCRUBBED_LENGTH, 4);
    assert.equal(scrub.text('pin 42, 1420 ms'), 'pin 42, 1420 ms');
    assert.deepEqual(scrub.headers({ 'x-pin': '42', 'x-other': 'Bearer' }), { 'x-pin': REDACTED, 'x-other': 'Bearer' });
    assert.deepEqual(secretParts('Basic dXNlcjpwYXNz'), ['Basic dXNlcjpwYXNz', 'dXNlcjpwYXNz']);
    assert.deepEqual(secretParts('token'), ['token'], 'a one-word value is the secret itself, scheme name or not');
  });

  it('the body excerpt is at most 512 bytes and the subject at most 100 characters', () => {
    const body = notice.message.split('Body (first 512 bytes at most):\n')[1]!;
    assert.ok(Buffer.byteLength(body) <= 512, `${Buffer.byteLength(body)} bytes`);
    assert.ok(body.length > 200, 'the excerpt is kept, only cut');
    assert.ok(notice.subject.length <= SUBJECT_MAX, notice.subject);
    assert.match(notice.subject, /^Watchpost FAILING billing: assertion - body does not contain/);
    assert.equal(subjectLine(`ünïcode\nline ${'x'.repeat(200)}`).length, SUBJECT_MAX);
    assert.match(subjectLine('ünïcode\nline'), /^\?n\?code line$/);
    assert.equal(truncateBytes('éé', 3), 'é', 'never cuts a character in half');
  });

  it('a recovery notice goes with the incident severity and says so in its attributes', () => {
    const recovery = recoveryNotice(spec, passing('billing', spec.url), scrubberFor(spec), { region: 'r', batch: 'b', severity: 'warning' });
    assert.equal(recovery.subject, 'Watchpost RECOVERED billing');
    assert.deepEqual(recovery.attributes, { check: 'billing', severity: 'warning', kind: 'recovered', owner: 'team-payments', event: 'recovery' });
    assert.ok(!recovery.message.includes('hunter2-password'));
  });

  it('a check failing only its certificate assertion is a warning; anything else critical', () => {
    const cert = failing('c', undefined, {
      failure: { kind: 'assertion', message: 'certificate expires in 3 days', retryable: false },
      assertions: [{ type: 'certificate', ok: false, severity: 'critical', message: '3 days', actual: 3, expected: 14 }],
    });
    assert.equal(severityOf(cert), 'warning');
    assert.equal(severityOf(failing('s')), 'critical');
    assert.equal(severityOf(failing('t', undefined, { failure: { kind: 'timeout', message: 't', retryable: true }, assertions: [] })), 'critical');
  });
});

describe('one notice per incident', () => {
  const known = (ok: boolean) => ({ ok, severity: 'critical' as const });
  const cases: Array<[boolean, Parameters<typeof noticeFor>[1], ReturnType<typeof noticeFor>]> = [
    [false, known(true), 'failure'],
    [false, known(false), null],
    [true, known(false), 'recovery'],
    [true, known(true), null],
    [false, 'unknown', 'failure'],
    [true, 'unknown', null],
  ];
  for (const [ok, previous, expected] of cases) {
    it(`${ok ? 'passing' : 'failing'} after ${previous === 'unknown' ? 'unknown' : previous.ok ? 'passing' : 'failing'} → ${expected ?? 'nothing'}`, () => {
      assert.equal(noticeFor(ok, previous), expected);
    });
  }
});

describe('result log line', () => {
  it('has the fields a Logs Insights query filters on', () => {
    const spec = checkSpec({ name: 'api', url: 'https://api.example/' });
    const line = resultLine(failing('api', spec.url), scrubberFor(spec), { region: 'eu-west-1', batch: 'f1m-0' });
    assert.deepEqual(
      { check: line.check, ok: line.ok, kind: line.kind, status: line.status, total: line.total, region: line.region, msg: line.msg },
      { check: 'api', ok: false, kind: 'status', status: 503, total: 6, region: 'eu-west-1', msg: 'check result' },
    );
  });
});
