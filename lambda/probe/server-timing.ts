/**
 * Server-Timing (W3C): `db;dur=53.2;desc="Database", cache;desc=Cache, total;dur=123.4`.
 * Every entry becomes { name, dur, desc }; a backend that reports its
 * database calls this way shows them beside the probe's own phases.
 */
import type { ServerTimingEntry } from '../../lib/spec/result.ts';
import { splitOutsideQuotes } from './cache.ts';

export function parseServerTiming(value: string | undefined): ServerTimingEntry[] | null {
  if (value === undefined) return null;
  const entries: ServerTimingEntry[] = [];
  for (const raw of splitOutsideQuotes(value, ',')) {
    const [namePart, ...params] = splitOutsideQuotes(raw, ';');
    const name = namePart!.trim();
    if (name === '') continue;
    const entry: ServerTimingEntry = { name, dur: null, desc: null };
    for (const param of params) {
      const eq = param.indexOf('=');
      if (eq === -1) continue;
      const key = param.slice(0, eq).trim().toLowerCase();
      const val = unquote(param.slice(eq + 1).trim());
      // The spec says the first occurrence of a parameter wins.
      if (key === 'dur' && entry.dur === null) {
        const dur = Number(val);
        if (val !== '' && Number.isFinite(dur)) entry.dur = dur;
      } else if (key === 'desc' && entry.desc === null) entry.desc = val;
    }
    entries.push(entry);
  }
  return entries;
}

function unquote(value: string): string {
  if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) {
    return value.slice(1, -1).replace(/\\(.)/g, '$1');
  }
  return value;
}
