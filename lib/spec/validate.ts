/**
 * From what people wrote to normalized CheckSpecs, collecting every problem
 * instead of stopping at the first. The CLI, the CDK app, the construct and
 * the Lambda handler all validate through here.
 */
import type { z } from 'zod';
import { CHECK_DEFAULTS, CONFIG_DEFAULTS, defaultStatus, LIMITS } from './defaults.ts';
import { renderPath, renderValue, suggest, type PathSegment, type Problem } from './problems.ts';
import { checkSchema, defaultsSchema, fileSchema, UNKNOWN_KEY, type CheckParsed, type FileInput } from './schema.ts';
import {
  SEVERITIES,
  type CheckSpec,
  type HeaderAssertion,
  type JsonAssertion,
  type JsonOperator,
  type StatusMatcher,
  type Subscriptions,
  type WatchpostConfig,
} from './types.ts';
import { formatDuration } from './units.ts';

export type Validation = { ok: true; config: WatchpostConfig } | { ok: false; problems: Problem[] };

/** Fields whose objects merge one level deep with `defaults` rather than replace them. */
const MERGED_OBJECTS = ['headers', 'tls', 'assert', 'metrics', 'alarm', 'runbook'] as const;

const JSON_OPERATORS: JsonOperator[] = ['equals', 'notEquals', 'contains', 'lessThan', 'greaterThan', 'exists'];
const HEADER_OPERATORS = ['equals', 'contains', 'matches', 'absent'] as const;

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const E164 = /^\+[1-9]\d{6,14}$/;

/** Validates a parsed check file (or the construct's typed props). */
export function validateConfig(input: FileInput | unknown): Validation {
  const problems: Problem[] = [];
  const raw = input as Record<string, unknown>;
  const checkNames = Array.isArray(raw?.checks)
    ? raw.checks.map((c) => (isRecord(c) && typeof c.name === 'string' ? c.name : undefined))
    : [];
  const report = (path: PathSegment[], message: string) =>
    problems.push({ where: renderPath(path, checkNames), message });

  const file = fileSchema.safeParse(input, { reportInput: true });
  if (!file.success) collectIssues(file.error.issues, [], input, report);
  if (!isRecord(input)) return { ok: false, problems };

  // Defaults: keep the keys that validate, so one bad default is reported once, not once per check.
  let defaults: Record<string, unknown> = {};
  if (input.defaults !== undefined) {
    const parsed = defaultsSchema.safeParse(input.defaults, { reportInput: true });
    if (parsed.success) defaults = input.defaults as Record<string, unknown>;
    else {
      collectIssues(parsed.error.issues, ['defaults'], input.defaults, report);
      if (isRecord(input.defaults)) {
        const bad = new Set(parsed.error.issues.map((i) => i.path[0]));
        defaults = Object.fromEntries(Object.entries(input.defaults).filter(([k]) => !bad.has(k)));
      }
    }
  }

  const checks: CheckSpec[] = [];
  const seen = new Map<string, number>();
  const rawChecks = Array.isArray(input.checks) ? input.checks : [];
  rawChecks.forEach((rawCheck, i) => {
    const merged = isRecord(rawCheck) ? mergeDefaults(defaults, rawCheck) : rawCheck;
    const parsed = checkSchema.safeParse(merged, { reportInput: true });
    const fromDefaults = (field: string) =>
      isRecord(rawCheck) && !(field in rawCheck) && field in defaults ? ' (from defaults)' : '';
    if (!parsed.success) {
      collectIssues(parsed.error.issues, ['checks', i], merged, report);
      // Still check the rules between the fields that are valid, so every problem shows at once.
      for (const rule of rulesOnValidFields(merged, parsed.error.issues)) {
        report(['checks', i, ...rule.path], rule.message + fromDefaults(String(rule.path[0])));
      }
      return;
    }
    const spec = normalizeCheck(parsed.data);
    for (const rule of checkRules(spec, merged as Record<string, unknown>)) {
      report(['checks', i, ...rule.path], rule.message + fromDefaults(String(rule.path[0])));
    }
    const first = seen.get(spec.name);
    if (first !== undefined) {
      report(['checks', i, 'name'], `must be unique; checks[${first}] already uses it, got ${renderValue(spec.name)}`);
    } else seen.set(spec.name, i);
    checks.push(spec);
  });

  if (isRecord(input.alerting)) {
    for (const severity of SEVERITIES) {
      const subs = input.alerting[severity];
      if (isRecord(subs)) addressProblems(subs, ['alerting', severity], report);
    }
  }

  if (problems.length > 0) return { ok: false, problems };
  const alerting = input.alerting as Partial<Record<string, Partial<Subscriptions>>> | undefined;
  return {
    ok: true,
    config: {
      namespace: (input.namespace as string | undefined) ?? CONFIG_DEFAULTS.namespace,
      alerting: {
        critical: subscriptionsOf(alerting?.critical),
        warning: subscriptionsOf(alerting?.warning),
      },
      checks,
    },
  };
}

/** Placeholders for required fields that failed, so the other fields' rules can still run. */
const PLACEHOLDERS: Record<string, unknown> = { name: 'placeholder', url: 'https://placeholder.invalid/' };

function rulesOnValidFields(merged: unknown, issues: readonly z.core.$ZodIssue[]): RuleProblem[] {
  if (!isRecord(merged)) return [];
  const bad = new Set(issues.map((issue) => String(issue.path[0])));
  const valid: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(merged)) if (!bad.has(key)) valid[key] = value;
  for (const [key, value] of Object.entries(PLACEHOLDERS)) if (bad.has(key) || !(key in valid)) valid[key] = value;
  const reparsed = checkSchema.safeParse(valid);
  if (!reparsed.success) return [];
  return checkRules(normalizeCheck(reparsed.data), valid).filter(
    (rule) => !bad.has(String(rule.path[0])) && !(bad.has('url') && rule.path[1] === 'certificate'),
  );
}

function mergeDefaults(defaults: Record<string, unknown>, check: Record<string, unknown>): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...defaults, ...check };
  for (const key of MERGED_OBJECTS) {
    if (isRecord(defaults[key]) && isRecord(check[key])) merged[key] = { ...defaults[key], ...check[key] };
  }
  return merged;
}

function normalizeCheck(c: CheckParsed): CheckSpec {
  const d = CHECK_DEFAULTS;
  const followRedirects =
    c.followRedirects === undefined ? d.followRedirects : c.followRedirects === true ? d.followRedirects : Number(c.followRedirects);
  const headers = Object.fromEntries(Object.entries(c.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
  let body: string | null = null;
  if (typeof c.body === 'string') body = c.body;
  else if (c.body !== undefined) {
    body = JSON.stringify(c.body);
    headers['content-type'] ??= 'application/json';
  }
  const a = c.assert ?? {};
  const status = a.status === undefined ? defaultStatus(followRedirects) : [a.status].flat().map(toStatusMatcher);
  return {
    name: c.name,
    url: c.url,
    method: c.method ?? d.method,
    headers,
    secretHeaders: (c.secretHeaders ?? []).map((h) => h.toLowerCase()),
    body,
    frequency: c.frequency ?? d.frequency,
    timeout: c.timeout ?? d.timeout,
    retries: c.retries ?? d.retries,
    followRedirects,
    maxBodySize: c.maxBodySize ?? d.maxBodySize,
    tls: { verify: c.tls?.verify ?? d.tls.verify },
    assert: {
      status,
      latency: a.latency ? { warning: a.latency.warning ?? null, critical: a.latency.critical ?? null } : null,
      body: a.body
        ? { contains: a.body.contains ?? null, notContains: a.body.notContains ?? null, matches: a.body.matches ?? null }
        : null,
      json: (a.json ?? []).map(toJsonAssertion),
      headers: (a.headers ?? []).map(toHeaderAssertion),
      certificate: a.certificate ?? null,
      securityHeaders: a.securityHeaders ?? d.assert.securityHeaders,
    },
    metrics: {
      timings: c.metrics?.timings ?? d.metrics.timings,
      cache: c.metrics?.cache ?? d.metrics.cache,
      serverTiming: c.metrics?.serverTiming ?? [],
    },
    alarm: {
      datapointsToAlarm: c.alarm?.datapointsToAlarm ?? d.alarm.datapointsToAlarm,
      evaluationPeriods: c.alarm?.evaluationPeriods ?? d.alarm.evaluationPeriods,
    },
    runbook: {
      owner: c.runbook?.owner ?? null,
      expected: c.runbook?.expected ?? null,
      rollback: c.runbook?.rollback ?? null,
      url: c.runbook?.url ?? null,
    },
  };
}

function toStatusMatcher(s: number | string): StatusMatcher {
  return typeof s === 'number' || /^\d+$/.test(s) ? Number(s) : (s as StatusMatcher);
}

type RawJsonAssertion = NonNullable<NonNullable<CheckParsed['assert']>['json']>[number];
function toJsonAssertion(j: RawJsonAssertion): JsonAssertion {
  const operator = JSON_OPERATORS.find((op) => j[op] !== undefined) ?? 'exists';
  return { path: j.path, operator, value: j[operator] ?? true };
}

type RawHeaderAssertion = NonNullable<NonNullable<CheckParsed['assert']>['headers']>[number];
function toHeaderAssertion(h: RawHeaderAssertion): HeaderAssertion {
  const operator = HEADER_OPERATORS.find((op) => h[op] !== undefined) ?? 'absent';
  return { name: h.name.toLowerCase(), operator, value: h[operator] ?? true };
}

interface RuleProblem {
  path: PathSegment[];
  message: string;
}

/** Rules that span fields, checked on the normalized spec; `raw` supplies the value as written. */
function checkRules(spec: CheckSpec, raw: Record<string, unknown>): RuleProblem[] {
  const out: RuleProblem[] = [];
  const got = (path: PathSegment[]) => `got ${renderValue(dig(raw, path))}`;
  if (spec.frequency % 60_000 !== 0 || spec.frequency < LIMITS.minFrequency || spec.frequency > LIMITS.maxFrequency) {
    out.push({ path: ['frequency'], message: `must be whole minutes from 1m to 1h, ${got(['frequency'])}` });
  }
  if (spec.timeout >= spec.frequency) {
    out.push({ path: ['timeout'], message: `must be less than frequency ${formatDuration(spec.frequency)}, ${got(['timeout'])}` });
  } else if (spec.timeout < LIMITS.minTimeout || spec.timeout > LIMITS.maxTimeout) {
    out.push({ path: ['timeout'], message: `must be from ${formatDuration(LIMITS.minTimeout)} to ${formatDuration(LIMITS.maxTimeout)}, ${got(['timeout'])}` });
  } else if ((spec.retries + 1) * spec.timeout >= spec.frequency) {
    out.push({
      path: ['retries'],
      message: `must let every attempt finish within frequency ${formatDuration(spec.frequency)}: ${spec.retries + 1} attempts of timeout ${formatDuration(spec.timeout)} take up to ${formatDuration((spec.retries + 1) * spec.timeout)}, ${got(['retries'])}`,
    });
  }
  if (spec.maxBodySize < 1 || spec.maxBodySize > LIMITS.maxBodySize) {
    out.push({ path: ['maxBodySize'], message: `must be from 1B to 64MiB, ${got(['maxBodySize'])}` });
  }
  if (spec.body !== null && (spec.method === 'GET' || spec.method === 'HEAD')) {
    out.push({ path: ['body'], message: `must be absent for ${spec.method} (use POST, PUT or PATCH to send a body), ${got(['body'])}` });
  }
  const latency = spec.assert.latency;
  if (latency) {
    if (latency.warning === null && latency.critical === null) {
      out.push({ path: ['assert', 'latency'], message: 'must set warning, critical or both, got {}' });
    }
    if (latency.warning !== null && latency.critical !== null && latency.warning > latency.critical) {
      out.push({
        path: ['assert', 'latency', 'warning'],
        message: `must not be above critical ${formatDuration(latency.critical)}, ${got(['assert', 'latency', 'warning'])}`,
      });
    }
    for (const severity of ['warning', 'critical'] as const) {
      const value = latency[severity];
      if (value !== null && value > spec.timeout) {
        out.push({
          path: ['assert', 'latency', severity],
          message: `must not be above timeout ${formatDuration(spec.timeout)} (a slower probe times out first), ${got(['assert', 'latency', severity])}`,
        });
      }
    }
  }
  const body = spec.assert.body;
  if (body && body.contains === null && body.notContains === null && body.matches === null) {
    out.push({ path: ['assert', 'body'], message: 'must set contains, notContains or matches, got {}' });
  }
  spec.assert.json.forEach((_, j) => {
    const rawEntry = dig(raw, ['assert', 'json', j]) as Record<string, unknown>;
    const ops = JSON_OPERATORS.filter((op) => rawEntry[op] !== undefined);
    if (ops.length !== 1) {
      out.push({
        path: ['assert', 'json', j],
        message: `must set exactly one of ${JSON_OPERATORS.join(', ')}, got ${ops.length === 0 ? 'none' : ops.join(' and ')}`,
      });
    }
  });
  spec.assert.headers.forEach((_, j) => {
    const rawEntry = dig(raw, ['assert', 'headers', j]) as Record<string, unknown>;
    const ops = HEADER_OPERATORS.filter((op) => rawEntry[op] !== undefined);
    if (ops.length !== 1) {
      out.push({
        path: ['assert', 'headers', j],
        message: `must set exactly one of ${HEADER_OPERATORS.join(', ')}, got ${ops.length === 0 ? 'none' : ops.join(' and ')}`,
      });
    }
  });
  if (spec.assert.certificate && !spec.url.startsWith('https:')) {
    out.push({ path: ['assert', 'certificate'], message: `needs an https:// URL, got ${renderValue(spec.url)}` });
  }
  if (spec.alarm.datapointsToAlarm > spec.alarm.evaluationPeriods) {
    out.push({
      path: ['alarm', 'datapointsToAlarm'],
      message: `must be at most evaluationPeriods ${spec.alarm.evaluationPeriods}, ${got(['alarm', 'datapointsToAlarm'])}`,
    });
  }
  if (spec.alarm.evaluationPeriods * spec.frequency > 24 * 3_600_000) {
    out.push({
      path: ['alarm', 'evaluationPeriods'],
      message: `must cover at most one day (CloudWatch's limit): ${spec.alarm.evaluationPeriods} periods of ${formatDuration(spec.frequency)} is too long, ${got(['alarm', 'evaluationPeriods'])}`,
    });
  }
  return out;
}

function addressProblems(subs: Record<string, unknown>, path: PathSegment[], report: (p: PathSegment[], m: string) => void) {
  const rules: Array<[string, (v: string) => boolean, string]> = [
    ['email', (v) => EMAIL.test(v), 'must be an e-mail address such as oncall@example.com'],
    ['https', (v) => isHttpsUrl(v), 'must be an https:// URL'],
    ['sms', (v) => E164.test(v), 'must be a phone number in E.164 form such as +14155550100'],
  ];
  for (const [protocol, valid, expected] of rules) {
    const list = subs[protocol];
    if (!Array.isArray(list)) continue;
    list.forEach((value, i) => {
      if (typeof value === 'string' && !valid(value)) report([...path, protocol, i], `${expected}, got ${renderValue(value)}`);
    });
  }
}

function isHttpsUrl(v: string): boolean {
  try {
    return new URL(v).protocol === 'https:';
  } catch {
    return false;
  }
}

function subscriptionsOf(s: Partial<Subscriptions> | undefined): Subscriptions {
  return { email: s?.email ?? [], https: s?.https ?? [], sms: s?.sms ?? [] };
}

/** Turns zod issues into problems, one per unknown key, each with the found value. */
function collectIssues(
  issues: readonly z.core.$ZodIssue[],
  prefix: PathSegment[],
  root: unknown,
  report: (path: PathSegment[], message: string) => void,
) {
  for (const issue of issues) {
    const path = issue.path.filter((p): p is PathSegment => typeof p !== 'symbol');
    if (issue.code === 'custom' && issue.message === UNKNOWN_KEY) {
      const allowed = (issue.params?.allowed as string[] | undefined) ?? [];
      const key = String(path[path.length - 1]);
      const close = suggest(key, allowed);
      report(
        [...prefix, ...path],
        close ? `unknown field, did you mean "${close}"?` : `unknown field; expected one of ${allowed.join(', ')}`,
      );
      continue;
    }
    // Custom issues carry a display-safe input (a URL with its password masked).
    const value = issue.code === 'custom' && 'input' in issue ? issue.input : dig(root, path);
    const message = issue.message.startsWith('Invalid input') ? `is not valid (${issue.message})` : issue.message;
    const suffix = value === undefined ? ', got nothing (it is required)' : `, got ${renderValue(value)}`;
    report([...prefix, ...path], message + suffix);
  }
}

function dig(root: unknown, path: readonly PathSegment[]): unknown {
  let cur = root;
  for (const seg of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string | number, unknown>)[seg];
  }
  return cur;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
