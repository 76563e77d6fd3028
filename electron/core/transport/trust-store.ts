/** The certificate authorities Lookout may trust: the OS's store, where this runtime can read it. */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import * as tls from 'node:tls';

/** Where Linux distributions keep the OS trust store as one PEM bundle (the list Go and curl use). */
const LINUX_BUNDLES = [
  '/etc/ssl/certs/ca-certificates.crt',
  '/etc/pki/tls/certs/ca-bundle.crt',
  '/etc/ssl/ca-bundle.pem',
  '/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem',
  '/etc/ssl/cert.pem',
];

/** `tls.getCACertificates` (Node ≥ 22.15 / 23.10, hence Electron's Node); absent on Node 20. */
type GetCaCertificates = (type: 'default' | 'system' | 'bundled' | 'extra') => string[];

/** Certificates and where they came from. */
export interface CertificateSet {
  certs: string[];
  sources: string[];
}

export interface TrustStoreOptions {
  /** The environment to read `NODE_EXTRA_CA_CERTS` from where the runtime cannot say (Node 20). */
  env?: Readonly<Record<string, string | undefined>>;
  /** The OS store, when the host knows better (tests); default: see `systemCertificates`. */
  system?: () => CertificateSet;
  platform?: NodeJS.Platform;
}

/** Split a PEM bundle into its certificates (anything else in the file is ignored). */
export function splitPem(text: string): string[] {
  return text.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
}

/**
 * The OS trust store, where this runtime can read it: `tls.getCACertificates('system')` where
 * Node has it (Electron 45's Node: the macOS keychain, the Windows store, OpenSSL's store on
 * Linux); on Node 20 (the browser host) only Linux's PEM bundle can be read. Never throws.
 */
export function systemCertificates(platform: NodeJS.Platform = process.platform): CertificateSet {
  const get = (tls as unknown as { getCACertificates?: GetCaCertificates }).getCACertificates;
  if (typeof get === 'function') {
    try {
      return { certs: get('system'), sources: ['system (tls.getCACertificates)'] };
    } catch {
      // Fall through to the file.
    }
  }
  if (platform === 'linux' || platform === 'freebsd' || platform === 'openbsd') {
    for (const path of LINUX_BUNDLES) {
      try {
        const certs = splitPem(readFileSync(path, 'utf8'));
        if (certs.length) return { certs, sources: [`system (${path})`] };
      } catch {
        // Try the next location.
      }
    }
  }
  return { certs: [], sources: [] };
}

function extraCertificates(env: Readonly<Record<string, string | undefined>>): CertificateSet {
  const get = (tls as unknown as { getCACertificates?: GetCaCertificates }).getCACertificates;
  if (typeof get === 'function') {
    try {
      const certs = get('extra');
      return certs.length ? { certs, sources: ['NODE_EXTRA_CA_CERTS'] } : { certs, sources: [] };
    } catch {
      // Fall through to the file.
    }
  }
  const path = env.NODE_EXTRA_CA_CERTS;
  if (!path) return { certs: [], sources: [] };
  try {
    const certs = splitPem(readFileSync(path, 'utf8'));
    return { certs, sources: certs.length ? ['NODE_EXTRA_CA_CERTS'] : [] };
  } catch {
    return { certs: [], sources: [] };
  }
}

/** What one connection trusts: a secure context and the words for Diagnostics. */
export interface Trust {
  context: tls.SecureContext;
  sources: string[];
}

/**
 * The authorities Lookout trusts: Node's bundled roots, the OS store where readable, the
 * `NODE_EXTRA_CA_CERTS` file, and per endpoint its own CA file. Passing `ca` to TLS replaces
 * Node's defaults, so every set is named here; each combination is built into a secure context
 * once (parsing a few hundred roots per connection would cost milliseconds each time).
 */
export class TrustStore {
  private base: CertificateSet | null = null;
  private readonly contexts = new Map<string, tls.SecureContext>();

  constructor(private readonly options: TrustStoreOptions = {}) {}

  private baseSet(): CertificateSet {
    if (!this.base) {
      const system = (this.options.system ?? (() => systemCertificates(this.options.platform)))();
      const extra = extraCertificates(this.options.env ?? {});
      const unique = [...new Set([...tls.rootCertificates, ...system.certs, ...extra.certs])];
      this.base = {
        certs: unique,
        sources: ['bundled (Node’s Mozilla roots)', ...system.sources, ...extra.sources],
      };
    }
    return this.base;
  }

  /** The base sources, for the support bundle. */
  describe(): string[] {
    return this.baseSet().sources;
  }

  /**
   * The trust for one connection: the base set, plus the endpoint's CA file when it has one
   * (read each time, so a replaced file counts at once). Rejects with the file's error.
   */
  async forEndpoint(caFile?: string): Promise<Trust> {
    const base = this.baseSet();
    if (!caFile) return { context: this.context('base', base.certs), sources: base.sources };
    const text = await readFile(caFile, 'utf8');
    const own = splitPem(text);
    if (own.length === 0) throw new Error(`${caFile} holds no PEM certificate`);
    const key = createHash('sha256').update(text).digest('hex');
    return {
      context: this.context(key, [...base.certs, ...own]),
      sources: [
        ...base.sources,
        `caFile (${own.length} certificate${own.length === 1 ? '' : 's'})`,
      ],
    };
  }

  private context(key: string, certs: string[]): tls.SecureContext {
    let context = this.contexts.get(key);
    if (!context) {
      context = tls.createSecureContext({ ca: certs });
      // A few endpoints at most; a CA file rewritten many times must not grow this forever.
      if (this.contexts.size > 32) this.contexts.clear();
      this.contexts.set(key, context);
    }
    return context;
  }
}
