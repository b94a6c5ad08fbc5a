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
  /** The first response byte arrived (called once). */
  onFirstByte: (at: number) => void;
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
    let settled = false;
    const done = (err: Error | null, socket?: net.Socket) => {
      if (settled) return;
      settled = true;
      if (err) callback(err, null);
      else callback(null, socket!);
    };
    if (this.used) {
      done(new ProbeError(PROBE_CODES.closed, 'the server closed the connection before the request was sent'));
      return;
    }
    this.used = true;
    this.open(target.hostname, Number(target.port) || (target.protocol === 'https:' ? 443 : 80), target.protocol === 'https:').then(
      (socket) => done(null, socket),
      (err: Error) => done(err),
    );
  };

  private async open(hostname: string, port: number, https: boolean): Promise<net.Socket> {
    const { timeline } = this.options;
    let address = hostname;
    if (net.isIP(hostname) === 0) {
      this.state = 'dns';
      const found = await this.options.resolve(hostname);
      // The attempt may have ended while the lookup ran (getaddrinfo cannot be cancelled).
      if (this.isClosed()) throw new ProbeError(PROBE_CODES.closed, 'the attempt ended while resolving');
      timeline.mark('dns');
      const chosen = found.find((a) => a.family === 4) ?? found[0];
      if (!chosen) throw Object.assign(new Error(`${hostname} has no address`), { code: 'ENODATA' });
      address = chosen.address;
    }

    this.state = 'connect';
    const tcp = await this.connectTcp(address, port);
    if (!https) return this.hand(tcp);

    this.state = 'tls';
    const secure = await this.handshake(tcp, hostname);
    return this.hand(secure);
  }

  private connectTcp(host: string, port: number): Promise<net.Socket> {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host, port, noDelay: true });
      this.socket = socket;
      // Errors after the handover (or on the raw socket under TLS) are undici's to report; never an uncaught one.
      socket.on('error', () => {});
      const onConnect = () => {
        this.options.timeline.mark('connect');
        socket.off('error', reject).off('close', onClose);
        resolve(socket);
      };
      const onClose = () => reject(new ProbeError(PROBE_CODES.closed, 'the connection closed while connecting'));
      socket.once('connect', onConnect).once('error', reject).once('close', onClose);
    });
  }

  private handshake(tcp: net.Socket, hostname: string): Promise<tls.TLSSocket> {
    return new Promise((resolve, reject) => {
      const secure = tls.connect({
        socket: tcp,
        host: hostname,
        servername: net.isIP(hostname) === 0 ? hostname : undefined,
        // Verified below from authorizationError, so the certificate is recorded even when it is rejected.
        rejectUnauthorized: false,
        ALPNProtocols: ['http/1.1'],
        secureContext: secureContextFor(this.options.ca),
      });
      this.socket = secure;
      const onSecure = () => {
        this.options.timeline.mark('tls');
        secure.off('error', reject).off('close', onClose);
        this.certificate = certificateInfo(secure.getPeerCertificate());
        if (this.options.verifyTls && !secure.authorized) {
          const code = String(secure.authorizationError ?? 'ERR_TLS_CERT_REJECTED');
          secure.on('error', () => {}).destroy();
          reject(new ProbeError(code, describeVerifyError(code)));
          return;
        }
        resolve(secure);
      };
      const onClose = () => reject(new ProbeError(PROBE_CODES.closed, 'the server closed the connection during the TLS handshake'));
      secure.once('secureConnect', onSecure).once('error', reject).once('close', onClose);
    });
  }

  /** Hands the open socket to undici, marking the first byte that arrives on it. */
  private hand(socket: net.Socket): net.Socket {
    this.state = 'open';
    // Wrapping push (how the socket delivers every chunk it reads) sees the
    // first byte before any listener, undici's parser included, can.
    const push = socket.push.bind(socket);
    const { onFirstByte } = this.options;
    socket.push = (chunk: unknown, encoding?: BufferEncoding) => {
      if (chunk !== null && (chunk as Buffer).length > 0) {
        socket.push = push;
        onFirstByte(performance.now());
      }
      return push(chunk, encoding);
    };
    // undici listens for errors from here on; this only keeps a late one from being unhandled.
    if (socket.listenerCount('error') === 0) socket.on('error', () => {});
    return socket;
  }
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
