/** What the probe records about a server certificate. */
import type { PeerCertificate } from 'node:tls';
import type { CertificateInfo } from '../../lib/spec/result.ts';

const DAY_MS = 86_400_000;

export function certificateInfo(cert: PeerCertificate | null | undefined, now = Date.now()): CertificateInfo | null {
  if (!cert || !cert.valid_to) return null;
  const validTo = new Date(cert.valid_to);
  if (Number.isNaN(validTo.getTime())) return null;
  return {
    subject: distinguishedName(cert.subject),
    issuer: distinguishedName(cert.issuer),
    validTo: validTo.toISOString(),
    daysRemaining: Math.floor((validTo.getTime() - now) / DAY_MS),
  };
}

/** `CN=example.com, O=Example` from Node's parsed name (a field may repeat). */
function distinguishedName(name: Record<string, string | string[] | undefined> | undefined): string {
  if (!name) return '';
  return Object.entries(name)
    .flatMap(([key, value]) => (Array.isArray(value) ? value : [value]).map((v) => `${key}=${v ?? ''}`))
    .join(', ');
}
