/**
 * The benchmark target, run as its own process so its work never shares an
 * event loop (or a CPU quota) with the probes being measured.
 *
 *   node --import tsx bench/target.ts CERT.pem KEY.pem
 *
 * Serves GET /delay/<ms> (answers after that many ms) on http and https,
 * 127.0.0.1, random free ports; prints `{"http":PORT,"https":PORT}` once
 * listening and exits when stdin closes (so it never outlives the bench).
 */
import { readFileSync } from 'node:fs';
import { createServer as createHttp, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttps } from 'node:https';
import type { AddressInfo } from 'node:net';

const [certFile, keyFile] = process.argv.slice(2);
if (!certFile || !keyFile) {
  process.stderr.write('usage: target.ts CERT.pem KEY.pem\n');
  process.exit(2);
}

const BODY = 'ok\n';
const MAX_DELAY_MS = 10_000;

function handle(req: IncomingMessage, res: ServerResponse): void {
  const m = /^\/delay\/(\d+)(?:\?.*)?$/.exec(req.url ?? '');
  if (!m) {
    res.writeHead(404).end();
    return;
  }
  const delay = Math.min(Number(m[1]), MAX_DELAY_MS);
  setTimeout(() => {
    res.writeHead(200, { 'content-type': 'text/plain', 'content-length': BODY.length });
    res.end(BODY);
  }, delay);
}

const http = createHttp(handle);
const https = createHttps({ cert: readFileSync(certFile), key: readFileSync(keyFile) }, handle);
// Room for the 500-check concurrency run.
http.maxConnections = https.maxConnections = 2000;
const listen = (server: typeof http | typeof https) =>
  new Promise<number>((resolve) => server.listen({ port: 0, host: '127.0.0.1', backlog: 1024 }, () => resolve((server.address() as AddressInfo).port)));

const ports = { http: await listen(http), https: await listen(https) };
process.stdout.write(`${JSON.stringify(ports)}\n`);

process.stdin.resume();
process.stdin.on('end', () => process.exit(0));
process.stdin.on('close', () => process.exit(0));
