/**
 * Defaults for every optional field, in one place. The README's reference
 * table is checked against this object by a test.
 */
import type { CheckSpec } from './types.ts';
import { DEFAULT_NAMESPACE } from './metrics.ts';

type Defaulted = Omit<CheckSpec, 'name' | 'url' | 'assert'> & {
  assert: Omit<CheckSpec['assert'], 'status'>;
};

export const CHECK_DEFAULTS: Defaulted = {
  method: 'GET',
  headers: {},
  secretHeaders: [],
  body: null,
  frequency: 60_000,
  timeout: 10_000,
  retries: 0,
  followRedirects: 5,
  maxBodySize: 1024 * 1024,
  tls: { verify: true },
  assert: {
    latency: null,
    body: null,
    json: [],
    headers: [],
    certificate: null,
    securityHeaders: false,
  },
  metrics: { timings: false, cache: false, serverTiming: [] },
  alarm: { datapointsToAlarm: 2, evaluationPeriods: 3 },
  runbook: { owner: null, expected: null, rollback: null, url: null },
};

/**
 * Status codes accepted when a check names none: 2xx when redirects are
 * followed, 2xx or 3xx when they are not (a redirect is then the answer).
 */
export function defaultStatus(followRedirects: number): CheckSpec['assert']['status'] {
  return followRedirects > 0 ? ['2xx'] : ['2xx', '3xx'];
}

export const CONFIG_DEFAULTS = {
  namespace: DEFAULT_NAMESPACE,
  file: 'watchpost.yaml',
} as const;

/** Limits the schema enforces, shared with docs and messages. */
export const LIMITS = {
  nameMaxLength: 64,
  minFrequency: 60_000,
  maxFrequency: 3_600_000,
  maxTimeout: 60_000,
  minTimeout: 100,
  maxRetries: 2,
  maxRedirects: 20,
  maxBodySize: 64 * 1024 * 1024,
  maxEvaluationPeriods: 60,
} as const;
