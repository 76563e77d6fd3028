import type {
  InitialState,
  InvokeChannel,
  InvokeRequest,
  InvokeResponses,
  LookoutBridge,
  PushChannel,
  PushPayloads,
  SendChannel,
  SendPayload,
} from '../../../shared/ipc/contract';
import { endpointUrls, type EndpointInput } from '../../../shared/config/endpoint';
import type { ConnectionCheckReport } from '../../../shared/model/diagnostics';
import { DEMO_ENDPOINTS, demoInitialState, demoPatch, seededRandom } from './demo-data';

/**
 * An in-memory `LookoutBridge`: records every invoke and send, lets a test (or the demo page)
 * emit pushes, and answers invokes from a realistic demo state. Used by the store tests and by
 * `index.html?fake=1` to look at the UI without a backend.
 */
export interface FakeBridge extends LookoutBridge {
  readonly invokes: Array<{ channel: InvokeChannel; request: unknown }>;
  readonly sends: Array<{ channel: SendChannel; payload: unknown }>;
  readonly initial: InitialState;
  emit<C extends PushChannel>(channel: C, payload: PushPayloads[C]): void;
  listenerCount(channel: PushChannel): number;
  /** Sends of one channel, payloads only. */
  sent<C extends SendChannel>(channel: C): Array<SendPayload<C>>;
  /** Start a live demo stream (a patch every `intervalMs`); returns stop. */
  startDemo(intervalMs?: number): () => void;
}

export interface FakeBridgeOptions {
  initial?: InitialState;
  now?: () => number;
  /** Make `app:initial-state` fail with this message (error state). */
  failInitial?: string;
  /** Override single invoke answers. */
  answers?: { [C in InvokeChannel]?: (request: InvokeRequest<C>) => InvokeResponses[C] };
}

type Listener = (payload: unknown) => void;

function checkReport(endpoint: string, now: number, authFails: boolean): ConnectionCheckReport {
  const steps: ConnectionCheckReport['steps'] = [
    { id: 'dns', status: 'ok', detail: 'tasks.internal resolved to 10.0.4.17.', durationMs: 3 },
    { id: 'tcp', status: 'ok', detail: '10.0.4.17 answered on port 9000 in 2 ms.', durationMs: 2 },
    {
      id: 'upgrade',
      status: 'ok',
      detail: 'The server accepted the WebSocket upgrade (101).',
      durationMs: 9,
    },
  ];
  if (authFails) {
    steps.push(
      {
        id: 'auth',
        status: 'failed',
        detail: 'The login endpoint answered 401: the password was not accepted.',
        advice: 'Sign in again with the current password (Settings → Endpoints → Sign in).',
        durationMs: 41,
      },
      { id: 'subscribe', status: 'skipped', detail: 'Skipped: authentication failed.' },
      { id: 'round-trip', status: 'skipped', detail: 'Skipped: authentication failed.' },
      { id: 'delivery', status: 'skipped', detail: 'Skipped: authentication failed.' },
    );
  } else {
    steps.push(
      {
        id: 'auth',
        status: 'ok',
        detail: 'Signed in as admin@lookout.local; token valid for 15 min.',
        durationMs: 38,
      },
      {
        id: 'subscribe',
        status: 'ok',
        detail: 'Subscribed to dashboard, tasks, alerts.',
        durationMs: 6,
      },
      { id: 'round-trip', status: 'ok', detail: 'Ping answered in 4 ms.', durationMs: 4 },
      { id: 'delivery', status: 'ok', detail: 'Data arrived during the check.' },
    );
  }
  return {
    endpoint,
    startedAt: now,
    ok: !authFails,
    steps,
    summary: authFails
      ? 'The server is reachable but refuses the credentials: sign in again.'
      : 'All checks passed: the backend is reachable, accepts our credentials, answers, and delivers data.',
  };
}

/** A fake bridge preloaded with demo data. */
export function createFakeBridge(options: FakeBridgeOptions = {}): FakeBridge {
  const now = options.now ?? (() => Date.now());
  const initial = options.initial ?? demoInitialState(now());
  const listeners = new Map<PushChannel, Set<Listener>>();
  const invokes: FakeBridge['invokes'] = [];
  const sends: FakeBridge['sends'] = [];
  let endpoints = initial.endpoints;
  let settings = initial.settings;
  let liveTimer: ReturnType<typeof setInterval> | null = null;

  const emit = <C extends PushChannel>(channel: C, payload: PushPayloads[C]) => {
    for (const l of [...(listeners.get(channel) ?? [])]) l(payload);
  };

  const defaults: { [C in InvokeChannel]: (request: InvokeRequest<C>) => InvokeResponses[C] } = {
    'app:initial-state': () => {
      if (options.failInitial) throw new Error(options.failInitial);
      return { ...initial, endpoints, settings };
    },
    'connection:snapshot': () => initial.connections,
    'endpoints:list': () => endpoints,
    'endpoints:get': ({ id }) => {
      const e = endpoints.find((x) => x.id === id);
      if (!e) return null;
      const input: EndpointInput = {
        id: e.id,
        name: e.name,
        dialect: e.dialect,
        url: e.url,
        enabled: e.enabled,
        subscriptions: e.subscriptions,
      };
      if (e.auth.startsWith('password-jwt')) {
        input.auth = {
          method: 'password-jwt',
          username: e.auth.split(' as ')[1] ?? 'admin',
          credentialRef: e.id,
          loginUrl: e.url.replace(/^ws/, 'http').replace(/\/ws.*$/, '/auth/login'),
        };
      }
      return input;
    },
    'endpoints:save': ({ endpoint }) => {
      const summary = {
        id: endpoint.id,
        name: endpoint.name,
        dialect: endpoint.dialect,
        url: endpointUrls({ url: endpoint.url })[0] ?? '',
        enabled: endpoint.enabled ?? true,
        auth: endpoint.auth?.method ?? 'no authentication',
        authMethod: endpoint.auth?.method ?? 'none',
        hasSecret: false,
        subscriptions: endpoint.subscriptions ?? [],
        // What the dialect can do is the main process's knowledge: the demo fixtures stand in for it.
        watchesTasks:
          DEMO_ENDPOINTS.find((e) => e.dialect === endpoint.dialect)?.watchesTasks ?? false,
        watchedTasks: [],
        embedded: false,
      };
      endpoints = [...endpoints.filter((e) => e.id !== endpoint.id), summary];
      queueMicrotask(() => emit('endpoints:changed', endpoints));
      return { ok: true };
    },
    'endpoints:remove': ({ id }) => {
      endpoints = endpoints.filter((e) => e.id !== id);
      queueMicrotask(() => emit('endpoints:changed', endpoints));
      return { ok: true };
    },
    'endpoints:test': ({ endpoint }) => checkReport(endpoint.id, now(), false),
    'auth:sign-in': ({ endpoint, secret }) => {
      if (secret.length < 4)
        return { ok: false, errors: ['The server did not accept this password.'] };
      queueMicrotask(() => {
        emit('connection:state', {
          endpoint,
          from: 'auth-required',
          to: 'connecting',
          reason: 'Signed in: reconnecting.',
          at: now(),
        });
        const before = initial.health.find((h) => h.endpoint === endpoint);
        if (before) {
          emit('connection:health', {
            ...before,
            state: 'connecting',
            since: now(),
            auth: { status: 'signed-in', detail: 'The sign-in succeeded; connecting.', at: now() },
          });
        }
      });
      return { ok: true };
    },
    'auth:sign-out': () => ({ ok: true }),
    'diagnostics:check': ({ endpoint }) => checkReport(endpoint, now(), endpoint === 'task-status'),
    'diagnostics:probe': ({ endpoint }) => [
      {
        endpoint,
        name: 'health',
        url: 'http://127.0.0.1:8765/health',
        at: now(),
        httpStatus: 200,
        status: 'healthy',
        summary: 'Healthy: Redis connected, 2 instances.',
        durationMs: 3,
        body: '{"status":"ok","redis":"up","instances":2}',
      },
      {
        endpoint,
        name: 'stats',
        url: 'http://127.0.0.1:8765/stats',
        at: now(),
        httpStatus: 200,
        status: 'healthy',
        summary: '412 msg/s, queue 187.',
        durationMs: 5,
        body: '{"messagesPerSecond":412,"queueDepth":187}',
      },
    ],
    'diagnostics:bundle': () => ({
      json: JSON.stringify(
        {
          generatedAt: new Date(now()).toISOString(),
          host: initial.host,
          endpoints,
          connections: initial.connections.map((c) => ({
            ...c,
            frames: (c.frames ?? []).slice(-20),
          })),
        },
        null,
        2,
      ),
    }),
    'diagnostics:frames': ({ endpoint, after }) => {
      const c = initial.connections.find((x) => x.endpoint === endpoint);
      if (!c) return null;
      return {
        endpoint,
        firstId: c.frames?.[0]?.id ?? null,
        frames: (c.frames ?? []).filter((f) => after === null || f.id > after),
        connections: [{ conn: 1, openedAt: c.since, endedAt: null, outcome: null }],
        limitBytes: 2 * 1024 * 1024,
        usedBytes: (c.frames ?? []).reduce((n, f) => n + f.size, 0),
        more: false,
      };
    },
    'diagnostics:frame': ({ endpoint, id }) => {
      const f = initial.connections
        .find((x) => x.endpoint === endpoint)
        ?.frames?.find((x) => x.id === id);
      if (!f) return null;
      return {
        endpoint,
        id,
        conn: f.conn,
        at: f.at,
        sinceOpenMs: null,
        dir: f.dir,
        kind: f.kind,
        size: f.size,
        payload: f.preview,
        truncated: false,
        length: f.preview.length,
        decode: f.rejected ? [{ tone: 'bad', text: `Rejected: ${f.rejected}` }] : [],
      };
    },
    'diagnostics:export': (request) => ({
      how: 'download',
      fileName: request.what === 'bundle' ? 'lookout-support-bundle.json' : 'lookout-session.jsonl',
      text: '{}\n',
      mime: 'application/json',
    }),
    'diagnostics:act': ({ action }) =>
      action === 'ping'
        ? { ok: true, detail: 'Pong after 12 ms.', rttMs: 12 }
        : { ok: true, detail: `${action}: done.` },
    'notifications:trace': ({ eventId }) => ({
      entries: eventId
        ? [
            {
              eventId,
              at: now() - 1_000,
              endpoint: 'demo',
              kind: 'business.created',
              step: 'notify',
              reason: 'within-rate-cap',
              detail: 'Within the rate cap (1/5 in 10 s).',
            },
            {
              eventId,
              at: now() - 980,
              endpoint: 'demo',
              kind: 'business.created',
              step: 'delivered',
              reason: 'shown',
              detail: 'Shown by the desktop notification service.',
            },
          ]
        : [],
      counters: { delivered: 12, suppressed: 4 },
    }),
    'prefs:set': ({ prefs }) => prefs as InvokeResponses['prefs:set'],
    'settings:set': ({ settings: next }) => {
      settings = { ...settings, ...next } as typeof settings;
      return settings;
    },
    'logs:open': () => ({ path: initial.host.logFile, opened: false }),
    'tasks:watch': ({ endpoint, taskId }) => {
      endpoints = endpoints.map((e) =>
        e.id === endpoint ? { ...e, watchedTasks: [...new Set([...e.watchedTasks, taskId])] } : e,
      );
      queueMicrotask(() => emit('endpoints:changed', endpoints));
      return { ok: true };
    },
    'tasks:unwatch': ({ endpoint, taskId }) => {
      endpoints = endpoints.map((e) =>
        e.id === endpoint ? { ...e, watchedTasks: e.watchedTasks.filter((s) => s !== taskId) } : e,
      );
      queueMicrotask(() => emit('endpoints:changed', endpoints));
      return { ok: true };
    },
  };

  const bridge: FakeBridge = {
    invokes,
    sends,
    initial,
    async invoke(channel, request) {
      invokes.push({ channel, request });
      const answer = (options.answers?.[channel] ?? defaults[channel]) as (
        r: typeof request,
      ) => InvokeResponses[typeof channel];
      return answer(request);
    },
    send(channel, payload) {
      sends.push({ channel, payload });
      if (channel === 'diagnostics:live') {
        const on = (payload as SendPayload<'diagnostics:live'>).on;
        if (liveTimer) clearInterval(liveTimer);
        liveTimer = on
          ? setInterval(
              () => emit('connection:diagnostics', demoInitialState(now(), 7).connections),
              1_000,
            )
          : null;
      }
      if (channel === 'connection:reconnect') {
        const endpoint = (payload as SendPayload<'connection:reconnect'>).endpoint ?? 'sakura-prod';
        emit('connection:state', {
          endpoint,
          from: 'backing-off',
          to: 'connecting',
          reason: 'Reconnecting now (manual).',
          at: now(),
        });
      }
    },
    on(channel, listener) {
      const set = listeners.get(channel) ?? new Set<Listener>();
      listeners.set(channel, set);
      const l = listener as Listener;
      set.add(l);
      return () => {
        set.delete(l);
      };
    },
    emit,
    listenerCount: (channel) => listeners.get(channel)?.size ?? 0,
    sent: <C extends SendChannel>(channel: C) =>
      sends.filter((s) => s.channel === channel).map((s) => s.payload as SendPayload<C>),
    startDemo(intervalMs = 500) {
      const rand = seededRandom(99);
      let tick = 0;
      const timer = setInterval(() => {
        tick += 1;
        emit('app:patch', demoPatch(rand, tick, now()));
      }, intervalMs);
      return () => clearInterval(timer);
    },
  };
  return bridge;
}
