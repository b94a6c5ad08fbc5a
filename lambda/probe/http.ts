/**
 * The HTTP probe: one attempt of one check. A fresh undici Client per hop
 * with a TimedConnection as its connector (nothing pooled), one total budget
 * for the attempt however the target behaves, the body read through a
 * decoded-size cap, redirects followed by hand. It never throws: whatever
 * happens becomes a ProbeOutcome with timings that add up to the total.
 */
import { isIP } from 'node:net';
import { performance } from 'node:perf_hooks';
import { Client, type Dispatcher } from 'undici';
import type { CertificateInfo, Failure, Phase, Timings } from '../../lib/spec/result.ts';
import type { CheckSpec } from '../../lib/spec/types.ts';
import { formatSize } from '../../lib/spec/units.ts';
import { BodyReader, codingsOf, type BodyListener } from './body.ts';
import { classify, codeOf, HTTP_PARSER_CODE, PROBE_CODES, ProbeError } from './classify.ts';
import { systemResolver, TimedConnection, type ConnectionListener, type Resolver } from './connection.ts';
import { nextHop, REDIRECT_STATUSES, type Hop } from './redirects.ts';
import { Timeline } from './timeline.ts';

/** Sent unless the check sets them: a first-time visitor asks for compressed content. */
export const DEFAULT_REQUEST_HEADERS: Readonly<Record<string, string>> = {
  'user-agent': 'Watchpost/0.1 (synthetic monitoring)',
  accept: '*/*',
  'accept-encoding': 'gzip, deflate, br',
};

/**
 * Given to undici when an attempt's client is closed. One shared instance:
 * otherwise undici makes a fresh error (and its stack trace) per connection,
 * a measurable share of a probe's CPU when hundreds run at once.
 */
const ATTEMPT_OVER = new ProbeError('WATCHPOST_ATTEMPT_OVER', 'the attempt is over');

/** How the probe reaches the network; the defaults are the real ones. */
export interface ProbeEnvironment {
  /** @default getaddrinfo (dns.lookup), like curl and browsers */
  resolve?: Resolver;
  /** CA certificates (PEM) trusted in addition to Node's bundled roots. @default none */
  ca?: string | string[];
}

export interface AttemptOptions extends ProbeEnvironment {
  /** The attempt's total budget (ms): spec.timeout, or less when a batch deadline is near. */
  budgetMs: number;
}

/** What one attempt saw on the wire, before assertions. */
export interface ProbeOutcome {
  /** The URL of the last hop (after redirects). */
  url: string;
  statusCode: number | null;
  /** Response headers of the last hop, lowercased names, repeated ones joined with ", ". Not redacted. */
  headers: Record<string, string> | null;
  timings: Timings;
  /** A transport failure (dns, connect, tls, timeout, reset, protocol, body-too-large), or null. */
  failure: Failure | null;
  redirects: number;
  bodyBytes: number;
  bodyExcerpt: string | null;
  /** The whole decoded body, only when an assertion reads it and it was read completely. */
  bodyText: string | null;
  certificate: CertificateInfo | null;
}

/** Whether the check's assertions read the body (otherwise only an excerpt is kept). */
export function needsBody(spec: CheckSpec): boolean {
  return spec.assert.body !== null || spec.assert.json.length > 0;
}

export async function probe(spec: CheckSpec, options: AttemptOptions): Promise<ProbeOutcome> {
  const timeline = new Timeline();
  const context: ExchangeContext = {
    spec,
    timeline,
    budgetMs: options.budgetMs,
    resolve: options.resolve ?? systemResolver,
    ca: options.ca,
  };
  let hop: Hop = {
    url: new URL(spec.url),
    method: spec.method,
    headers: { ...DEFAULT_REQUEST_HEADERS, ...spec.headers },
    body: spec.body,
  };
  const visited = [hop.url.href];
  const outcome = (fields: Partial<ProbeOutcome>): ProbeOutcome => ({
    url: hop.url.href,
    statusCode: null,
    headers: null,
    timings: timeline.timings(),
    failure: null,
    redirects: visited.length - 1,
    bodyBytes: 0,
    bodyExcerpt: null,
    bodyText: null,
    certificate: null,
    ...fields,
  });

  // Bounded: every turn adds a URL to `visited`, and nextHop refuses past the limit.
  for (;;) {
    const r = await exchange(hop, context);
    if (r.type === 'redirect') {
      const next = nextHop(hop, r.statusCode, r.headers['location'], visited, spec.followRedirects, spec.secretHeaders);
      if (next instanceof ProbeError) {
        timeline.finish(null);
        const failure = toFailure(next, 'download', context, hop.url);
        return outcome({ statusCode: r.statusCode, headers: r.headers, certificate: r.certificate, failure });
      }
      visited.push(next.url.href);
      hop = next;
      continue;
    }
    if (r.type === 'failed') {
      return outcome({
        statusCode: r.statusCode,
        headers: r.headers,
        failure: toFailure(r.error, r.phase, context, hop.url, r.detail),
        bodyBytes: r.bodyBytes,
        bodyExcerpt: r.bodyExcerpt,
        certificate: r.certificate,
      });
    }
    return outcome({
      statusCode: r.statusCode,
      headers: r.headers,
      bodyBytes: r.bodyBytes,
      bodyExcerpt: r.bodyExcerpt,
      bodyText: r.bodyText,
      certificate: r.certificate,
    });
  }
}

interface ExchangeContext {
  spec: CheckSpec;
  /** Its start is the attempt's start: the budget runs from there (see attemptRemaining). */
  timeline: Timeline;
  budgetMs: number;
  resolve: Resolver;
  ca: string | string[] | undefined;
}

/** Where the response stood when an attempt failed, for the message. */
interface FailureDetail {
  headersComplete: boolean;
  bodyBytes: number;
  contentLength: number | null;
  contentEncoding: string | undefined;
}

type Exchange =
  | {
      type: 'response';
      statusCode: number;
      headers: Record<string, string>;
      bodyBytes: number;
      bodyExcerpt: string | null;
      bodyText: string | null;
      certificate: CertificateInfo | null;
    }
  | { type: 'redirect'; statusCode: number; headers: Record<string, string>; certificate: CertificateInfo | null }
  | {
      type: 'failed';
      error: unknown;
      phase: Phase;
      detail: FailureDetail;
      statusCode: number | null;
      headers: Record<string, string> | null;
      bodyBytes: number;
      bodyExcerpt: string | null;
      certificate: CertificateInfo | null;
    };

/** One request/response on its own connection, within the attempt's deadline. */
function exchange(hop: Hop, ctx: ExchangeContext): Promise<Exchange> {
  return new Promise<Exchange>((resolve) => new HopExchange(hop, ctx, resolve).start());
}

/**
 * The state of one hop, and undici's handler for it. A class rather than a
 * nest of closures: a batch runs hundreds of these at once, and every
 * allocation and call on this path is work on the event loop that also
 * timestamps the other probes.
 */
class HopExchange implements Dispatcher.DispatchHandler, BodyListener, ConnectionListener {
  private settled = false;
  private firstByteAt: number | null = null;
  private statusCode: number | null = null;
  private headers: Record<string, string> | null = null;
  private reader: BodyReader | null = null;
  private contentLength: number | null = null;
  private controller: Dispatcher.DispatchController | null = null;
  private readonly needsDns: boolean;
  private readonly connection: TimedConnection;
  private readonly client: Client;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly hop: Hop,
    private readonly ctx: ExchangeContext,
    private readonly resolve: (result: Exchange) => void,
  ) {
    this.needsDns = isHostname(hop.url.hostname);
    this.connection = new TimedConnection({
      timeline: ctx.timeline,
      resolve: ctx.resolve,
      verifyTls: ctx.spec.tls.verify,
      ca: ctx.ca,
      listener: this,
    });
    this.client = new Client(hop.url.origin, {
      connect: this.connection.connector,
      pipelining: 1,
      // The attempt's own budget is the only clock; undici's timers stay off.
      headersTimeout: 0,
      bodyTimeout: 0,
      keepAliveTimeout: 1,
    });
  }

  start(): void {
    this.armTimer();
    const { hop } = this;
    try {
      this.client.dispatch(
        {
          origin: hop.url.origin,
          path: `${hop.url.pathname}${hop.url.search}`,
          method: hop.method as Dispatcher.HttpMethod,
          headers: hop.headers,
          body: hop.body,
        },
        this,
      );
    } catch (err) {
      this.fail(err);
    }
  }

  /**
   * The timer is armed against the clock's start as known now; when it fires
   * it re-arms if the clock restarted later (at the first network step), so
   * a timeout reads as the whole budget in the reported total.
   */
  armTimer(): void {
    this.timer = setTimeout(onAttemptTimeout, Math.max(0, attemptRemaining(this.ctx)), this, this.ctx);
  }

  /** Called by the connection when the first response byte is read. */
  firstByte(at: number): void {
    if (this.firstByteAt !== null) return;
    this.firstByteAt = at;
    this.ctx.timeline.mark('firstByte', at);
  }

  private settle(result: Exchange): void {
    if (this.settled) return;
    this.settled = true;
    if (this.timer) clearTimeout(this.timer);
    this.reader?.destroy();
    // The client first, with our shared error and a callback: destroying the
    // socket under it would make undici build a fresh error (and its stack
    // trace) for the close, and the promise form allocates for nothing.
    this.client.destroy(ATTEMPT_OVER, ignore);
    this.connection.destroy();
    this.resolve(result);
  }

  private phaseNow(): Phase {
    return this.connection.phase(this.needsDns) ?? (this.firstByteAt === null ? 'firstByte' : 'download');
  }

  fail(error: unknown): void {
    if (this.settled) return;
    const phase = this.phaseNow();
    this.ctx.timeline.finish(phase);
    const { reader, headers } = this;
    this.settle({
      type: 'failed',
      error,
      phase,
      detail: {
        headersComplete: this.statusCode !== null,
        bodyBytes: reader?.bytes ?? 0,
        contentLength: this.contentLength,
        contentEncoding: headers?.['content-encoding'],
      },
      statusCode: this.statusCode,
      headers,
      bodyBytes: reader?.bytes ?? 0,
      bodyExcerpt: reader?.excerpt() ?? null,
      certificate: this.connection.certificate,
    });
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.controller = controller;
  }

  onResponseStart(_c: Dispatcher.DispatchController, code: number, rawHeaders: Record<string, string | string[] | undefined>): void {
    // 1xx (103 Early Hints) are informational: the final response follows on the same request.
    if (this.settled || code < 200) return;
    const at = performance.now();
    // Normally the connection saw the first byte already; this covers a chunk read before the wrapper.
    if (this.firstByteAt === null) this.firstByte(at);
    const { spec, timeline } = this.ctx;
    const headers = flattenHeaders(rawHeaders);
    this.statusCode = code;
    this.headers = headers;
    if (spec.followRedirects > 0 && REDIRECT_STATUSES.has(code)) {
      // The redirect's body is not needed: the hop ends with its headers.
      timeline.mark('download', at);
      this.settle({ type: 'redirect', statusCode: code, headers, certificate: this.connection.certificate });
      return;
    }
    const encoding = headers['content-encoding'];
    const declared = headers['content-length'];
    const contentLength = declared !== undefined && DIGITS.test(declared) ? Number(declared) : null;
    this.contentLength = contentLength;
    // HEAD, 204 and 304 announce a length they do not send.
    const bodyless = this.hop.method === 'HEAD' || code === 204 || code === 304;
    if (!bodyless && contentLength !== null && contentLength > spec.maxBodySize && codingsOf(encoding)?.length === 0) {
      this.fail(new ProbeError(PROBE_CODES.bodyTooLarge, 'content-length above maxBodySize'));
      return;
    }
    this.reader = new BodyReader({
      maxBytes: spec.maxBodySize,
      keep: needsBody(spec),
      contentEncoding: encoding,
      listener: this,
    });
  }

  /** The body reader failed (too large, not decodable). */
  bodyFailed(err: Error): void {
    this.fail(err);
  }

  /** The body reader can take more: let undici read on. */
  bodyDrained(): void {
    this.controller?.resume();
  }

  onResponseData(c: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.settled || !this.reader) return;
    if (!this.reader.write(chunk)) c.pause();
  }

  onResponseEnd(): void {
    if (this.settled) return;
    // The last byte's arrival, taken as it was read: parsing it since is the probe's time, not the target's.
    this.ctx.timeline.mark('download', this.connection.lastByteAt ?? performance.now());
    const body = this.reader;
    if (body) body.end();
    else this.bodyComplete();
  }

  /** The body is complete (decoders flushed): the hop is over. */
  bodyComplete(): void {
    const body = this.reader;
    this.settle({
      type: 'response',
      statusCode: this.statusCode!,
      headers: this.headers!,
      bodyBytes: body?.bytes ?? 0,
      bodyExcerpt: body?.excerpt() ?? null,
      bodyText: body?.text() ?? null,
      certificate: this.connection.certificate,
    });
  }

  onResponseError(_c: Dispatcher.DispatchController, err: Error): void {
    this.fail(err);
  }
}

const DIGITS = /^\d+$/;

/** Milliseconds left in the attempt's budget, counted from its clock's start. */
function attemptRemaining(ctx: ExchangeContext): number {
  return ctx.timeline.startedAt + ctx.budgetMs - performance.now();
}

function onAttemptTimeout(exchange: HopExchange, ctx: ExchangeContext): void {
  // Timers fire on whole milliseconds; under 1 ms left is as good as over.
  if (attemptRemaining(ctx) >= 1) return exchange.armTimer();
  exchange.fail(new ProbeError(PROBE_CODES.timeout, 'the attempt ran out of time'));
}

function ignore(): void {}

/** An IP literal needs no lookup (URL keeps IPv6 literals in brackets). */
function isHostname(hostname: string): boolean {
  return isIP(hostname.startsWith('[') ? hostname.slice(1, -1) : hostname) === 0;
}

function flattenHeaders(raw: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name in raw) {
    const value = raw[name];
    if (value === undefined) continue;
    // undici lowercases the names it knows; others keep the server's spelling.
    out[name.toLowerCase()] = typeof value === 'string' ? value : value.join(', ');
  }
  return out;
}

/** Turns what went wrong into a Failure: kind and retryable from the code, a sentence for people. */
function toFailure(error: unknown, phase: Phase, ctx: ExchangeContext, url: URL, detail?: FailureDetail): Failure {
  const code = codeOf(error);
  const { kind, retryable } = classify(code, phase);
  return { kind, retryable, phase, code, message: describe(kind, code, error, phase, ctx, url, detail) };
}

function describe(
  kind: Failure['kind'],
  code: string | null,
  error: unknown,
  phase: Phase,
  ctx: ExchangeContext,
  url: URL,
  detail?: FailureDetail,
): string {
  const host = url.hostname;
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  const tag = code ? ` (${code})` : '';
  const text = error instanceof Error ? error.message : String(error);
  const where = phaseWords(phase, host, port, detail);
  switch (kind) {
    case 'timeout': {
      const clipped = ctx.budgetMs < ctx.spec.timeout ? ` (the batch deadline cut the ${ctx.spec.timeout} ms timeout short)` : '';
      return code === PROBE_CODES.timeout
        ? `timeout after ${Math.round(ctx.budgetMs)} ms ${where}${clipped}`
        : `timed out ${where}${tag}`;
    }
    case 'dns':
      return code === 'ENOTFOUND' || code === 'ENODATA'
        ? `DNS: ${host} does not resolve${tag}, expected an address`
        : `DNS lookup of ${host} failed${tag}, expected an address`;
    case 'connect':
      return code === 'ECONNREFUSED'
        ? `connection to ${host}:${port} refused${tag}, expected a server listening`
        : `could not connect to ${host}:${port}${tag}: ${text}`;
    case 'reset':
      return code === 'ECONNRESET' || code === 'EPIPE'
        ? `connection reset by the server ${where}${tag}, expected a complete response`
        : `the server closed the connection ${where}${tag}, expected a complete response`;
    case 'tls':
      return error instanceof ProbeError
        ? `TLS: ${text}${tag}, expected a trusted certificate valid for ${host}`
        : `TLS handshake with ${host}:${port} failed${tag}: ${text}`;
    case 'body-too-large': {
      const limit = formatSize(ctx.spec.maxBodySize);
      if (detail?.contentLength != null && detail.bodyBytes === 0) {
        return `body of ${formatSize(detail.contentLength)} (content-length) is larger than maxBodySize ${limit}`;
      }
      const decoded = detail?.contentEncoding ? `, counted after ${detail.contentEncoding} decoding` : '';
      return `body larger than maxBodySize ${limit}: stopped reading at ${limit}${decoded}`;
    }
    default:
      if (code === PROBE_CODES.redirectLoop || code === PROBE_CODES.tooManyRedirects || code === PROBE_CODES.badRedirect) return text;
      if (code?.startsWith('HPE_') || code === HTTP_PARSER_CODE) return `invalid HTTP response ${where}${tag}: ${text}, expected HTTP/1.1`;
      if (detail?.contentEncoding && code && !code.startsWith('UND_')) {
        return `could not decode the ${detail.contentEncoding} body${tag}: ${text}`;
      }
      return `${text} ${where}${tag}`;
  }
}

/** The phase as people say it: "waiting for the first byte". */
function phaseWords(phase: Phase, host: string, port: string, detail?: FailureDetail): string {
  switch (phase) {
    case 'dns':
      return `resolving ${host}`;
    case 'connect':
      return `connecting to ${host}:${port}`;
    case 'tls':
      return 'in the TLS handshake';
    case 'firstByte':
      return 'waiting for the first byte';
    case 'download':
      if (!detail || !detail.headersComplete) return 'reading the response headers';
      return `reading the body (${formatSize(detail.bodyBytes)} read)`;
  }
}
