import { lookup } from 'node:dns/promises';
import { isIP, createConnection } from 'node:net';
import type { EndpointConfig } from '../../../shared/config/endpoint';
import { endpointUrls } from '../../../shared/config/endpoint';
import type {
  CheckStep,
  CheckStepId,
  ConnectionCheckReport,
} from '../../../shared/model/diagnostics';
import { classifyEnding } from '../connection/close-policy';
import { InstrumentedSocket } from '../connection/instrumented-socket';
import { CredentialsError, type CredentialProvider } from '../connection/ports';
import type { Credentials, DecodeResult, Dialect } from '../dialects/dialect';
import type { Redactor } from './redact';

export interface ConnectionCheckOptions {
  endpoint: EndpointConfig;
  dialect: Dialect;
  credentials: CredentialProvider;
  redactor: Redactor;
  /** Per network step (default 5 s). */
  stepTimeoutMs?: number;
  /** How long to wait for the first reply after subscribing (default 3 s). */
  replyTimeoutMs?: number;
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
  const report = (): ConnectionCheckReport => {
    const failed = steps.find((s) => s.status === 'failed');
    const summary = failed
      ? `Fails at ${failed.id}: ${failed.detail}${failed.advice ? ` ${failed.advice}` : ''}`
      : steps.some((s) => s.status === 'warning')
        ? 'Connected, with warnings: see the steps below.'
        : 'All checks passed: the backend is reachable, accepts our credentials, answers and keeps time.';
    return {
      endpoint: endpoint.id,
      startedAt,
      ok: !failed,
      steps,
      summary: redactor.text(summary),
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
    skipRest(['tcp', 'upgrade', 'auth', 'subscribe', 'round-trip']);
    return report();
  }
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const port = Number(url.port || (url.protocol === 'wss:' ? 443 : 80));

  // DNS
  let address = host;
  if (isIP(host)) {
    add({ id: 'dns', status: 'ok', detail: `${host} is an IP address: no lookup needed.` });
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
        detail: `${host} resolves to ${found.map((a) => a.address).join(', ')}.`,
        durationMs: ms(t0),
      });
    } catch (error) {
      add({
        id: 'dns',
        status: 'failed',
        detail: `${host} does not resolve (${errorText(error)}).`,
        advice: 'Check the host name in the endpoint URL, or your DNS / VPN.',
        durationMs: ms(t0),
      });
      skipRest(['tcp', 'upgrade', 'auth', 'subscribe', 'round-trip']);
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
      detail: `${host}:${port} accepted a TCP connection.`,
      durationMs: ms(tcpStart),
    });
  } else {
    add({
      id: 'tcp',
      status: 'failed',
      detail:
        tcp.code === 'ECONNREFUSED'
          ? `Nothing is listening on ${host}:${port}.`
          : `${host}:${port} did not accept a connection (${tcp.code}).`,
      advice:
        tcp.code === 'ECONNREFUSED'
          ? 'Start the backend, or fix the port in the endpoint URL.'
          : 'A firewall or proxy may drop the traffic; check the network path to the server.',
      durationMs: ms(tcpStart),
    });
    skipRest(['upgrade', 'auth', 'subscribe', 'round-trip']);
    return report();
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
    skipRest(['subscribe', 'round-trip']);
    return report();
  }

  // Upgrade + auth
  const codec = dialect.create(endpoint);
  const plan = codec.handshake(credentials, base);
  const upgradeStart = performance.now();
  const socket = new InstrumentedSocket(plan.url, undefined, {
    headers: plan.headers,
    handshakeTimeoutMs: Math.min(endpoint.handshakeTimeoutMs, stepTimeout),
    maxPayloadBytes: endpoint.maxPayloadBytes * 4,
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
      });
      const status = socket.facts.handshakeStatus;
      const authProblem =
        status !== undefined &&
        (outcome.action === 'sign-in' || outcome.action === 'refresh-token');
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
          advice:
            'Sign in again, or check the account\u2019s rights and the Origin header in Settings → Endpoints.',
        });
      } else {
        add({
          id: 'upgrade',
          status: 'failed',
          detail: status !== undefined ? `HTTP ${status}: ${outcome.meaning}` : outcome.meaning,
          advice:
            status === 404 || status === 500
              ? 'Check the path in the endpoint URL (some servers need a trailing slash).'
              : 'Check the URL and that the server speaks WebSocket on that path.',
          durationMs: ms(upgradeStart),
        });
        add({ id: 'auth', status: 'skipped', detail: 'Not tried: the upgrade failed.' });
      }
      skipRest(['subscribe', 'round-trip']);
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
      return report();
    }
    if (reply.kind === 'error') {
      add({
        id: 'subscribe',
        status: 'failed',
        detail: `The server refused: ${reply.message}`,
        advice:
          'Check the subscriptions configured for this endpoint and the account\u2019s rights.',
      });
    } else if (reply.kind === 'reply') {
      add({ id: 'subscribe', status: 'ok', detail: reply.detail });
    } else {
      const silentOk = dialect.liveness.staleAfterMs === 0;
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
    return report();
  } finally {
    if (socket.readyState === socket.OPEN) socket.close(1000, 'connection check done');
    else socket.terminate();
  }
}

type Reply =
  | { kind: 'reply'; detail: string }
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
        return { kind: 'reply', detail: `Data is flowing (${result.events[0]?.kind}).` };
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
