/** Benchmark checks, built through the same validation path as a check file. */
import { validateConfig } from '../lib/spec/validate.ts';
import type { CheckSpec } from '../lib/spec/types.ts';

/**
 * One check per URL, named `<prefix>-<i>`, with the defaults (TLS verified, as
 * deployed: the bench passes its self-signed certificate as a trusted CA).
 */
export function benchSpecs(urls: readonly string[], prefix = 'bench'): CheckSpec[] {
  const validation = validateConfig({ checks: urls.map((url, i) => ({ name: `${prefix}-${i}`, url, timeout: '5s' })) });
  if (!validation.ok) throw new Error(`bench specs invalid: ${JSON.stringify(validation.problems)}`);
  return validation.config.checks;
}
