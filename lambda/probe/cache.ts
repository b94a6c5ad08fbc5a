/**
 * Was the response served from a cache? Read from the headers caches add,
 * most explicit first: cache-status (RFC 9211), cf-cache-status,
 * x-cache-status (nginx), x-cache (CloudFront, Fastly, Varnish, Squid), then
 * age (RFC 9111: only a cache sets it) and cache-control (no-store/private:
 * a shared cache cannot have served it).
 */
import type { CacheInfo } from '../../lib/spec/result.ts';

export type HeaderMap = Record<string, string>;

/** Status words of cf-cache-status and nginx's $upstream_cache_status. */
const STATUS_WORDS: Record<string, boolean> = {
  hit: true,
  stale: true,
  updating: true,
  revalidated: true,
  miss: false,
  expired: false,
  bypass: false,
  dynamic: false,
};

export function parseCache(headers: HeaderMap): CacheInfo | null {
  const age = parseAge(headers['age']);
  const verdict = (source: string, hit: boolean | null): CacheInfo => ({ hit, source, age });

  const cacheStatus = headers['cache-status'];
  if (cacheStatus !== undefined) return verdict('cache-status', cacheStatusHit(cacheStatus));
  for (const name of ['cf-cache-status', 'x-cache-status']) {
    const value = headers[name];
    if (value !== undefined) return verdict(name, STATUS_WORDS[value.trim().toLowerCase()] ?? null);
  }
  const xCache = headers['x-cache'];
  if (xCache !== undefined) return verdict('x-cache', xCacheHit(xCache));
  if (age !== null) return verdict('age', age > 0 ? true : null);
  const cacheControl = headers['cache-control'];
  if (cacheControl !== undefined) {
    return verdict('cache-control', /(?:^|,)\s*(?:no-store|private)\s*(?:$|,|=)/i.test(cacheControl) ? false : null);
  }
  return null;
}

/**
 * RFC 9211: a list of caches, each `name; hit` or `name; fwd=reason`. A hit
 * in any cache means the origin did not answer this request.
 */
export function cacheStatusHit(value: string): boolean | null {
  let sawForward = false;
  for (const member of splitOutsideQuotes(value, ',')) {
    const params = splitOutsideQuotes(member, ';').slice(1).map((p) => p.trim().toLowerCase());
    if (params.some((p) => p === 'hit' || p === 'hit=?1')) return true;
    if (params.some((p) => p.startsWith('fwd='))) sawForward = true;
  }
  return sawForward ? false : null;
}

/** `HIT`, `Miss from cloudfront`, `RefreshHit from cloudfront`, `TCP_HIT`, Fastly's `MISS, HIT`. */
export function xCacheHit(value: string): boolean | null {
  if (/hit/i.test(value)) return true;
  if (/miss/i.test(value)) return false;
  return null;
}

function parseAge(value: string | undefined): number | null {
  if (value === undefined || !/^\s*\d+\s*$/.test(value)) return null;
  return Number(value);
}

/** Splits on `sep` except inside double quotes (with backslash escapes). */
export function splitOutsideQuotes(value: string, sep: string): string[] {
  const out: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < value.length; i++) {
    const c = value[i]!;
    if (quoted && c === '\\' && i + 1 < value.length) {
      current += c + value[++i];
      continue;
    }
    if (c === '"') quoted = !quoted;
    if (c === sep && !quoted) {
      out.push(current);
      current = '';
    } else current += c;
  }
  out.push(current);
  return out;
}
