// TEMPORARY (dev only, removed once lambda/runner.ts lands): fetch-based stand-in honouring the deadline.
import type { CheckSpec } from '../../lib/spec/types.ts';
import type { CheckResult } from '../../lib/spec/result.ts';
import type { RunOptions } from '../../lambda/runner.ts';
import { passing } from './helpers.ts';

export async function interimRunChecks(specs: CheckSpec[], o: RunOptions = {}): Promise<CheckResult[]> {
  return Promise.all(specs.map(async (spec, i) => {
    const started = Date.now();
    const budget = Math.min(spec.timeout, (o.deadline ?? Infinity) - started);
    let r: CheckResult;
    try {
      const res = await fetch(spec.url, { headers: spec.headers, signal: AbortSignal.timeout(Math.max(1, budget)) });
      const body = await res.text();
      const ok = res.status < 400;
      r = passing(spec.name, spec.url, { startedAt: new Date(started).toISOString(), statusCode: res.status, ok,
        timings: { dns: null, connect: 1, tls: null, firstByte: 1, download: 1, total: Date.now() - started },
        failure: ok ? null : { kind: 'status', message: `status ${res.status}, expected one of [2xx]`, retryable: true },
        bodyExcerpt: body.slice(0, 512), responseHeaders: Object.fromEntries(res.headers) });
    } catch {
      r = passing(spec.name, spec.url, { ok: false, statusCode: null, startedAt: new Date(started).toISOString(),
        timings: { dns: null, connect: null, tls: null, firstByte: null, download: null, total: Date.now() - started },
        failure: { kind: 'timeout', message: 'timed out', retryable: true }, bodyExcerpt: null, responseHeaders: null });
    }
    o.onResult?.(r, i);
    return r;
  }));
}
