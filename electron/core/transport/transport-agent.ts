/** `TransportAgent`: how Lookout reaches a server (route, proxy tunnel, trusted TLS), in one place. */
import type { ClientRequest } from 'node:http';
import { connect as netConnect, isIP, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import { Agent, type AgentConnectOpts } from 'agent-base';
import type { EndpointNetwork } from '../../../shared/config/endpoint';
import type { RouteFacts, TransportFacts, TlsFacts } from '../../../shared/model/transport';
/** Reads a secret from the credential store by its reference (never logged). */
export type SecretGetter = (ref: string) => Promise<string | undefined>;
import { chainFacts, normaliseFingerprint, problemOfVerifyError } from './certificate-facts';
import {
  describeCandidate,
  parseProxyUrl,
  type ProxyCandidate,
  type ProxyDecision,
  type SystemProxyResolver,
} from './proxy-rules';
import { openTunnel, TunnelError } from './proxy-tunnel';
import { TransportError } from './transport-error';
import type { TrustStore } from './trust-store';

export interface TransportAgentOptions {
  /** The endpoint's `proxy`, `proxyAuth` and `tls` settings. */
  network: EndpointNetwork;
  resolveSystemProxy: SystemProxyResolver;
  trust: TrustStore;
  getSecret: SecretGetter;
  /** Every proxy password used is registered here (the redactor), so no log can show it. */
  onSecret?: (secret: string) => void;
  /** Give up reaching the server (TCP, proxy, TLS) after this long (default 10 s). */
  connectTimeoutMs?: number;
}

/** Errors on the way to the proxy that let a PAC list try its next entry. */
const PROXY_DOWN = new Set(['PROXY_REFUSED', 'PROXY_UNREACHABLE', 'PROXY_UNSUPPORTED']);

/**
 * The one place that decides how Lookout reaches a server: which route (direct, the endpoint's
 * proxy, or what the host's system / environment settings say for this URL, PAC fallbacks in
 * order), over a CONNECT tunnel when proxied, and, for wss/https, TLS with the authorities Lookout
 * trusts (bundled, OS store, the endpoint's CA file) or the endpoint's pinned certificate. The
 * certificate is judged before the socket is handed to HTTP or ws, so not one byte of a request
 * (tokens, passwords) reaches a server whose certificate was refused. Handed to every WebSocket
 * and HTTP call of an endpoint; `facts` tells Diagnostics what was decided and seen.
 */
export class TransportAgent extends Agent {
  /** The route and certificate chain of the last connection this agent made (or tried). */
  facts: TransportFacts | null = null;

  constructor(private readonly settings: TransportAgentOptions) {
    super({ keepAlive: false });
  }

  override async connect(req: ClientRequest, opts: AgentConnectOpts): Promise<Duplex> {
    const secure = opts.secureEndpoint;
    const host = String(opts.host ?? 'localhost').replace(/^\[|\]$/g, '');
    const port = Number(opts.port ?? (secure ? 443 : 80));
    const abort = new AbortController();
    // ws and fetch time out only once a socket exists: the way there gets its own deadline, and a
    // request given up on (partysocket's timeout, a stop) ends whatever is still being set up.
    const timeoutMs = this.settings.connectTimeoutMs ?? 10_000;
    const timer = setTimeout(
      () => abort.abort(new Error(`no connection within ${timeoutMs} ms`)),
      timeoutMs,
    );
    const onGiveUp = () => abort.abort(new Error('request abandoned'));
    req.once('close', onGiveUp);
    try {
      return await this.reach(secure, host, port, abort.signal);
    } finally {
      clearTimeout(timer);
      req.off('close', onGiveUp);
    }
  }

  /**
   * Reach the server of `url` as a connection would (route, tunnel, TLS) and hang up: for the
   * connection check's proxy and TLS steps. Never throws; `error` is what a connection would
   * have failed with (a `TransportError` for proxy and certificate problems).
   */
  async probe(
    url: string,
    timeoutMs: number,
  ): Promise<{ facts: TransportFacts | null; error?: unknown }> {
    const target = new URL(url);
    const secure = target.protocol === 'wss:' || target.protocol === 'https:';
    const host = target.hostname.replace(/^\[|\]$/g, '');
    const port = Number(target.port || (secure ? 443 : 80));
    const abort = new AbortController();
    const timer = setTimeout(
      () => abort.abort(new Error(`no connection within ${timeoutMs} ms`)),
      timeoutMs,
    );
    try {
      const socket = await this.reach(secure, host, port, abort.signal);
      socket.destroy();
      return { facts: this.facts };
    } catch (error) {
      return { facts: this.facts, error };
    } finally {
      clearTimeout(timer);
    }
  }

  /** What this endpoint's settings say for a URL, without connecting (connection check, bundle). */
  async decide(secure: boolean, host: string, port: number): Promise<ProxyDecision> {
    const setting = this.settings.network.proxy;
    if (setting === 'direct')
      return {
        candidates: [{ kind: 'direct' }],
        source: 'endpoint',
        why: 'this endpoint’s proxy is "direct"',
      };
    if (setting !== 'system')
      return {
        candidates: [parseProxyUrl(setting)],
        source: 'endpoint',
        why: 'the proxy set on this endpoint',
      };
    const authority = isIP(host) === 6 ? `[${host}]` : host;
    return this.settings.resolveSystemProxy(`${secure ? 'https' : 'http'}://${authority}:${port}/`);
  }

  private async reach(
    secure: boolean,
    host: string,
    port: number,
    signal: AbortSignal,
  ): Promise<Duplex> {
    const target = `${isIP(host) === 6 ? `[${host}]` : host}:${port}`;
    const decision = await this.decide(secure, host, port);
    const fellBack: string[] = [];
    const candidates = decision.candidates.length
      ? decision.candidates
      : [{ kind: 'direct' as const }];
    for (let i = 0; i < candidates.length; i += 1) {
      const candidate = candidates[i] as ProxyCandidate;
      const route: RouteFacts = {
        via: describeCandidate(candidate),
        source: decision.source,
        why: decision.why,
        ...(fellBack.length ? { fellBack: [...fellBack] } : {}),
      };
      const facts: TransportFacts = { target, route };
      this.facts = facts;
      let raw: Duplex;
      try {
        raw =
          candidate.kind === 'direct'
            ? await tcp(host, port, signal)
            : await this.tunnel(candidate, host, port, facts, signal);
      } catch (error) {
        const last = i === candidates.length - 1;
        if (!last && error instanceof TransportError && PROXY_DOWN.has(error.code)) {
          fellBack.push(`${route.via}: ${error.title}`);
          continue;
        }
        throw error;
      }
      if (!secure) {
        // A tunnelled socket was paused after the proxy's answer; HTTP reads it from here.
        raw.resume();
        return raw;
      }
      return this.secure(raw, host, facts, signal);
    }
    throw new Error('no route to try');
  }

  private async tunnel(
    candidate: ProxyCandidate,
    host: string,
    port: number,
    facts: TransportFacts,
    signal: AbortSignal,
  ): Promise<Duplex> {
    if (candidate.kind === 'direct' || candidate.kind === 'unsupported')
      throw new TransportError('PROXY_UNSUPPORTED', facts, describeCandidate(candidate));
    const authorization = await this.proxyAuthorization(candidate, facts);
    let socket: Socket | TLSSocket;
    try {
      socket =
        candidate.kind === 'https'
          ? await tlsToProxy(candidate.host, candidate.port, signal)
          : await tcp(candidate.host, candidate.port, signal);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
      throw new TransportError(
        code === 'ECONNREFUSED' ? 'PROXY_REFUSED' : 'PROXY_UNREACHABLE',
        facts,
        code,
      );
    }
    try {
      await abortable(openTunnel(socket, { host, port }, authorization), signal, socket);
      return socket;
    } catch (error) {
      socket.destroy();
      if (error instanceof TunnelError)
        throw new TransportError(error.problem, facts, error.detail);
      const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
      throw new TransportError('PROXY_BAD_ANSWER', facts, code);
    }
  }

  /** `Basic …` from the proxy URL's own user (environment) or the endpoint's proxyAuth entry. */
  private async proxyAuthorization(
    candidate: Extract<ProxyCandidate, { kind: 'http' | 'https' }>,
    facts: TransportFacts,
  ): Promise<string | undefined> {
    let user = candidate.username;
    let password = candidate.password;
    const auth = this.settings.network.proxyAuth;
    if (user === undefined && auth) {
      user = auth.username;
      password = (await this.settings.getSecret(auth.credentialRef)) ?? undefined;
      facts.route.proxyAuth =
        password === undefined ? `${auth.credentialRef} (empty)` : auth.credentialRef;
    } else if (user !== undefined) facts.route.proxyAuth = 'the proxy URL’s user';
    if (user === undefined) return undefined;
    if (password) this.settings.onSecret?.(password);
    const token = Buffer.from(`${user}:${password ?? ''}`).toString('base64');
    this.settings.onSecret?.(token);
    return `Basic ${token}`;
  }

  private async secure(
    raw: Duplex,
    host: string,
    facts: TransportFacts,
    signal: AbortSignal,
  ): Promise<TLSSocket> {
    const tlsConfig = this.settings.network.tls;
    const pinned = tlsConfig?.pinnedCertificateSha256
      ? normaliseFingerprint(tlsConfig.pinnedCertificateSha256)
      : null;
    let trust;
    try {
      trust = await this.settings.trust.forEndpoint(tlsConfig?.caFile);
    } catch (error) {
      raw.destroy();
      throw new TransportError(
        'TLS_CA_FILE_UNREADABLE',
        facts,
        `${tlsConfig?.caFile ?? ''}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
      );
    }
    const tlsFacts: TlsFacts = {
      servername: host,
      trusted: false,
      chain: [],
      trust: {
        sources: trust.sources,
        ...(tlsConfig?.caFile ? { caFile: tlsConfig.caFile } : {}),
        ...(pinned ? { pinnedSha256: pinned } : {}),
      },
    };
    facts.tls = tlsFacts;
    // rejectUnauthorized is off only so the certificate can be shown and judged here, before the
    // socket is handed on: an untrusted one is refused below, always.
    const socket = tlsConnect({
      socket: raw,
      host,
      ...(isIP(host) ? {} : { servername: host }),
      secureContext: trust.context,
      rejectUnauthorized: false,
      ALPNProtocols: ['http/1.1'],
    });
    try {
      await abortable(
        new Promise<void>((resolve, reject) => {
          socket.once('secureConnect', () => resolve());
          socket.once('error', reject);
        }),
        signal,
        socket,
      );
    } catch (error) {
      socket.destroy();
      const e = error as NodeJS.ErrnoException;
      throw new TransportError(
        'TLS_HANDSHAKE_FAILED',
        facts,
        e.code && e.code !== 'ERR_SSL_WRONG_VERSION_NUMBER'
          ? `${e.code}: ${e.message}`
          : e.code === 'ERR_SSL_WRONG_VERSION_NUMBER'
            ? 'the server did not answer in TLS'
            : e.message,
      );
    }
    tlsFacts.protocol = socket.getProtocol() ?? undefined;
    tlsFacts.chain = chainFacts(socket.getPeerCertificate(true));
    const verifyError = socket.authorizationError ? String(socket.authorizationError) : undefined;
    if (verifyError) tlsFacts.verifyError = verifyError;
    if (pinned) {
      tlsFacts.trusted = tlsFacts.chain[0]?.fingerprint256 === pinned;
      if (!tlsFacts.trusted) {
        socket.destroy();
        throw new TransportError('TLS_PIN_MISMATCH', facts);
      }
    } else if (!socket.authorized) {
      socket.destroy();
      throw new TransportError(problemOfVerifyError(verifyError ?? ''), facts, verifyError);
    } else tlsFacts.trusted = true;
    return socket;
  }
}

function tcp(host: string, port: number, signal: AbortSignal): Promise<Socket> {
  const socket = netConnect({ host, port });
  return abortable(
    new Promise<Socket>((resolve, reject) => {
      socket.once('connect', () => {
        socket.off('error', reject);
        resolve(socket);
      });
      socket.once('error', reject);
    }),
    signal,
    socket,
  );
}

/** An HTTPS proxy: TLS to the proxy itself, checked against Node's defaults (never relaxed). */
function tlsToProxy(host: string, port: number, signal: AbortSignal): Promise<TLSSocket> {
  const socket = tlsConnect({ host, port, ...(isIP(host) ? {} : { servername: host }) });
  return abortable(
    new Promise<TLSSocket>((resolve, reject) => {
      socket.once('secureConnect', () => {
        socket.off('error', reject);
        resolve(socket);
      });
      socket.once('error', reject);
    }),
    signal,
    socket,
  );
}

/** Reject (and destroy the socket) when the signal fires first. */
function abortable<T>(promise: Promise<T>, signal: AbortSignal, socket: Duplex): Promise<T> {
  if (signal.aborted) {
    socket.destroy();
    return Promise.reject(signal.reason as Error);
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => {
      socket.destroy();
      const reason = signal.reason as Error;
      reject(Object.assign(new Error(reason.message), { code: 'ETIMEDOUT' }));
    };
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}
