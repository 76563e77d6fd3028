import type { CertificateFacts, TransportFacts, TransportProblem } from './model/transport';

/**
 * The explanation table for failures on the way to a server: proxies and TLS. Like the
 * close-code table, one table read by the engine (the words it records on an attempt), the
 * connection check (its proxy and TLS steps) and Diagnostics. Each entry says what happened in
 * plain words, with the facts that prove it (the certificate's subject, issuer, dates and
 * fingerprint; the proxy's address and answer), and what to do.
 */
export interface TransportExplanation {
  /** Short name, e.g. `Certificate expired`. */
  name: string;
  /** What happened, with the facts. */
  meaning: string;
  /** What to do about it. */
  advice: string;
}

/** What an explanation may rest on. */
export interface ProblemInput {
  code: TransportProblem;
  facts?: TransportFacts;
  /** Extra words from the failure: the proxy's status line, an errno code, a file error. */
  detail?: string;
}

/** `CN=rt.example.com, O=Example` for display (the subject as Node prints it, one line). */
function who(cert: CertificateFacts | undefined, field: 'subject' | 'issuer'): string {
  return cert ? cert[field] || '(empty)' : '(no certificate)';
}

/** The facts line every TLS explanation ends with. */
export function certificateLine(cert: CertificateFacts | undefined): string {
  if (!cert) return 'The server sent no certificate.';
  return `Certificate: subject ${cert.subject || '(empty)'}; issuer ${cert.issuer || '(empty)'}; valid ${cert.validFrom} to ${cert.validTo}; SHA-256 ${cert.fingerprint256}.`;
}

function proxyOf(input: ProblemInput): string {
  return input.facts?.route.via ?? 'the proxy';
}

function sourceOf(input: ProblemInput): string {
  switch (input.facts?.route.source) {
    case 'environment':
      return ' (from HTTPS_PROXY / HTTP_PROXY / ALL_PROXY)';
    case 'system':
      return ' (from the system proxy settings)';
    case 'endpoint':
      return ' (set on this endpoint)';
    default:
      return '';
  }
}

const ENTRIES: Record<TransportProblem, (input: ProblemInput) => TransportExplanation> = {
  PROXY_REFUSED: (i) => ({
    name: 'Proxy refused the connection',
    meaning: `Nothing accepts connections at the proxy ${proxyOf(i)}${sourceOf(i)}: it is down, or the address or port is wrong.`,
    advice:
      'Check the proxy address (the endpoint’s proxy setting, the system settings or HTTPS_PROXY), or set the endpoint’s proxy to "direct" if this server is reachable without it.',
  }),
  PROXY_UNREACHABLE: (i) => ({
    name: 'Proxy unreachable',
    meaning: `The proxy ${proxyOf(i)}${sourceOf(i)} cannot be reached (${i.detail ?? 'no answer'}).`,
    advice: 'Check the proxy’s host name and your network or VPN.',
  }),
  PROXY_AUTH_REQUIRED: (i) => ({
    name: 'Proxy needs authentication (407)',
    meaning: `The proxy ${proxyOf(i)} answered 407: it wants a user name and password${
      i.facts?.route.proxyAuth
        ? `, and refused the ones stored as "${i.facts.route.proxyAuth}"`
        : ', and none are set for this endpoint'
    }.`,
    advice:
      'Enter the proxy user and password in Settings → Endpoints → Proxy (they are kept in the credential store, never in endpoints.json).',
  }),
  PROXY_DENIED: (i) => ({
    name: 'Proxy refuses this destination',
    meaning: `The proxy ${proxyOf(i)} does not allow a connection to ${i.facts?.target ?? 'this server'} (${i.detail ?? 'HTTP 403'}).`,
    advice:
      'Ask your network team to allow this host and port through the proxy, or set the endpoint’s proxy to "direct" if it is reachable without it.',
  }),
  PROXY_CANNOT_REACH_HOST: (i) => ({
    name: 'Proxy cannot reach the server',
    meaning: `The proxy ${proxyOf(i)} accepted us but could not connect to ${i.facts?.target ?? 'the server'} (${i.detail ?? 'bad gateway'}).`,
    advice:
      'The server is down or its name does not resolve from the proxy; check the endpoint URL, or whether this server must be reached directly (NO_PROXY, or proxy "direct").',
  }),
  PROXY_BAD_ANSWER: (i) => ({
    name: 'Proxy gave an unexpected answer',
    meaning: `The proxy ${proxyOf(i)} did not open a tunnel to ${i.facts?.target ?? 'the server'} (${i.detail ?? 'no valid HTTP answer'}).`,
    advice:
      'Check that the address is an HTTP proxy that allows CONNECT (not a web server or a SOCKS proxy).',
  }),
  PROXY_UNSUPPORTED: (i) => ({
    name: 'Proxy type not supported',
    meaning: `The proxy ${i.detail ?? proxyOf(i)} is of a kind Lookout cannot use: only HTTP and HTTPS proxies (CONNECT) are supported.`,
    advice: 'Use an HTTP proxy (HTTPS_PROXY=http://host:port), or set the endpoint’s proxy.',
  }),
  TLS_UNKNOWN_AUTHORITY: (i) => {
    const leaf = i.facts?.tls?.chain[0];
    const top = i.facts?.tls?.chain.at(-1);
    return {
      name: 'Unknown certificate authority',
      meaning: `The server’s certificate was issued by ${who(top, 'issuer')}, an authority this computer does not trust (a private or corporate CA, or a proxy that inspects TLS). ${certificateLine(leaf)}`,
      advice:
        'If your organisation runs its own CA, give this endpoint its CA file (Settings → Endpoints → TLS → CA file), or install the CA in the operating system’s trust store.',
    };
  },
  TLS_SELF_SIGNED: (i) => {
    const leaf = i.facts?.tls?.chain[0];
    return {
      name: 'Self-signed certificate',
      meaning: `The server presents a certificate it signed itself (subject and issuer are both ${who(leaf, 'subject')}), so nobody vouches for it. ${certificateLine(leaf)}`,
      advice:
        'Best: have the server use a certificate from your CA and give this endpoint the CA file. If you have checked the fingerprint with the server’s administrator, you may pin it (discouraged: it breaks when the certificate is renewed).',
    };
  },
  TLS_EXPIRED: (i) => {
    const leaf = i.facts?.tls?.chain[0];
    return {
      name: 'Certificate expired',
      meaning: `The server’s certificate expired on ${leaf?.validTo ?? 'an earlier date'}. ${certificateLine(leaf)}`,
      advice:
        'The server’s administrator must renew the certificate. If it was renewed just now, check this computer’s clock.',
    };
  },
  TLS_NOT_YET_VALID: (i) => {
    const leaf = i.facts?.tls?.chain[0];
    return {
      name: 'Certificate not yet valid',
      meaning: `The server’s certificate is valid only from ${leaf?.validFrom ?? 'a later date'}. ${certificateLine(leaf)}`,
      advice: 'Check this computer’s date and time; otherwise the server’s certificate is wrong.',
    };
  },
  TLS_WRONG_HOST: (i) => {
    const leaf = i.facts?.tls?.chain[0];
    return {
      name: 'Certificate for another host name',
      meaning: `We asked for ${i.facts?.tls?.servername ?? 'this host'}, but the certificate is for ${leaf?.altNames || who(leaf, 'subject')}. ${certificateLine(leaf)}`,
      advice:
        'Use the host name the certificate names in the endpoint URL, or have the server’s certificate include this name.',
    };
  },
  TLS_PIN_MISMATCH: (i) => {
    const leaf = i.facts?.tls?.chain[0];
    return {
      name: 'Certificate does not match the pinned fingerprint',
      meaning: `This endpoint pins the certificate ${i.facts?.tls?.trust.pinnedSha256 ?? ''}, but the server presented another one. ${certificateLine(leaf)}`,
      advice:
        'If the server’s certificate was renewed, confirm the new fingerprint with its administrator before pinning it; otherwise someone may be intercepting the connection.',
    };
  },
  TLS_UNTRUSTED: (i) => {
    const leaf = i.facts?.tls?.chain[0];
    return {
      name: 'Certificate not accepted',
      meaning: `The server’s certificate was rejected (${i.facts?.tls?.verifyError ?? i.detail ?? 'unknown reason'}). ${certificateLine(leaf)}`,
      advice: 'Show this to the server’s administrator.',
    };
  },
  TLS_HANDSHAKE_FAILED: (i) => ({
    name: 'TLS handshake failed',
    meaning: `No secure connection could be set up with ${i.facts?.target ?? 'the server'} (${i.detail ?? 'handshake failed'}).`,
    advice:
      'Check that the server speaks TLS on this port (wss:// and https:// need TLS; ws:// and http:// do not) and supports TLS 1.2 or later.',
  }),
  TLS_CA_FILE_UNREADABLE: (i) => ({
    name: 'CA file unreadable',
    meaning: `The endpoint’s CA file could not be used (${i.detail ?? 'unreadable'}).`,
    advice: 'Fix the path in Settings → Endpoints → TLS → CA file: it must be a PEM file.',
  }),
};

/** Explain a transport problem with the facts it carries. Pure. */
export function explainTransportProblem(input: ProblemInput): TransportExplanation {
  return ENTRIES[input.code](input);
}
