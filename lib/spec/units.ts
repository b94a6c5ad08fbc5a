/**
 * Durations and sizes as people write them in the check file: a number with a
 * unit, never a bare number (a bare `5` could mean seconds or milliseconds).
 */

const DURATION_UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
const SIZE_UNITS: Record<string, number> = {
  B: 1,
  KB: 1000,
  MB: 1000 ** 2,
  GB: 1000 ** 3,
  KiB: 1024,
  MiB: 1024 ** 2,
  GiB: 1024 ** 3,
};

const DURATION_RE = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h)$/;
const SIZE_RE = /^(\d+(?:\.\d+)?)\s*(B|KB|MB|GB|KiB|MiB|GiB)$/;

export type Parsed = { ok: true; value: number } | { ok: false; expected: string };

/** Parses "250ms", "5s", "1m", "1h" into milliseconds. */
export function parseDuration(input: unknown): Parsed {
  if (typeof input === 'number') {
    return { ok: false, expected: `a duration with a unit, such as "${input}s" or "${input}ms"` };
  }
  if (typeof input !== 'string') return { ok: false, expected: 'a duration string such as "5s"' };
  const m = DURATION_RE.exec(input.trim());
  if (!m) return { ok: false, expected: 'a duration with a unit: ms, s, m or h (such as "250ms", "5s", "1m")' };
  return { ok: true, value: Math.round(Number(m[1]) * DURATION_UNITS[m[2]!]!) };
}

/** Parses "512KiB", "1MiB", "100B" into bytes. */
export function parseSize(input: unknown): Parsed {
  if (typeof input === 'number') {
    return { ok: false, expected: `a size with a unit, such as "${input}B" or "${input}KiB"` };
  }
  if (typeof input !== 'string') return { ok: false, expected: 'a size string such as "1MiB"' };
  const m = SIZE_RE.exec(input.trim());
  if (!m) return { ok: false, expected: 'a size with a unit: B, KB, MB, GB, KiB, MiB or GiB (such as "512KiB")' };
  return { ok: true, value: Math.round(Number(m[1]) * SIZE_UNITS[m[2]!]!) };
}

/** Formats milliseconds the way people write them: 60000 -> "1m", 1500 -> "1.5s". */
export function formatDuration(ms: number): string {
  if (ms >= 3_600_000 && ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms >= 60_000 && ms % 60_000 === 0) return `${ms / 60_000}m`;
  if (ms >= 1000) return `${+(ms / 1000).toFixed(3)}s`;
  return `${+ms.toFixed(3)}ms`;
}

/** Formats bytes with binary units: 1048576 -> "1MiB". */
export function formatSize(bytes: number): string {
  for (const [unit, factor] of [['GiB', 1024 ** 3], ['MiB', 1024 ** 2], ['KiB', 1024]] as const) {
    if (bytes >= factor) return `${+(bytes / factor).toFixed(2)}${unit}`;
  }
  return `${bytes}B`;
}
