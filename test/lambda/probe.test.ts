/**
 * The probe on happy targets: phases that add up (real readings), DNS/TLS
 * phases present exactly when they happen, certificates, decoding, redirects,
 * request headers, cache and Server-Timing read through the whole path.
 */
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { once } from 'node:events';
import http from 'node:http';
import https from 'node:https';
import net, { type AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { CheckResult } from '../../lib/spec/result.ts';
import { checkOnce } from '../../lambda/probe/check.ts';
import { DEFAULT_REQUEST_HEADERS, type ProbeEnvironment } from '../../lambda/probe/http.ts';
import { warmUp } from '../../lambda/probe/warm-up.ts';
import { makeWarmUpCertificate } from '../../lambda/probe/warm-up-cert.ts';
import { makeCerts, type TestCerts } from '../fixtures/certs.ts';
import { checkSpec } from '../fixtures/spec.ts';
import { JSON_DOC, startTargets, type Targets } from '../fixtures/targets.ts';

let certs: TestCerts;
let t: Targets;
before(async () => {
  certs = makeCerts();
  t = await startTargets(certs);
  await warmUp({ ca: certs.ca });
});
after(async () => {
  await t.close();
  certs.cleanup();
});

type Overrides = Partial<Parameters<typeof checkSpec>[0]>;
async function run(url: string, overrides: Overrides = {}, environment: ProbeEnvironment = {}): Promise<CheckResult> {
  const spec = checkSpec({ name: 'happy', url, timeout: 5000, ...overrides });
  return checkOnce(spec, { ca: certs.ca, ...environment, budgetMs: spec.timeout });
}

function phaseSum(r: CheckResult): number {
  const { dns, connect, tls, firstByte, download } = r.timings;
  return [dns, connect, tls, firstByte, download].reduce<number>((a, b) => a + (b ?? 0), 0);
}

/** `localhost` from the URL, resolved by the real getaddrinfo through /etc/hosts (no query leaves the machine). */
const viaLocalhost = (base: string) => base.replace('127.0.0.1', 'localhost');

describe('timings', () => {
  it('http to an IP literal: no DNS, no TLS, phases add up to the total', async () => {
    const r = await run(`${t.http}/delay/50`);
    assert.equal(r.ok, true, r.failure?.message);
    assert.equal(r.timings.dns, null);
    assert.equal(r.timings.tls, null);
    for (const phase of ['connect', 'firstByte', 'download'] as const) assert.ok(r.timings[phase]! >= 0, phase);
    assert.ok(r.timings.firstByte! >= 45, `firstByte ${r.timings.firstByte} includes the 50 ms the server waited`);
    assert.ok(Math.abs(phaseSum(r) - r.timings.total) <= 0.5, `sum ${phaseSum(r)} total ${r.timings.total}`);
  });

  it('the download phase runs to the arrival of the last byte, or of the close that ends the body', async () => {
    // /length: "abc", 80 ms, "def" (content-length 6). /close: "abc", 80 ms, "def", 80 ms, close (no length: the close ends it).
    const GAP_MS = 80;
    const server = net.createServer((socket) => {
      const timers: NodeJS.Timeout[] = [];
      socket.once('data', (request) => {
        const byClose = request.toString('latin1').startsWith('GET /close');
        socket.write(`HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\n${byClose ? 'connection: close' : 'content-length: 6'}\r\n\r\nabc`);
        timers.push(setTimeout(() => (byClose ? socket.write('def') : socket.end('def')), GAP_MS));
        if (byClose) timers.push(setTimeout(() => socket.end(), 2 * GAP_MS));
      });
      socket.once('close', () => timers.forEach(clearTimeout));
      socket.on('error', () => {});
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      for (const [path, gaps] of [['/length', 1], ['/close', 2]] as const) {
        const r = await run(`${base}${path}`, { assert: { body: { contains: 'abcdef', notContains: null, matches: null } } });
        assert.equal(r.ok, true, `${path}: ${r.failure?.message}`);
        assert.equal(r.bodyBytes, 6, path);
        const expected = gaps * GAP_MS;
        assert.ok(r.timings.download! >= expected - 5, `${path}: download ${r.timings.download} spans the ${expected} ms to the end of the body`);
        assert.ok(r.timings.firstByte! < GAP_MS, `${path}: firstByte ${r.timings.firstByte} ends with the first part`);
        assert.ok(Math.abs(phaseSum(r) - r.timings.total) <= 0.5, `${path}: sum ${phaseSum(r)} total ${r.timings.total}`);
      }
    } finally {
      server.close();
    }
  });

  it('http to an IPv6 literal: no DNS phase', async (ctx) => {
    const server = http.createServer((_req, res) => res.end('v6'));
    const listening = await new Promise<boolean>((resolve) => {
      server.once('error', () => resolve(false));
      server.listen(0, '::1', () => resolve(true));
    });
    if (!listening) return ctx.skip('no IPv6 loopback on this machine');
    try {
      const r = await run(`http://[::1]:${(server.address() as AddressInfo).port}/`);
      assert.equal(r.ok, true, r.failure?.message);
      assert.equal(r.timings.dns, null);
      assert.equal(r.bodyExcerpt, 'v6');
    } finally {
      server.close();
    }
  });

  it('http to a host name: the lookup is its own phase', async () => {
    const r = await run(`${viaLocalhost(t.http)}/ok`);
    assert.equal(r.ok, true, r.failure?.message);
    assert.ok(r.timings.dns !== null && r.timings.dns > 0, `dns ${r.timings.dns}`);
    assert.ok(Math.abs(phaseSum(r) - r.timings.total) <= 0.5);
  });

  it('https: a TLS phase, the certificate recorded, phases add up', async () => {
    const r = await run(`${viaLocalhost(t.https)}/delay/20`);
    assert.equal(r.ok, true, r.failure?.message);
    for (const phase of ['dns', 'connect', 'tls', 'firstByte', 'download'] as const) {
      assert.ok(r.timings[phase] !== null && r.timings[phase]! >= 0, `${phase} ${r.timings[phase]}`);
    }
    assert.ok(Math.abs(phaseSum(r) - r.timings.total) <= 0.5);
    assert.equal(r.certificate?.subject, 'CN=localhost');
    assert.equal(r.certificate?.issuer, 'CN=Watchpost Test CA');
    assert.ok([89, 90].includes(r.certificate!.daysRemaining), `daysRemaining ${r.certificate!.daysRemaining}`);
    assert.ok(Date.parse(r.certificate!.validTo) > Date.now());
  });

  it('every https probe is a full handshake: no session is resumed between probes', async () => {
    const noResume = { assert: { json: [{ path: 'reused', operator: 'equals' as const, value: false }] } };
    for (let i = 0; i < 3; i++) {
      const r = await run(`${t.https}/tls`, noResume);
      assert.equal(r.ok, true, r.failure?.message);
      assert.ok(r.timings.tls! > 0);
    }
  });

  it('redirect hops add into the same phases, so the sum still holds', async () => {
    const r = await run(`${t.http}/redirect/chain/3`);
    assert.equal(r.ok, true, r.failure?.message);
    assert.equal(r.redirects, 3);
    assert.equal(r.statusCode, 200);
    assert.match(r.bodyExcerpt ?? '', /^ok: all systems nominal/);
    assert.ok(Math.abs(phaseSum(r) - r.timings.total) <= 0.5);
  });
});

describe('warm-up certificate', () => {
  it('is a valid self-signed certificate for 127.0.0.1 that a verifying probe accepts', async () => {
    const pair = makeWarmUpCertificate();
    const x509 = new X509Certificate(pair.cert);
    assert.equal(x509.subject, 'CN=watchpost warm-up');
    assert.equal(x509.checkIP('127.0.0.1'), '127.0.0.1');
    assert.ok(x509.verify(x509.publicKey), 'signed by its own key');
    const server = https.createServer(pair, (_req, res) => res.end('warm'));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    try {
      const r = await run(`https://127.0.0.1:${(server.address() as AddressInfo).port}/`, {}, { ca: pair.cert });
      assert.equal(r.ok, true, r.failure?.message);
      assert.equal(r.certificate?.subject, 'CN=watchpost warm-up');
      assert.equal(r.certificate?.daysRemaining, 0, 'valid for one more day, minus the part of it already gone');
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });
});

describe('redirects', () => {
  it('followRedirects 0 returns the redirect itself (3xx passes by default)', async () => {
    const r = await run(`${t.http}/redirect/chain/1`, { followRedirects: 0 });
    assert.equal(r.statusCode, 302);
    assert.equal(r.redirects, 0);
    assert.equal(r.ok, true, r.failure?.message);
    assert.equal(r.responseHeaders?.['location'], '/ok');
  });

  it('303 turns a POST into a GET without the body; 307 keeps both', async () => {
    const post = { method: 'POST' as const, body: '{"a":1}', headers: { 'content-type': 'application/json' } };
    const seeOther = await run(`${t.http}/redirect/see-other`, { ...post, assert: { json: [{ path: 'method', operator: 'equals', value: 'GET' }] } });
    assert.equal(seeOther.ok, true, seeOther.failure?.message);
    const temporary = await run(`${t.http}/redirect/temporary`, {
      ...post,
      assert: {
        json: [
          { path: 'method', operator: 'equals', value: 'POST' },
          { path: 'headers.content-length', operator: 'equals', value: '7' },
        ],
      },
    });
    assert.equal(temporary.ok, true, temporary.failure?.message);
  });

  it('credentials and secret headers stay with their origin', async () => {
    const other = `${viaLocalhost(t.http)}/echo`; // another origin: a different host name
    const headers = { authorization: 'Bearer s3cret', 'x-api-key': 'k', 'x-trace': 'keep' };
    const r = await run(`${t.http}/redirect/to?url=${encodeURIComponent(other)}`, {
      headers,
      secretHeaders: ['x-api-key'],
      assert: {
        json: [
          { path: 'headers.authorization', operator: 'exists', value: false },
          { path: 'headers.x-api-key', operator: 'exists', value: false },
          { path: 'headers.x-trace', operator: 'equals', value: 'keep' },
        ],
      },
    });
    assert.equal(r.ok, true, r.failure?.message);
    const same = await run(`${t.http}/redirect/to?url=/echo`, {
      headers,
      assert: { json: [{ path: 'headers.authorization', operator: 'equals', value: 'Bearer s3cret' }] },
    });
    assert.equal(same.ok, true, same.failure?.message);
  });
});

describe('request and response', () => {
  it('sends the default headers, which the check can override', async () => {
    const r = await run(`${t.http}/echo`, {
      headers: { 'user-agent': 'custom/1' },
      assert: {
        json: [
          { path: 'headers.user-agent', operator: 'equals', value: 'custom/1' },
          { path: 'headers.accept-encoding', operator: 'equals', value: DEFAULT_REQUEST_HEADERS['accept-encoding'] },
          { path: 'method', operator: 'equals', value: 'GET' },
        ],
      },
    });
    assert.equal(r.ok, true, r.failure?.message);
  });

  for (const coding of ['gzip', 'deflate', 'deflate-raw', 'br', 'gzip-br']) {
    it(`decodes ${coding} and counts decoded bytes`, async () => {
      const r = await run(`${t.http}/encoded/${coding}`, { assert: { json: [{ path: 'data.items[1].name', operator: 'equals', value: 'second' }] } });
      assert.equal(r.ok, true, r.failure?.message);
      assert.equal(r.bodyBytes, Buffer.byteLength(JSON.stringify(JSON_DOC)));
      assert.equal(r.bodyExcerpt, JSON.stringify(JSON_DOC));
    });
  }

  it('skips 103 Early Hints and reads the final response', async () => {
    const r = await run(`${t.http}/early-hints`);
    assert.equal(r.statusCode, 200);
    assert.equal(r.bodyExcerpt, 'after hints');
    assert.equal(r.responseHeaders?.['link'], undefined, 'headers are the final response\'s');
  });

  it('HEAD has no body, whatever content-length announces', async () => {
    const r = await run(`${t.http}/ok`, { method: 'HEAD' });
    assert.equal(r.ok, true, r.failure?.message);
    assert.equal(r.bodyBytes, 0);
    assert.equal(r.bodyExcerpt, null);
    const big = await run(`${t.http}/big?bytes=${100 * 1024 * 1024}`, { method: 'HEAD', maxBodySize: 1024 });
    assert.equal(big.ok, true, big.failure?.message);
    assert.equal(big.responseHeaders?.['content-length'], String(100 * 1024 * 1024));
  });

  it('keeps the excerpt within 512 bytes without cutting a character', async () => {
    const text = 'é'.repeat(400); // 800 bytes of UTF-8
    const r = await run(`${t.http}/text?body=${encodeURIComponent(text)}`);
    assert.equal(r.bodyBytes, 800);
    assert.equal(r.bodyExcerpt, 'é'.repeat(256));
    assert.equal(Buffer.byteLength(r.bodyExcerpt!), 512);
  });

  it('redacts secret response headers, built-in and per check', async () => {
    const r = await run(`${t.http}/headers`, { secretHeaders: ['x-api-key'] });
    assert.equal(r.responseHeaders?.['set-cookie'], '[redacted]');
    assert.equal(r.responseHeaders?.['x-api-key'], '[redacted]');
    assert.equal(r.responseHeaders?.['server'], 'target/1.0');
    assert.ok(!JSON.stringify(r).includes('abc123'), 'the cookie value appears nowhere in the result');
  });

  it('reads cache status from the response', async () => {
    const hit = await run(`${t.http}/cache/cf-hit`);
    assert.deepEqual(hit.cache, { hit: true, source: 'cf-cache-status', age: 3 });
    const rfc = await run(`${t.http}/cache/cache-status-hit`);
    assert.deepEqual(rfc.cache, { hit: true, source: 'cache-status', age: 12 });
    const none = await run(`${t.http}/cache/none`);
    assert.equal(none.cache, null);
  });

  it('reads every Server-Timing entry, across repeated headers', async () => {
    const r = await run(`${t.http}/server-timing`);
    assert.deepEqual(r.serverTiming, [
      { name: 'db', dur: 53.2, desc: 'Database, primary' },
      { name: 'cache', dur: 23.2, desc: 'Cache Read' },
      { name: 'total', dur: 123.4, desc: null },
      { name: 'miss', dur: null, desc: null },
    ]);
    const plain = await run(`${t.http}/ok`);
    assert.equal(plain.serverTiming, null);
  });

  it('a failing status is a status failure with the actual code, retryable for 5xx only', async () => {
    const r503 = await run(`${t.http}/status/503`);
    assert.deepEqual(r503.failure, { kind: 'status', message: 'status 503, expected one of [2xx]', retryable: true, phase: null, code: null });
    const r404 = await run(`${t.http}/status/404`, { assert: { status: [200, '3xx'] } });
    assert.deepEqual(r404.failure, { kind: 'status', message: 'status 404, expected one of [200, 3xx]', retryable: false, phase: null, code: null });
  });

  it('several failed assertions: the first is the failure, the others are counted', async () => {
    const r = await run(`${t.http}/json`, {
      assert: {
        json: [
          { path: 'status', operator: 'equals', value: 'degraded' },
          { path: 'data.count', operator: 'greaterThan', value: 5 },
        ],
      },
    });
    assert.equal(r.failure?.kind, 'assertion');
    assert.equal(r.failure?.retryable, false);
    assert.equal(r.failure?.message, 'json status is "ok", expected to equal "degraded" (and 1 more failed assertion)');
  });
});
