/**
 * Failure classification: an error's `code` (and the phase it happened in)
 * decides the failure kind and whether a retry can help. Never message text:
 * messages change between Node and OpenSSL versions, codes do not.
 *
 * The decision table, in order:
 *   WATCHPOST_TIMEOUT, WATCHPOST_DEADLINE, ETIMEDOUT, UND_ERR_*_TIMEOUT -> timeout (retryable)
 *   any other code while resolving the name -> dns (retryable unless ENOTFOUND / ENODATA: NXDOMAIN will not heal)
 *   ECONNRESET, EPIPE, ECONNABORTED, UND_ERR_SOCKET, WATCHPOST_CLOSED -> reset (retryable)
 *   ECONNREFUSED, EHOSTUNREACH, ENETUNREACH, EHOSTDOWN, ENETDOWN, EADDRNOTAVAIL -> connect (retryable)
 *   ERR_TLS_*, ERR_SSL_*, EPROTO during the handshake, X.509 verify codes -> tls (not retryable)
 *   HPE_* and UND_ERR_HTTP_PARSER (llhttp), UND_ERR_RES_CONTENT_LENGTH_MISMATCH, UND_ERR_HEADERS_OVERFLOW,
 *     Z_* / ERR_BROTLI_* / ERR__* (decompression), WATCHPOST_REDIRECT_*, WATCHPOST_INTERNAL -> protocol (not retryable)
 *   WATCHPOST_BODY_TOO_LARGE -> body-too-large (not retryable)
 *   anything else: by phase: connect -> connect (retryable), tls -> tls, otherwise protocol (not retryable)
 */
import type { FailureKind, Phase } from '../../lib/spec/result.ts';

export interface Classification {
  kind: FailureKind;
  retryable: boolean;
}

/** Codes the probe itself raises (undici and Node have no code for these conditions). */
export const PROBE_CODES = {
  timeout: 'WATCHPOST_TIMEOUT',
  /** The batch deadline passed before the check could start. */
  deadline: 'WATCHPOST_DEADLINE',
  /** An exception inside the probe itself (a Watchpost bug, not the target's fault). */
  internal: 'WATCHPOST_INTERNAL',
  /** The server closed the connection before the request could be sent on it. */
  closed: 'WATCHPOST_CLOSED',
  bodyTooLarge: 'WATCHPOST_BODY_TOO_LARGE',
  redirectLoop: 'WATCHPOST_REDIRECT_LOOP',
  tooManyRedirects: 'WATCHPOST_TOO_MANY_REDIRECTS',
  badRedirect: 'WATCHPOST_BAD_REDIRECT',
} as const;

/** An error with a stable code, raised by the probe for conditions that have none. */
export class ProbeError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ProbeError';
  }
}

const TIMEOUT = new Set([PROBE_CODES.timeout, PROBE_CODES.deadline, 'ETIMEDOUT', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);
const RESET = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED', 'UND_ERR_SOCKET', PROBE_CODES.closed]);
const CONNECT = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'EHOSTDOWN', 'ENETDOWN', 'EADDRNOTAVAIL']);
const NXDOMAIN = new Set(['ENOTFOUND', 'ENODATA']);
/** OpenSSL's X.509 verification results, as Node reports them in `code`. */
const X509 = new Set([
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_REVOKED',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'CERT_SIGNATURE_FAILURE',
  'CERT_CHAIN_TOO_LONG',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_DECRYPT_CERT_SIGNATURE',
  'UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY',
  'INVALID_CA',
  'INVALID_PURPOSE',
  'PATH_LENGTH_EXCEEDED',
  'HOSTNAME_MISMATCH',
  'ERROR_IN_CERT_NOT_BEFORE_FIELD',
  'ERROR_IN_CERT_NOT_AFTER_FIELD',
]);
const PROTOCOL = new Set([
  'UND_ERR_HTTP_PARSER',
  'UND_ERR_RES_CONTENT_LENGTH_MISMATCH',
  'UND_ERR_HEADERS_OVERFLOW',
  'UND_ERR_INFO',
  PROBE_CODES.redirectLoop,
  PROBE_CODES.tooManyRedirects,
  PROBE_CODES.badRedirect,
  PROBE_CODES.internal,
]);

export function classify(code: string | null, phase: Phase | null): Classification {
  if (code !== null && TIMEOUT.has(code)) return { kind: 'timeout', retryable: true };
  if (phase === 'dns') return { kind: 'dns', retryable: !(code && NXDOMAIN.has(code)) };
  if (code === null) return byPhase(phase);
  if (code === PROBE_CODES.bodyTooLarge) return { kind: 'body-too-large', retryable: false };
  if (RESET.has(code)) return { kind: 'reset', retryable: true };
  if (CONNECT.has(code)) return { kind: 'connect', retryable: true };
  if (NXDOMAIN.has(code)) return { kind: 'dns', retryable: false };
  if (X509.has(code) || code.startsWith('ERR_TLS_') || code.startsWith('ERR_SSL_') || (code === 'EPROTO' && phase === 'tls')) {
    return { kind: 'tls', retryable: false };
  }
  if (PROTOCOL.has(code) || code.startsWith('HPE_') || isDecompressionCode(code)) return { kind: 'protocol', retryable: false };
  return byPhase(phase);
}

function byPhase(phase: Phase | null): Classification {
  if (phase === 'connect') return { kind: 'connect', retryable: true };
  if (phase === 'tls') return { kind: 'tls', retryable: false };
  return { kind: 'protocol', retryable: false };
}

/** zlib reports Z_DATA_ERROR and friends; brotli ERR_BROTLI_* or ERR__ERROR_FORMAT_* style codes. */
function isDecompressionCode(code: string): boolean {
  return code.startsWith('Z_') || code.startsWith('ERR_BROTLI') || code.startsWith('ERR__') || code === 'ERR_ZLIB_INITIALIZATION_FAILED';
}

/** A status code is worth retrying when the server says the problem is temporary. */
export function isRetryableStatus(status: number): boolean {
  return status >= 500 || status === 408 || status === 429;
}

/** undici's own identity for parser errors (the class is matched by this symbol, not by instanceof). */
const HTTP_PARSER_ERROR = Symbol.for('undici.error.UND_ERR_HTTP_PARSER');
export const HTTP_PARSER_CODE = 'UND_ERR_HTTP_PARSER';

/**
 * The code of any thrown value, or null. undici 7 leaves `code` undefined on
 * some parser errors (it looks the llhttp error number up in a name->number
 * table); those get undici's parser-error identity as their code.
 */
export function codeOf(err: unknown): string | null {
  const e = err as ({ code?: unknown } & Record<symbol, unknown>) | null;
  const code = e?.code;
  if (typeof code === 'string' && code !== '') return code;
  if (e && typeof e === 'object' && e[HTTP_PARSER_ERROR] === true) return HTTP_PARSER_CODE;
  return null;
}
