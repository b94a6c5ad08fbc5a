/**
 * The probe's pure parts: failure classification (the decision table),
 * cache and Server-Timing parsing, redaction, redirects, excerpts.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { codingsOf, utf8Prefix } from '../../lambda/probe/body.ts';
import { parseCache } from '../../lambda/probe/cache.ts';
import { classify, codeOf, isRetryableStatus } from '../../lambda/probe/classify.ts';
import { nextHop, type Hop } from '../../lambda/probe/redirects.ts';
import { parseServerTiming } from '../../lambda/probe/server-timing.ts';
import { Timeline } from '../../lambda/probe/timeline.ts';
import { redactHeaders } from '../../lambda/redact.ts';
import type { Phase } from '../../lib/spec/result.ts';

describe('classify: code and phase -> kind and retryable', () => {
  const table: [string | null, Phase | null, string, boolean][] = [
    ['ENOTFOUND', 'dns', 'dns', false],
    ['ENODATA', 'dns', 'dns', false],
    ['EAI_AGAIN', 'dns', 'dns', true],
    ['WATCHPOST_TIMEOUT', 'dns', 'timeout', true],
    ['ECONNREFUSED', 'connect', 'connect', true],
    ['EHOSTUNREACH', 'connect', 'connect', true],
    ['ENETUNREACH', 'connect', 'connect', true],
    ['ETIMEDOUT', 'connect', 'timeout', true],
    ['WATCHPOST_TIMEOUT', 'firstByte', 'timeout', true],
    ['WATCHPOST_DEADLINE', null, 'timeout', true],
    ['UND_ERR_HEADERS_TIMEOUT', 'firstByte', 'timeout', true],
    ['ECONNRESET', 'firstByte', 'reset', true],
    ['ECONNRESET', 'tls', 'reset', true],
    ['EPIPE', 'firstByte', 'reset', true],
    ['UND_ERR_SOCKET', 'download', 'reset', true],
    ['WATCHPOST_CLOSED', 'firstByte', 'reset', true],
    ['CERT_HAS_EXPIRED', 'tls', 'tls', false],
    ['DEPTH_ZERO_SELF_SIGNED_CERT', 'tls', 'tls', false],
    ['UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'tls', 'tls', false],
    ['ERR_TLS_CERT_ALTNAME_INVALID', 'tls', 'tls', false],
    ['ERR_SSL_WRONG_VERSION_NUMBER', 'tls', 'tls', false],
    ['EPROTO', 'tls', 'tls', false],
    ['HPE_INVALID_CONSTANT', 'download', 'protocol', false],
    ['UND_ERR_HTTP_PARSER', 'download', 'protocol', false],
    ['UND_ERR_RES_CONTENT_LENGTH_MISMATCH', 'download', 'protocol', false],
    ['Z_DATA_ERROR', 'download', 'protocol', false],
    ['ERR__ERROR_FORMAT_PADDING_1', 'download', 'protocol', false],
    ['WATCHPOST_REDIRECT_LOOP', 'download', 'protocol', false],
    ['WATCHPOST_BODY_TOO_LARGE', 'download', 'body-too-large', false],
    ['SOMETHING_NEW', 'connect', 'connect', true],
    ['SOMETHING_NEW', 'tls', 'tls', false],
    [null, 'download', 'protocol', false],
  ];
  for (const [code, phase, kind, retryable] of table) {
    it(`${code} in ${phase} -> ${kind}${retryable ? ', retryable' : ''}`, () => {
      assert.deepEqual(classify(code, phase), { kind, retryable });
    });
  }
  it('status codes worth retrying', () => {
    assert.deepEqual([500, 502, 503, 504, 429, 408, 404, 400, 301].map(isRetryableStatus), [true, true, true, true, true, true, false, false, false]);
  });
  it('reads codes, never messages', () => {
    assert.equal(codeOf(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })), 'ECONNREFUSED');
    assert.equal(codeOf(new Error('ECONNREFUSED in the message only')), null);
    assert.equal(codeOf({ [Symbol.for('undici.error.UND_ERR_HTTP_PARSER')]: true, code: undefined }), 'UND_ERR_HTTP_PARSER');
  });
});

describe('parseCache', () => {
  const table: [Record<string, string>, ReturnType<typeof parseCache>][] = [
    [{ 'cache-status': 'Origin; fwd=uri-miss; stored, "CDN Edge"; hit; ttl=30', age: '12' }, { hit: true, source: 'cache-status', age: 12 }],
    [{ 'cache-status': 'CDN; fwd=miss; stored' }, { hit: false, source: 'cache-status', age: null }],
    [{ 'cache-status': 'CDN; detail="a, b; hit"' }, { hit: null, source: 'cache-status', age: null }],
    [{ 'cf-cache-status': 'HIT', age: '3' }, { hit: true, source: 'cf-cache-status', age: 3 }],
    [{ 'cf-cache-status': 'REVALIDATED' }, { hit: true, source: 'cf-cache-status', age: null }],
    [{ 'cf-cache-status': 'DYNAMIC' }, { hit: false, source: 'cf-cache-status', age: null }],
    [{ 'cf-cache-status': 'NONE' }, { hit: null, source: 'cf-cache-status', age: null }],
    [{ 'x-cache-status': 'EXPIRED' }, { hit: false, source: 'x-cache-status', age: null }],
    [{ 'x-cache': 'Hit from cloudfront' }, { hit: true, source: 'x-cache', age: null }],
    [{ 'x-cache': 'RefreshHit from cloudfront' }, { hit: true, source: 'x-cache', age: null }],
    [{ 'x-cache': 'Miss from cloudfront' }, { hit: false, source: 'x-cache', age: null }],
    [{ 'x-cache': 'MISS, HIT' }, { hit: true, source: 'x-cache', age: null }],
    [{ 'x-cache': 'Error from cloudfront' }, { hit: null, source: 'x-cache', age: null }],
    [{ age: '42' }, { hit: true, source: 'age', age: 42 }],
    [{ age: '0' }, { hit: null, source: 'age', age: 0 }],
    [{ 'cache-control': 'no-store' }, { hit: false, source: 'cache-control', age: null }],
    [{ 'cache-control': 'private, max-age=0' }, { hit: false, source: 'cache-control', age: null }],
    [{ 'cache-control': 'public, max-age=60' }, { hit: null, source: 'cache-control', age: null }],
    [{ 'content-type': 'text/plain' }, null],
  ];
  for (const [headers, expected] of table) {
    it(JSON.stringify(headers), () => assert.deepEqual(parseCache(headers), expected));
  }
});

describe('parseServerTiming', () => {
  it('every entry with dur and desc, quoted or not, first parameter wins', () => {
    assert.deepEqual(parseServerTiming('db;dur=53.2;desc="Database, \\"main\\"", cache;desc=hit;dur=0.1;dur=9, miss, ;dur=1, cpu;dur=abc'), [
      { name: 'db', dur: 53.2, desc: 'Database, "main"' },
      { name: 'cache', dur: 0.1, desc: 'hit' },
      { name: 'miss', dur: null, desc: null },
      { name: 'cpu', dur: null, desc: null },
    ]);
  });
  it('no header is null, an empty one is an empty list', () => {
    assert.equal(parseServerTiming(undefined), null);
    assert.deepEqual(parseServerTiming(''), []);
  });
});

describe('redactHeaders', () => {
  it('always hides credentials and cookies, plus the check own secrets, in any case', () => {
    const out = redactHeaders(
      { Authorization: 'Bearer x', cookie: 'a=1', 'set-cookie': 'b=2', 'proxy-authorization': 'p', 'X-Api-Key': 'k', accept: '*/*' },
      ['x-api-key'],
    );
    assert.deepEqual(out, {
      Authorization: '[redacted]',
      cookie: '[redacted]',
      'set-cookie': '[redacted]',
      'proxy-authorization': '[redacted]',
      'X-Api-Key': '[redacted]',
      accept: '*/*',
    });
  });
});

describe('redirects', () => {
  const from: Hop = {
    url: new URL('http://a.example/start'),
    method: 'POST',
    headers: { authorization: 'Bearer x', 'x-key': 'k', 'content-type': 'application/json', accept: '*/*' },
    body: '{}',
  };
  it('resolves relative locations and keeps method and body on 307', () => {
    const hop = nextHop(from, 307, '/next?q=1#frag', [from.url.href], 5, []);
    assert.ok(!(hop instanceof Error));
    assert.equal(hop.url.href, 'http://a.example/next?q=1');
    assert.deepEqual([hop.method, hop.body, hop.headers['authorization']], ['POST', '{}', 'Bearer x']);
  });
  it('303 becomes a GET without body or content headers', () => {
    const hop = nextHop(from, 303, '/done', [from.url.href], 5, []);
    assert.ok(!(hop instanceof Error));
    assert.deepEqual([hop.method, hop.body, hop.headers['content-type']], ['GET', null, undefined]);
  });
  it('drops credentials and secret headers on another origin', () => {
    const hop = nextHop(from, 302, 'https://b.example/', [from.url.href], 5, ['x-key']);
    assert.ok(!(hop instanceof Error));
    assert.deepEqual(hop.headers, { accept: '*/*' });
  });
  it('refuses a loop, too many hops, a missing or odd location', () => {
    const seen = ['http://a.example/start', 'http://a.example/b'];
    const codes = [
      nextHop(from, 302, '/start', seen, 5, []),
      nextHop(from, 302, '/c', seen, 1, []),
      nextHop(from, 302, undefined, seen, 5, []),
      nextHop(from, 302, 'ftp://a.example/file', seen, 5, []),
    ].map((h) => (h instanceof Error ? (h as Error & { code: string }).code : 'followed'));
    assert.deepEqual(codes, ['WATCHPOST_REDIRECT_LOOP', 'WATCHPOST_TOO_MANY_REDIRECTS', 'WATCHPOST_BAD_REDIRECT', 'WATCHPOST_BAD_REDIRECT']);
  });
});

describe('body helpers', () => {
  it('content-encoding lists decode in reverse order; unknown codings are not decoded', () => {
    assert.deepEqual(codingsOf('gzip, br'), ['br', 'gzip']);
    assert.deepEqual(codingsOf('X-GZIP'), ['gzip']);
    assert.deepEqual(codingsOf('identity'), []);
    assert.deepEqual(codingsOf(undefined), []);
    assert.equal(codingsOf('zstd'), null);
  });
  it('utf8Prefix never cuts a character', () => {
    assert.equal(utf8Prefix(Buffer.from('aé'), 2), 'a');
    assert.equal(utf8Prefix(Buffer.from('a€b'), 3), 'a');
    assert.equal(utf8Prefix(Buffer.from('a€b'), 4), 'a€');
    assert.equal(utf8Prefix(Buffer.from('abc'), 5), 'abc');
  });
});

describe('Timeline', () => {
  it('consecutive phases add up to the total, the phase in progress gets the rest', () => {
    const tl = new Timeline();
    const t0 = tl.startedAt;
    tl.mark('dns', t0 + 1.25);
    tl.mark('connect', t0 + 3.5);
    tl.mark('firstByte', t0 + 10);
    tl.finish('download', t0 + 12.125);
    assert.deepEqual(tl.timings(), { dns: 1.25, connect: 2.25, tls: null, firstByte: 6.5, download: 2.125, total: 12.125 });
  });
  it('the clock restarts when the network work starts, once, and never after a mark', () => {
    const tl = new Timeline();
    const t0 = tl.startedAt;
    tl.start(t0 + 0.75); // the request was being built until here: not the target's time
    tl.start(t0 + 2); // a second start (a redirect hop) changes nothing
    tl.mark('connect', t0 + 1.75);
    tl.start(t0 + 3);
    tl.mark('firstByte', t0 + 5.75);
    tl.finish(null);
    assert.equal(tl.startedAt, t0 + 0.75);
    assert.deepEqual(tl.timings(), { dns: null, connect: 1, tls: null, firstByte: 4, download: null, total: 5 });
  });
  it('redirect hops add into the same phases', () => {
    const tl = new Timeline();
    const t0 = tl.startedAt;
    tl.mark('connect', t0 + 1);
    tl.mark('firstByte', t0 + 2);
    tl.mark('download', t0 + 2.5);
    tl.mark('connect', t0 + 4);
    tl.mark('firstByte', t0 + 5);
    tl.mark('download', t0 + 6);
    tl.finish(null);
    assert.deepEqual(tl.timings(), { dns: null, connect: 2.5, tls: null, firstByte: 2, download: 1.5, total: 6 });
  });
});
