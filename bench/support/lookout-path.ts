import {
  endpointSchema,
  type DialectId,
  type EndpointConfig,
  type EndpointInput,
} from '../../shared/config/endpoint';
import type { StateChange } from '../../shared/model/connection';
import type { LiveEvent } from '../../shared/model/live-event';
import { Session } from '../../electron/core/connection/session';
import { systemClock, type Clock, type CredentialProvider } from '../../electron/core/kernel/ports';
import type { DecodeResult, Dialect, DialectCodec } from '../../electron/core/dialects/dialect';
import { DIALECTS } from '../../electron/core/dialects';
import { NotificationService } from '../../electron/core/notify/notification-service';
import { NotifyPolicy } from '../../electron/core/notify/notify-policy';
import { isWatchedEvent } from '../../electron/core/notify/watched-events';
import type { Notifier, NotifyResult, OsNotification } from '../../electron/core/notify/notifier';
import { AppModel } from '../../electron/core/state/app-model';
import { PatchBatcher } from '../../electron/core/state/patch-batcher';
import type { AppPatch } from '../../shared/model/app-state';

/**
 * Lookout's full ingest path, assembled exactly as `composeCore` wires it (`SessionPool`, `IngestPipeline`, `ModelFeed`):
 * the real Session (its reconnect driver over ws, liveness, recorder), the real dialect (decode + zod
 * validation), `AppModel.apply`, the `PatchBatcher` that feeds the renderer (100 ms), and
 * `NotificationService` with the default `NotifyPolicy` and a notifier that only records.
 * Left out on purpose: the debounced state-file save and IPC serialisation, which depend on the host.
 */

/** A notifier that counts, and reports each call to `onShow` (latency benchmarks). */
export class CountingNotifier implements Notifier {
  readonly name = 'bench';
  calls = 0;
  constructor(private readonly onShow?: (n: OsNotification) => void) {}
  async show(notification: OsNotification): Promise<NotifyResult> {
    this.calls += 1;
    this.onShow?.(notification);
    return { ok: true };
  }
}

/** Wrap a dialect so every decode result is also seen by `observe` (acks, events, rejections). */
export function observedDialect(
  dialect: Dialect,
  observe: (result: DecodeResult, at: number) => void,
): Dialect {
  return {
    ...dialect,
    create(endpoint) {
      const codec = dialect.create(endpoint);
      const wrapped: DialectCodec = {
        handshake: (credentials, baseUrl) => codec.handshake(credentials, baseUrl),
        onOpen: () => codec.onOpen(),
        subscribe: (channel) => codec.subscribe(channel),
        unsubscribe: (channel) => codec.unsubscribe(channel),
        appPing: (now) => codec.appPing(now),
        decode(text, receivedAt) {
          const result = codec.decode(text, receivedAt);
          observe(result, receivedAt);
          return result;
        },
      };
      return wrapped;
    },
  };
}

export interface PathOptions {
  url: string;
  dialect: 'lookout' | 'django-channels';
  /** Called after each batch of events went through the store and the policy. */
  onEvents?: (events: LiveEvent[]) => void;
  onState?: (change: StateChange) => void;
  onDecode?: (result: DecodeResult, at: number) => void;
  onShow?: (notification: OsNotification) => void;
  credentials?: CredentialProvider;
  clock?: Clock;
  endpoint?: Partial<EndpointInput>;
}

/** A running Lookout path; `stop()` closes the session and disposes the timers. */
export interface LookoutPath {
  session: Session;
  store: AppModel;
  notifier: CountingNotifier;
  policy: NotifyPolicy;
  patches: () => number;
  /** The last patch the renderer would have been sent. */
  lastPatch: () => AppPatch | null;
  stop(): Promise<void>;
}

export function endpointFor(options: PathOptions): EndpointConfig {
  return endpointSchema.parse({
    id: 'bench',
    name: 'Bench',
    dialect: options.dialect,
    url: options.url,
    subscriptions: options.dialect === 'lookout' ? ['dashboard'] : [],
    ...options.endpoint,
  });
}

/** The model and the notification policy, wired as `composeCore` wires them. */
export interface ModelPath {
  store: AppModel;
  policy: NotifyPolicy;
  notifier: CountingNotifier;
  /** One socket read's events: the model first, then the policy (not awaited) with what it accepted. */
  ingest(batch: LiveEvent[]): void;
  patches: () => number;
  /** The last patch the renderer would have been sent. */
  lastPatch: () => AppPatch | null;
  /** Send what is pending now, as a flush timer would. */
  flush(): void;
  dispose(): void;
}

export function startModelPath(
  clock: Clock = systemClock,
  onShow?: (notification: OsNotification) => void,
  dialect: DialectId = 'lookout',
): ModelPath {
  const store = new AppModel();
  const policy = new NotifyPolicy({ dedupe: false });
  const notifier = new CountingNotifier(onShow);
  const notifications = new NotificationService({
    policy,
    notifier,
    clock,
    // As `composeCore`: events of watched tasks may notify where others only reach the bell.
    context: () => ({ focused: false, isWatched: (e) => isWatchedEvent(e, dialect) }),
  });
  let patchCount = 0;
  // As `ModelFeed`: each flushed patch carries the unread count, read from the store then.
  let lastPatch: AppPatch | null = null;
  const batcher = new PatchBatcher(
    clock,
    (patch: AppPatch) => {
      patchCount += 1;
      lastPatch = { ...patch, unread: store.unread() };
    },
    100,
    store.limits,
  );
  store.subscribe((patch) => batcher.push(patch));
  return {
    store,
    policy,
    notifier,
    ingest(batch) {
      const fresh: LiveEvent[] = [];
      store.apply(batch, fresh);
      if (fresh.length > 0) void notifications.handle(fresh);
    },
    patches: () => patchCount,
    lastPatch: () => lastPatch,
    flush: () => batcher.flush(),
    dispose() {
      notifications.dispose();
      batcher.discard();
    },
  };
}

export function startLookoutPath(options: PathOptions): LookoutPath {
  const clock = options.clock ?? systemClock;
  const endpoint = endpointFor(options);
  const base = DIALECTS[options.dialect];
  const dialect = options.onDecode ? observedDialect(base, options.onDecode) : base;
  const model = startModelPath(clock, options.onShow, options.dialect);
  const session = new Session({
    endpoint,
    dialect,
    ports: { clock, ...(options.credentials ? { credentials: options.credentials } : {}) },
  });
  // As `IngestPipeline`: events of one socket read are queued and applied together once per turn
  // of the event loop (setImmediate).
  const inbox: LiveEvent[] = [];
  let scheduled = false;
  const drain = () => {
    scheduled = false;
    if (inbox.length === 0) return;
    const batch = inbox.splice(0);
    model.ingest(batch);
    options.onEvents?.(batch);
  };
  session.on('events', (events) => {
    for (const e of events) inbox.push(e);
    if (scheduled) return;
    scheduled = true;
    setImmediate(drain);
  });
  if (options.onState) session.on('state', options.onState);
  session.start();
  return {
    session,
    store: model.store,
    notifier: model.notifier,
    policy: model.policy,
    patches: model.patches,
    lastPatch: model.lastPatch,
    async stop() {
      await session.stop();
      model.dispose();
    },
  };
}
