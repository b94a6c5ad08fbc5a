/**
 * Assertions: pure functions of a response. Every result carries the actual
 * value it compared and a sentence saying it (`status 503, expected one of
 * [200]`), passing or failing, so a page says what was seen, not only that
 * something was wrong.
 */
import { isDeepStrictEqual } from 'node:util';
import type { AssertionResult, CertificateInfo } from '../lib/spec/result.ts';
import type { Assertions, HeaderAssertion, JsonAssertion, StatusMatcher } from '../lib/spec/types.ts';
import { isSecretHeader, REDACTED } from './redact.ts';

/** What the assertions read from one response. */
export interface ResponseFacts {
  /** The URL that answered (after redirects): https decides the certificate and HSTS rules. */
  url: string;
  statusCode: number;
  /** Lowercased names, not redacted (redaction happens in what is reported). */
  headers: Readonly<Record<string, string>>;
  /** The attempt's total (ms). */
  totalMs: number;
  /** The decoded body, or null when it was not read completely. */
  bodyText: string | null;
  certificate: CertificateInfo | null;
  secretHeaders: readonly string[];
}

export function evaluateAssertions(assert: Assertions, facts: ResponseFacts): AssertionResult[] {
  const results: AssertionResult[] = [assertStatus(assert.status, facts.statusCode)];
  if (assert.latency) results.push(assertLatency(assert.latency.warning, assert.latency.critical, facts.totalMs));
  if (assert.body) {
    const { contains, notContains, matches } = assert.body;
    if (contains !== null) results.push(bodyContains(contains, facts.bodyText));
    if (notContains !== null) results.push(bodyNotContains(notContains, facts.bodyText));
    if (matches !== null) results.push(bodyMatches(matches, facts.bodyText));
  }
  if (assert.json.length > 0) {
    const parsed = parseJson(facts.bodyText);
    for (const a of assert.json) results.push(assertJson(a, parsed));
  }
  for (const h of assert.headers) results.push(assertHeader(h, facts.headers, facts.secretHeaders));
  if (assert.certificate) results.push(assertCertificate(assert.certificate.minDaysRemaining, facts));
  if (assert.securityHeaders) results.push(...assertSecurityHeaders(facts));
  return results;
}

/** The critical results that failed; warnings never fail a check. */
export function failedAssertions(results: readonly AssertionResult[]): AssertionResult[] {
  return results.filter((r) => !r.ok && r.severity === 'critical');
}

// ── status ──────────────────────────────────────────────────────────────────

export function statusMatches(matcher: StatusMatcher | string, status: number): boolean {
  const m = String(matcher);
  return /^[1-5]xx$/.test(m) ? Math.floor(status / 100) === Number(m[0]) : Number(m) === status;
}

function assertStatus(expected: readonly StatusMatcher[], status: number): AssertionResult {
  const ok = expected.some((m) => statusMatches(m, status));
  return result('status', ok, `status ${status}, expected one of [${expected.join(', ')}]`, status, expected);
}

// ── latency ─────────────────────────────────────────────────────────────────

function assertLatency(warning: number | null, critical: number | null, total: number): AssertionResult {
  const actual = Math.round(total * 10) / 10;
  const expected = { warning, critical };
  if (critical !== null && total > critical) {
    return result('latency', false, `latency ${actual} ms, expected at most ${critical} ms`, actual, expected);
  }
  if (warning !== null && total > warning) {
    return result('latency', false, `latency ${actual} ms, above the ${warning} ms warning threshold`, actual, expected, 'warning');
  }
  const limit = warning ?? critical;
  return result('latency', true, `latency ${actual} ms, expected at most ${limit} ms`, actual, expected, critical === null ? 'warning' : 'critical');
}

// ── body ────────────────────────────────────────────────────────────────────

const SNIPPET = 80;

function bodyContains(needle: string, body: string | null): AssertionResult {
  if (body === null) return unreadBody(`contain ${quote(needle)}`, { contains: needle });
  const at = body.indexOf(needle);
  return at >= 0
    ? result('body', true, `body contains ${quote(needle)}`, around(body, at, needle.length), { contains: needle })
    : result('body', false, `body does not contain ${quote(needle)}; it starts ${quote(snippet(body))}`, snippet(body), { contains: needle });
}

function bodyNotContains(needle: string, body: string | null): AssertionResult {
  if (body === null) return unreadBody(`not contain ${quote(needle)}`, { notContains: needle });
  const at = body.indexOf(needle);
  return at < 0
    ? result('body', true, `body does not contain ${quote(needle)}`, null, { notContains: needle })
    : result('body', false, `body contains ${quote(needle)} at offset ${at}: ${quote(around(body, at, needle.length))}, expected it absent`, around(body, at, needle.length), { notContains: needle });
}

function bodyMatches(source: string, body: string | null): AssertionResult {
  if (body === null) return unreadBody(`match /${source}/`, { matches: source });
  const m = new RegExp(source).exec(body);
  return m
    ? result('body', true, `body matches /${source}/ with ${quote(snippet(m[0]))}`, snippet(m[0]), { matches: source })
    : result('body', false, `body does not match /${source}/; it starts ${quote(snippet(body))}`, snippet(body), { matches: source });
}

function unreadBody(what: string, expected: unknown): AssertionResult {
  return result('body', false, `body not checked (it was not read completely), expected it to ${what}`, null, expected);
}

// ── json ────────────────────────────────────────────────────────────────────

type Parsed = { ok: true; value: unknown } | { ok: false; why: string };

function parseJson(body: string | null): Parsed {
  if (body === null) return { ok: false, why: 'the body was not read completely' };
  try {
    return { ok: true, value: JSON.parse(body) };
  } catch (err) {
    return { ok: false, why: `the body is not JSON (${(err as Error).message}); it starts ${quote(snippet(body))}` };
  }
}

/** `data.items[0].id` -> ['data', 'items', 0, 'id']. The schema has checked the syntax. */
export function parseJsonPath(path: string): (string | number)[] {
  const out: (string | number)[] = [];
  for (const m of path.matchAll(/\[(\d+)\]|([^.[\]]+)/g)) out.push(m[1] !== undefined ? Number(m[1]) : m[2]!);
  return out;
}

/** The value at `path`, or undefined when any step is missing. */
export function valueAt(root: unknown, path: string): unknown {
  let current: unknown = root;
  for (const key of parseJsonPath(path)) {
    if (current === null || typeof current !== 'object') return undefined;
    if (typeof key === 'number' ? !Array.isArray(current) : Array.isArray(current)) return undefined;
    if (!Object.hasOwn(current, key)) return undefined;
    current = (current as Record<string | number, unknown>)[key];
  }
  return current;
}

const JSON_VERBS: Record<JsonAssertion['operator'], string> = {
  equals: 'to equal',
  notEquals: 'not to equal',
  contains: 'to contain',
  lessThan: 'to be less than',
  greaterThan: 'to be greater than',
  exists: 'to exist',
};

function assertJson(a: JsonAssertion, parsed: Parsed): AssertionResult {
  const expected = { path: a.path, [a.operator]: a.value };
  const wanted = a.operator === 'exists' ? (a.value === false ? 'expected it to be absent' : 'expected it to exist') : `expected ${JSON_VERBS[a.operator]} ${show(a.value)}`;
  if (!parsed.ok) return result('json', false, `json ${a.path}: ${parsed.why}, ${wanted}`, null, expected);
  const actual = valueAt(parsed.value, a.path);
  const seen = actual === undefined ? 'is missing' : `is ${show(actual)}`;
  return result('json', jsonHolds(a, actual), `json ${a.path} ${seen}, ${wanted}`, actual === undefined ? null : actual, expected);
}

function jsonHolds(a: JsonAssertion, actual: unknown): boolean {
  switch (a.operator) {
    case 'exists':
      return (actual !== undefined) === (a.value !== false);
    case 'equals':
      return actual !== undefined && isDeepStrictEqual(actual, a.value);
    case 'notEquals':
      return actual !== undefined && !isDeepStrictEqual(actual, a.value);
    case 'contains':
      if (typeof actual === 'string') return actual.includes(String(a.value));
      if (Array.isArray(actual)) return actual.some((item) => isDeepStrictEqual(item, a.value));
      return false;
    case 'lessThan':
      return typeof actual === 'number' && typeof a.value === 'number' && actual < a.value;
    case 'greaterThan':
      return typeof actual === 'number' && typeof a.value === 'number' && actual > a.value;
  }
}

// ── headers ─────────────────────────────────────────────────────────────────

function assertHeader(h: HeaderAssertion, headers: Readonly<Record<string, string>>, secret: readonly string[]): AssertionResult {
  const raw = headers[h.name];
  const hidden = isSecretHeader(h.name, secret);
  const actual = raw === undefined ? null : hidden ? REDACTED : raw;
  const seen = raw === undefined ? `header ${h.name} is missing` : `header ${h.name} is ${quote(actual!)}`;
  const expected = { name: h.name, [h.operator]: hidden && h.operator !== 'absent' ? REDACTED : h.value };
  const want = hidden ? REDACTED : String(h.value);
  switch (h.operator) {
    case 'absent':
      return result('header', raw === undefined, `${seen}, expected it absent`, actual, expected);
    case 'equals':
      return result('header', raw === h.value, `${seen}, expected ${quote(want)}`, actual, expected);
    case 'contains':
      return result('header', raw !== undefined && raw.includes(String(h.value)), `${seen}, expected it to contain ${quote(want)}`, actual, expected);
    case 'matches':
      return result('header', raw !== undefined && new RegExp(String(h.value)).test(raw), `${seen}, expected it to match /${want}/`, actual, expected);
  }
}

// ── certificate ─────────────────────────────────────────────────────────────

function assertCertificate(minDays: number, facts: ResponseFacts): AssertionResult {
  const expected = { minDaysRemaining: minDays };
  const cert = facts.certificate;
  if (!cert) {
    const why = facts.url.startsWith('https:') ? 'no certificate was recorded' : `no certificate (${new URL(facts.url).protocol.slice(0, -1)})`;
    return result('certificate', false, `${why}, expected one valid for at least ${minDays} days`, null, expected);
  }
  const days = cert.daysRemaining;
  const when = days < 0 ? `expired ${-days} day${-days === 1 ? '' : 's'} ago` : `expires in ${days} day${days === 1 ? '' : 's'}`;
  return result('certificate', days >= minDays, `certificate ${when} (${cert.validTo.slice(0, 10)}), expected at least ${minDays} days`, days, expected);
}

// ── security headers preset ─────────────────────────────────────────────────

function assertSecurityHeaders(facts: ResponseFacts): AssertionResult[] {
  const h = facts.headers;
  const out: AssertionResult[] = [];
  if (facts.url.startsWith('https:')) {
    const hsts = h['strict-transport-security'] ?? null;
    out.push(
      result('securityHeaders', hsts !== null, `strict-transport-security ${hsts === null ? 'is missing' : `is ${quote(hsts)}`}, expected it present on https`, hsts, { 'strict-transport-security': 'present' }),
    );
  }
  const nosniff = h['x-content-type-options'] ?? null;
  out.push(
    result(
      'securityHeaders',
      nosniff?.trim().toLowerCase() === 'nosniff',
      `x-content-type-options ${nosniff === null ? 'is missing' : `is ${quote(nosniff)}`}, expected "nosniff"`,
      nosniff,
      { 'x-content-type-options': 'nosniff' },
    ),
  );
  const csp = h['content-security-policy'] ?? null;
  const xfo = h['x-frame-options'] ?? null;
  const framing = csp !== null ? `content-security-policy is ${quote(snippet(csp))}` : xfo !== null ? `x-frame-options is ${quote(xfo)}` : 'content-security-policy and x-frame-options are missing';
  out.push(
    result('securityHeaders', csp !== null || xfo !== null, `${framing}, expected one of them present`, { 'content-security-policy': csp, 'x-frame-options': xfo }, { anyOf: ['content-security-policy', 'x-frame-options'] }),
  );
  return out;
}

// ── helpers ─────────────────────────────────────────────────────────────────

function result(
  type: AssertionResult['type'],
  ok: boolean,
  message: string,
  actual: unknown,
  expected: unknown,
  severity: AssertionResult['severity'] = 'critical',
): AssertionResult {
  return { type, ok, severity, message, actual, expected };
}

function snippet(text: string): string {
  const flat = text.replace(/\s+/g, ' ');
  return flat.length > SNIPPET ? `${flat.slice(0, SNIPPET)}...` : flat;
}

function around(text: string, at: number, length: number): string {
  const start = Math.max(0, at - 20);
  const end = Math.min(text.length, at + length + 20);
  return `${start > 0 ? '...' : ''}${text.slice(start, end).replace(/\s+/g, ' ')}${end < text.length ? '...' : ''}`;
}

function quote(text: string): string {
  return JSON.stringify(text);
}

function show(value: unknown): string {
  const s = JSON.stringify(value);
  if (s === undefined) return String(value);
  return s.length > SNIPPET ? `${s.slice(0, SNIPPET)}...` : s;
}
