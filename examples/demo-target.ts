/**
 * The demo service `npm run demo` probes: a small HTTP server on 127.0.0.1
 * (a random free port) with one endpoint per thing worth seeing in the
 * results. Everything is deterministic, so the demo prints the same story
 * every time.
 *
 *   /health          200 JSON, security headers
 *   /slow            200 after SLOW_MS (crosses the demo's latency warning)
 *   /flaky           503 on odd requests, 200 on even ones (a retry rescues it)
 *   /api/products    200 JSON with Server-Timing, Cache-Status, Age, Cache-Control
 *   /checkout        503 JSON "degraded": the check that fails on purpose
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** How long /slow takes to answer (ms). */
export const SLOW_MS = 300;

/** Checks in examples/demo.yaml that fail on purpose, to show what a failure looks like. */
export const INTENDED_FAILURES: readonly string[] = ['checkout'];

export interface DemoTarget {
  /** `http://127.0.0.1:PORT`, no trailing slash. */
  url: string;
  close(): Promise<void>;
}

const SECURITY_HEADERS = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'content-security-policy': "default-src 'none'",
};

const PRODUCTS = {
  count: 2,
  items: [
    { id: 'demo-001', name: 'Kettle', price: 29.9 },
    { id: 'demo-002', name: 'Teapot', price: 19.5 },
  ],
};

export async function startDemoTarget(): Promise<DemoTarget> {
  const pending = new Set<NodeJS.Timeout>();
  let flakyRequests = 0;

  const routes: Record<string, (req: IncomingMessage, res: ServerResponse) => void> = {
    '/health': (_req, res) => json(res, 200, { status: 'ok' }, SECURITY_HEADERS),
    '/slow': (_req, res) => {
      const timer = setTimeout(() => {
        pending.delete(timer);
        json(res, 200, { status: 'ok', tookMs: SLOW_MS });
      }, SLOW_MS);
      pending.add(timer);
    },
    '/flaky': (_req, res) => {
      flakyRequests++;
      if (flakyRequests % 2 === 1) json(res, 503, { status: 'unavailable', attempt: flakyRequests });
      else json(res, 200, { status: 'ok', attempt: flakyRequests });
    },
    '/api/products': (_req, res) =>
      json(res, 200, PRODUCTS, {
        'cache-control': 'public, max-age=60',
        'cache-status': 'demo-edge; hit; ttl=18',
        age: '42',
        'server-timing': 'db;dur=12.4;desc="products query", render;dur=3.1, cache;desc="edge hit"',
      }),
    '/checkout': (_req, res) =>
      json(res, 503, { status: 'degraded', error: 'payment provider timed out' }, { 'retry-after': '30' }),
  };

  const server = createServer((req, res) => {
    const route = routes[new URL(req.url ?? '/', 'http://demo').pathname];
    if (route) route(req, res);
    else json(res, 404, { error: 'not found' });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const timer of pending) clearTimeout(timer);
        pending.clear();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}
