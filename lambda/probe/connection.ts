/**
 * One timed connection: the connector undici calls to open its socket. It
 * resolves the name, opens TCP, and does the TLS handshake itself, marking
 * each phase on the attempt's timeline at the moment the event fires, and only
 * then hands the socket to undici, so the request is written after the marks.
 * It opens exactly one connection: nothing is pooled or reused, and a second
 * connect request (undici reconnecting after the server closed) fails.
 */
import dns from 'node:dns';
import net from 'node:net';
import tls from 'node:tls';
import { performance } from 'node:perf_hooks';
import type { buildConnector } from 'undici';
import type { CertificateInfo, Phase } from '../../lib/spec/result.ts';
import { certificateInfo } from './certificate.ts';
import { PROBE_CODES, ProbeError } from './classify.ts';
import type { Timeline } from './timeline.ts';

export interface ResolvedAddress {
  address: string;
  family: number;
}

/** Name resolution; injectable so tests never send a DNS query off the machine. */
export type Resolver = (hostname: string) => Promise<ResolvedAddress[]>;

/** getaddrinfo, as curl and browsers resolve: /etc/hosts first, only address families the host can reach. */
export const systemResolver: Resolver = (hostname) => dns.promises.lookup(hostname, { all: true, hints: dns.ADDRCONFIG });

export interface ConnectionOptions {
  timeline: Timeline;
  resolve: Resolver;
  /** Verify the certificate chain and host name (spec.tls.verify). */
  verifyTls: boolean;
  /** CA certificates (PEM) trusted in addition to Node's bundled roots, for tests and private CAs. @default none */
  ca?: string | string[];
  listener: ConnectionListener;
}

export interface ConnectionListener {
  /** The first response byte was read, at `at` (performance.now()); called once. */
  firstByte(at: number): void;
}

type State = 'idle' | 'dns' | 'connect' | 'tls' | 'open' | 'closed';

export class TimedConnection {
  private state: State = 'idle';
  private socket: net.Socket | null = null;
  private used = false;
  /** The server certificate (https only), recorded even when verification fails. */
  certificate: CertificateInfo | null = null;

  constructor(private readonly options: ConnectionOptions) {}

  /** The connection phase in progress, or null once the socket is open (the response phases are the caller's). */
  phase(needsDns: boolean): Phase | null {
    switch (this.state) {
      case 'idle':
        return needsDns ? 'dns' : 'connect';
      case 'dns':
      case 'connect':
      case 'tls':
        return this.state;
      default:
        return null;
    }
  }

  private isClosed(): boolean {
    return this.state === 'closed';
  }

  /** Ends whatever is in flight: a pending TCP connect or handshake included. */
  destroy(): void {
    this.state = 'closed';
    this.socket?.destroy();
  }

  /** The function undici's Client calls (`connect` option). */
  readonly connector: buildConnector.connector = (target, callback) => {
    if (this.used) {
      callback(new ProbeError(PROBE_CODES.closed, 'the server closed the connection before the request was sent'), null);
      return;
    }
    this.used = true;
    this.callback = callback;
    const https = target.protocol === 'https:';
    this.https = https;
    this.hostname = target.hostname;
    this.port = Number(target.port) || (https ? 443 : 80);
    try {
      if (net.isIP(target.hostname) === 0) this.resolveName();
      else this.connectTcp(target.hostname);
    } catch (err) {
      this.abort(err);
    }
  };

  /** undici's callback, called once: with the open socket, or with why it could not be opened. */
  private callback: Parameters<buildConnector.connector>[1] | null = null;
  private https = false;
  private hostname = '';
  private port = 0;

  private settle(err: Error | null, socket?: net.Socket): void {
    const callback = this.callback;
    if (!callback) return;
    this.callback = null;
    if (err) callback(err, null);
    else callback(null, socket!);
  }

  /** A step threw (a CA that cannot be parsed, say): the connection fails with that error instead of it escaping a listener. */
  abort(err: unknown): void {
    this.socket?.destroy();
    this.settle(err instanceof Error ? err : new Error(String(err)));
  }

  private resolveName(): void {
    this.state = 'dns';
    // The clock starts as the lookup does (not while the request was being built).
    this.options.timeline.start();
    this.options.resolve(this.hostname).then(
      (found) => {
        // The attempt may have ended while the lookup ran (getaddrinfo cannot be cancelled).
        if (this.isClosed()) return this.settle(new ProbeError(PROBE_CODES.closed, 'the attempt ended while resolving'));
        this.options.timeline.mark('dns');
        const chosen = found.find((a) => a.family === 4) ?? found[0];
        if (!chosen) return this.settle(Object.assign(new Error(`${this.hostname} has no address`), { code: 'ENODATA' }));
        try {
          this.connectTcp(chosen.address);
        } catch (err) {
          this.abort(err);
        }
      },
      (err: Error) => this.settle(err),
    );
  }

  // Callbacks rather than promises, and listeners shared by every connection
  // (they find theirs through the socket): a batch opens hundreds of
  // connections at once, and every promise hop or per-probe closure is work on
  // the one event loop that also timestamps the other probes.
  private connectTcp(address: string): void {
    this.state = 'connect';
    const socket = new net.Socket() as OwnedSocket;
    socket[OWNER] = this;
    this.socket = socket;
    // The clock starts as the connect does, unless a lookup started it (building the socket object is not the target's time).
    this.options.timeline.start();
    socket.connect({ host: address, port: this.port, noDelay: true });
    // Errors after the handover (or on the raw socket under TLS) are undici's to report; never an uncaught one.
    socket.on('error', ignore);
    socket.once('connect', onTcpConnect).once('error', onConnectError).once('close', onConnectClose);
  }

  /** The TCP connection is up: hand it over (http) or start the handshake (https). */
  tcpConnected(socket: OwnedSocket): void {
    this.options.timeline.mark('connect');
    socket.off('error', onConnectError).off('close', onConnectClose);
    if (!this.https) this.settle(null, this.hand(socket));
    else this.handshake(socket);
  }

  connectFailed(err: Error): void {
    this.settle(err);
  }

  connectClosed(): void {
    const during = this.state === 'tls' ? 'the server closed the connection during the TLS handshake' : 'the connection closed while connecting';
    this.settle(new ProbeError(PROBE_CODES.closed, during));
  }

  private handshake(tcp: net.Socket): void {
    this.state = 'tls';
    const hostname = this.hostname;
    const secure = tls.connect({
      socket: tcp,
      host: hostname,
      servername: net.isIP(hostname) === 0 ? hostname : undefined,
      // Verified below from authorizationError, so the certificate is recorded even when it is rejected.
      rejectUnauthorized: false,
      ALPNProtocols: ['http/1.1'],
      secureContext: secureContextFor(this.options.ca),
    }) as tls.TLSSocket & OwnedSocket;
    secure[OWNER] = this;
    this.socket = secure;
    secure.once('secureConnect', onSecureConnect).once('error', onConnectError).once('close', onConnectClose);
  }

  /** The handshake is done: record the certificate, then verify it (unless the check says not to). */
  secured(secure: tls.TLSSocket): void {
    this.options.timeline.mark('tls');
    secure.off('error', onConnectError).off('close', onConnectClose);
    this.certificate = certificateInfo(secure.getPeerX509Certificate());
    if (this.options.verifyTls && !secure.authorized) {
      const code = String(secure.authorizationError ?? 'ERR_TLS_CERT_REJECTED');
      secure.on('error', ignore).destroy();
      this.settle(new ProbeError(code, describeVerifyError(code)));
      return;
    }
    this.settle(null, this.hand(secure));
  }

  /**
   * When the last chunk of response bytes (or the end of the stream) was read
   * from the socket, or null before any. The response ends here, not when
   * the HTTP parser has worked through it: parsing is the probe's time.
   */
  lastByteAt: number | null = null;

  /** Hands the open socket to undici, marking when response bytes arrive on it. */
  private hand(socket: OwnedSocket): net.Socket {
    this.state = 'open';
    // Wrapping push (how the socket delivers every chunk it reads) sees each
    // chunk before any listener, undici's parser included, can.
    socket[ORIGINAL_PUSH] = socket.push;
    socket.push = pushWatchingArrivals;
    // undici listens for errors from here on; this only keeps a late one from being unhandled.
    if (socket.listenerCount('error') === 0) socket.on('error', ignore);
    return socket;
  }

  /** The first response byte was read (called once per connection). */
  firstByte(at: number): void {
    this.options.listener.firstByte(at);
  }
}

const OWNER = Symbol('watchpost.connection');
const ORIGINAL_PUSH = Symbol('watchpost.push');
type OwnedSocket = net.Socket & { [OWNER]?: TimedConnection; [ORIGINAL_PUSH]?: net.Socket['push'] };

function pushWatchingArrivals(this: OwnedSocket, chunk: unknown, encoding?: BufferEncoding): boolean {
  const owner = this[OWNER];
  // null is the end of the stream: a body delimited by the close ends when the close arrives.
  if (owner && (chunk === null || (chunk as Buffer).length > 0)) {
    const at = performance.now();
    if (owner.lastByteAt === null && chunk !== null) owner.firstByte(at);
    owner.lastByteAt = at;
  }
  return this[ORIGINAL_PUSH]!.call(this, chunk, encoding);
}

function ignore(): void {}
function onTcpConnect(this: OwnedSocket): void {
  const owner = this[OWNER];
  try {
    owner?.tcpConnected(this);
  } catch (err) {
    owner?.abort(err);
  }
}
function onSecureConnect(this: OwnedSocket): void {
  const owner = this[OWNER];
  try {
    owner?.secured(this as tls.TLSSocket);
  } catch (err) {
    owner?.abort(err);
  }
}
function onConnectError(this: OwnedSocket, err: Error): void {
  this[OWNER]?.connectFailed(err);
}
function onConnectClose(this: OwnedSocket): void {
  this[OWNER]?.connectClosed();
}

/**
 * Secure contexts, one per set of trusted CAs, built once: building one
 * parses every root certificate. Sharing a context does not resume sessions
 * (Node keeps no client session cache in it; a session is only reused when
 * passed in), so every handshake is still a full, first-visit one.
 */
const contexts = new Map<string, tls.SecureContext>();
const MAX_CONTEXTS = 16;

export function secureContextFor(ca: string | string[] | undefined): tls.SecureContext {
  const extra = ca === undefined ? [] : Array.isArray(ca) ? ca : [ca];
  const key = extra.join('\n');
  let context = contexts.get(key);
  if (!context) {
    context = tls.createSecureContext(extra.length > 0 ? { ca: [...tls.rootCertificates, ...extra] } : {});
    if (contexts.size >= MAX_CONTEXTS) contexts.delete(contexts.keys().next().value!);
    contexts.set(key, context);
  }
  return context;
}

/** Drops a cached context (the warm-up's throwaway certificate must not stay trusted). */
export function forgetSecureContext(ca: string | string[]): void {
  contexts.delete((Array.isArray(ca) ? ca : [ca]).join('\n'));
}

/** A person's sentence for OpenSSL's verification result codes. */
function describeVerifyError(code: string): string {
  const known: Record<string, string> = {
    CERT_HAS_EXPIRED: 'the certificate has expired',
    CERT_NOT_YET_VALID: 'the certificate is not valid yet',
    DEPTH_ZERO_SELF_SIGNED_CERT: 'the certificate is self-signed',
    SELF_SIGNED_CERT_IN_CHAIN: 'the certificate chain ends in an untrusted self-signed certificate',
    UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'the certificate is not signed by a trusted authority (incomplete chain?)',
    UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'the certificate issuer is not trusted',
    ERR_TLS_CERT_ALTNAME_INVALID: 'the certificate does not name this host',
  };
  return known[code] ?? `the certificate was rejected`;
}
