/** A server certificate as plain facts for Diagnostics, and TLS verify errors as our problem codes. */
import type { PeerCertificate, DetailedPeerCertificate } from 'node:tls';
import type { CertificateFacts, TransportProblem } from '../../../shared/model/transport';

/** `CN=rt.example.com, O=Example` from Node's subject/issuer object (values may be arrays). */
function distinguishedName(name: PeerCertificate['subject'] | undefined): string {
  if (!name) return '';
  return Object.entries(name)
    .map(([key, value]) => `${key}=${Array.isArray(value) ? value.join('+') : String(value)}`)
    .join(', ');
}

/** `Nov 30 14:00:00 2026 GMT` → `2026-11-30 14:00 UTC` (kept as given when unparseable). */
function day(text: string): string {
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) return text;
  return `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** One certificate's facts, for Diagnostics and the support bundle (public data only). */
export function certificateFacts(cert: PeerCertificate): CertificateFacts {
  const subject = distinguishedName(cert.subject);
  const issuer = distinguishedName(cert.issuer);
  return {
    subject,
    issuer,
    ...(cert.subjectaltname ? { altNames: cert.subjectaltname } : {}),
    validFrom: day(cert.valid_from),
    validTo: day(cert.valid_to),
    fingerprint256: cert.fingerprint256,
    serialNumber: cert.serialNumber,
    selfSigned: subject === issuer,
  };
}

/** The chain the server sent, leaf first (at most 10: a loop or a huge chain is cut). */
export function chainFacts(leaf: DetailedPeerCertificate | undefined): CertificateFacts[] {
  const chain: CertificateFacts[] = [];
  let cert: DetailedPeerCertificate | undefined = leaf;
  const seen = new Set<string>();
  while (cert && Object.keys(cert).length > 0 && chain.length < 10) {
    if (seen.has(cert.fingerprint256)) break;
    seen.add(cert.fingerprint256);
    chain.push(certificateFacts(cert));
    cert = cert.issuerCertificate;
  }
  return chain;
}

/** Our problem code for OpenSSL's or Node's verify error. */
export function problemOfVerifyError(code: string): TransportProblem {
  switch (code) {
    case 'DEPTH_ZERO_SELF_SIGNED_CERT':
      return 'TLS_SELF_SIGNED';
    case 'SELF_SIGNED_CERT_IN_CHAIN':
    case 'UNABLE_TO_GET_ISSUER_CERT':
    case 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY':
    case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
      return 'TLS_UNKNOWN_AUTHORITY';
    case 'CERT_HAS_EXPIRED':
      return 'TLS_EXPIRED';
    case 'CERT_NOT_YET_VALID':
      return 'TLS_NOT_YET_VALID';
    case 'ERR_TLS_CERT_ALTNAME_INVALID':
    case 'HOSTNAME_MISMATCH':
      return 'TLS_WRONG_HOST';
    default:
      return 'TLS_UNTRUSTED';
  }
}

/** `ab:CD…`, `abcd…` or `sha256/abcd…` → `AB:CD:…` (Node's `fingerprint256` format), or null. */
export function normaliseFingerprint(text: string): string | null {
  const hex = text
    .trim()
    .replace(/^sha-?256[/:]/i, '')
    .replace(/[:\s]/g, '')
    .toUpperCase();
  if (!/^[0-9A-F]{64}$/.test(hex)) return null;
  return hex.match(/../g)?.join(':') ?? null;
}
