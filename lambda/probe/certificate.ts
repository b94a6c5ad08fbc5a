/**
 * What the probe records about a server certificate. Read from Node's
 * X509Certificate, whose fields are computed only when asked for:
 * getPeerCertificate() would build every field (fingerprints, public key,
 * extensions) as a JS object, about 0.4 ms of CPU per handshake, for the
 * three this needs.
 */
import type { X509Certificate } from 'node:crypto';
import type { CertificateInfo } from '../../lib/spec/result.ts';

const DAY_MS = 86_400_000;

/** The fields of an X509Certificate this reads. */
export type CertificateFields = Pick<X509Certificate, 'subject' | 'issuer' | 'validTo'>;

export function certificateInfo(cert: CertificateFields | null | undefined, now = Date.now()): CertificateInfo | null {
  if (!cert || !cert.validTo) return null;
  const validTo = new Date(cert.validTo);
  if (Number.isNaN(validTo.getTime())) return null;
  return {
    subject: distinguishedName(cert.subject),
    issuer: distinguishedName(cert.issuer),
    validTo: validTo.toISOString(),
    daysRemaining: Math.floor((validTo.getTime() - now) / DAY_MS),
  };
}

/** `CN=example.com, O=Example`: X509Certificate lists one attribute per line, RFC 2253-escaped, in certificate order. */
function distinguishedName(name: string | undefined): string {
  return name ? name.split('\n').join(', ') : '';
}
