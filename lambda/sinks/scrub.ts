/**
 * Nothing secret leaves the probe: every text a sink writes (log lines,
 * notifications) passes through here first. Secret header values the check
 * sends are removed wherever they appear (a target that echoes its request
 * headers would otherwise leak a token in the body excerpt), as are URL
 * credentials and secret response headers.
 */
import type { LineScrubber } from '../../lib/spec/log-lines.ts';
import type { CheckSpec } from '../../lib/spec/types.ts';
import { isSecretHeader, REDACTED, redactHeaders } from '../redact.ts';

export { REDACTED };

/** Values shorter than this are not scrubbed from free text (a secret "1" would mangle every number). */
const MIN_SCRUBBED_LENGTH = 4;

/** `text` and `url` are what a log line needs (lib/spec/log-lines.ts); notices need the headers too. */
export interface Scrubber extends LineScrubber {
  /** A copy of the headers with secret ones redacted. */
  headers(headers: Record<string, string> | null): Record<string, string> | null;
}

export function scrubberFor(spec: CheckSpec): Scrubber {
  const values = new Set<string>();
  for (const [name, value] of Object.entries(spec.headers)) {
    if (!isSecretHeader(name, spec.secretHeaders)) continue;
    values.add(value);
    // `Bearer abc`: the token alone can appear too.
    for (const part of value.split(/\s+/)) values.add(part);
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
