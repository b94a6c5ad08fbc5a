/**
 * Cold start must not distort the first reading: in a fresh process the
 * first probe loads and compiles undici, zlib, TLS and this code inside its
 * timed part (15-40 ms). One untimed round against an in-process loopback
 * server does that first: a gzip JSON response through every assertion, and a
 * TLS handshake (refused by the plain-HTTP server, which still loads the TLS
 * stack and the error path). Once per process; never throws.
 */
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import zlib from 'node:zlib';
import { CHECK_DEFAULTS } from '../../lib/spec/defaults.ts';
import type { CheckSpec } from '../../lib/spec/types.ts';
import { checkOnce } from './check.ts';

/** Each warm-up round's budget (ms); loopback answers in about one. */
const WARM_UP_BUDGET_MS = 1000;

let warming: Promise<void> | null = null;

/** Warms the probe path once per process; later calls return the same promise. */
export function warmUp(): Promise<void> {
  warming ??= run().catch(() => {});
  return warming;
}

async function run(): Promise<void> {
  const body = zlib.gzipSync(JSON.stringify({ status: 'ok', items: [{ id: 1 }] }));
  const server = http.createServer((_req, res) => {
    res.writeHead(200, {
      'content-type': 'application/json',
      'content-encoding': 'gzip',
      'cache-status': 'warm-up; hit',
      'server-timing': 'warm;dur=0.1;desc="warm-up"',
      'x-content-type-options': 'nosniff',
    });
    res.end(body);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  try {
    const { port } = server.address() as AddressInfo;
    const spec = warmUpSpec(`http://127.0.0.1:${port}/warm-up`);
    await checkOnce(spec, { budgetMs: WARM_UP_BUDGET_MS });
    await checkOnce({ ...spec, url: `https://127.0.0.1:${port}/warm-up` }, { budgetMs: WARM_UP_BUDGET_MS });
  } finally {
    server.closeAllConnections();
    server.close();
  }
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
      securityHeaders: true,
    },
  };
}
