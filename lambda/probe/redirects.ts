/**
 * Following a redirect the way browsers do: 303 (and 301/302 after a POST)
 * becomes a GET without a body; 307/308 keep method and body. Credentials are
 * not carried to another origin. A loop is caught on the first URL seen twice.
 */
import { ALWAYS_SECRET_HEADERS } from '../../lib/spec/types.ts';
import { PROBE_CODES, ProbeError } from './classify.ts';

export const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

export interface Hop {
  url: URL;
  method: string;
  headers: Record<string, string>;
  body: string | null;
}

/**
 * The next hop after a redirect response, or a ProbeError (code
 * WATCHPOST_REDIRECT_*) when it cannot or must not be followed.
 * `visited` holds every URL requested so far, in order.
 */
export function nextHop(
  from: Hop,
  status: number,
  location: string | undefined,
  visited: readonly string[],
  limit: number,
  secretHeaders: readonly string[],
): Hop | ProbeError {
  if (location === undefined || location.trim() === '') {
    return new ProbeError(PROBE_CODES.badRedirect, `redirect ${status} without a Location header`);
  }
  let url: URL;
  try {
    url = new URL(location.trim(), from.url);
  } catch {
    return new ProbeError(PROBE_CODES.badRedirect, `redirect ${status} to an invalid Location "${location}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return new ProbeError(PROBE_CODES.badRedirect, `redirect ${status} to unsupported scheme ${url.protocol} (${url.href})`);
  }
  url.hash = '';
  const chain = [...visited, url.href].map(shorten).join(' -> ');
  if (visited.includes(url.href)) {
    return new ProbeError(PROBE_CODES.redirectLoop, `redirect loop: ${chain}`);
  }
  if (visited.length > limit) {
    return new ProbeError(
      PROBE_CODES.tooManyRedirects,
      `more than ${limit} redirect${limit === 1 ? '' : 's'} (followRedirects ${limit}): ${chain}`,
    );
  }

  const becomesGet = status === 303 ? from.method !== 'HEAD' : (status === 301 || status === 302) && from.method === 'POST';
  const headers = { ...from.headers };
  if (becomesGet) {
    for (const name of ['content-type', 'content-length', 'content-encoding']) delete headers[name];
  }
  if (url.origin !== from.url.origin) {
    for (const name of [...ALWAYS_SECRET_HEADERS, ...secretHeaders]) delete headers[name];
  }
  return { url, method: becomesGet ? 'GET' : from.method, headers, body: becomesGet ? null : from.body };
}

/** Long chains stay readable: paths for same-origin hops would lose the host, so keep full URLs but cap each. */
function shorten(href: string): string {
  return href.length > 120 ? `${href.slice(0, 117)}...` : href;
}
