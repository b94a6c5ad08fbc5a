/** Benchmark checks, built through the same validation path as a check file. */
import { validateConfig } from '../lib/spec/validate.ts';
import type { CheckSpec } from '../lib/spec/types.ts';

/** One check per URL, named `<prefix>-<i>`; TLS verification off for the bench's self-signed certificate. */
export function benchSpecs(urls: readonly string[], prefix = 'bench'): CheckSpec[] {
  const validation = validateConfig({
    checks: urls.map((url, i) => ({ name: `${prefix}-${i}`, url, timeout: '5s', tls: { verify: false } })),
  });
  if (!validation.ok) throw new Error(`bench specs invalid: ${JSON.stringify(validation.problems)}`);
  return validation.config.checks;
}
