/**
 * What the transport decided and saw for one connection: the route (direct or through which
 * proxy, and who chose it) and the server's certificate chain. Plain JSON data: recorded on each
 * attempt, shown in Diagnostics and written to the support bundle. Never holds a secret (a proxy
 * is named by scheme, host and port only).
 */

/** Who decided the route. */
export type RouteSource =
  /** The endpoint's own `proxy` setting (`direct` or a URL). */
  | 'endpoint'
  /** The OS / Electron session settings, PAC included (desktop app). */
  | 'system'
  /** `HTTPS_PROXY`, `HTTP_PROXY`, `ALL_PROXY`, `NO_PROXY` (browser host). */
  | 'environment'
  /** Loopback and the embedded gateway are never proxied. */
  | 'loopback';

export interface RouteFacts {
  /** `direct`, or the proxy as `http://host:port` (never with credentials). */
  via: string;
  source: RouteSource;
  /** Why this route, in words: "NO_PROXY matches .corp.example", "PAC: PROXY a:3128; DIRECT"… */
  why: string;
  /** Whether Proxy-Authorization was sent (the name of the credential entry, never the secret). */
  proxyAuth?: string;
  /** Earlier candidates that failed before this one (PAC fallbacks), with their errors. */
  fellBack?: string[];
}

/** One certificate of the chain the server presented, leaf first. */
export interface CertificateFacts {
  subject: string;
  issuer: string;
  /** Subject alternative names, e.g. `DNS:rt.example.com, IP Address:10.0.0.5`. */
  altNames?: string;
  validFrom: string;
  validTo: string;
  /** SHA-256 of the DER certificate, `AB:CD:…`. */
  fingerprint256: string;
  serialNumber: string;
  selfSigned: boolean;
}

/** What the trust decision rested on. */
export interface TrustFacts {
  /** Where the accepted authorities came from: `bundled`, `system`, `NODE_EXTRA_CA_CERTS`, `caFile`. */
  sources: string[];
  /** The endpoint's CA file, when it has one. */
  caFile?: string;
  /** The endpoint trusts one pinned certificate (discouraged): its SHA-256. */
  pinnedSha256?: string;
}

export interface TlsFacts {
  /** TLS version negotiated, e.g. `TLSv1.3`, when the handshake completed. */
  protocol?: string;
  /** The server name we asked for (SNI) and checked the certificate against. */
  servername: string;
  /** Whether the certificate was accepted. */
  trusted: boolean;
  /** OpenSSL's or Node's verdict when it was not: `CERT_HAS_EXPIRED`, `ERR_TLS_CERT_ALTNAME_INVALID`… */
  verifyError?: string;
  /** Leaf first, as the server sent it. */
  chain: CertificateFacts[];
  trust: TrustFacts;
}

export interface TransportFacts {
  /** `host:port` we wanted to reach. */
  target: string;
  route: RouteFacts;
  tls?: TlsFacts;
}

/**
 * A failure of the way to the server (before HTTP or WebSocket could speak), each its own case
 * with its own words (`shared/transport-explanations.ts`).
 */
export const TRANSPORT_PROBLEMS = [
  'PROXY_REFUSED',
  'PROXY_UNREACHABLE',
  'PROXY_AUTH_REQUIRED',
  'PROXY_DENIED',
  'PROXY_CANNOT_REACH_HOST',
  'PROXY_BAD_ANSWER',
  'PROXY_UNSUPPORTED',
  'TLS_UNKNOWN_AUTHORITY',
  'TLS_SELF_SIGNED',
  'TLS_EXPIRED',
  'TLS_NOT_YET_VALID',
  'TLS_WRONG_HOST',
  'TLS_PIN_MISMATCH',
  'TLS_UNTRUSTED',
  'TLS_HANDSHAKE_FAILED',
  'TLS_CA_FILE_UNREADABLE',
] as const;
export type TransportProblem = (typeof TRANSPORT_PROBLEMS)[number];

/** Whether a transport error code is one of ours (explained with the facts it carries). */
export function isTransportProblem(code: string): code is TransportProblem {
  return (TRANSPORT_PROBLEMS as readonly string[]).includes(code);
}
