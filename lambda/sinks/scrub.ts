/**
 * Nothing secret leaves the probe: every text a sink writes (log lines,
 * notifications) passes through here first. A secret header's value the
 * check sends is removed from free text wherever it appears (a target that
 * echoes its request headers would otherwise leak a token in the body
 * excerpt), and so is each space-separated part of it (the token of
 * `Bearer <token>` can appear alone) except a leading auth-scheme word, which
 * is no secret and would otherwise be redacted from every text it appears in.
 * The URL password goes the same way; secret response headers are redacted
 * by name.
 */
import type { LineScrubber } from '../../lib/spec/log-lines.ts';
import type { CheckSpec } from '../../lib/spec/types.ts';
import { isSecretHeader, REDACTED, redactHeaders } from '../redact.ts';

export { REDACTED };

/** Values shorter than this are not scrubbed from free text (a secret "1" would mangle every number). */
export const MIN_SCRUBBED_LENGTH = 4;

/**
 * HTTP authentication schemes (the IANA registry, plus common unregistered
 * ones), compared case-insensitively: the first word of a secret value that is
 * one of these is public protocol, not part of the secret.
 */
const AUTH_SCHEMES = new Set(
  ['basic', 'bearer', 'digest', 'dpop', 'gnap', 'hoba', 'mutual', 'negotiate', 'ntlm', 'oauth', 'privatetoken', 'scram-sha-1', 'scram-sha-256', 'vapid', 'concealed', 'token', 'apikey', 'aws4-hmac-sha256'],
);

/** The strings to remove for one secret value: the whole value, and its parts less a leading scheme word. */
export function secretParts(value: string): string[] {
  const parts = value.trim().split(/\s+/);
  if (parts.length > 1 && AUTH_SCHEMES.has(parts[0]!.toLowerCase())) parts.shift();
  return [...new Set([value, ...parts])];
}

/** `text` and `url` are what a log line needs (lib/spec/log-lines.ts); notices need the headers too. */
export interface Scrubber extends LineScrubber {
  /** A copy of the headers with secret ones redacted. */
  headers(headers: Record<string, string> | null): Record<string, string> | null;
}

export function scrubberFor(spec: CheckSpec): Scrubber {
  const values = new Set<string>();
  for (const [name, value] of Object.entries(spec.headers)) {
    if (!isSecretHeader(name, spec.secretHeaders)) continue;
    for (const part of secretParts(value)) values.add(part);
  }
  const password = passwordOf(spec.url);
  if (password) values.add(password).add(decodeURIComponent(password));
  // Longest first, so a value containing another is removed whole.
  const secrets = [...values].filter((v) => v.length >= MIN_SCRUBBED_LENGTH).sort((a, b) => b.length - a.length);

  const text = (value: string): string => {
    let out = value;
    for (const secret of secrets) out = out.split(secret).join(REDACTED);
    return out;
  };
  return {
    text,
    url: (value) => text(withoutPassword(value)),
    headers(headers) {
      if (!headers) return null;
      const redacted = redactHeaders(headers, spec.secretHeaders);
      return Object.fromEntries(Object.entries(redacted).map(([name, value]) => [name, text(value)]));
    },
  };
}

function passwordOf(url: string): string | null {
  try {
    return new URL(url).password || null;
  } catch {
    return null;
  }
}

function withoutPassword(url: string): string {
  try {
    const u = new URL(url);
    if (!u.password) return url;
    u.password = 'redacted';
    return u.toString();
  } catch {
    return url;
  }
}

/** Cuts text to at most `max` UTF-8 bytes without splitting a character. */
export function truncateBytes(value: string, max: number): string {
  const bytes = Buffer.from(value, 'utf8');
  if (bytes.length <= max) return value;
  let end = max;
  // Step back over continuation bytes (10xxxxxx) so the cut falls on a character boundary.
  while (end > 0 && (bytes[end]! & 0xc0) === 0x80) end--;
  return bytes.subarray(0, end).toString('utf8');
}
