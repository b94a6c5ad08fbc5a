/**
 * Cold start must not distort the first reading: in a fresh process the
 * first probe compiles undici's HTTP parser, starts libuv's thread pool for
 * the first name lookup, loads the TLS stack and runs every JS path for the
 * first time, all inside its timed part (15-120 ms on these machines). One
 * untimed round against in-process loopback servers does that first: a name
 * lookup of localhost (/etc/hosts, no query leaves the machine), a gzip JSON
 * response through every assertion over http, the same over a complete,
 * verified https handshake with a loopback server (a throwaway certificate
 * made at start, trusted for that round only), and one more handshake
 * verified against the trust store the real probes will use, which rejects
 * the throwaway certificate: that runs the store's lookups and the TLS
 * failure path. Once per process; never throws.
 */
import { once } from 'node:events';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import zlib from 'node:zlib';
import { CHECK_DEFAULTS } from '../../lib/spec/defaults.ts';
import type { CheckSpec } from '../../lib/spec/types.ts';
import { checkOnce } from './check.ts';
import { forgetSecureContext, secureContextFor, systemResolver } from './connection.ts';
import type { ProbeEnvironment } from './http.ts';
import { makeWarmUpCertificate } from './warm-up-cert.ts';

/** Each warm-up round's budget (ms); loopback answers in about one. */
const WARM_UP_BUDGET_MS = 1000;

let warming: Promise<void> | null = null;

/**
 * Warms the probe path once per process; the first caller's environment is
 * the trust store its rejecting handshake uses. The TLS context for the
 * environment's extra CAs is built here too (parsing every root certificate
 * takes tens of milliseconds), for each environment a caller passes.
 */
export async function warmUp(environment: ProbeEnvironment = {}): Promise<void> {
  warming ??= run(environment).catch(() => {});
  await warming;
  try {
    secureContextFor(environment.ca);
  } catch {
    // An unreadable CA fails the probes that use it, with a tls failure; the warm-up stays quiet.
  }
}

async function run(environment: ProbeEnvironment): Promise<void> {
  const body = zlib.gzipSync(JSON.stringify({ status: 'ok', items: [{ id: 1 }] }));
  const handler: http.RequestListener = (_req, res) => {
    res.writeHead(200, {
      'content-type': 'application/json',
      'content-encoding': 'gzip',
      'cache-status': 'warm-up; hit',
      'server-timing': 'warm;dur=0.1;desc="warm-up"',
      'x-content-type-options': 'nosniff',
    });
    res.end(body);
  };
  const certificate = makeWarmUpCertificate();
  const plain = http.createServer(handler);
  const secure = https.createServer(certificate, handler);
  try {
    const [plainPort, securePort] = await Promise.all([listen(plain), listen(secure), systemResolver('localhost').catch(() => [])]);
    const spec = warmUpSpec(`http://127.0.0.1:${plainPort}/warm-up`);
    await checkOnce(spec, { budgetMs: WARM_UP_BUDGET_MS });
    const secureSpec = { ...spec, url: `https://127.0.0.1:${securePort}/warm-up` };
    await checkOnce(secureSpec, { budgetMs: WARM_UP_BUDGET_MS, ca: certificate.cert });
    // The same handshake against the probes' own trust store (extra CAs or the bundled roots): it rejects the
    // throwaway certificate, after a full handshake and chain lookup with the context the first real probe gets.
    await checkOnce(secureSpec, { budgetMs: WARM_UP_BUDGET_MS, ca: environment.ca });
  } finally {
    forgetSecureContext(certificate.cert);
    for (const server of [plain, secure]) {
      server.closeAllConnections();
      server.close();
    }
  }
}

async function listen(server: http.Server): Promise<number> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return (server.address() as AddressInfo).port;
}

function warmUpSpec(url: string): CheckSpec {
  const d = structuredClone(CHECK_DEFAULTS);
  return {
    ...d,
    name: 'warm-up',
    url,
    assert: {
      ...d.assert,
      status: ['2xx'],
      latency: { warning: 1000, critical: 2000 },
      body: { contains: 'ok', notContains: 'error', matches: 'o.' },
      json: [{ path: 'items[0].id', operator: 'equals', value: 1 }],
      headers: [{ name: 'content-type', operator: 'contains', value: 'json' }],
      certificate: { minDaysRemaining: 0 },
      securityHeaders: true,
    },
  };
}
