/**
 * Hostile targets: each must come back as the right failure kind within its
 * timeout plus 100 ms (the bound; wall clock around the probe), with
 * a message saying what failed, and memory staying bounded.
 */
import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { after, before, describe, it } from 'node:test';
import type { CheckResult, FailureKind } from '../../lib/spec/result.ts';
import { checkOnce } from '../../lambda/probe/check.ts';
import type { ProbeEnvironment } from '../../lambda/probe/http.ts';
import { warmUp } from '../../lambda/probe/warm-up.ts';
import { makeCerts, type TestCerts } from '../fixtures/certs.ts';
import { checkSpec } from '../fixtures/spec.ts';
import { startTargets, type Targets } from '../fixtures/targets.ts';

const TIMEOUT = 600;
/** The bound: a failure is reported within its timeout plus this. */
const SLACK_MS = 100;
const MiB = 1024 * 1024;

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

const env = (): ProbeEnvironment => ({ ca: certs.ca });

async function run(url: string, overrides: Partial<Parameters<typeof checkSpec>[0]> = {}, environment = env()) {
  const spec = checkSpec({ name: 'hostile', url, timeout: TIMEOUT, ...overrides });
  const started = performance.now();
  const result = await checkOnce(spec, { ...environment, budgetMs: spec.timeout });
  return { result, elapsed: performance.now() - started, spec };
}

function expectFailure(result: CheckResult, kind: FailureKind, retryable: boolean, message: RegExp): void {
  assert.equal(result.ok, false);
  assert.ok(result.failure, 'a failure');
  assert.equal(result.failure.kind, kind, `kind of: ${result.failure.message}`);
  assert.equal(result.failure.retryable, retryable, `retryable of: ${result.failure.message}`);
  assert.match(result.failure.message, message);
}

function assertWithinBudget(elapsed: number, timeout = TIMEOUT): void {
  assert.ok(elapsed < timeout + SLACK_MS, `took ${elapsed.toFixed(1)} ms, expected under ${timeout + SLACK_MS} ms`);
}

function assertPhasesAddUp(result: CheckResult): void {
  const { dns, connect, tls, firstByte, download, total } = result.timings;
  const sum = [dns, connect, tls, firstByte, download].reduce<number>((a, b) => a + (b ?? 0), 0);
  assert.ok(Math.abs(sum - total) <= 0.5, `phases ${sum} vs total ${total}`);
}

describe('hostile targets', () => {
  it('connection refused -> connect, retryable', async () => {
    const { result, elapsed } = await run(`${t.refused}/`);
    expectFailure(result, 'connect', true, /^connection to 127\.0\.0\.1:\d+ refused \(ECONNREFUSED\), expected a server listening$/);
    assert.equal(result.failure!.code, 'ECONNREFUSED');
    assert.equal(result.failure!.phase, 'connect');
    assert.equal(result.timings.dns, null, 'an IP literal has no DNS phase');
    assert.equal(result.timings.firstByte, null);
    assertPhasesAddUp(result);
    assertWithinBudget(elapsed);
  });

  it('close without reply -> reset, retryable, waiting for the first byte', async () => {
    const { result, elapsed } = await run(`${t.closeWithoutReply}/`);
    expectFailure(result, 'reset', true, /closed the connection waiting for the first byte/);
    assert.equal(result.failure!.phase, 'firstByte');
    assert.equal(result.statusCode, null);
    assertPhasesAddUp(result);
    assertWithinBudget(elapsed);
  });

  it('TCP reset -> reset, retryable', async () => {
    const { result, elapsed } = await run(`${t.reset}/`);
    expectFailure(result, 'reset', true, /^connection reset by the server waiting for the first byte \(ECONNRESET\)/);
    assert.equal(result.failure!.code, 'ECONNRESET');
    assertWithinBudget(elapsed);
  });

  it('no answer at all -> timeout waiting for the first byte, after the whole budget', async () => {
    const { result, elapsed } = await run(`${t.noAnswer}/`);
    expectFailure(result, 'timeout', true, new RegExp(`^timeout after ${TIMEOUT} ms waiting for the first byte$`));
    assert.equal(result.failure!.phase, 'firstByte');
    assert.ok(result.timings.total >= TIMEOUT - 1, `total ${result.timings.total}`);
    assert.ok(result.timings.firstByte! > TIMEOUT / 2, 'the wait is in the firstByte phase');
    assertPhasesAddUp(result);
    assertWithinBudget(elapsed);
  });

  it('headers dripped past the timeout -> timeout reading the response headers', async () => {
    const { result, elapsed } = await run(`${t.dripHeaders}/`);
    expectFailure(result, 'timeout', true, new RegExp(`^timeout after ${TIMEOUT} ms reading the response headers$`));
    assert.equal(result.failure!.phase, 'download');
    assert.equal(result.statusCode, null);
    assert.ok(result.timings.firstByte! < TIMEOUT / 2, 'the first byte came early');
    assertPhasesAddUp(result);
    assertWithinBudget(elapsed);
  });

  it('body dripped past the timeout -> timeout reading the body, with what was read', async () => {
    const { result, elapsed } = await run(`${t.dripBody}/`);
    expectFailure(result, 'timeout', true, new RegExp(`^timeout after ${TIMEOUT} ms reading the body \\(\\d+B read\\)$`));
    assert.equal(result.statusCode, 200);
    assert.ok(result.bodyBytes > 0 && result.bodyBytes < 100, `bodyBytes ${result.bodyBytes}`);
    assert.match(result.bodyExcerpt ?? '', /^x+$/);
    assert.deepEqual(result.assertions, [], 'no assertions on a response that did not complete');
    assertPhasesAddUp(result);
    assertWithinBudget(elapsed);
  });

  it('a 100 MiB body with a 1 MiB cap -> body-too-large, memory bounded (chunked, no content-length)', async () => {
    global.gc?.();
    const before = process.memoryUsage().rss;
    // A body assertion makes the probe keep what it reads: without the cap, 100 MiB would stay in memory.
    const keep = { body: { contains: 'never', notContains: null, matches: null } };
    const { result, elapsed } = await run(`${t.http}/big?bytes=${100 * MiB}&chunked`, { maxBodySize: MiB, timeout: 5000, assert: keep });
    const grew = process.memoryUsage().rss - before;
    expectFailure(result, 'body-too-large', false, /^body larger than maxBodySize 1MiB: stopped reading at 1MiB$/);
    assert.equal(result.bodyBytes, MiB);
    assert.equal(result.statusCode, 200);
    assert.ok(grew < 64 * MiB, `rss grew ${(grew / MiB).toFixed(1)} MiB`);
    assert.ok(Buffer.byteLength(result.bodyExcerpt!) <= 512);
    assertWithinBudget(elapsed, 5000);
  });

  it('a 100 MiB body announced by content-length fails at the headers', async () => {
    const { result } = await run(`${t.http}/big?bytes=${100 * MiB}`, { maxBodySize: MiB });
    expectFailure(result, 'body-too-large', false, /^body of 100MiB \(content-length\) is larger than maxBodySize 1MiB$/);
    assert.equal(result.bodyBytes, 0);
  });

  it('a gzip bomb -> body-too-large counted after decoding, memory bounded', async () => {
    global.gc?.();
    const before = process.memoryUsage().rss;
    const { result, elapsed } = await run(`${t.http}/bomb`, { maxBodySize: MiB, timeout: 5000, assert: { body: { contains: 'never', notContains: null, matches: null } } });
    const grew = process.memoryUsage().rss - before;
    expectFailure(result, 'body-too-large', false, /^body larger than maxBodySize 1MiB: stopped reading at 1MiB, counted after gzip decoding$/);
    assert.equal(result.bodyBytes, MiB);
    assert.ok(grew < 64 * MiB, `rss grew ${(grew / MiB).toFixed(1)} MiB`);
    const body = result.assertions.find((a) => a.type === 'body')!;
    assert.equal(body.ok, false);
    assert.match(body.message, /not checked \(it was not read completely\)/);
    assertWithinBudget(elapsed, 5000);
  });

  it('garbage instead of HTTP -> protocol, not retryable, with the parser code', async () => {
    const { result, elapsed } = await run(`${t.garbage}/`);
    expectFailure(result, 'protocol', false, /^invalid HTTP response reading the response headers \((HPE_[A-Z_]+|UND_ERR_HTTP_PARSER)\): .*, expected HTTP\/1\.1$/);
    assert.match(result.failure!.code ?? '', /^(HPE_|UND_ERR_HTTP_PARSER)/);
    assertWithinBudget(elapsed);
  });

  it('a body cut short of its content-length -> reset while reading the body', async () => {
    const { result } = await run(`${t.truncated}/`);
    expectFailure(result, 'reset', true, /^the server closed the connection reading the body \(11B read\) \(UND_ERR_SOCKET\), expected a complete response$/);
    assert.equal(result.statusCode, 200);
    assert.equal(result.bodyExcerpt, 'only a part');
  });

  it('an undecodable gzip body -> protocol naming the encoding', async () => {
    const { result } = await run(`${t.http}/encoded/broken`);
    expectFailure(result, 'protocol', false, /^could not decode the gzip body \(Z_[A-Z_]+\)/);
  });

  describe('TLS', () => {
    it('self-signed certificate -> tls, not retryable, certificate still recorded', async () => {
      const { result, elapsed } = await run(`${t.selfSigned}/ok`);
      expectFailure(result, 'tls', false, /^TLS: the certificate is self-signed \(DEPTH_ZERO_SELF_SIGNED_CERT\), expected a trusted certificate valid for 127\.0\.0\.1$/);
      assert.equal(result.failure!.phase, 'tls');
      assert.equal(result.certificate?.subject, 'CN=localhost');
      assert.equal(result.certificate?.issuer, 'CN=localhost');
      assert.equal(result.statusCode, null, 'no request is sent over an unverified connection');
      assert.ok(result.timings.tls! > 0);
      assertPhasesAddUp(result);
      assertWithinBudget(elapsed);
    });

    it('expired certificate -> tls, with the expiry recorded', async () => {
      const { result } = await run(`${t.expired}/ok`);
      expectFailure(result, 'tls', false, /^TLS: the certificate has expired \(CERT_HAS_EXPIRED\)/);
      assert.equal(result.certificate?.validTo, '2020-02-01T00:00:00.000Z');
      assert.ok(result.certificate!.daysRemaining < -365);
    });

    it('wrong host name -> tls', async () => {
      const { result } = await run(`${t.wrongHost}/ok`);
      expectFailure(result, 'tls', false, /^TLS: the certificate does not name this host \(ERR_TLS_CERT_ALTNAME_INVALID\)/);
      assert.equal(result.certificate?.subject, 'CN=wrong.example');
    });

    it('tls.verify: false accepts the expired certificate and still reports it', async () => {
      const { result } = await run(`${t.expired}/ok`, { tls: { verify: false }, assert: { certificate: { minDaysRemaining: 14 } } });
      assert.equal(result.statusCode, 200);
      expectFailure(result, 'assertion', false, /^certificate expired \d+ days ago \(2020-02-01\), expected at least 14 days/);
    });

    it('plain HTTP on an https URL -> tls handshake failure', async () => {
      const { result } = await run(`${t.http.replace('http:', 'https:')}/ok`);
      expectFailure(result, 'tls', false, /^TLS handshake with 127\.0\.0\.1:\d+ failed \(ERR_SSL_[A-Z_]+\)/);
    });
  });

  it('a redirect loop -> protocol, naming the loop', async () => {
    const { result, elapsed } = await run(`${t.http}/redirect/loop-a`);
    expectFailure(result, 'protocol', false, /^redirect loop: http:\/\/127\.0\.0\.1:\d+\/redirect\/loop-a -> http:\/\/127\.0\.0\.1:\d+\/redirect\/loop-b -> http:\/\/127\.0\.0\.1:\d+\/redirect\/loop-a$/);
    assert.equal(result.failure!.code, 'WATCHPOST_REDIRECT_LOOP');
    assert.equal(result.redirects, 1);
    assertPhasesAddUp(result);
    assertWithinBudget(elapsed);
  });

  it('more redirects than followRedirects -> protocol, naming the limit', async () => {
    const { result } = await run(`${t.http}/redirect/chain/3`, { followRedirects: 2 });
    expectFailure(result, 'protocol', false, /^more than 2 redirects \(followRedirects 2\): .*chain\/3 -> .*chain\/2 -> .*chain\/1 -> .*\/ok$/);
    assert.equal(result.redirects, 2);
  });

  it('a redirect without a Location -> protocol', async () => {
    const { result } = await run(`${t.http}/redirect/nowhere`);
    expectFailure(result, 'protocol', false, /^redirect 302 without a Location header$/);
    assert.equal(result.statusCode, 302);
  });

  describe('a name that does not resolve', () => {
    // The machine's resolver is not on loopback, so a real lookup of a
    // missing name would leave the box: the resolver is injected, answering
    // like getaddrinfo does for NXDOMAIN.
    const nxdomain: ProbeEnvironment['resolve'] = async (hostname) => {
      throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND', hostname });
    };
    const tempFail: ProbeEnvironment['resolve'] = async (hostname) => {
      throw Object.assign(new Error(`getaddrinfo EAI_AGAIN ${hostname}`), { code: 'EAI_AGAIN', hostname });
    };

    it('NXDOMAIN -> dns, not retryable', async () => {
      const { result, elapsed } = await run('http://does-not-exist.invalid/', {}, { resolve: nxdomain });
      expectFailure(result, 'dns', false, /^DNS: does-not-exist\.invalid does not resolve \(ENOTFOUND\), expected an address$/);
      assert.equal(result.failure!.phase, 'dns');
      assert.notEqual(result.timings.dns, null);
      assert.equal(result.timings.connect, null);
      assertPhasesAddUp(result);
      assertWithinBudget(elapsed);
    });

    it('a temporary resolver failure -> dns, retryable', async () => {
      const { result } = await run('http://flaky-dns.invalid/', {}, { resolve: tempFail });
      expectFailure(result, 'dns', true, /^DNS lookup of flaky-dns\.invalid failed \(EAI_AGAIN\)/);
    });

    it('a resolver that never answers -> timeout while resolving', async () => {
      let pending: NodeJS.Timeout | undefined;
      const hang: ProbeEnvironment['resolve'] = () => new Promise((resolve) => (pending = setTimeout(() => resolve([]), 5000)));
      const { result, elapsed } = await run('http://slow-dns.invalid/', {}, { resolve: hang });
      clearTimeout(pending);
      expectFailure(result, 'timeout', true, new RegExp(`^timeout after ${TIMEOUT} ms resolving slow-dns\\.invalid$`));
      assert.equal(result.failure!.phase, 'dns');
      assertWithinBudget(elapsed);
    });
  });

  it('the process stays responsive while targets hang and drip', async () => {
    const hostile = [t.noAnswer, t.dripHeaders, t.dripBody].map((base) => run(`${base}/`));
    // Event-loop turns keep coming while three probes are stuck: count them over the probes' lifetime.
    let turns = 0;
    const ticker = setInterval(() => turns++, 10);
    const results = await Promise.all(hostile);
    clearInterval(ticker);
    assert.deepEqual(
      results.map((r) => r.result.failure?.kind),
      ['timeout', 'timeout', 'timeout'],
    );
    assert.ok(turns >= 20, `only ${turns} timer turns in ${TIMEOUT} ms`);
  });
});
