/**
 * Table-driven: one malformed check file per row, each asserting where the
 * problem is reported and its whole message (a RegExp only where the text
 * comes from the platform, and then anchored at both ends).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseConfigText } from '../../lib/spec/load.ts';
import { formatProblem } from '../../lib/spec/problems.ts';
import { validateConfig } from '../../lib/spec/validate.ts';

/** One valid check to build malformed files around. */
const OK = `  - name: ok-check\n    url: https://ok.example.com/\n`;

interface Row {
  title: string;
  yaml: string;
  where: string;
  /** The whole message; a RegExp must be anchored with ^ and $. */
  message: string | RegExp;
}

const ALIAS_BOMB = [
  'a: &a [x, x, x, x, x, x, x, x, x, x]',
  'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]',
  'c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]',
  'checks:',
  OK,
].join('\n');

const ROWS: Row[] = [
  { title: 'empty file', yaml: '', where: 'f.yaml', message: 'is empty, expected a mapping with a checks list' },
  { title: 'top level is a list', yaml: '- a\n- b\n', where: 'f.yaml', message: 'must be a mapping with a checks list at the top level' },
  { title: 'missing checks', yaml: 'namespace: X\n', where: 'checks', message: 'must be a list of checks, got nothing (it is required)' },
  { title: 'empty checks', yaml: 'checks: []\n', where: 'checks', message: 'must list at least one check, got []' },
  { title: 'checks is a mapping', yaml: 'checks: { a: 1 }\n', where: 'checks', message: 'must be a list of checks, got {"a":1}' },
  { title: 'YAML syntax error with line and column', yaml: 'checks:\n  - name: a\n   url: x\n', where: 'f.yaml:3:1', message: 'invalid YAML: Sequence item without - indicator' },
  { title: 'duplicate YAML key', yaml: `checks:\n  - name: a\n    name: b\n    url: https://x.example/\n`, where: 'f.yaml:3:5', message: 'invalid YAML: Map keys must be unique' },
  { title: 'unknown top-level key', yaml: `chekcs: []\nchecks:\n${OK}`, where: 'chekcs', message: 'unknown field, did you mean "checks"?' },
  { title: 'typo timout suggests timeout', yaml: `checks:\n${OK}    timout: 5s\n`, where: 'checks[0] (ok-check).timout', message: 'unknown field, did you mean "timeout"?' },
  { title: 'unknown key far from any field', yaml: `checks:\n${OK}    zzzzzz: 1\n`, where: 'checks[0] (ok-check).zzzzzz', message: 'unknown field; expected one of name, url, method, headers, secretHeaders, body, frequency, timeout, retries, followRedirects, maxBodySize, tls, assert, metrics, alarm, runbook' },
  { title: 'typo inside assert', yaml: `checks:\n${OK}    assert: { stauts: [200] }\n`, where: 'checks[0] (ok-check).assert.stauts', message: 'unknown field, did you mean "status"?' },
  { title: 'missing url', yaml: 'checks:\n  - name: no-url\n', where: 'checks[0] (no-url).url', message: 'must be the URL to probe (an http:// or https:// URL), got nothing (it is required)' },
  { title: 'missing name', yaml: 'checks:\n  - url: https://x.example/\n', where: 'checks[0].name', message: 'must be a check name, got nothing (it is required)' },
  { title: 'uppercase name', yaml: 'checks:\n  - name: Shop_Home\n    url: https://x.example/\n', where: 'checks[0] (Shop_Home).name', message: `must use lowercase letters, digits and '-' only, starting and ending with a letter or digit, got "Shop_Home"` },
  { title: 'name too long', yaml: `checks:\n  - name: ${'a'.repeat(65)}\n    url: https://x.example/\n`, where: `checks[0] (${'a'.repeat(65)}).name`, message: `must be at most 64 characters, got "${'a'.repeat(65)}"` },
  { title: 'duplicate check names', yaml: `checks:\n${OK}${OK}`, where: 'checks[1] (ok-check).name', message: 'must be unique; checks[0] already uses it, got "ok-check"' },
  { title: 'ftp URL', yaml: 'checks:\n  - name: a\n    url: ftp://x.example/\n', where: 'checks[0] (a).url', message: 'must use http:// or https://, not ftp://, got "ftp://x.example/"' },
  { title: 'relative URL', yaml: 'checks:\n  - name: a\n    url: /health\n', where: 'checks[0] (a).url', message: 'must be an absolute http:// or https:// URL, got "/health"' },
  { title: 'URL with credentials is masked', yaml: 'checks:\n  - name: a\n    url: https://bob:hunter2@x.example/\n', where: 'checks[0] (a).url', message: 'must not carry a user:password part (secrets do not belong in URLs; use a header), got "https://***@x.example/"' },
  { title: 'unknown method', yaml: `checks:\n${OK}    method: FETCH\n`, where: 'checks[0] (ok-check).method', message: 'must be one of GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS, got "FETCH"' },
  { title: 'bare number timeout suggests only units a timeout may use', yaml: `checks:\n${OK}    timeout: 5\n`, where: 'checks[0] (ok-check).timeout', message: 'must be a duration with a unit, such as "5s", got 5' },
  { title: 'bare number frequency suggests minutes, not seconds', yaml: `checks:\n${OK}    frequency: 5\n`, where: 'checks[0] (ok-check).frequency', message: 'must be a duration with a unit, such as "5m", got 5' },
  { title: 'bare number latency suggests both units that fit', yaml: `checks:\n${OK}    assert: { latency: { critical: 5 } }\n`, where: 'checks[0] (ok-check).assert.latency.critical', message: 'must be a duration with a unit, such as "5s" or "5ms", got 5' },
  { title: 'bare number with no fitting unit falls back to examples', yaml: `checks:\n${OK}    frequency: 90\n`, where: 'checks[0] (ok-check).frequency', message: 'must be a duration with a unit, such as "1m" or "5m", got 90' },
  { title: 'unknown duration unit', yaml: `checks:\n${OK}    timeout: 5sec\n`, where: 'checks[0] (ok-check).timeout', message: 'must be a duration with a unit: ms, s, m or h (such as "500ms", "5s", "30s"), got "5sec"' },
  { title: 'timeout not below frequency', yaml: `checks:\n${OK}    frequency: 1m\n    timeout: 2m\n`, where: 'checks[0] (ok-check).timeout', message: 'must be less than frequency 1m, got "2m"' },
  { title: 'timeout above 60s', yaml: `checks:\n${OK}    frequency: 5m\n    timeout: 90s\n`, where: 'checks[0] (ok-check).timeout', message: 'must be from 100ms to 1m, got "90s"' },
  { title: 'frequency not whole minutes', yaml: `checks:\n${OK}    frequency: 90s\n`, where: 'checks[0] (ok-check).frequency', message: 'must be whole minutes from 1m to 1h, got "90s"' },
  { title: 'frequency above an hour', yaml: `checks:\n${OK}    frequency: 2h\n`, where: 'checks[0] (ok-check).frequency', message: 'must be whole minutes from 1m to 1h, got "2h"' },
  { title: 'retries out of range', yaml: `checks:\n${OK}    retries: 5\n`, where: 'checks[0] (ok-check).retries', message: 'must be a whole number from 0 to 2, got 5' },
  { title: 'retries infinite shows the value, not null', yaml: `checks:\n${OK}    retries: .inf\n`, where: 'checks[0] (ok-check).retries', message: 'must be a whole number from 0 to 2, got Infinity' },
  { title: 'retries that cannot fit the frequency', yaml: `checks:\n${OK}    timeout: 30s\n    retries: 2\n`, where: 'checks[0] (ok-check).retries', message: 'must let every attempt finish within frequency 1m: 3 attempts of timeout 30s take up to 90s, got 2' },
  { title: 'bare number size', yaml: `checks:\n${OK}    maxBodySize: 1024\n`, where: 'checks[0] (ok-check).maxBodySize', message: 'must be a size with a unit, such as "1024B" or "1024KiB", got 1024' },
  { title: 'followRedirects as a string', yaml: `checks:\n${OK}    followRedirects: "yes"\n`, where: 'checks[0] (ok-check).followRedirects', message: 'must be true, false or a whole number from 0 to 20, got "yes"' },
  { title: 'followRedirects above the limit', yaml: `checks:\n${OK}    followRedirects: 30\n`, where: 'checks[0] (ok-check).followRedirects', message: 'must be true, false or a whole number from 0 to 20, got 30' },
  { title: 'followRedirects not whole', yaml: `checks:\n${OK}    followRedirects: 1.5\n`, where: 'checks[0] (ok-check).followRedirects', message: 'must be true, false or a whole number from 0 to 20, got 1.5' },
  { title: 'tls verify not boolean', yaml: `checks:\n${OK}    tls: { verify: "no" }\n`, where: 'checks[0] (ok-check).tls.verify', message: 'must be true or false, got "no"' },
  { title: 'body on GET', yaml: `checks:\n${OK}    body: hello\n`, where: 'checks[0] (ok-check).body', message: 'must be absent for GET (use POST, PUT or PATCH to send a body), got "hello"' },
  { title: 'header value is a number', yaml: `checks:\n${OK}    headers: { x-version: 2 }\n`, where: 'checks[0] (ok-check).headers.x-version', message: 'must be a string (quote numbers), got 2' },
  { title: 'header name with a space blames the name', yaml: `checks:\n${OK}    headers: { "bad key": x }\n`, where: 'checks[0] (ok-check).headers.bad key', message: `must be a valid header name: letters, digits and - (also !#$%&'*+.^_\`|~), no spaces or ':', got "bad key"` },
  { title: 'bad status class', yaml: `checks:\n${OK}    assert: { status: ["7xx"] }\n`, where: 'checks[0] (ok-check).assert.status[0]', message: 'must be a status code from 100 to 599 or a class such as "2xx", got "7xx"' },
  { title: 'status is a boolean', yaml: `checks:\n${OK}    assert: { status: true }\n`, where: 'checks[0] (ok-check).assert.status', message: 'must be a status code, a class such as "2xx", or a list of them, got true' },
  { title: 'empty status list (a check that can never pass)', yaml: `checks:\n${OK}    assert: { status: [] }\n`, where: 'checks[0] (ok-check).assert.status', message: 'must list at least one status code or class such as "2xx", got []' },
  { title: 'invalid regular expression says why', yaml: `checks:\n${OK}    assert: { body: { matches: "([a-z" } }\n`, where: 'checks[0] (ok-check).assert.body.matches', message: /^must be a valid regular expression \(Invalid regular expression: \/\(\[a-z\/: Unterminated (group|character class)\), got "\(\[a-z"$/ },
  { title: 'empty body assertion', yaml: `checks:\n${OK}    assert: { body: {} }\n`, where: 'checks[0] (ok-check).assert.body', message: 'must set contains, notContains or matches, got {}' },
  { title: 'latency warning above critical', yaml: `checks:\n${OK}    assert: { latency: { warning: 3s, critical: 2s } }\n`, where: 'checks[0] (ok-check).assert.latency.warning', message: 'must not be above critical 2s, got "3s"' },
  { title: 'latency above timeout', yaml: `checks:\n${OK}    timeout: 1s\n    assert: { latency: { critical: 2s } }\n`, where: 'checks[0] (ok-check).assert.latency.critical', message: 'must not be above timeout 1s (a slower probe times out first), got "2s"' },
  { title: 'json assertion with two operators', yaml: `checks:\n${OK}    assert: { json: [ { path: a, equals: 1, exists: true } ] }\n`, where: 'checks[0] (ok-check).assert.json[0]', message: 'must set exactly one of equals, notEquals, contains, lessThan, greaterThan, exists, got equals and exists' },
  { title: 'json assertion without operator', yaml: `checks:\n${OK}    assert: { json: [ { path: a } ] }\n`, where: 'checks[0] (ok-check).assert.json[0]', message: 'must set exactly one of equals, notEquals, contains, lessThan, greaterThan, exists, got none' },
  { title: 'json path malformed', yaml: `checks:\n${OK}    assert: { json: [ { path: "a..b", exists: true } ] }\n`, where: 'checks[0] (ok-check).assert.json[0].path', message: 'must be a JSON path such as "status" or "data.items[0].id", got "a..b"' },
  { title: 'json lessThan not a number', yaml: `checks:\n${OK}    assert: { json: [ { path: a, lessThan: "5" } ] }\n`, where: 'checks[0] (ok-check).assert.json[0].lessThan', message: 'must be a number, got "5"' },
  { title: 'header assertion with bad name', yaml: `checks:\n${OK}    assert: { headers: [ { name: "bad header", absent: true } ] }\n`, where: 'checks[0] (ok-check).assert.headers[0].name', message: `must be a valid header name: letters, digits and - (also !#$%&'*+.^_\`|~), no spaces or ':', got "bad header"` },
  { title: 'certificate on http', yaml: 'checks:\n  - name: a\n    url: http://x.example/\n    assert: { certificate: { minDaysRemaining: 14 } }\n', where: 'checks[0] (a).assert.certificate', message: 'needs an https:// URL, got "http://x.example/"' },
  { title: 'certificate days out of range', yaml: `checks:\n${OK}    assert: { certificate: { minDaysRemaining: 0 } }\n`, where: 'checks[0] (ok-check).assert.certificate.minDaysRemaining', message: 'must be a whole number from 1 to 365, got 0' },
  { title: 'datapointsToAlarm above evaluationPeriods', yaml: `checks:\n${OK}    alarm: { datapointsToAlarm: 4, evaluationPeriods: 3 }\n`, where: 'checks[0] (ok-check).alarm.datapointsToAlarm', message: 'must be at most evaluationPeriods 3, got 4' },
  { title: 'runbook url not http', yaml: `checks:\n${OK}    runbook: { url: "wiki/page" }\n`, where: 'checks[0] (ok-check).runbook.url', message: 'must be an absolute http:// or https:// URL, got "wiki/page"' },
  { title: 'bad e-mail subscription', yaml: `alerting: { critical: { email: [oncall-at-example.com] } }\nchecks:\n${OK}`, where: 'alerting.critical.email[0]', message: 'must be an e-mail address such as oncall@example.com, got "oncall-at-example.com"' },
  { title: 'e-mail with an empty domain label', yaml: `alerting: { critical: { email: ["x@y..com"] } }\nchecks:\n${OK}`, where: 'alerting.critical.email[0]', message: 'must be an e-mail address such as oncall@example.com, got "x@y..com"' },
  { title: 'e-mail in angle brackets', yaml: `alerting: { critical: { email: ["<x@y.com>"] } }\nchecks:\n${OK}`, where: 'alerting.critical.email[0]', message: 'must be an e-mail address such as oncall@example.com, got "<x@y.com>"' },
  { title: 'e-mail with a trailing dot', yaml: `alerting: { critical: { email: [x@y.com.] } }\nchecks:\n${OK}`, where: 'alerting.critical.email[0]', message: 'must be an e-mail address such as oncall@example.com, got "x@y.com."' },
  { title: 'http (not https) subscription', yaml: `alerting: { warning: { https: ["http://hooks.example.com/x"] } }\nchecks:\n${OK}`, where: 'alerting.warning.https[0]', message: 'must be an https:// URL, got "http://hooks.example.com/x"' },
  { title: 'https subscription with credentials is rejected and masked', yaml: `alerting: { critical: { https: ["https://u:p@hooks.example.com/x"] } }\nchecks:\n${OK}`, where: 'alerting.critical.https[0]', message: 'must not carry a user:password part (the address ends up in the CloudFormation template), got "https://***@hooks.example.com/x"' },
  { title: 'sms not E.164', yaml: `alerting: { critical: { sms: ["555-0100"] } }\nchecks:\n${OK}`, where: 'alerting.critical.sms[0]', message: 'must be a phone number in E.164 form such as +14155550100, got "555-0100"' },
  { title: 'unknown severity', yaml: `alerting: { page: { email: [a@b.co] } }\nchecks:\n${OK}`, where: 'alerting.page', message: 'unknown field; expected one of critical, warning' },
  { title: 'reserved namespace', yaml: `namespace: AWS/Custom\nchecks:\n${OK}`, where: 'namespace', message: 'must not start with "AWS/" (reserved for AWS services), got "AWS/Custom"' },
  { title: 'bad default is reported once, under defaults', yaml: `defaults: { timeout: 5 }\nchecks:\n${OK}${OK.replace('ok-check', 'other')}`, where: 'defaults.timeout', message: 'must be a duration with a unit, such as "5s", got 5' },
  { title: 'cross-field rule broken by a default says so', yaml: `defaults: { timeout: 50s }\nchecks:\n${OK}    frequency: 1m\n    retries: 1\n`, where: 'checks[0] (ok-check).retries', message: 'must let every attempt finish within frequency 1m: 2 attempts of timeout 50s take up to 100s, got 1 (timeout from defaults)' },
  { title: 'timeout from defaults above frequency', yaml: `defaults: { timeout: 2m }\nchecks:\n${OK}    frequency: 1m\n`, where: 'checks[0] (ok-check).timeout', message: 'must be less than frequency 1m, got "2m" (from defaults)' },
  { title: 'duplicate name when the first copy has an error', yaml: `checks:\n${OK}    timeout: 5\n${OK}`, where: 'checks[1] (ok-check).name', message: 'must be unique; checks[0] already uses it, got "ok-check"' },
  { title: 'duplicate name when the second copy has an error', yaml: `checks:\n${OK}${OK}    retries: 9\n`, where: 'checks[1] (ok-check).name', message: 'must be unique; checks[0] already uses it, got "ok-check"' },
  { title: 'self-referencing alias', yaml: 'checks: &c [ {name: x, url: "https://x.test/", body: *c} ]\n', where: 'f.yaml:1:54', message: 'a value refers to itself: alias *c sits inside the value anchored &c; expected plain data (write the value out)' },
  { title: 'alias bomb', yaml: ALIAS_BOMB, where: 'f.yaml', message: 'YAML aliases expand too much (past 100 expansions, the guard against alias bombs); expected plain data or a few aliases' },
];

describe('validation of malformed check files', () => {
  it('covers at least 30 distinct malformed files', () => {
    assert.ok(ROWS.length >= 30, `only ${ROWS.length} rows`);
    assert.equal(new Set(ROWS.map((r) => r.yaml)).size, ROWS.length, 'rows must be distinct files');
  });

  it('asserts whole messages: every pattern is anchored at both ends', () => {
    for (const row of ROWS) {
      if (row.message instanceof RegExp) assert.match(row.message.source, /^\^.*\$$/, row.title);
    }
  });

  for (const row of ROWS) {
    it(row.title, () => {
      const result = parseConfigText(row.yaml, 'f.yaml');
      assert.equal(result.ok, false, 'file should be rejected');
      if (result.ok) return;
      const atPath = result.problems.filter((p) => p.where === row.where);
      assert.ok(
        atPath.length > 0,
        `no problem at ${row.where}; got:\n${result.problems.map(formatProblem).join('\n')}`,
      );
      const matched = atPath.some((p) =>
        typeof row.message === 'string' ? p.message === row.message : row.message.test(p.message),
      );
      assert.ok(matched, `message at ${row.where} does not match ${row.message}; got:\n${atPath.map(formatProblem).join('\n')}`);
    });
  }
});

/** Every problem as printed (`where: message`), in order; [] when the file is valid. */
function problemLines(yaml: string): string[] {
  const result = parseConfigText(yaml, 'f.yaml');
  return result.ok ? [] : result.problems.map(formatProblem);
}

describe('validation collects every problem', () => {
  it('reports three independent mistakes in one file, each with its path', () => {
    const yaml = `checks:\n  - name: a\n    url: ftp://x.example/\n    timout: 5s\n  - name: b\n    url: https://x.example/\n    frequency: 1m\n    timeout: 2m\n`;
    const result = parseConfigText(yaml, 'f.yaml');
    assert.equal(result.ok, false);
    if (result.ok) return;
    assert.deepEqual(result.problems.map((p) => p.where).sort(), [
      'checks[0] (a).timout',
      'checks[0] (a).url',
      'checks[1] (b).timeout',
    ]);
  });

  it('still checks the rules between valid fields when another field is invalid', () => {
    const yaml = `checks:\n  - name: a\n    url: not-a-url\n    frequency: 1m\n    timeout: 2m\n`;
    const result = parseConfigText(yaml, 'f.yaml');
    assert.equal(result.ok, false);
    if (result.ok) return;
    assert.deepEqual(result.problems.map(formatProblem), [
      'checks[0] (a).url: must be an absolute http:// or https:// URL, got "not-a-url"',
      'checks[0] (a).timeout: must be less than frequency 1m, got "2m"',
    ]);
  });

  it('checks the rule between two valid alarm fields beside an unknown one', () => {
    assert.deepEqual(problemLines(`checks:\n${OK}    alarm: { datapointsToAlarm: 4, evaluationPeriods: 3, evalPeriods: 3 }\n`), [
      'checks[0] (ok-check).alarm.evalPeriods: unknown field; expected one of datapointsToAlarm, evaluationPeriods',
      'checks[0] (ok-check).alarm.datapointsToAlarm: must be at most evaluationPeriods 3, got 4',
    ]);
  });

  it('checks the latency rule beside a typo elsewhere in assert', () => {
    assert.deepEqual(problemLines(`checks:\n${OK}    assert: { latency: { warning: 3s, critical: 2s }, stauts: 200 }\n`), [
      'checks[0] (ok-check).assert.stauts: unknown field, did you mean "status"?',
      'checks[0] (ok-check).assert.latency.warning: must not be above critical 2s, got "3s"',
    ]);
  });

  it('does not compare a valid field with the default that replaced an invalid one', () => {
    // evaluationPeriods would default to 3, below datapointsToAlarm 4; frequency would default to 1m, below timeout 2m.
    assert.deepEqual(problemLines(`checks:\n${OK}    alarm: { datapointsToAlarm: 4, evaluationPeriods: "x" }\n`), [
      'checks[0] (ok-check).alarm.evaluationPeriods: must be a whole number from 1 to 60, got "x"',
    ]);
    assert.deepEqual(problemLines(`checks:\n${OK}    frequency: 5\n    timeout: 2m\n`), [
      'checks[0] (ok-check).frequency: must be a duration with a unit, such as "5m", got 5',
    ]);
  });

  it('does not call an entry empty because its only (invalid) part was removed', () => {
    assert.deepEqual(problemLines(`checks:\n${OK}    assert: { json: [ { path: a, lessThan: "5" } ], latency: { warning: 5 } }\n`), [
      'checks[0] (ok-check).assert.latency.warning: must be a duration with a unit, such as "5s" or "5ms", got 5',
      'checks[0] (ok-check).assert.json[0].lessThan: must be a number, got "5"',
    ]);
  });

  it('reports a rule on a later list entry at its own index when an earlier entry is invalid', () => {
    assert.deepEqual(problemLines(`checks:\n${OK}    assert: { json: [ { path: "a..b", exists: true }, { path: c, equals: 1, exists: true } ] }\n`), [
      'checks[0] (ok-check).assert.json[0].path: must be a JSON path such as "status" or "data.items[0].id", got "a..b"',
      'checks[0] (ok-check).assert.json[1]: must set exactly one of equals, notEquals, contains, lessThan, greaterThan, exists, got equals and exists',
    ]);
  });

  it('reports a value that contains itself instead of throwing', () => {
    const body: Record<string, unknown> = { a: 1 };
    body.self = body;
    const result = validateConfig({ checks: [{ name: 'a', url: 'https://x.example/', method: 'POST', body }] });
    assert.equal(result.ok, false);
    if (result.ok) return;
    assert.deepEqual(result.problems.map(formatProblem), [
      'checks[0] (a).body.self: must not contain itself, got a reference back to checks[0] (a).body',
    ]);
  });

  it('accepts the same value shared by two checks (an alias that is not a loop)', () => {
    const yaml = `checks:\n  - name: a\n    url: https://x.example/\n    method: POST\n    body: &b { a: 1 }\n  - name: b\n    url: https://x.example/\n    method: POST\n    body: *b\n`;
    assert.equal(parseConfigText(yaml, 'f.yaml').ok, true);
  });

  it('accepts well-formed e-mail and https subscription addresses', () => {
    const yaml = `alerting: { critical: { email: [oncall+pager@example.co.uk, a.b@sub.example.com], https: ["https://events.example.com/hook?k=v"] } }\nchecks:\n${OK}`;
    assert.deepEqual(problemLines(yaml), []);
  });

  it('reports a defaults problem once, not once per check', () => {
    const yaml = `defaults: { retries: 9 }\nchecks:\n${OK}${OK.replace('ok-check', 'b')}${OK.replace('ok-check', 'c')}`;
    const result = parseConfigText(yaml, 'f.yaml');
    assert.equal(result.ok, false);
    if (result.ok) return;
    assert.deepEqual(result.problems.map(formatProblem), ['defaults.retries: must be a whole number from 0 to 2, got 9']);
  });
});
