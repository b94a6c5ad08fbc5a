/**
 * Secret headers never leave the probe: not in a result, a log line or a
 * notification. The built-in list (authorization, cookies) always applies;
 * a check adds its own (an API key header, say) with `secretHeaders`.
 */
import { ALWAYS_SECRET_HEADERS } from '../lib/spec/types.ts';

export const REDACTED = '[redacted]';

export function isSecretHeader(name: string, secretHeaders: readonly string[] = []): boolean {
  const lower = name.toLowerCase();
  return (ALWAYS_SECRET_HEADERS as readonly string[]).includes(lower) || secretHeaders.some((s) => s.toLowerCase() === lower);
}

/** A copy with every secret header's value replaced; names keep their spelling. */
export function redactHeaders(headers: Readonly<Record<string, string>>, secretHeaders: readonly string[] = []): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) out[name] = isSecretHeader(name, secretHeaders) ? REDACTED : value;
  return out;
}
