/**
 * Helpers for the runtime tests: hand-built CheckResults, a bundled check
 * file in a temp dir, a captured log, and EMF validation against the spec.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { CheckResult } from '../../lib/spec/result.ts';

export function passing(name: string, url = `http://127.0.0.1:1/${name}`, overrides: Partial<CheckResult> = {}): CheckResult {
  return {
    name,
    url,
    method: 'GET',
    ok: true,
    startedAt: new Date().toISOString(),
    statusCode: 200,
    timings: { dns: 0.4, connect: 1.2, tls: null, firstByte: 3.5, download: 0.9, total: 6 },
    failure: null,
    assertions: [],
    attempts: 1,
    redirects: 0,
    bodyBytes: 2,
    bodyExcerpt: 'ok',
    responseHeaders: { 'content-type': 'text/plain' },
    certificate: null,
    cache: null,
    serverTiming: null,
    ...overrides,
  };
}

export function failing(name: string, url = `http://127.0.0.1:1/${name}`, overrides: Partial<CheckResult> = {}): CheckResult {
  return passing(name, url, {
    ok: false,
    statusCode: 503,
    failure: { kind: 'status', message: 'status 503, expected one of [2xx]', retryable: true, phase: null, code: null },
    assertions: [
      { type: 'status', ok: false, severity: 'critical', message: 'status 503, expected one of [2xx]', actual: 503, expected: ['2xx'] },
    ],
    bodyExcerpt: 'down for maintenance',
    ...overrides,
  });
}

const configDirs: string[] = [];

/** Writes a raw check file (what YAML parsing gives) as the construct would, and returns its path. */
export function bundledConfig(raw: unknown): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'watchpost-runtime-'));
  if (configDirs.length === 0) process.once('exit', () => configDirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
  configDirs.push(dir);
  const file = path.join(dir, 'watchpost.config.json');
  writeFileSync(file, JSON.stringify(raw));
  return file;
}

export const RUNTIME_ENV = {
  WATCHPOST_NAMESPACE: 'WatchpostTest',
  WATCHPOST_CRITICAL_TOPIC_ARN: 'arn:aws:sns:us-east-1:123456789012:watchpost-critical',
  WATCHPOST_WARNING_TOPIC_ARN: 'arn:aws:sns:us-east-1:123456789012:watchpost-warning',
  AWS_REGION: 'us-east-1',
};

export interface CapturedLog {
  write: (line: string) => void;
  lines: string[];
  /** Every line parsed as JSON (all runtime lines are JSON). */
  json(): Array<Record<string, unknown>>;
  byMsg(msg: string): Array<Record<string, unknown>>;
  emf(): Array<Record<string, unknown>>;
}

export function captureLog(): CapturedLog {
  const lines: string[] = [];
  const json = () => lines.map((l) => JSON.parse(l) as Record<string, unknown>);
  return {
    lines,
    write: (line) => {
      assert.ok(!line.includes('\n'), `a log line must be one line: ${line}`);
      lines.push(line);
    },
    json,
    byMsg: (msg) => json().filter((l) => l.msg === msg),
    emf: () => json().filter((l) => '_aws' in l),
  };
}

/** The EMF specification's rules, as assertions (docs: CloudWatch_Embedded_Metric_Format_Specification). */
export function assertValidEmf(doc: Record<string, unknown>): void {
  const aws = doc._aws as Record<string, unknown>;
  assert.equal(typeof aws, 'object', '_aws must be an object');
  assert.ok(Number.isInteger(aws.Timestamp) && (aws.Timestamp as number) > 0, '_aws.Timestamp must be epoch milliseconds');
  const directives = aws.CloudWatchMetrics as Array<Record<string, unknown>>;
  assert.ok(Array.isArray(directives) && directives.length >= 1, '_aws.CloudWatchMetrics must be a non-empty array');
  for (const d of directives) {
    assert.equal(typeof d.Namespace, 'string');
    assert.ok((d.Namespace as string).length >= 1 && (d.Namespace as string).length <= 255);
    const dimensionSets = d.Dimensions as string[][];
    assert.ok(Array.isArray(dimensionSets), 'Dimensions must be an array of dimension sets');
    for (const set of dimensionSets) {
      assert.ok(Array.isArray(set) && set.length <= 30, 'a dimension set holds at most 30 keys');
      for (const key of set) assert.equal(typeof doc[key], 'string', `dimension ${key} must be a string member of the document`);
    }
    const metrics = d.Metrics as Array<Record<string, unknown>>;
    assert.ok(Array.isArray(metrics) && metrics.length >= 1 && metrics.length <= 100, 'Metrics holds 1 to 100 definitions');
    for (const m of metrics) {
      assert.ok(typeof m.Name === 'string' && m.Name.length >= 1 && m.Name.length <= 255, 'metric Name 1-255 chars');
      assert.ok(m.Unit === undefined || EMF_UNITS.has(m.Unit as string), `unknown Unit ${String(m.Unit)}`);
      const value = doc[m.Name as string];
      const ok = typeof value === 'number' || (Array.isArray(value) && value.length <= 100 && value.every((v) => typeof v === 'number'));
      assert.ok(ok, `metric ${String(m.Name)} must have a number (or up to 100 numbers) as a member, got ${JSON.stringify(value)}`);
    }
  }
}

const EMF_UNITS = new Set([
  'Seconds', 'Microseconds', 'Milliseconds', 'Bytes', 'Kilobytes', 'Megabytes', 'Gigabytes', 'Terabytes', 'Bits', 'Kilobits',
  'Megabits', 'Gigabits', 'Terabits', 'Percent', 'Count', 'Bytes/Second', 'Kilobytes/Second', 'Megabytes/Second',
  'Gigabytes/Second', 'Terabytes/Second', 'Bits/Second', 'Kilobits/Second', 'Megabits/Second', 'Gigabits/Second',
  'Terabits/Second', 'Count/Second', 'None',
]);

export const context = (ms: number) => {
  const end = Date.now() + ms;
  return { getRemainingTimeInMillis: () => Math.max(0, end - Date.now()) };
};

/**
 * Local targets for the handler tests: /ok answers 200, /fail 503, /echo 500
 * with the request headers in the body (a target that leaks what it was
 * sent), /hang never answers, /toggle answers what `toggle.status` says.
 */
export interface Targets {
  url(route: string): string;
  toggle: { status: number };
  close(): Promise<void>;
}

export async function startTargets(): Promise<Targets> {
  const { createServer } = await import('node:http');
  const toggle = { status: 200 };
  const hanging = new Set<import('node:net').Socket>();
  const server = createServer((req, res) => {
    const route = (req.url ?? '/').split('?')[0];
    if (route === '/hang') {
      hanging.add(req.socket);
      return;
    }
    if (route === '/big') {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      const chunk = Buffer.alloc(64 * 1024, 'x');
      for (let i = 0; i < 32; i++) res.write(chunk);
      res.end();
      return;
    }
    const status = route === '/ok' ? 200 : route === '/fail' ? 503 : route === '/echo' ? 500 : route === '/toggle' ? toggle.status : 404;
    const body = route === '/echo' || route === '/toggle' ? JSON.stringify({ headers: req.headers }) : status === 200 ? 'ok' : 'unavailable';
    res.writeHead(status, { 'content-type': 'text/plain', 'set-cookie': 'session=target-session-cookie' });
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as import('node:net').AddressInfo;
  return {
    url: (route) => `http://127.0.0.1:${port}${route}`,
    toggle,
    async close() {
      for (const socket of hanging) socket.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
