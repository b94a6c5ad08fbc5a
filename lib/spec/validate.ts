/**
 * From what people wrote to normalized CheckSpecs, collecting every problem
 * instead of stopping at the first. The CLI, the CDK app, the construct and
 * the Lambda handler all validate through here.
 */
import type { z } from 'zod';
import { CHECK_DEFAULTS, CONFIG_DEFAULTS, defaultStatus, LIMITS } from './defaults.ts';
import { findLoop } from './loops.ts';
import { renderPath, renderValue, suggest, type PathSegment, type Problem } from './problems.ts';
import { dig, overlaps, prune, toOriginal, type Pruned } from './prune.ts';
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

/**
 * A dot-atom local part, then a host name of letter/digit labels (no empty,
 * leading or trailing dot) ending in an alphabetic or IDN top-level label.
 * Quoted local parts and IP-literal hosts (rare for an on-call address) are rejected too.
 */
const EMAIL =
  /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+(?:[A-Za-z]{2,63}|xn--[A-Za-z0-9-]{1,59})$/;
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

  // A value that contains itself cannot be serialized or bundled; stop before anything walks it.
  const loop = findLoop(input);
  if (loop) {
    report(loop.at, `must not contain itself, got a reference back to ${renderPath(loop.to, checkNames)}`);
    return { ok: false, problems };
  }

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
    let rules: RuleProblem[];
    if (parsed.success) {
      const spec = normalizeCheck(parsed.data);
      rules = checkRules(spec, merged as Record<string, unknown>);
      checks.push(spec);
    } else {
      collectIssues(parsed.error.issues, ['checks', i], merged, report);
      // Still check the rules between the fields that are valid, so every problem shows at once.
      rules = rulesOnValidFields(merged, parsed.error.issues);
    }
    for (const rule of rules) {
      report(['checks', i, ...rule.path], rule.message + defaultsNote(rule, rawCheck, defaults));
    }
    // Names as written, so a repeated name shows even when either copy has other problems.
    const name = checkNames[i];
    if (name === undefined) return;
    const first = seen.get(name);
    if (first !== undefined) {
      report(['checks', i, 'name'], `must be unique; checks[${first}] already uses it, got ${renderValue(name)}`);
    } else seen.set(name, i);
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

/**
 * Says when a broken rule involves a value the check took from `defaults`:
 * ` (from defaults)` for the reported field itself, ` (timeout from defaults)`
 * when another field it was compared with came from there.
 */
function defaultsNote(rule: RuleProblem, rawCheck: unknown, defaults: Record<string, unknown>): string {
  const fromDefaults = (path: PathSegment[]) => dig(rawCheck, path) === undefined && dig(defaults, path) !== undefined;
  if (fromDefaults(rule.path)) return ' (from defaults)';
  const others = rule.uses.filter((p) => !overlaps(p, rule.path) && fromDefaults(p));
  return others.length > 0 ? ` (${others.map((p) => renderPath(p)).join(' and ')} from defaults)` : '';
}

/** Placeholders for required fields that failed, so the other fields' rules can still run. */
const PLACEHOLDERS: Record<string, unknown> = { name: 'placeholder', url: 'https://placeholder.invalid/' };

/** Bounds the prune-and-retry loop; each round removes at least one more part, and checks are shallow. */
const MAX_PRUNE_ROUNDS = 16;

/**
 * The cross-field rules on what is left of a check once every invalid part is
 * removed (the bad leaf, the unknown key, or the entry holding a required
 * field that is bad). A rule that reads a removed part is dropped: its value
 * would be a default, not what the file says.
 */
function rulesOnValidFields(merged: unknown, issues: readonly z.core.$ZodIssue[]): RuleProblem[] {
  if (!isRecord(merged)) return [];
  const removed: PathSegment[][] = [];
  let pruned: Pruned = { value: merged, kept: new Map() };
  let pending = issues;
  for (let round = 0; round < MAX_PRUNE_ROUNDS; round++) {
    const before = removed.length;
    for (const issue of pending) {
      const path = toOriginal(issuePath(issue), pruned.kept);
      const isRemoved = removed.some((r) => overlaps(r, path) && r.length <= path.length);
      if (path.length === 1 && String(path[0]) in PLACEHOLDERS) {
        if (!isRemoved) removed.push(path);
        continue;
      }
      // A required field that is missing (or was just removed) takes the entry holding it along.
      const target = dig(merged, path) === undefined || isRemoved ? path.slice(0, -1) : path;
      if (target.length === 0) return [];
      if (!removed.some((r) => overlaps(r, target) && r.length <= target.length)) removed.push(target);
    }
    if (removed.length === before) return [];
    pruned = prune(merged, removed);
    const valid = { ...(pruned.value as Record<string, unknown>) };
    for (const [key, value] of Object.entries(PLACEHOLDERS)) if (!(key in valid)) valid[key] = value;
    const reparsed = checkSchema.safeParse(valid);
    if (reparsed.success) {
      const kept = pruned.kept;
      return checkRules(normalizeCheck(reparsed.data), valid)
        .map((rule) => ({ ...rule, path: toOriginal(rule.path, kept), uses: rule.uses.map((p) => toOriginal(p, kept)) }))
        .filter((rule) => !rule.uses.some((use) => removed.some((r) => overlaps(r, use))));
    }
    pending = reparsed.error.issues;
  }
  return [];
}

function issuePath(issue: z.core.$ZodIssue): PathSegment[] {
  return issue.path.filter((p): p is PathSegment => typeof p !== 'symbol');
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
  /** Every field the rule read, `path` included: a rule on a removed (invalid) field is not reported. */
  uses: PathSegment[][];
}

/** Rules that span fields, checked on the normalized spec; `raw` supplies the value as written. */
function checkRules(spec: CheckSpec, raw: Record<string, unknown>): RuleProblem[] {
  const out: RuleProblem[] = [];
  const add = (path: PathSegment[], message: string, alsoUses: PathSegment[][] = []) =>
    out.push({ path, message, uses: [path, ...alsoUses] });
  const got = (path: PathSegment[]) => `got ${renderValue(dig(raw, path))}`;
  if (spec.frequency % 60_000 !== 0 || spec.frequency < LIMITS.minFrequency || spec.frequency > LIMITS.maxFrequency) {
    add(['frequency'], `must be whole minutes from 1m to 1h, ${got(['frequency'])}`);
  }
  if (spec.timeout >= spec.frequency) {
    add(['timeout'], `must be less than frequency ${formatDuration(spec.frequency)}, ${got(['timeout'])}`, [['frequency']]);
  } else if (spec.timeout < LIMITS.minTimeout || spec.timeout > LIMITS.maxTimeout) {
    add(['timeout'], `must be from ${formatDuration(LIMITS.minTimeout)} to ${formatDuration(LIMITS.maxTimeout)}, ${got(['timeout'])}`);
  } else if ((spec.retries + 1) * spec.timeout >= spec.frequency) {
    add(
      ['retries'],
      `must let every attempt finish within frequency ${formatDuration(spec.frequency)}: ${spec.retries + 1} attempts of timeout ${formatDuration(spec.timeout)} take up to ${formatDuration((spec.retries + 1) * spec.timeout)}, ${got(['retries'])}`,
      [['timeout'], ['frequency']],
    );
  }
  if (spec.maxBodySize < 1 || spec.maxBodySize > LIMITS.maxBodySize) {
    add(['maxBodySize'], `must be from 1B to 64MiB, ${got(['maxBodySize'])}`);
  }
  if (spec.body !== null && (spec.method === 'GET' || spec.method === 'HEAD')) {
    add(['body'], `must be absent for ${spec.method} (use POST, PUT or PATCH to send a body), ${got(['body'])}`, [['method']]);
  }
  const latency = spec.assert.latency;
  if (latency) {
    if (latency.warning === null && latency.critical === null) {
      add(['assert', 'latency'], 'must set warning, critical or both, got {}');
    }
    if (latency.warning !== null && latency.critical !== null && latency.warning > latency.critical) {
      add(
        ['assert', 'latency', 'warning'],
        `must not be above critical ${formatDuration(latency.critical)}, ${got(['assert', 'latency', 'warning'])}`,
        [['assert', 'latency', 'critical']],
      );
    }
    for (const severity of ['warning', 'critical'] as const) {
      const value = latency[severity];
      if (value !== null && value > spec.timeout) {
        add(
          ['assert', 'latency', severity],
          `must not be above timeout ${formatDuration(spec.timeout)} (a slower probe times out first), ${got(['assert', 'latency', severity])}`,
          [['timeout']],
        );
      }
    }
  }
  const body = spec.assert.body;
  if (body && body.contains === null && body.notContains === null && body.matches === null) {
    add(['assert', 'body'], 'must set contains, notContains or matches, got {}');
  }
  spec.assert.json.forEach((_, j) => {
    const rawEntry = dig(raw, ['assert', 'json', j]) as Record<string, unknown>;
    const ops = JSON_OPERATORS.filter((op) => rawEntry[op] !== undefined);
    if (ops.length !== 1) {
      add(['assert', 'json', j], `must set exactly one of ${JSON_OPERATORS.join(', ')}, got ${ops.length === 0 ? 'none' : ops.join(' and ')}`);
    }
  });
  spec.assert.headers.forEach((_, j) => {
    const rawEntry = dig(raw, ['assert', 'headers', j]) as Record<string, unknown>;
    const ops = HEADER_OPERATORS.filter((op) => rawEntry[op] !== undefined);
    if (ops.length !== 1) {
      add(['assert', 'headers', j], `must set exactly one of ${HEADER_OPERATORS.join(', ')}, got ${ops.length === 0 ? 'none' : ops.join(' and ')}`);
    }
  });
  if (spec.assert.certificate && !spec.url.startsWith('https:')) {
    add(['assert', 'certificate'], `needs an https:// URL, got ${renderValue(spec.url)}`, [['url']]);
  }
  if (spec.alarm.datapointsToAlarm > spec.alarm.evaluationPeriods) {
    add(
      ['alarm', 'datapointsToAlarm'],
      `must be at most evaluationPeriods ${spec.alarm.evaluationPeriods}, ${got(['alarm', 'datapointsToAlarm'])}`,
      [['alarm', 'evaluationPeriods']],
    );
  }
  if (spec.alarm.evaluationPeriods * spec.frequency > 24 * 3_600_000) {
    add(
      ['alarm', 'evaluationPeriods'],
      `must cover at most one day (CloudWatch's limit): ${spec.alarm.evaluationPeriods} periods of ${formatDuration(spec.frequency)} is too long, ${got(['alarm', 'evaluationPeriods'])}`,
      [['frequency']],
    );
  }
  return out;
}

function addressProblems(subs: Record<string, unknown>, path: PathSegment[], report: (p: PathSegment[], m: string) => void) {
  const rules: Array<[string, (v: string) => string | null]> = [
    ['email', (v) => (isEmail(v) ? null : 'must be an e-mail address such as oncall@example.com')],
    ['https', subscriptionUrlProblem],
    ['sms', (v) => (E164.test(v) ? null : 'must be a phone number in E.164 form such as +14155550100')],
  ];
  for (const [protocol, problem] of rules) {
    const list = subs[protocol];
    if (!Array.isArray(list)) continue;
    list.forEach((value, i) => {
      const expected = typeof value === 'string' ? problem(value) : null;
      if (expected) report([...path, protocol, i], `${expected}, got ${renderValue(maskCredentials(value as string))}`);
    });
  }
}

function isEmail(v: string): boolean {
  return v.length <= 254 && v.indexOf('@') <= 64 && EMAIL.test(v);
}

/** The endpoint ends up in the CloudFormation template, readable by anyone who can read the stack. */
function subscriptionUrlProblem(v: string): string | null {
  let url: URL;
  try {
    url = new URL(v);
  } catch {
    return 'must be an https:// URL';
  }
  if (url.protocol !== 'https:') return 'must be an https:// URL';
  if (url.username || url.password) {
    return 'must not carry a user:password part (the address ends up in the CloudFormation template)';
  }
  return null;
}

function maskCredentials(v: string): string {
  return v.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^@/?#]*@/i, '$1***@');
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
    if (issue.code === 'invalid_key') {
      // A mapping key that fails (a header name with a space): blame the key, not its value.
      const message = issue.issues[0]?.message ?? issue.message;
      report([...prefix, ...path], `${message}, got ${renderValue(path[path.length - 1])}`);
      continue;
    }
    // Custom issues carry a display-safe input (a URL with its password masked).
    const value = issue.code === 'custom' && 'input' in issue ? issue.input : dig(root, path);
    const message = issue.message.startsWith('Invalid input') ? `is not valid (${issue.message})` : issue.message;
    const suffix = value === undefined ? ', got nothing (it is required)' : `, got ${renderValue(value)}`;
    report([...prefix, ...path], message + suffix);
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
