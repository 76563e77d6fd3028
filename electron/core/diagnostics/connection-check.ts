import { lookup } from 'node:dns/promises';
import { isIP, createConnection } from 'node:net';
import type { EndpointConfig } from '../../../shared/config/endpoint';
import { endpointUrls } from '../../../shared/config/endpoint';
import type { HandshakeSent } from '../../../shared/model/connection';
import type {
  CheckStep,
  CheckStepId,
  ConnectionCheckReport,
  ProbeResult,
} from '../../../shared/model/diagnostics';
import type { DeliveryHealth, RankedCause, RedisProbeResult } from '../../../shared/model/health';
import { classifyEnding } from '../connection/close-policy';
import { InstrumentedSocket } from '../connection/instrumented-socket';
import { CredentialsError, type CredentialProvider, type Credentials } from '../kernel/ports';
import type { DecodeResult, Dialect } from '../dialects/dialect';
import type { Redactor } from '../kernel/redact';
import type { EndpointTransport } from '../transport/network';
import { dialTargetOf, transportSteps } from './transport-steps';

export interface ConnectionCheckOptions {
  endpoint: EndpointConfig;
  dialect: Dialect;
  credentials: CredentialProvider;
  redactor: Redactor;
  /** The endpoint's route and trust; Node's defaults (direct, bundled roots) when absent. */
  transport?: EndpointTransport;
  /** Per network step (default 5 s). */
  stepTimeoutMs?: number;
  /** How long to wait for the first reply after subscribing (default 3 s). */
  replyTimeoutMs?: number;
  /** Stop after the auth step (verifying a sign-in): the later steps are reported as not run. */
  stopAfterAuth?: boolean;
  /** The endpoint's Redis deafness probe, when one is configured: `channels` empty = PING only. */
  redisProbe?: (channels: readonly string[]) => Promise<RedisProbeResult>;
  /** The backend's HTTP health probes, for explaining an ambiguous refusal. */
  probeHttp?: () => Promise<ProbeResult[]>;
  /** The live session's delivery facet, when the endpoint is connected now. */
  liveDelivery?: DeliveryHealth;
}

/**
 * "Run connection check": walks DNS → TCP → upgrade → auth → subscribe → round trip with a
 * throwaway socket and says, in plain words, where it fails and what to do. Never throws.
 */
export async function runConnectionCheck(
  options: ConnectionCheckOptions,
): Promise<ConnectionCheckReport> {
  const { endpoint, dialect, redactor } = options;
  const stepTimeout = options.stepTimeoutMs ?? 5_000;
  const startedAt = Date.now();
  const steps: CheckStep[] = [];
  const add = (step: CheckStep) => steps.push({ ...step, detail: redactor.text(step.detail) });
  const skipRest = (from: CheckStepId[]) => {
    for (const id of from)
      add({ id, status: 'skipped', detail: 'Not tried: an earlier step failed.' });
  };
  let causes: RankedCause[] | undefined;
  const report = (): ConnectionCheckReport => {
    const failed = steps.find((s) => s.status === 'failed');
    const delivery = steps.find((s) => s.id === 'delivery');
    // "All checks passed" only when delivery was proven: a pong or an ack proves no data.
    const summary = failed
      ? `Fails at ${failed.id}: ${failed.detail}${failed.advice ? ` ${failed.advice}` : ''}`
      : options.stopAfterAuth
        ? 'Signed in: the server accepted the credentials.'
        : delivery?.status === 'warning'
          ? `Reachable and answering, but delivery is not proven: ${delivery.detail}`
          : steps.some((s) => s.status === 'warning')
            ? 'Connected, with warnings: see the steps below.'
            : 'All checks passed: the backend is reachable, accepts our credentials, answers, and delivers data.';
    return {
      endpoint: endpoint.id,
      startedAt,
      ok: !failed,
      steps,
      summary: redactor.text(summary),
      ...(causes ? { causes } : {}),
    };
  };

  const base = endpointUrls(endpoint)[0] ?? '';
  let url: URL;
  try {
    url = new URL(base);
  } catch {
    add({
      id: 'dns',
      status: 'failed',
      detail: `"${base}" is not a valid URL.`,
      advice: 'Fix the URL in Settings → Endpoints.',
    });
    skipRest(['tcp', 'proxy', 'tls', 'upgrade', 'auth', 'subscribe', 'round-trip', 'delivery']);
    return report();
  }
  // Through a proxy, DNS and TCP are the proxy's: the server may not even resolve from here.
  const { dial } = await dialTargetOf(options.transport, url, stepTimeout);
  const host = dial?.host ?? url.hostname.replace(/^\[|\]$/g, '');
  const port = dial?.port ?? Number(url.port || (url.protocol === 'wss:' ? 443 : 80));
  const named = dial ? `${dial.label}: ` : '';

  // DNS
  let address = host;
  if (isIP(host)) {
    add({
      id: 'dns',
      status: 'ok',
      detail: `${named}${host} is an IP address: no lookup needed.`,
    });
  } else {
    const t0 = performance.now();
    try {
      const found = await withTimeout(
        lookup(host, { all: true }),
        stepTimeout,
        'DNS lookup timed out',
      );
      address = found[0]?.address ?? host;
      add({
        id: 'dns',
        status: 'ok',
        detail: `${named}${host} resolves to ${found.map((a) => a.address).join(', ')}.`,
        durationMs: ms(t0),
      });
    } catch (error) {
      add({
        id: 'dns',
        status: 'failed',
        detail: `${named}${host} does not resolve (${errorText(error)}).`,
        advice: dial
          ? 'Check the proxy’s host name (the endpoint’s proxy, the system settings or HTTPS_PROXY).'
          : 'Check the host name in the endpoint URL, or your DNS / VPN.',
        durationMs: ms(t0),
      });
      skipRest(['tcp', 'proxy', 'tls', 'upgrade', 'auth', 'subscribe', 'round-trip', 'delivery']);
      return report();
    }
  }

  // TCP
  const tcpStart = performance.now();
  const tcp = await tcpProbe(address, port, stepTimeout);
  if (tcp.ok) {
    add({
      id: 'tcp',
      status: 'ok',
      detail: `${named}${host}:${port} accepted a TCP connection.`,
      durationMs: ms(tcpStart),
    });
  } else {
    add({
      id: 'tcp',
      status: 'failed',
      detail:
        tcp.code === 'ECONNREFUSED'
          ? `Nothing is listening on ${named}${host}:${port}.`
          : `${named}${host}:${port} did not accept a connection (${tcp.code}).`,
      advice: dial
        ? 'Check the proxy address (the endpoint’s proxy, the system settings or HTTPS_PROXY), or set the endpoint’s proxy to "direct".'
        : tcp.code === 'ECONNREFUSED'
          ? 'Start the backend, or fix the port in the endpoint URL.'
          : 'A firewall or proxy may drop the traffic; check the network path to the server.',
      durationMs: ms(tcpStart),
    });
    skipRest(['proxy', 'tls', 'upgrade', 'auth', 'subscribe', 'round-trip', 'delivery']);
    return report();
  }

  // Proxy and TLS: reached exactly as a connection reaches the server, each failure explained.
  if (options.transport) {
    const reached = await transportSteps(options.transport, base, stepTimeout);
    for (const step of reached.steps) add(step);
    if (!reached.ok) {
      skipRest(['upgrade', 'auth', 'subscribe', 'round-trip', 'delivery']);
      return report();
    }
  }

  // Credentials (reported under "auth")
  let credentials: Credentials;
  try {
    credentials = await options.credentials.getCredentials({ forceRefresh: false });
    redactor.addSecret(credentials.token);
    redactor.addSecret(credentials.cookie);
  } catch (error) {
    add({ id: 'upgrade', status: 'skipped', detail: 'Not tried: no credentials to connect with.' });
    add({
      id: 'auth',
      status: 'failed',
      detail:
        error instanceof CredentialsError
          ? error.message
          : `Could not get credentials: ${errorText(error)}`,
      advice:
        error instanceof CredentialsError
          ? 'Sign in from Settings → Endpoints.'
          : 'Check that the login service is reachable.',
    });
    skipRest(['subscribe', 'round-trip', 'delivery']);
    return report();
  }

  // Upgrade + auth
  const codec = dialect.create(endpoint);
  const plan = codec.handshake(credentials, base);
  const origin = Object.entries(plan.headers).find(([k]) => k.toLowerCase() === 'origin')?.[1];
  const sent: HandshakeSent = {
    ...(origin ? { origin } : {}),
    credentials: credentials.cookie ? 'cookie' : credentials.token ? 'token' : 'none',
  };
  const upgradeStart = performance.now();
  const socket = new InstrumentedSocket(plan.url, undefined, {
    headers: plan.headers,
    handshakeTimeoutMs: Math.min(endpoint.handshakeTimeoutMs, stepTimeout),
    maxPayloadBytes: endpoint.maxPayloadBytes * 4,
    ...(options.transport ? { agent: options.transport.agent(stepTimeout) } : {}),
  });
  const frames: string[] = [];
  socket.on('message', (data, isBinary) => {
    if (!isBinary) frames.push(data.toString());
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    socket.once('close', (code, reason) => resolve({ code, reason: reason.toString() })),
  );
  socket.on('error', () => {});
  const opened = await Promise.race([
    new Promise<boolean>((resolve) => socket.once('open', () => resolve(true))),
    closed.then(() => false),
  ]);
  try {
    if (!opened) {
      const ended = await closed;
      const outcome = classifyEnding({
        facts: socket.facts,
        closeCode: ended.code,
        closeReason: ended.reason,
        closeOverrides: dialect.closeOverrides,
        handshakeOverrides: dialect.handshakeOverrides,
        explainRefusal: (status) => dialect.explainRefusal?.(status, sent, plan.url),
      });
      const status = socket.facts.handshakeStatus;
      const authProblem =
        status !== undefined &&
        (outcome.action === 'sign-in' || outcome.action === 'refresh-token');
      if (outcome.action === 'reauth-once' && dialect.rankCauses) {
        causes = await explainAmbiguous(options, plan.url, dialect.rankCauses);
      }
      if (authProblem) {
        add({
          id: 'upgrade',
          status: 'ok',
          detail: `The server answered the upgrade with HTTP ${status}.`,
          durationMs: ms(upgradeStart),
        });
        add({
          id: 'auth',
          status: 'failed',
          detail: outcome.meaning,
          advice: sent.origin
            ? `Lookout sent Origin: ${sent.origin}. Sign in again, or check the account\u2019s rights and the Origin header in Settings → Endpoints.`
            : 'Sign in again, or check the account\u2019s rights and the Origin header in Settings → Endpoints.',
        });
      } else {
        const likeliest = causes?.find((c) => c.likelihood !== 'ruled-out');
        add({
          id: 'upgrade',
          status: 'failed',
          detail: status !== undefined ? `HTTP ${status}: ${outcome.meaning}` : outcome.meaning,
          advice: likeliest
            ? `Most likely: ${likeliest.text} (${likeliest.evidence})`
            : status === 404 || status === 500
              ? 'Check the path in the endpoint URL (some servers need a trailing slash).'
              : 'Check the URL and that the server speaks WebSocket on that path.',
          durationMs: ms(upgradeStart),
        });
        add({ id: 'auth', status: 'skipped', detail: 'Not tried: the upgrade failed.' });
      }
      skipRest(['subscribe', 'round-trip', 'delivery']);
      return report();
    }
    add({
      id: 'upgrade',
      status: 'ok',
      detail: `WebSocket upgrade accepted (101) by ${redactor.url(plan.url)}.`,
      durationMs: ms(upgradeStart),
    });
    add({
      id: 'auth',
      status: 'ok',
      detail:
        credentials.token || credentials.cookie
          ? 'The server accepted our credentials.'
          : 'This endpoint needs no credentials, and the server let us in.',
    });
    if (options.stopAfterAuth) {
      for (const id of ['subscribe', 'round-trip', 'delivery'] as const)
        add({ id, status: 'skipped', detail: 'Not run: only the sign-in was checked.' });
      return report();
    }

    // Subscribe: send what the session would send, wait for the first meaningful reply.
    const before = frames.length;
    for (const frame of codec.onOpen()) socket.send(frame);
    const subs = endpoint.subscriptions.length
      ? endpoint.subscriptions
      : dialect.defaultSubscriptions;
    for (const channel of subs) {
      const frame = codec.subscribe(channel);
      if (frame) socket.send(frame);
    }
    const replyTimeout = options.replyTimeoutMs ?? 3_000;
    const reply = await waitForReply(frames, before, closed, replyTimeout, (text) =>
      codec.decode(text, Date.now()),
    );
    if (reply.kind === 'closed') {
      const outcome = classifyEnding({
        facts: socket.facts,
        closeCode: reply.code,
        closeReason: reply.reason,
        closeOverrides: dialect.closeOverrides,
      });
      add({
        id: 'subscribe',
        status: 'failed',
        detail: `The server closed the connection after we subscribed: ${outcome.meaning}`,
        advice: 'Check the subscriptions configured for this endpoint.',
      });
      add({ id: 'round-trip', status: 'skipped', detail: 'Not tried: the connection closed.' });
      add({ id: 'delivery', status: 'skipped', detail: 'Not tried: the connection closed.' });
      return report();
    }
    if (reply.kind === 'error') {
      add({
        id: 'subscribe',
        status: 'failed',
        detail: `The server refused the subscription: ${reply.message}`,
        advice:
          'Check the subscriptions configured for this endpoint and the account\u2019s rights.',
      });
    } else if (reply.kind === 'reply') {
      add({ id: 'subscribe', status: 'ok', detail: reply.detail });
    } else {
      const silentOk = dialect.liveness.quietAfterMs === 0;
      add({
        id: 'subscribe',
        status: 'warning',
        detail: `No reply within ${Math.round(replyTimeout / 1000)} s.${silentOk ? ' This backend is often silent, so this alone is not a fault.' : ''}`,
        advice: silentOk
          ? undefined
          : 'If data never arrives, check that the backend publishes to these subscriptions.',
      });
    }

    // Round trip (WebSocket ping)
    const rtt = await pingOnce(socket, stepTimeout);
    add(
      rtt === null
        ? {
            id: 'round-trip',
            status: 'failed',
            detail: `No pong within ${Math.round(stepTimeout / 1000)} s.`,
            advice: 'A proxy may swallow WebSocket pings, or the server is overloaded.',
          }
        : {
            id: 'round-trip',
            status: 'ok',
            detail: `Round trip ${rtt.toFixed(1)} ms.`,
            durationMs: rtt,
          },
    );
    // Data anywhere since we subscribed (not only the first reply, often an ack), waiting up to the
    // reply timeout for some when none came yet.
    const sawData =
      reply.kind === 'reply' && reply.data === true
        ? true
        : await waitForData(frames, before, replyTimeout, (text) => codec.decode(text, Date.now()));
    add(await deliveryStep(options, sawData));
    return report();
  } finally {
    if (socket.readyState === socket.OPEN) socket.close(1000, 'connection check done');
    else socket.terminate();
  }
}

type Reply =
  | { kind: 'reply'; detail: string; data?: boolean }
  | { kind: 'error'; message: string }
  | { kind: 'closed'; code: number; reason: string }
  | { kind: 'silent' };

async function waitForReply(
  frames: string[],
  from: number,
  closed: Promise<{ code: number; reason: string }>,
  timeoutMs: number,
  decode: (text: string) => DecodeResult,
): Promise<Reply> {
  const deadline = Date.now() + timeoutMs;
  let index = from;
  let isClosed: { code: number; reason: string } | null = null;
  void closed.then((c) => {
    isClosed = c;
  });
  while (Date.now() < deadline) {
    while (index < frames.length) {
      const result = decode(frames[index] ?? '');
      index += 1;
      if (result.serverError) return { kind: 'error', message: result.serverError };
      if (result.acks?.length)
        return {
          kind: 'reply',
          detail: `Subscribed: ${result.acks.map((a) => a.channel).join(', ')}.`,
        };
      if (result.events?.length)
        return {
          kind: 'reply',
          detail: `Data is flowing (${result.events[0]?.kind}).`,
          data: true,
        };
      if (result.greeting) return { kind: 'reply', detail: 'The server greeted us.' };
    }
    if (isClosed) {
      const c: { code: number; reason: string } = isClosed;
      return { kind: 'closed', code: c.code, reason: c.reason };
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return { kind: 'silent' };
}

/**
 * Whether data reaches us. Proof is data seen (during the check or on the live connection) or, for
 * a service that can go deaf, its Redis subscription counted by the probe; deaf beats data, since
 * snapshots can keep flowing while its Redis listener is dead. Without proof the step is a warning
 * and the summary says so: never "All checks passed".
 */
async function deliveryStep(
  options: ConnectionCheckOptions,
  dataSeen: boolean,
): Promise<CheckStep> {
  const { dialect } = options;
  const listens = (options.endpoint.redisProbe?.channels ?? dialect.redisChannels).length > 0;
  const live = options.liveDelivery;
  const sawData = dataSeen
    ? 'Data arrived during the check'
    : live?.status === 'flowing'
      ? 'The live connection receives data'
      : null;
  if (options.redisProbe && listens) {
    const probe = await options.redisProbe(
      options.endpoint.redisProbe?.channels ?? dialect.redisChannels,
    );
    if (probe.status === 'deaf')
      return {
        id: 'delivery',
        status: 'failed',
        detail: `The service is deaf: it lost its Redis subscription (${probe.detail})`,
        advice: 'Restart the service: it never subscribes again by itself after a Redis restart.',
      };
    if (probe.status === 'subscribed')
      return {
        id: 'delivery',
        status: 'ok',
        detail: `${sawData ? `${sawData}, and the` : 'The'} service holds its Redis subscription (${probe.detail})`,
      };
    return {
      id: 'delivery',
      status: 'warning',
      detail: `${sawData ? `${sawData}, but the` : 'The'} Redis probe could not check the service's subscription: ${probe.detail}`,
      advice: 'Check the Redis URL and password configured for the probe.',
    };
  }
  if (live?.status === 'deaf')
    return {
      id: 'delivery',
      status: 'failed',
      detail: `The service is deaf: ${live.detail}`,
      advice: 'Restart the service.',
    };
  if (sawData && !listens) return { id: 'delivery', status: 'ok', detail: `${sawData}.` };
  if (sawData)
    return {
      id: 'delivery',
      status: 'warning',
      detail: `${sawData}, but this service can go deaf after a Redis restart (snapshots keep coming while Redis messages are lost), and no Redis probe is configured to check its subscription.`,
      advice: 'Add a Redis probe (redisProbe) to this endpoint to check it.',
    };
  const silentOk = dialect.liveness.quietAfterMs === 0;
  return {
    id: 'delivery',
    status: 'warning',
    detail: silentOk
      ? `No data during the check; silence is normal for this backend, so delivery is not proven. ${dialect.liveness.silence}`
      : `No data during the check and nothing else proves delivery. ${dialect.liveness.silence}`,
    ...(listens && !options.redisProbe
      ? { advice: 'Add a Redis probe (redisProbe) to this endpoint to check its subscription.' }
      : {}),
  };
}

/** The ranked causes of an ambiguous refusal, from the session check and the probes. */
async function explainAmbiguous(
  options: ConnectionCheckOptions,
  url: string,
  rank: NonNullable<Dialect['rankCauses']>,
): Promise<RankedCause[]> {
  const [check, probes, redis] = await Promise.all([
    options.credentials.checkSession?.() ?? Promise.resolve({ status: 'unknown' as const }),
    options.probeHttp?.().catch(() => []) ?? Promise.resolve([]),
    options.redisProbe?.([]) ?? Promise.resolve(null),
  ]);
  const health = probes.find((p) => p.name === 'health')?.status;
  return rank({
    url,
    hasSignIn: options.endpoint.auth.method !== 'none',
    renewedAndStillRefused: false,
    session: check.status,
    health: health === 'healthy' ? 'healthy' : health === undefined ? 'unknown' : 'down',
    redis:
      redis === null || redis.status === 'error'
        ? 'unknown'
        : redis.status === 'unreachable'
          ? 'down'
          : 'up',
  });
}

async function waitForData(
  frames: string[],
  from: number,
  timeoutMs: number,
  decode: (text: string) => DecodeResult,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  let index = from;
  for (;;) {
    while (index < frames.length) {
      if (decode(frames[index] ?? '').events?.length) return true;
      index += 1;
    }
    if (Date.now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

function pingOnce(socket: InstrumentedSocket, timeoutMs: number): Promise<number | null> {
  return new Promise((resolve) => {
    const start = performance.now();
    const timer = setTimeout(() => {
      socket.off('pong', onPong);
      resolve(null);
    }, timeoutMs);
    const onPong = () => {
      clearTimeout(timer);
      resolve(performance.now() - start);
    };
    socket.once('pong', onPong);
    try {
      socket.ping();
    } catch {
      clearTimeout(timer);
      resolve(null);
    }
  });
}

function tcpProbe(
  host: string,
  port: number,
  timeoutMs: number,
): Promise<{ ok: true } | { ok: false; code: string }> {
  return new Promise((resolve) => {
    const socket = createConnection({ host, port });
    const done = (result: { ok: true } | { ok: false; code: string }) => {
      socket.destroy();
      resolve(result);
    };
    socket.setTimeout(timeoutMs, () => done({ ok: false, code: 'ETIMEDOUT' }));
    socket.once('connect', () => done({ ok: true }));
    socket.once('error', (error: NodeJS.ErrnoException) =>
      done({ ok: false, code: error.code ?? error.message }),
    );
  });
}

function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(message)), ms);
    promise.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(timer);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}

function ms(start: number): number {
  return Math.round((performance.now() - start) * 10) / 10;
}

function errorText(error: unknown): string {
  const e = error as NodeJS.ErrnoException;
  return e?.code ?? (error instanceof Error ? error.message : String(error));
}
