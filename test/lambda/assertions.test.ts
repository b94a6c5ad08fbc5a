/**
 * Assertions are pure: every operator, passing and failing, with the exact
 * sentence and the actual value it compared (table-driven, Gatus style).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CHECK_DEFAULTS } from '../../lib/spec/defaults.ts';
import type { AssertionResult } from '../../lib/spec/result.ts';
import type { Assertions } from '../../lib/spec/types.ts';
import { evaluateAssertions, failedAssertions, valueAt, type ResponseFacts } from '../../lambda/assertions.ts';

const BODY = JSON.stringify({
  status: 'ok',
  data: { items: [{ id: 7, name: 'first' }, { id: 8 }], count: 2, tags: ['a', 'b'], nothing: null, note: 'all green' },
});

const FACTS: ResponseFacts = {
  url: 'https://api.example.com/health',
  statusCode: 200,
  headers: {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'public, max-age=60',
    'set-cookie': 'session=abc123',
    'x-api-key': 'k-123',
  },
  totalMs: 250.04,
  bodyText: BODY,
  certificate: { subject: 'CN=api.example.com', issuer: 'CN=CA', validTo: '2027-01-10T00:00:00.000Z', daysRemaining: 45 },
  secretHeaders: ['x-api-key'],
};

/** Evaluates only the given assertions (status accepts anything unless set) and drops the status result. */
function check(partial: Partial<Assertions>, facts: Partial<ResponseFacts> = {}): AssertionResult[] {
  const assertions: Assertions = { ...structuredClone(CHECK_DEFAULTS.assert), status: ['1xx', '2xx', '3xx', '4xx', '5xx'], ...partial };
  const results = evaluateAssertions(assertions, { ...FACTS, ...facts });
  return partial.status ? results : results.slice(1);
}

function one(partial: Partial<Assertions>, facts: Partial<ResponseFacts> = {}): AssertionResult {
  const results = check(partial, facts);
  assert.equal(results.length, 1, JSON.stringify(results));
  return results[0]!;
}

describe('status', () => {
  const cases: [number, Assertions['status'], boolean, string][] = [
    [200, [200], true, 'status 200, expected one of [200]'],
    [503, [200], false, 'status 503, expected one of [200]'],
    [204, ['2xx'], true, 'status 204, expected one of [2xx]'],
    [301, ['2xx'], false, 'status 301, expected one of [2xx]'],
    [404, [200, '4xx'], true, 'status 404, expected one of [200, 4xx]'],
  ];
  for (const [code, expected, ok, message] of cases) {
    it(`${code} against [${expected.join(', ')}]`, () => {
      const r = one({ status: expected }, { statusCode: code });
      assert.deepEqual(r, { type: 'status', ok, severity: 'critical', message, actual: code, expected });
    });
  }
});

describe('latency', () => {
  it('under both thresholds passes', () => {
    const r = one({ latency: { warning: 500, critical: 1000 } });
    assert.deepEqual([r.ok, r.severity, r.actual, r.message], [true, 'critical', 250, 'latency 250 ms, expected at most 500 ms']);
  });
  it('over warning only: a warning result that does not fail the check', () => {
    const r = one({ latency: { warning: 200, critical: 1000 } });
    assert.deepEqual([r.ok, r.severity, r.actual, r.message], [false, 'warning', 250, 'latency 250 ms, above the 200 ms warning threshold']);
    assert.deepEqual(failedAssertions([r]), []);
  });
  it('over critical fails', () => {
    const r = one({ latency: { warning: 100, critical: 200 } });
    assert.deepEqual([r.ok, r.severity, r.message], [false, 'critical', 'latency 250 ms, expected at most 200 ms']);
    assert.deepEqual(failedAssertions([r]), [r]);
  });
});

describe('body', () => {
  const body = (b: Partial<NonNullable<Assertions['body']>>) => ({ body: { contains: null, notContains: null, matches: null, ...b } });
  const cases: [string, Partial<NonNullable<Assertions['body']>>, boolean, string, unknown][] = [
    ['contains, found', { contains: 'all green' }, true, 'body contains "all green"', '...thing":null,"note":"all green"}}'],
    ['contains, missing', { contains: 'maintenance' }, false, `body does not contain "maintenance"; it starts ${JSON.stringify(BODY.slice(0, 80) + '...')}`, BODY.slice(0, 80) + '...'],
    ['notContains, absent', { notContains: 'error' }, true, 'body does not contain "error"', null],
    ['notContains, present', { notContains: 'green' }, false, 'body contains "green" at offset 120: "...g\\":null,\\"note\\":\\"all green\\"}}", expected it absent', '...g":null,"note":"all green"}}'],
    ['matches', { matches: '"count":\\d+' }, true, 'body matches /"count":\\d+/ with "\\"count\\":2"', '"count":2'],
    ['does not match', { matches: '^<html' }, false, `body does not match /^<html/; it starts ${JSON.stringify(BODY.slice(0, 80) + '...')}`, BODY.slice(0, 80) + '...'],
  ];
  for (const [name, spec, ok, message, actual] of cases) {
    it(name, () => {
      const r = one(body(spec));
      assert.deepEqual([r.type, r.ok, r.message, r.actual], ['body', ok, message, actual]);
    });
  }
  it('a body that was not read completely is reported, not guessed', () => {
    const r = one(body({ contains: 'ok' }), { bodyText: null });
    assert.deepEqual([r.ok, r.message], [false, 'body not checked (it was not read completely), expected it to contain "ok"']);
  });
});

describe('json', () => {
  const cases: [string, string, Assertions['json'][number]['operator'], unknown, boolean, string, unknown][] = [
    ['equals', 'data.items[0].id', 'equals', 7, true, 'json data.items[0].id is 7, expected to equal 7', 7],
    ['equals fails', 'data.items[0].id', 'equals', 8, false, 'json data.items[0].id is 7, expected to equal 8', 7],
    ['equals an object', 'data.items[1]', 'equals', { id: 8 }, true, 'json data.items[1] is {"id":8}, expected to equal {"id":8}', { id: 8 }],
    ['notEquals', 'status', 'notEquals', 'down', true, 'json status is "ok", expected not to equal "down"', 'ok'],
    ['notEquals fails', 'status', 'notEquals', 'ok', false, 'json status is "ok", expected not to equal "ok"', 'ok'],
    ['contains in a string', 'data.note', 'contains', 'green', true, 'json data.note is "all green", expected to contain "green"', 'all green'],
    ['contains in an array', 'data.tags', 'contains', 'b', true, 'json data.tags is ["a","b"], expected to contain "b"', ['a', 'b']],
    ['contains fails', 'data.tags', 'contains', 'z', false, 'json data.tags is ["a","b"], expected to contain "z"', ['a', 'b']],
    ['lessThan', 'data.count', 'lessThan', 3, true, 'json data.count is 2, expected to be less than 3', 2],
    ['lessThan fails', 'data.count', 'lessThan', 2, false, 'json data.count is 2, expected to be less than 2', 2],
    ['greaterThan', 'data.count', 'greaterThan', 1, true, 'json data.count is 2, expected to be greater than 1', 2],
    ['greaterThan on a string fails', 'status', 'greaterThan', 1, false, 'json status is "ok", expected to be greater than 1', 'ok'],
    ['exists', 'data.nothing', 'exists', true, true, 'json data.nothing is null, expected it to exist', null],
    ['exists fails', 'data.missing', 'exists', true, false, 'json data.missing is missing, expected it to exist', null],
    ['absent', 'data.items[5]', 'exists', false, true, 'json data.items[5] is missing, expected it to be absent', null],
    ['absent fails', 'status', 'exists', false, false, 'json status is "ok", expected it to be absent', 'ok'],
    ['a missing path fails equals', 'data.items[0].missing', 'equals', 1, false, 'json data.items[0].missing is missing, expected to equal 1', null],
  ];
  for (const [name, path, operator, value, ok, message, actual] of cases) {
    it(name, () => {
      const r = one({ json: [{ path, operator, value }] });
      assert.deepEqual([r.type, r.ok, r.message, r.actual], ['json', ok, message, actual]);
      assert.deepEqual(r.expected, { path, [operator]: value });
    });
  }
  it('a body that is not JSON', () => {
    const r = one({ json: [{ path: 'status', operator: 'equals', value: 'ok' }] }, { bodyText: '<html>down</html>' });
    assert.equal(r.ok, false);
    assert.match(r.message, /^json status: the body is not JSON \(.+\); it starts "<html>down<\/html>", expected to equal "ok"$/);
  });
  it('paths index arrays and never walk into strings', () => {
    const doc = { a: [{ b: 'xyz' }], s: 'text' };
    assert.equal(valueAt(doc, 'a[0].b'), 'xyz');
    assert.equal(valueAt(doc, 's[0]'), undefined);
    assert.equal(valueAt(doc, 'a.0'), undefined);
    assert.equal(valueAt([1, 2], '[1]'), 2);
    assert.equal(valueAt(doc, 'constructor'), undefined, 'only own properties');
  });
});

describe('headers', () => {
  const cases: [string, Assertions['headers'][number], boolean, string, unknown][] = [
    ['equals', { name: 'cache-control', operator: 'equals', value: 'public, max-age=60' }, true, 'header cache-control is "public, max-age=60", expected "public, max-age=60"', 'public, max-age=60'],
    ['equals fails', { name: 'cache-control', operator: 'equals', value: 'no-store' }, false, 'header cache-control is "public, max-age=60", expected "no-store"', 'public, max-age=60'],
    ['contains', { name: 'content-type', operator: 'contains', value: 'json' }, true, 'header content-type is "application/json; charset=utf-8", expected it to contain "json"', 'application/json; charset=utf-8'],
    ['contains on a missing header', { name: 'etag', operator: 'contains', value: 'W/' }, false, 'header etag is missing, expected it to contain "W/"', null],
    ['matches', { name: 'cache-control', operator: 'matches', value: 'max-age=\\d+' }, true, 'header cache-control is "public, max-age=60", expected it to match /max-age=\\d+/', 'public, max-age=60'],
    ['matches fails', { name: 'content-type', operator: 'matches', value: '^text/' }, false, 'header content-type is "application/json; charset=utf-8", expected it to match /^text//', 'application/json; charset=utf-8'],
    ['absent', { name: 'server', operator: 'absent', value: true }, true, 'header server is missing, expected it absent', null],
    ['absent fails', { name: 'cache-control', operator: 'absent', value: true }, false, 'header cache-control is "public, max-age=60", expected it absent', 'public, max-age=60'],
  ];
  for (const [name, h, ok, message, actual] of cases) {
    it(name, () => {
      const r = one({ headers: [h] });
      assert.deepEqual([r.type, r.ok, r.message, r.actual], ['header', ok, message, actual]);
    });
  }
  it('a secret header is compared but never shown', () => {
    for (const name of ['x-api-key', 'set-cookie']) {
      const r = one({ headers: [{ name, operator: 'equals', value: 'guess' }] });
      assert.equal(r.ok, false);
      assert.equal(r.message, `header ${name} is "[redacted]", expected "[redacted]"`);
      assert.equal(r.actual, '[redacted]');
      assert.ok(!JSON.stringify(r).includes('guess') && !JSON.stringify(r).includes('k-123') && !JSON.stringify(r).includes('abc123'));
    }
    assert.equal(one({ headers: [{ name: 'x-api-key', operator: 'contains', value: 'k-' }] }).ok, true);
  });
});

describe('certificate', () => {
  it('enough days left passes', () => {
    const r = one({ certificate: { minDaysRemaining: 30 } });
    assert.deepEqual([r.ok, r.actual, r.message], [true, 45, 'certificate expires in 45 days (2027-01-10), expected at least 30 days']);
  });
  it('too few days fails with the actual count', () => {
    const r = one({ certificate: { minDaysRemaining: 60 } });
    assert.deepEqual([r.ok, r.actual, r.message], [false, 45, 'certificate expires in 45 days (2027-01-10), expected at least 60 days']);
  });
  it('plain http has no certificate', () => {
    const r = one({ certificate: { minDaysRemaining: 14 } }, { url: 'http://api.example.com/', certificate: null });
    assert.deepEqual([r.ok, r.actual, r.message], [false, null, 'no certificate (http), expected one valid for at least 14 days']);
  });
});

describe('securityHeaders preset', () => {
  it('https without any: HSTS, nosniff and framing all fail, each saying what it saw', () => {
    const results = check({ securityHeaders: true });
    assert.deepEqual(
      results.map((r) => [r.type, r.ok, r.message]),
      [
        ['securityHeaders', false, 'strict-transport-security is missing, expected it present on https'],
        ['securityHeaders', false, 'x-content-type-options is missing, expected "nosniff"'],
        ['securityHeaders', false, 'content-security-policy and x-frame-options are missing, expected one of them present'],
      ],
    );
  });
  it('all present on https passes; X-Frame-Options stands in for CSP', () => {
    const headers = { 'strict-transport-security': 'max-age=63072000', 'x-content-type-options': 'nosniff', 'x-frame-options': 'DENY' };
    const results = check({ securityHeaders: true }, { headers });
    assert.deepEqual(results.map((r) => r.ok), [true, true, true]);
    assert.equal(results[2]!.message, 'x-frame-options is "DENY", expected one of them present');
  });
  it('plain http does not ask for HSTS; a wrong nosniff value is shown', () => {
    const headers = { 'x-content-type-options': 'sniff', 'content-security-policy': "default-src 'self'" };
    const results = check({ securityHeaders: true }, { url: 'http://api.example.com/', headers });
    assert.deepEqual(
      results.map((r) => [r.ok, r.message]),
      [
        [false, 'x-content-type-options is "sniff", expected "nosniff"'],
        [true, `content-security-policy is "default-src 'self'", expected one of them present`],
      ],
    );
  });
});
