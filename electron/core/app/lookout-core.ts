import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { endpointSchema, type EndpointConfig } from '../../../shared/config/endpoint';
import {
  invokeRequestSchemas,
  sendPayloadSchemas,
  type InitialState,
  type InvokeChannel,
  type InvokeRequest,
  type InvokeResponses,
  type PushChannel,
  type PushPayloads,
  type SaveResult,
  type SendChannel,
  type SendPayload,
} from '../../../shared/ipc/contract';
import type { ChannelReset, SessionDiagnostics } from '../../../shared/model/connection';
import type { NotificationHealth, ProbeResult } from '../../../shared/model/diagnostics';
import type { EndpointHealth } from '../../../shared/model/health';
import type { LiveEvent } from '../../../shared/model/live-event';
import { notifyPrefsSchema, type NotifyPrefs } from '../../../shared/model/notify-prefs';
import { appSettingsSchema, type AppSettings, type HostInfo } from '../../../shared/model/settings';
import { Session } from '../connection/session';
import {
  silentLogger,
  systemClock,
  type Clock,
  type CredentialProvider,
  type Logger,
  type TimerHandle,
} from '../kernel/ports';
import { runConnectionCheck } from '../diagnostics/connection-check';
import { RotatingLogFile } from '../diagnostics/log-file';
import { runProbes } from '../diagnostics/probes';
import { probeRedis } from '../diagnostics/redis-probe';
import { Redactor } from '../kernel/redact';
import { DIALECTS } from '../dialects';
import { NotificationService } from '../notify/notification-service';
import { DndMonitor, gnomeShowBanners, type DndReader } from '../notify/dnd-monitor';
import { IncidentNotifier } from '../notify/incident-notifier';
import type { NotificationAction, OsNotification } from '../notify/notifier';
import { isWatchedEvent } from '../notify/watched-events';
import { NotifyPolicy, type PolicyContext } from '../notify/notify-policy';
import { AppModel, type DroppedEvent } from '../state/app-model';
import { openAppState } from '../state/app-state-file';
import {
  EncryptedFileCredentialStore,
  MemoryCredentialStore,
  type CredentialStore,
} from '../state/credential-store';
import { PatchBatcher } from '../state/patch-batcher';
import { PREFS_FORMAT, SETTINGS_FORMAT } from '../state/file-formats';
import { PersistedFile } from '../state/persist';
import { EndpointsFile } from '../config/endpoints-file';
import { StorageHealth } from '../state/storage-health';
import type { StoredFile } from '../../../shared/model/storage';
import type {
  CorePorts,
  EmbeddedGateway,
  LookoutCoreApi,
  PushListener,
  TrayModel,
} from './core-api';
import { createCredentialProvider, credentialRefOf } from '../auth/credential-provider-factory';
import { TrackedCredentials } from '../auth/tracked-credentials';
import { verifySignIn } from '../auth/verify-sign-in';
import { EndpointHealthMonitor } from './endpoint-health';
import { secretHarvestingFetch } from '../auth/secret-harvesting-fetch';
import { endpointSecrets, redactedEndpoint, withSecretsRestored } from './endpoint-secrets';
import { endpointSummary } from './endpoint-summary';
import { HistoryNotices, clockTime } from './history-notices';
import { buildSupportBundle } from './support-bundle';
import { Network } from '../transport/network';
import { trayModel } from './tray-model';

/** Id of the endpoint that points at the embedded demo gateway (never saved to endpoints.json). */
export const DEMO_ENDPOINT_ID = 'demo';

type Handlers = {
  [C in InvokeChannel]: (request: InvokeRequestParsed<C>) => Promise<InvokeResponses[C]>;
};
type InvokeRequestParsed<C extends InvokeChannel> = ReturnType<
  (typeof invokeRequestSchemas)[C]['parse']
>;
type SendHandlers = {
  [C in SendChannel]: (payload: ReturnType<(typeof sendPayloadSchemas)[C]['parse']>) => void;
};

/**
 * The product's brain, host-agnostic: endpoints and their sessions, the model, notifications,
 * diagnostics, config files and secrets. The Electron host and the browser host each build one
 * with their own ports and only translate IPC and OS events.
 */
export class LookoutCore implements LookoutCoreApi {
  private readonly clock: Clock;
  private readonly logger: Logger;

  /** The redacted log file teed to the host's logger (see `LookoutCoreApi.log`). */
  get log(): Logger {
    return this.logger;
  }
  private readonly logFile: RotatingLogFile;
  private readonly redactor = new Redactor();
  /** Proxy and trust for every connection of every endpoint (WebSocket and HTTP alike). */
  private readonly network: Network;
  private readonly pushListeners = new Set<PushListener>();
  private readonly trayListeners = new Set<(model: TrayModel) => void>();
  private readonly sessions = new Map<string, Session>();
  /** Health facets per endpoint (delivery, verified auth, causes), pushed on every change. */
  private readonly monitors = new Map<string, EndpointHealthMonitor>();
  private readonly wasOpen = new Set<string>();
  private readonly lastProbes = new Map<string, ProbeResult[]>();
  private readonly paths: {
    endpoints: string;
    settings: string;
    prefs: string;
    state: string;
    secrets: string;
    logs: string;
  };
  private endpoints: EndpointConfig[] = [];
  private endpointsFileExists = false;
  private configProblems: string[] = [];
  private settings: AppSettings = appSettingsSchema.parse({});
  private prefs: NotifyPrefs = notifyPrefsSchema.parse({});
  private store = new AppModel();
  private credentials: CredentialStore = new MemoryCredentialStore();
  private policy = new NotifyPolicy({ dedupe: false });
  private notifications: NotificationService | null = null;
  /** Connection incidents (down, deaf, sign-in needed past a threshold) as notifications. */
  private incidents: IncidentNotifier | null = null;
  /** The OS's do-not-disturb, where it can be read. */
  private dnd: DndMonitor | null = null;
  private batcher: PatchBatcher | null = null;
  private embedded: EmbeddedGateway | null = null;
  private context: PolicyContext = { focused: false };
  private diagnosticsTimer: TimerHandle | null = null;
  private readonly settingsFile: PersistedFile<AppSettings>;
  private readonly prefsFile: PersistedFile<NotifyPrefs>;
  private readonly endpointsFile: EndpointsFile;
  /** Saves failing in the data folder, pushed to the renderer as they start and stop failing. */
  private readonly storage: StorageHealth;
  /** Saves the model crash-safely on change (debounced); closed on stop with a final write. */
  private closeState: () => Promise<void> = async () => {};
  private started = false;
  private notificationHealth: NotificationHealth = {
    ok: true,
    notifier: '',
    error: null,
    since: 0,
    dnd: { state: 'unknown', source: null, detail: '' },
  };
  private unsubscribeSystem: (() => void) | null = null;
  private lastTray = '';
  private trayUnread = -1;
  private readonly historyNotices = new HistoryNotices();

  constructor(private readonly ports: CorePorts) {
    this.clock = ports.clock ?? systemClock;
    this.network = new Network(ports.network ?? {}, this.getSecret, (secret) =>
      this.redactor.addSecret(secret),
    );
    const dir = ports.dataDir;
    this.paths = {
      endpoints: join(dir, 'endpoints.json'),
      settings: join(dir, 'settings.json'),
      prefs: join(dir, 'prefs.json'),
      state: join(dir, 'state.json'),
      secrets: join(dir, 'secrets.json'),
      logs: ports.logsDir ?? join(dir, 'logs'),
    };
    // Every line goes to a rotating, redacted file the user can open from the app, and to the host's logger.
    this.logFile = new RotatingLogFile({
      dir: this.paths.logs,
      redactor: this.redactor,
      now: () => this.clock.now(),
    });
    this.logger = teeLogger(this.logFile, ports.logger ?? silentLogger, this.redactor);
    this.storage = new StorageHealth(this.logger, () => this.clock.now());
    this.storage.onChange((problems) => this.push('storage:problems', problems));
    const common = { clock: this.clock, logger: this.logger };
    this.settingsFile = new PersistedFile({
      path: this.paths.settings,
      ...SETTINGS_FORMAT,
      schema: appSettingsSchema,
      onSaved: this.reportSave('settings', this.paths.settings),
      ...common,
    });
    this.prefsFile = new PersistedFile({
      path: this.paths.prefs,
      ...PREFS_FORMAT,
      schema: notifyPrefsSchema,
      onSaved: this.reportSave('prefs', this.paths.prefs),
      ...common,
    });
    this.endpointsFile = new EndpointsFile(this.paths.endpoints);
  }

  // -----------------------------------------------------------------------------------------------
  // Lifecycle

  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    await mkdir(this.ports.dataDir, { recursive: true });
    const problems: string[] = [];
    const note = (outcome: { status: string; message?: string }) => {
      // Set aside (damaged) or kept because a newer Lookout wrote it: the user is told either way.
      if (outcome.message) problems.push(outcome.message);
    };

    const settings = await this.settingsFile.load();
    note(settings);
    this.settings = settings.value ?? appSettingsSchema.parse({});
    const prefs = await this.prefsFile.load();
    note(prefs);
    this.prefs = prefs.value ?? notifyPrefsSchema.parse({});
    const state = await openAppState({
      path: this.paths.state,
      clock: this.clock,
      logger: this.logger,
      // Small models are saved a second after a change; large ones as the write budget allows.
      debounceMs: 1_000,
      onSaved: this.reportSave('state', this.paths.state),
    });
    if (state.notice) problems.push(state.notice);
    this.store = state.store;
    this.closeState = state.close;

    const cipher = this.ports.secretCipher;
    this.credentials = cipher
      ? new EncryptedFileCredentialStore({
          path: this.paths.secrets,
          cipher,
          clock: this.clock,
          logger: this.logger,
          sink: this.redactor,
          onSaved: this.reportSave('secrets', this.paths.secrets),
        })
      : new MemoryCredentialStore(
          'This host has no OS encryption for secrets, so they are kept in memory only and asked for again after a restart.',
          this.redactor,
        );

    const loaded = await this.endpointsFile.load();
    problems.push(...loaded.problems);
    this.endpoints = loaded.endpoints;
    for (const endpoint of this.endpoints) this.registerConfigSecrets(endpoint);
    this.endpointsFileExists = loaded.exists;
    this.configProblems = problems;
    for (const p of problems) this.logger.warn('config problem', { problem: p });

    this.policy = new NotifyPolicy({ prefs: this.prefs, dedupe: false });
    this.notifications = new NotificationService({
      policy: this.policy,
      notifier: this.ports.notifier,
      clock: this.clock,
      context: () => ({
        ...this.context,
        osDoNotDisturb: this.dnd?.active(),
        isWatched: (e) =>
          isWatchedEvent(e, this.endpoints.find((x) => x.id === e.endpoint)?.dialect),
      }),
      logger: this.logger,
      sourceName: (id) => this.nameOf(id),
      onAction: (n, action) => this.notificationAction(n, action),
      onClick: (n) => this.notificationClicked(n.link),
      onDelivery: (result, notifier) =>
        this.noteDelivery(result.ok ? null : result.error, notifier),
    });
    this.incidents = new IncidentNotifier({
      service: this.notifications,
      clock: this.clock,
      logger: this.logger,
      afterMs: this.prefs.incidents.afterMs,
      nameOf: (id) => this.nameOf(id),
    });
    const readers: DndReader[] = [
      ...(this.ports.notifier.readDoNotDisturb
        ? [() => this.ports.notifier.readDoNotDisturb!()]
        : []),
      ...(this.ports.readDoNotDisturb ? [this.ports.readDoNotDisturb] : [gnomeShowBanners()]),
    ];
    this.dnd = new DndMonitor(readers, this.clock, (dnd) => {
      this.notificationHealth = { ...this.notificationHealth, dnd };
      this.push('notifications:health', this.notificationHealth);
    });
    this.notificationHealth = {
      ok: true,
      notifier: this.ports.notifier.name,
      error: null,
      since: this.clock.now(),
      dnd: this.dnd.current(),
    };
    this.dnd.start();
    this.batcher = new PatchBatcher(
      this.clock,
      (patch) => {
        // Once per interval, not per event: the unread count (for the renderer and the tray).
        const unread = this.store.unread();
        this.push('app:patch', { ...patch, unread });
        if (unread !== this.trayUnread) {
          this.trayUnread = unread;
          this.emitTray();
        }
      },
      100,
    );
    this.store.subscribe((patch) => this.batcher?.push(patch));

    // After sleep, whatever was missed arrives as one "while you were away" digest.
    this.unsubscribeSystem =
      this.ports.system?.on('resume', () => this.notifications?.woke()) ?? null;
    // The saved configuration is the authority on which endpoints exist only when it was read
    // whole: an endpoint skipped for a problem, or a missing file, must not cost data.
    const configAuthoritative = loaded.exists && loaded.problems.length === 0;
    if (!this.endpointsFileExists && this.ports.embeddedGateway) await this.startEmbedded();
    if (configAuthoritative) this.forgetUnconfigured();
    for (const endpoint of this.endpoints) this.openSession(endpoint);
    this.emitTray();
    this.logger.info('lookout core started', {
      endpoints: this.endpoints.length,
      embedded: this.embedded !== null,
    });
  }

  async stop(): Promise<void> {
    if (!this.started) return;
    this.started = false;
    this.setDiagnosticsLive(false);
    this.unsubscribeSystem?.();
    this.unsubscribeSystem = null;
    await Promise.all([...this.sessions.values()].map((s) => s.stop()));
    this.sessions.clear();
    this.drainInbox();
    this.notifications?.dispose();
    this.incidents?.dispose();
    this.dnd?.stop();
    this.batcher?.flush();
    await this.closeState();
    await Promise.all([this.settingsFile.flush(), this.prefsFile.flush()]);
    await this.embedded?.stop();
    this.embedded = null;
    this.logger.info('lookout core stopped');
    this.logFile.close();
  }

  private async startEmbedded(): Promise<void> {
    const start = this.ports.embeddedGateway;
    if (!start) return;
    try {
      const gw = await start();
      this.embedded = gw;
      const endpoint = endpointSchema.parse({
        id: DEMO_ENDPOINT_ID,
        name: 'Demo gateway (embedded)',
        dialect: 'lookout',
        url: gw.wsUrl,
        httpBase: gw.httpUrl,
        // In this process, on loopback: never through a proxy, whatever the system says.
        proxy: 'direct',
        auth: {
          method: 'password-jwt',
          username: gw.username,
          credentialRef: 'demo-gateway',
          loginUrl: `${gw.httpUrl}/auth/login`,
          refreshUrl: `${gw.httpUrl}/auth/refresh`,
        },
        subscriptions: [
          'dashboard',
          'stats',
          `tasks:${gw.username}`,
          `notifications:${gw.username}`,
        ],
      });
      await this.credentials.set('demo-gateway', gw.password);
      this.endpoints = [endpoint];
    } catch (error) {
      this.configProblems.push(
        `The embedded demo gateway did not start (${error instanceof Error ? error.message : String(error)}). Add a backend in Settings → Endpoints.`,
      );
    }
  }

  // -----------------------------------------------------------------------------------------------
  // Sessions and the event pipeline

  /** `provider`: one that already signed in (the sign-in dialog's verified login), reused. */
  private openSession(endpoint: EndpointConfig, provider?: CredentialProvider): void {
    if (!endpoint.enabled) return;
    const dialect = DIALECTS[endpoint.dialect];
    const credentials = new TrackedCredentials(
      provider ?? this.providerFor(endpoint),
      () => this.clock.now(),
      endpoint.auth.method === 'password-jwt' || endpoint.auth.method === 'django-session',
    );
    const session = new Session({
      endpoint,
      dialect,
      ports: {
        credentials,
        clock: this.clock,
        ...(this.ports.random ? { random: this.ports.random } : {}),
        logger: this.logger,
        ...(this.ports.system ? { system: this.ports.system } : {}),
        redactor: this.redactor,
        transport: this.network.forEndpoint(endpoint),
      },
    });
    const monitor = new EndpointHealthMonitor({
      endpoint,
      dialect,
      session,
      credentials,
      clock: this.clock,
      logger: this.logger,
      redactor: this.redactor,
      getSecret: this.getSecret,
      probeHttp: () => this.probe(endpoint),
      onChange: (health) => {
        this.incidents?.update(health);
        this.push('connection:health', health);
        this.emitTray();
      },
    });
    session.on('events', (events) => {
      // Before the model sees them: zeros while the backend is degraded are marked as such.
      monitor.noteEvents(events);
      this.ingest(endpoint, events);
    });
    session.on('state', (change) => {
      if (change.to === 'open') {
        // A reopen after a drop replays what was missed: one digest, not a storm.
        if (this.wasOpen.has(endpoint.id) && change.from !== 'stale')
          this.notifications?.reconnected(endpoint.id);
        this.wasOpen.add(endpoint.id);
      }
      this.push('connection:state', change);
      this.emitTray();
    });
    session.on('reset', (resets) => this.historyReset(endpoint, resets));
    this.sessions.set(endpoint.id, session);
    this.monitors.set(endpoint.id, monitor);
    monitor.start();
    session.start();
  }

  /**
   * The server could not replay a channel's history. Where it lost it (a new epoch), nothing of
   * the old incarnation can come again, so the model forgets it; either way the user is told in
   * a bell entry which of the two happened, from when events may be missing.
   */
  private historyReset(endpoint: EndpointConfig, resets: ChannelReset[]): void {
    const now = this.clock.now();
    // What arrived before the reset is applied first: it belongs to the history now gone.
    this.drainInbox();
    if (resets.some((r) => r.cause === 'history-lost')) {
      this.store.markTasksUnknown(
        endpoint.id,
        now,
        `No news since ${clockTime(now)}: the gateway lost its history, so this task's outcome may never be reported.`,
      );
    }
    for (const reset of resets) {
      if (reset.cause === 'history-lost' && reset.leftEpoch !== undefined)
        this.store.forgetIncarnation(endpoint.id, reset.channel, reset.leftEpoch);
      this.logger.warn(
        reset.cause === 'history-lost'
          ? 'gateway lost its history: events from before now may be missing'
          : 'history too old to replay: events from before now may be missing',
        { endpoint: endpoint.id, channel: reset.channel, cause: reset.cause },
      );
    }
    this.ingest(endpoint, this.historyNotices.eventsFor(endpoint, resets, now));
  }

  /**
   * Model data of endpoints that are not configured (any more) goes: no stale default views (e.g.
   * the demo's figures, saved by a version that kept them after a real endpoint replaced it).
   */
  private forgetUnconfigured(): void {
    const configured = new Set(this.endpoints.map((e) => e.id));
    const s = this.store.snapshot();
    const held = new Set([
      ...Object.keys(s.endpoints),
      ...s.tasks.map((t) => t.endpoint),
      ...s.businesses.map((b) => b.endpoint),
      ...s.reservations.map((r) => r.endpoint),
    ]);
    for (const id of held) if (!configured.has(id)) this.store.removeEndpoint(id);
  }

  private async closeSession(id: string): Promise<void> {
    const session = this.sessions.get(id);
    this.sessions.delete(id);
    this.monitors.get(id)?.dispose();
    this.monitors.delete(id);
    this.incidents?.forget(id);
    this.wasOpen.delete(id);
    await session?.stop();
  }

  private readonly getSecret = async (ref: string) =>
    (await this.credentials.get(ref)) ?? undefined;

  /**
   * Credentials for an endpoint, its secrets read from the store before every attempt. Whatever
   * the servers hand out on the way (tokens, refresh tokens, cookies) is registered for redaction.
   */
  private providerFor(
    endpoint: EndpointConfig,
    getSecret: (ref: string) => Promise<string | undefined> = this.getSecret,
  ) {
    return createCredentialProvider(
      endpoint.auth,
      getSecret,
      secretHarvestingFetch(this.network.forEndpoint(endpoint, getSecret).fetch, this.redactor),
    );
  }

  private healthList(): EndpointHealth[] {
    return [...this.monitors.values()].map((m) => m.health());
  }

  /** The endpoint's Redis probe for the connection check, when one is configured. */
  private redisProbeFor(endpoint: EndpointConfig, getSecret = this.getSecret) {
    const config = endpoint.redisProbe;
    if (!config) return {};
    return {
      redisProbe: async (channels: readonly string[]) => {
        const password = config.credentialRef ? await getSecret(config.credentialRef) : undefined;
        this.redactor.addSecret(password);
        const result = await probeRedis({ config, channels, ...(password ? { password } : {}) });
        return { ...result, detail: this.redactor.text(result.detail) };
      },
    };
  }

  /** Secrets written into the config itself (URL user-info, `?apikey=`, `X-Auth`) are scrubbed by value too. */
  private registerConfigSecrets(endpoint: EndpointConfig): void {
    for (const secret of endpointSecrets(endpoint)) this.redactor.addSecret(secret);
  }

  /**
   * The hot path: events from a session into the model and the notification policy. Frames of
   * one socket read arrive back to back; they are queued and applied together once per turn of
   * the event loop, so a flood costs one model update and one policy pass per read, not per frame.
   */
  private ingest(_endpoint: EndpointConfig, events: LiveEvent[]): void {
    for (const event of events) this.inbox.push(event);
    if (this.inboxScheduled) return;
    this.inboxScheduled = true;
    setImmediate(() => this.drainInbox());
  }

  private readonly inbox: LiveEvent[] = [];
  private inboxScheduled = false;

  private drainInbox(): void {
    this.inboxScheduled = false;
    if (this.inbox.length === 0) return;
    // The model deduplicates (replays after a reconnect, and what the saved bell already holds);
    // the policy is given only what it accepted. What it did not take is counted on the session
    // that received it (Diagnostics, frame log): received but not shown is never silent.
    const fresh: LiveEvent[] = [];
    const dropped: DroppedEvent[] = [];
    const batch = this.inbox.splice(0);
    // An endpoint removed while its events waited here: they must not bring its data back.
    const configured = new Set(this.endpoints.map((e) => e.id));
    const live = batch.filter((e) => configured.has(e.endpoint));
    this.store.apply(live, fresh, dropped);
    for (const { event, reason } of dropped)
      this.sessions.get(event.endpoint)?.noteDropped(event, reason);
    const service = this.notifications;
    if (service && fresh.length > 0) {
      service
        .handle(fresh)
        .catch((error: unknown) =>
          this.logger.error('notification pipeline failed', { error: String(error) }),
        );
    }
  }

  private async probe(endpoint: EndpointConfig): Promise<ProbeResult[]> {
    const results = await runProbes(endpoint, DIALECTS[endpoint.dialect], this.redactor, {
      fetch: this.network.forEndpoint(endpoint).fetch,
    });
    this.lastProbes.set(endpoint.id, results);
    return results;
  }

  // -----------------------------------------------------------------------------------------------
  // IPC surface

  async invoke<C extends InvokeChannel>(
    channel: C,
    request: InvokeRequest<C>,
  ): Promise<InvokeResponses[C]> {
    const schema = invokeRequestSchemas[channel];
    if (!schema) throw new Error(`Unknown request "${String(channel)}".`);
    const parsed = schema.parse(request) as InvokeRequestParsed<C>;
    const handler = this.handlers[channel] as (
      r: InvokeRequestParsed<C>,
    ) => Promise<InvokeResponses[C]>;
    return handler(parsed);
  }

  send<C extends SendChannel>(channel: C, payload: SendPayload<C>): void {
    const schema = sendPayloadSchemas[channel];
    if (!schema) return;
    const parsed = schema.safeParse(payload);
    if (!parsed.success) {
      this.logger.warn('invalid message from the renderer', { channel });
      return;
    }
    (this.sendHandlers[channel] as (p: unknown) => void)(parsed.data);
  }

  onPush(listener: PushListener): () => void {
    this.pushListeners.add(listener);
    return () => this.pushListeners.delete(listener);
  }

  private push<C extends PushChannel>(channel: C, payload: PushPayloads[C]): void {
    for (const listener of this.pushListeners) {
      try {
        listener(channel, payload);
      } catch (error) {
        this.logger.error('push listener failed', { channel, error: String(error) });
      }
    }
  }

  trayModel(): TrayModel {
    return trayModel({
      states: this.endpoints
        .filter((e) => e.enabled)
        .map((e) => {
          const health = this.monitors.get(e.id)?.health();
          return {
            name: e.name,
            state: this.sessions.get(e.id)?.state ?? 'idle',
            ...(health ? { delivery: health.delivery.status } : {}),
          };
        }),
      unread: this.store.unread(),
      pausedUntil: this.prefs.pausedUntil,
      now: this.clock.now(),
    });
  }

  onTrayChange(listener: (model: TrayModel) => void): () => void {
    this.trayListeners.add(listener);
    return () => this.trayListeners.delete(listener);
  }

  private emitTray(): void {
    const model = this.trayModel();
    const key = JSON.stringify(model);
    if (key === this.lastTray) return;
    this.lastTray = key;
    for (const listener of this.trayListeners) listener(model);
  }

  /** Only transitions are pushed: a banner appears when delivery fails and goes when it works again. */
  private noteDelivery(error: string | null, notifier: string): void {
    const ok = error === null;
    if (ok === this.notificationHealth.ok && error === this.notificationHealth.error) return;
    this.notificationHealth = {
      ...this.notificationHealth,
      ok,
      notifier,
      error,
      since: this.clock.now(),
    };
    this.push('notifications:health', this.notificationHealth);
  }

  notificationClicked(link: string | undefined): void {
    this.push('app:navigate', { link: link ?? 'notifications' });
  }

  /** "Mark read" or "Mute 1 h" on an OS notification. */
  private notificationAction(n: OsNotification, action: NotificationAction): void {
    if (action === 'mark-read') {
      for (const id of n.eventIds) this.store.markRead(id);
      this.emitTray();
      return;
    }
    const current = this.prefs.endpoints[n.endpoint] ?? {
      muted: false,
      mutedUntil: null,
      kinds: {},
    };
    const endpoints = {
      ...this.prefs.endpoints,
      [n.endpoint]: { ...current, mutedUntil: this.clock.now() + 3_600_000 },
    };
    this.setPrefs({ ...this.prefs, endpoints }).catch(() => undefined);
  }

  private nameOf(id: string): string {
    return this.endpoints.find((e) => e.id === id)?.name ?? id;
  }

  reconnectAll(): void {
    for (const session of this.sessions.values()) session.reconnect('manual');
  }

  pauseNotifications(until: number | null): void {
    // From the tray too: a failed save is on the storage banner and in the log.
    this.setPrefs({ ...this.prefs, pausedUntil: until }).catch(() => undefined);
  }

  /** Save new preferences; they apply only once saved (a failed save throws and changes nothing). */
  private async setPrefs(prefs: NotifyPrefs): Promise<NotifyPrefs> {
    const next = notifyPrefsSchema.parse(prefs);
    const saved = await this.prefsFile.save(next);
    if (!saved.ok) {
      this.retryLater(this.prefsFile, () => this.prefs);
      throw new Error(`${saved.error} Your change to notification preferences was not kept.`);
    }
    this.prefs = next;
    this.policy.setPrefs(this.prefs);
    this.incidents?.setThreshold(next.incidents.afterMs);
    this.push('prefs:changed', this.prefs);
    this.emitTray();
    return this.prefs;
  }

  private connections(): SessionDiagnostics[] {
    return [...this.sessions.values()].map((s) => s.diagnostics());
  }

  private async summaries() {
    return Promise.all(
      this.endpoints.map(async (e) => {
        const ref = credentialRefOf(e.auth);
        const hasSecret = ref ? (await this.credentials.get(ref)) !== null : false;
        const embedded = e.id === DEMO_ENDPOINT_ID && this.embedded !== null;
        return endpointSummary(e, hasSecret, this.redactor, embedded);
      }),
    );
  }

  private hostInfo(): HostInfo {
    const store = this.credentials.describe();
    return {
      kind: this.ports.hostKind,
      appVersion: this.ports.appVersion,
      platform: process.platform,
      configDir: this.ports.dataDir,
      logFile: this.logFile.currentPath,
      secretsPersistent: store.persistent,
      secretsNote: store.reason,
    };
  }

  private endpoint(id: string): EndpointConfig {
    const found = this.endpoints.find((e) => e.id === id);
    if (!found) throw new Error(`No endpoint "${id}": it may have been removed. Reload the list.`);
    return found;
  }

  /**
   * After a refused change, keep writing the value in use (unchanged) until the disk takes it: the
   * warning then clears by itself once saving works again.
   */
  private retryLater<T>(file: PersistedFile<T>, current: () => T): void {
    file.schedule(current);
  }

  /** A save outcome reporter for one file of the data folder. */
  private reportSave(file: StoredFile, path: string) {
    return (result: { ok: true } | { ok: false; error: string }) =>
      this.storage.report(file, path, result);
  }

  /**
   * Save `endpoints` as the user's list (the demo endpoint is never written: it exists only while
   * none are configured). Nothing changes in memory unless the file was written. A file Lookout
   * refused to overwrite at start-up is read again first: an admin may have fixed it meanwhile.
   */
  private persistEndpoints(
    change: (current: EndpointConfig[]) => EndpointConfig[],
  ): Promise<SaveResult> {
    // One at a time: each change applies to the list the previous one left (saves may overlap).
    const run = this.endpointsQueue.then(() => this.persistEndpointsNow(change));
    this.endpointsQueue = run.catch(() => undefined);
    return run;
  }

  private endpointsQueue: Promise<unknown> = Promise.resolve();

  private async persistEndpointsNow(
    change: (current: EndpointConfig[]) => EndpointConfig[],
  ): Promise<SaveResult> {
    // Fixed by hand since? Then its endpoints are in use now and the change applies on top.
    if (this.endpointsFile.writeBlocked) await this.reloadEndpointsFile();
    const endpoints = change(this.endpoints);
    const real = endpoints.filter((e) => e.id !== DEMO_ENDPOINT_ID || !this.embedded);
    const result = await this.endpointsFile.save(real);
    this.storage.report('endpoints', this.paths.endpoints, result);
    if (!result.ok) return { ok: false, errors: [result.error] };
    this.endpoints = endpoints;
    this.endpointsFileExists = true;
    this.push('endpoints:changed', await this.summaries());
    return { ok: true };
  }

  /**
   * Read endpoints.json again after it was refused at start-up; true when it is usable now (its
   * endpoints replace the ones in use, their sessions restarted).
   */
  private async reloadEndpointsFile(): Promise<boolean> {
    const loaded = await this.endpointsFile.load();
    if (loaded.writeBlocked) return false;
    await Promise.all([...this.sessions.keys()].map((id) => this.closeSession(id)));
    this.endpoints = loaded.endpoints;
    this.endpointsFileExists = loaded.exists;
    this.configProblems = this.configProblems.filter((p) => !p.startsWith(this.paths.endpoints));
    this.configProblems.push(...loaded.problems);
    for (const endpoint of this.endpoints) {
      this.registerConfigSecrets(endpoint);
      this.openSession(endpoint);
    }
    this.push('endpoints:changed', await this.summaries());
    this.emitTray();
    return true;
  }

  private async saveEndpoint(
    edited: EndpointConfig,
    secret: string | undefined,
    redisSecret?: string,
    proxySecret?: string,
  ): Promise<SaveResult> {
    // The edit form saw config secrets redacted: the ones it left alone are kept as stored.
    const endpoint = withSecretsRestored(
      edited,
      this.endpoints.find((e) => e.id === edited.id),
      this.redactor,
    );
    this.registerConfigSecrets(endpoint);
    const ref = credentialRefOf(endpoint.auth);
    if (secret && !ref)
      return {
        ok: false,
        errors: ['auth: this endpoint uses no authentication, so no password or token is needed.'],
      };
    const redisRef = endpoint.redisProbe?.credentialRef;
    if (redisSecret && !redisRef)
      return {
        ok: false,
        errors: ['redisProbe: name a credentialRef for the Redis password (or leave it empty).'],
      };
    const proxyRef = endpoint.proxyAuth?.credentialRef;
    if (proxySecret && !proxyRef)
      return {
        ok: false,
        errors: ['proxyAuth: name the proxy user for the proxy password (or leave it empty).'],
      };
    // The first real endpoint replaces the embedded demo, and the demo's live data goes with it.
    const replacesDemo = this.embedded !== null && endpoint.id !== DEMO_ENDPOINT_ID;
    const saved = await this.persistEndpoints((list) => {
      const kept = replacesDemo ? list.filter((e) => e.id !== DEMO_ENDPOINT_ID) : list;
      return kept.some((e) => e.id === endpoint.id)
        ? kept.map((e) => (e.id === endpoint.id ? endpoint : e))
        : [...kept, endpoint];
    });
    if (!saved.ok) return saved;
    if (secret && ref) await this.credentials.set(ref, secret);
    if (redisSecret && redisRef) await this.credentials.set(redisRef, redisSecret);
    if (proxySecret && proxyRef) await this.credentials.set(proxyRef, proxySecret);
    if (replacesDemo) {
      await this.closeSession(DEMO_ENDPOINT_ID);
      this.store.removeEndpoint(DEMO_ENDPOINT_ID);
      await this.embedded?.stop();
      this.embedded = null;
    }
    await this.closeSession(endpoint.id);
    this.openSession(endpoint);
    this.emitTray();
    return { ok: true };
  }

  private async watchTask(id: string, taskId: string, watch: boolean): Promise<SaveResult> {
    const endpoint = this.endpoint(id);
    const channel = DIALECTS[endpoint.dialect].tasks?.taskChannel(taskId);
    if (channel === undefined)
      return { ok: false, errors: [`${endpoint.name} does not subscribe to tasks by id.`] };
    const subs = new Set(
      endpoint.subscriptions.length
        ? endpoint.subscriptions
        : DIALECTS[endpoint.dialect].defaultSubscriptions,
    );
    if (!watch && !subs.has(channel))
      return { ok: false, errors: [`${endpoint.name} does not watch task ${taskId}.`] };
    if (watch) subs.add(channel);
    else subs.delete(channel);
    const updated = { ...endpoint, subscriptions: [...subs] };
    const replace = (list: EndpointConfig[]) => list.map((e) => (e.id === id ? updated : e));
    if (this.endpointsFileExists) {
      const saved = await this.persistEndpoints(replace);
      if (!saved.ok) return saved;
    } else {
      this.endpoints = replace(this.endpoints);
      this.push('endpoints:changed', await this.summaries());
    }
    const session = this.sessions.get(id);
    if (watch) session?.subscribe(channel);
    else session?.unsubscribe(channel);
    return { ok: true };
  }

  private setDiagnosticsLive(on: boolean): void {
    if (this.diagnosticsTimer) this.clock.clearTimeout(this.diagnosticsTimer);
    this.diagnosticsTimer = null;
    if (!on) return;
    const tick = () => {
      this.push('connection:diagnostics', this.connections());
      this.diagnosticsTimer = this.clock.setTimeout(tick, 1_000);
    };
    tick();
  }

  private readonly handlers: Handlers = {
    'app:initial-state': async (): Promise<InitialState> => {
      this.drainInbox();
      this.batcher?.flush();
      return {
        app: this.store.snapshot(),
        connections: this.connections(),
        health: this.healthList(),
        endpoints: await this.summaries(),
        prefs: this.prefs,
        settings: this.settings,
        host: this.hostInfo(),
        configProblems: this.configProblems,
        notificationHealth: this.notificationHealth,
        storageProblems: this.storage.list(),
      };
    },
    'connection:snapshot': async () => this.connections(),
    'endpoints:list': async () => this.summaries(),
    'endpoints:get': async ({ id }) => {
      const found = this.endpoints.find((e) => e.id === id);
      return found ? redactedEndpoint(found, this.redactor) : null;
    },
    'endpoints:save': async ({ endpoint, secret, redisSecret, proxySecret }) =>
      this.saveEndpoint(endpoint, secret, redisSecret, proxySecret),
    'endpoints:remove': async ({ id }) => {
      if (!this.endpoints.some((e) => e.id === id))
        return { ok: false, errors: [`No endpoint "${id}".`] };
      const saved = await this.persistEndpoints((list) => list.filter((e) => e.id !== id));
      if (!saved.ok) return saved;
      await this.closeSession(id);
      this.store.removeEndpoint(id);
      this.emitTray();
      return { ok: true };
    },
    'endpoints:test': async ({ endpoint: edited, secret, redisSecret, proxySecret }) => {
      const endpoint = withSecretsRestored(
        edited,
        this.endpoints.find((e) => e.id === edited.id),
        this.redactor,
      );
      this.registerConfigSecrets(endpoint);
      const redisRef = endpoint.redisProbe?.credentialRef;
      const proxyRef = endpoint.proxyAuth?.credentialRef;
      const getSecret = async (ref: string) =>
        (ref === redisRef ? redisSecret : ref === proxyRef ? proxySecret : secret) ??
        (await this.credentials.get(ref)) ??
        undefined;
      if (secret) this.redactor.addSecret(secret);
      this.redactor.addSecret(redisSecret);
      this.redactor.addSecret(proxySecret);
      return runConnectionCheck({
        endpoint,
        dialect: DIALECTS[endpoint.dialect],
        credentials: this.providerFor(endpoint, getSecret),
        redactor: this.redactor,
        probeHttp: () =>
          runProbes(endpoint, DIALECTS[endpoint.dialect], this.redactor, {
            fetch: this.network.forEndpoint(endpoint, getSecret).fetch,
          }),
        transport: this.network.forEndpoint(endpoint, getSecret),
        ...this.redisProbeFor(endpoint, getSecret),
      });
    },
    'auth:sign-in': async ({ endpoint: id, secret }) => {
      const endpoint = this.endpoint(id);
      const ref = credentialRefOf(endpoint.auth);
      if (!ref) return { ok: false, errors: [`${endpoint.name} needs no sign-in.`] };
      // The real login first: only what the server accepted is stored; a refusal stays in place.
      const verdict = await verifySignIn({
        endpoint,
        dialect: DIALECTS[endpoint.dialect],
        secret,
        redactor: this.redactor,
        transport: this.network.forEndpoint(endpoint),
      });
      if (!verdict.ok) {
        this.logger.info('sign-in refused or not verified', { endpoint: id, why: verdict.errors });
        return verdict;
      }
      await this.credentials.set(ref, secret);
      // A fresh session with the provider that just signed in (no second login), none of the old
      // secret's tokens or cookies.
      await this.closeSession(id);
      this.openSession(endpoint, verdict.provider);
      this.push('endpoints:changed', await this.summaries());
      return { ok: true };
    },
    'auth:sign-out': async ({ endpoint: id }) => {
      const endpoint = this.endpoint(id);
      const ref = credentialRefOf(endpoint.auth);
      if (ref) await this.credentials.delete(ref);
      await this.closeSession(id);
      this.openSession(endpoint);
      this.push('endpoints:changed', await this.summaries());
      return { ok: true };
    },
    'diagnostics:check': async ({ endpoint: id }) => {
      const endpoint = this.endpoint(id);
      const live = this.monitors.get(id)?.health().delivery;
      return runConnectionCheck({
        endpoint,
        dialect: DIALECTS[endpoint.dialect],
        transport: this.network.forEndpoint(endpoint),
        credentials: this.providerFor(endpoint),
        redactor: this.redactor,
        probeHttp: () => this.probe(endpoint),
        ...this.redisProbeFor(endpoint),
        ...(live ? { liveDelivery: live } : {}),
      });
    },
    'diagnostics:probe': async ({ endpoint: id }) => this.probe(this.endpoint(id)),
    'diagnostics:bundle': async () => ({
      json: buildSupportBundle(
        {
          generatedAt: this.clock.now(),
          host: this.hostInfo(),
          endpoints: this.endpoints,
          connections: this.connections(),
          health: this.healthList(),
          probes: [...this.lastProbes.values()].flat(),
          notifications: {
            counters: this.notifications?.stats() ?? {},
            trace: this.policy.trace.list().slice(-500),
          },
          configProblems: this.configProblems,
          credentialStore: this.credentials.describe(),
          network: this.network.describe(),
        },
        this.redactor,
      ),
    }),
    'notifications:trace': async ({ eventId }) => {
      const counters = this.notifications?.stats();
      const flat: Record<string, number> = {};
      for (const [key, value] of Object.entries(counters ?? {}))
        if (typeof value === 'number') flat[key] = value;
      return {
        entries: eventId ? this.policy.explain(eventId) : this.policy.trace.list().slice(-500),
        counters: flat,
      };
    },
    'prefs:set': async ({ prefs }) => this.setPrefs(prefs),
    'settings:set': async ({ settings }) => {
      const saved = await this.settingsFile.save(settings);
      if (!saved.ok) {
        this.retryLater(this.settingsFile, () => this.settings);
        throw new Error(`${saved.error} Your change to settings was not kept.`);
      }
      this.settings = settings;
      this.push('settings:changed', settings);
      return settings;
    },
    'logs:open': async () => {
      const path = this.paths.logs;
      await mkdir(path, { recursive: true });
      const opened = this.ports.openPath ? await this.ports.openPath(path) : false;
      return { path, opened };
    },
    'tasks:watch': async ({ endpoint, taskId }) => this.watchTask(endpoint, taskId, true),
    'tasks:unwatch': async ({ endpoint, taskId }) => this.watchTask(endpoint, taskId, false),
  };

  private readonly sendHandlers: SendHandlers = {
    'app:ready': () => {
      this.batcher?.flush();
    },
    'app:view': ({ focused, view, endpoint }) => {
      this.context = { focused, ...(endpoint ? { viewing: { endpoint, link: view } } : {}) };
    },
    'connection:reconnect': ({ endpoint }) => {
      if (endpoint) this.sessions.get(endpoint)?.reconnect('manual');
      else this.reconnectAll();
    },
    'notifications:mark-read': ({ ids }) => {
      if (ids === 'all') this.store.markAllRead();
      else for (const id of ids) this.store.markRead(id);
      this.emitTray();
    },
    'notifications:pause': ({ until }) => this.pauseNotifications(until),
    'diagnostics:live': ({ on }) => this.setDiagnosticsLive(on),
    'app:renderer-error': ({ scope, message, stack, componentStack }) => {
      // What the renderer's error boundary caught: in the log file, where support looks first.
      this.logger.error('renderer error', { scope, message, stack, componentStack });
    },
  };
}

/** One logger writing to two: the redacted file and the host's own (console, Electron log). */
function teeLogger(file: Logger, host: Logger, redactor: Redactor): Logger {
  const both =
    (level: keyof Logger) =>
    (message: string, fields?: Record<string, unknown>): void => {
      file[level](message, fields);
      if (host !== silentLogger)
        host[level](
          redactor.text(message),
          fields ? (redactor.value(fields) as Record<string, unknown>) : undefined,
        );
    };
  return { info: both('info'), warn: both('warn'), error: both('error') };
}
