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
import type { LiveEvent } from '../../../shared/model/live-event';
import { notifyPrefsSchema, type NotifyPrefs } from '../../../shared/model/notify-prefs';
import { appSettingsSchema, type AppSettings, type HostInfo } from '../../../shared/model/settings';
import { Session } from '../connection/session';
import {
  silentLogger,
  systemClock,
  type Clock,
  type Logger,
  type TimerHandle,
} from '../connection/ports';
import { runConnectionCheck } from '../diagnostics/connection-check';
import { RotatingLogFile } from '../diagnostics/log-file';
import { runProbes } from '../diagnostics/probes';
import { Redactor } from '../diagnostics/redact';
import { DIALECTS } from '../dialects';
import { NotificationService } from '../notify/notification-service';
import { NotifyPolicy, type PolicyContext } from '../notify/notify-policy';
import { AppStore, type DroppedEvent } from '../state/app-store';
import { openAppState } from '../state/app-state-file';
import {
  EncryptedFileCredentialStore,
  MemoryCredentialStore,
  type CredentialStore,
} from '../state/credential-store';
import { PatchBatcher } from '../state/patch-batcher';
import { PersistedFile } from '../state/persist';
import { loadEndpointsFile, saveEndpointsFile } from '../config/endpoints-file';
import type {
  CorePorts,
  EmbeddedGateway,
  LookoutCoreApi,
  PushListener,
  TrayModel,
} from './core-api';
import { createCredentialProvider, credentialRefOf } from '../auth/credential-provider-factory';
import { endpointSummary } from './endpoint-summary';
import { HistoryNotices, clockTime } from './history-notices';
import { buildSupportBundle } from './support-bundle';
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
  private readonly logFile: RotatingLogFile;
  private readonly redactor = new Redactor();
  private readonly pushListeners = new Set<PushListener>();
  private readonly trayListeners = new Set<(model: TrayModel) => void>();
  private readonly sessions = new Map<string, Session>();
  private readonly wasOpen = new Set<string>();
  private readonly lastProbes = new Map<string, ProbeResult[]>();
  private readonly degraded = new Set<string>();
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
  private store = new AppStore();
  private credentials: CredentialStore = new MemoryCredentialStore();
  private policy = new NotifyPolicy({ dedupe: false });
  private notifications: NotificationService | null = null;
  private batcher: PatchBatcher | null = null;
  private embedded: EmbeddedGateway | null = null;
  private context: PolicyContext = { focused: false };
  private diagnosticsTimer: TimerHandle | null = null;
  private readonly settingsFile: PersistedFile<AppSettings>;
  private readonly prefsFile: PersistedFile<NotifyPrefs>;
  /** Saves the model crash-safely on change (debounced); closed on stop with a final write. */
  private closeState: () => Promise<void> = async () => {};
  private started = false;
  private notificationHealth: NotificationHealth = {
    ok: true,
    notifier: '',
    error: null,
    since: 0,
  };
  private unsubscribeSystem: (() => void) | null = null;
  private lastTray = '';
  private trayUnread = -1;
  private readonly historyNotices = new HistoryNotices();

  constructor(private readonly ports: CorePorts) {
    this.clock = ports.clock ?? systemClock;
    const dir = ports.dataDir;
    this.paths = {
      endpoints: join(dir, 'endpoints.json'),
      settings: join(dir, 'settings.json'),
      prefs: join(dir, 'prefs.json'),
      state: join(dir, 'state.json'),
      secrets: join(dir, 'secrets.json'),
      logs: join(dir, 'logs'),
    };
    // Every line goes to a rotating, redacted file the user can open from the app, and to the host's logger.
    this.logFile = new RotatingLogFile({
      dir: this.paths.logs,
      redactor: this.redactor,
      now: () => this.clock.now(),
    });
    this.logger = teeLogger(this.logFile, ports.logger ?? silentLogger, this.redactor);
    const common = { clock: this.clock, logger: this.logger };
    this.settingsFile = new PersistedFile({
      path: this.paths.settings,
      kind: 'settings',
      version: 1,
      schema: appSettingsSchema,
      ...common,
    });
    this.prefsFile = new PersistedFile({
      path: this.paths.prefs,
      kind: 'prefs',
      version: 1,
      schema: notifyPrefsSchema,
      ...common,
    });
  }

  // -----------------------------------------------------------------------------------------------
  // Lifecycle

  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    await mkdir(this.ports.dataDir, { recursive: true });
    const problems: string[] = [];
    const note = (outcome: { status: string; message?: string }) => {
      if (outcome.status === 'set-aside' && outcome.message) problems.push(outcome.message);
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
      debounceMs: 1_000,
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
        })
      : new MemoryCredentialStore(
          'This host has no OS encryption for secrets, so they are kept in memory only and asked for again after a restart.',
          this.redactor,
        );

    const loaded = await loadEndpointsFile(this.paths.endpoints);
    problems.push(...loaded.problems);
    this.endpoints = loaded.endpoints;
    this.endpointsFileExists = loaded.exists;
    this.configProblems = problems;
    for (const p of problems) this.logger.warn('config problem', { problem: p });

    this.policy = new NotifyPolicy({ prefs: this.prefs, dedupe: false });
    this.notifications = new NotificationService({
      policy: this.policy,
      notifier: this.ports.notifier,
      clock: this.clock,
      context: () => this.context,
      logger: this.logger,
      onClick: (n) => this.notificationClicked(n.link),
      onDelivery: (result, notifier) =>
        this.noteDelivery(result.ok ? null : result.error, notifier),
    });
    this.notificationHealth = {
      ok: true,
      notifier: this.ports.notifier.name,
      error: null,
      since: this.clock.now(),
    };
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
    if (!this.endpointsFileExists && this.ports.embeddedGateway) await this.startEmbedded();
    this.forgetUnconfigured();
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

  private openSession(endpoint: EndpointConfig): void {
    if (!endpoint.enabled) return;
    const session = new Session({
      endpoint,
      dialect: DIALECTS[endpoint.dialect],
      ports: {
        credentials: this.providerFor(endpoint),
        clock: this.clock,
        ...(this.ports.random ? { random: this.ports.random } : {}),
        logger: this.logger,
        ...(this.ports.system ? { system: this.ports.system } : {}),
        redactor: this.redactor,
      },
    });
    session.on('events', (events) => this.ingest(endpoint, events));
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

  /** Model data of endpoints that are not configured (any more) goes: no stale default views. */
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
    this.wasOpen.delete(id);
    await session?.stop();
  }

  /** Credentials for an endpoint, its secrets read from the store before every attempt. */
  private providerFor(endpoint: EndpointConfig) {
    return createCredentialProvider(
      endpoint.auth,
      async (ref) => (await this.credentials.get(ref)) ?? undefined,
    );
  }

  /**
   * The hot path: events from a session into the model and the notification policy. Frames of
   * one socket read arrive back to back; they are queued and applied together once per turn of
   * the event loop, so a flood costs one model update and one policy pass per read, not per frame.
   */
  private ingest(endpoint: EndpointConfig, events: LiveEvent[]): void {
    if (endpoint.dialect === 'stats-stream') this.markDegradedStats(endpoint, events);
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

  /**
   * stats-stream sends all-zero figures while its Redis is down. Zeros alone could be a quiet
   * system, so a zero sample triggers a (rate-limited) health probe; a 503 marks the endpoint
   * degraded and the samples are shown as such until real figures return.
   */
  private markDegradedStats(endpoint: EndpointConfig, events: LiveEvent[]): void {
    for (const event of events) {
      if (event.kind !== 'stats.update') continue;
      if (event.data.suspectZero === true) {
        if (this.degraded.has(endpoint.id)) event.data.degraded = true;
        this.probeSoon(endpoint);
      } else if (this.degraded.delete(endpoint.id)) {
        this.emitTray();
      }
    }
  }

  private readonly probeGate = new Map<string, number>();
  private probeSoon(endpoint: EndpointConfig): void {
    const now = this.clock.now();
    if ((this.probeGate.get(endpoint.id) ?? 0) > now) return;
    this.probeGate.set(endpoint.id, now + 10_000);
    void this.probe(endpoint).then((results) => {
      const bad = results.some((r) => r.status === 'degraded' || r.status === 'down');
      const changed = bad ? !this.degraded.has(endpoint.id) : this.degraded.has(endpoint.id);
      if (bad) this.degraded.add(endpoint.id);
      else this.degraded.delete(endpoint.id);
      if (changed) this.emitTray();
    });
  }

  private async probe(endpoint: EndpointConfig): Promise<ProbeResult[]> {
    const results = await runProbes(endpoint, DIALECTS[endpoint.dialect], this.redactor);
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
        .map((e) => ({
          name: e.name,
          state: this.sessions.get(e.id)?.state ?? 'idle',
          degraded: this.degraded.has(e.id),
        })),
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
    this.notificationHealth = { ok, notifier, error, since: this.clock.now() };
    this.push('notifications:health', this.notificationHealth);
  }

  notificationClicked(link: string | undefined): void {
    this.push('app:navigate', { link: link ?? 'notifications' });
  }

  reconnectAll(): void {
    for (const session of this.sessions.values()) session.reconnect('manual');
  }

  pauseNotifications(until: number | null): void {
    void this.setPrefs({ ...this.prefs, pausedUntil: until });
  }

  private async setPrefs(prefs: NotifyPrefs): Promise<NotifyPrefs> {
    this.prefs = notifyPrefsSchema.parse(prefs);
    this.policy.setPrefs(this.prefs);
    await this.prefsFile.save(this.prefs);
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
        return endpointSummary(e, hasSecret, this.redactor);
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

  /** Save the user's endpoints (the demo endpoint is never written: it exists only while none are configured). */
  private async persistEndpoints(): Promise<void> {
    const real = this.endpoints.filter((e) => e.id !== DEMO_ENDPOINT_ID || !this.embedded);
    await saveEndpointsFile(this.paths.endpoints, real);
    this.endpointsFileExists = true;
    this.push('endpoints:changed', await this.summaries());
  }

  private async saveEndpoint(
    endpoint: EndpointConfig,
    secret: string | undefined,
  ): Promise<SaveResult> {
    const ref = credentialRefOf(endpoint.auth);
    if (secret && !ref)
      return {
        ok: false,
        errors: ['auth: this endpoint uses no authentication, so no password or token is needed.'],
      };
    if (secret && ref) await this.credentials.set(ref, secret);
    // The first real endpoint replaces the embedded demo, and the demo's live data goes with it.
    if (this.embedded && endpoint.id !== DEMO_ENDPOINT_ID) {
      await this.closeSession(DEMO_ENDPOINT_ID);
      this.endpoints = this.endpoints.filter((e) => e.id !== DEMO_ENDPOINT_ID);
      this.store.removeEndpoint(DEMO_ENDPOINT_ID);
      await this.embedded.stop();
      this.embedded = null;
    }
    await this.closeSession(endpoint.id);
    const index = this.endpoints.findIndex((e) => e.id === endpoint.id);
    if (index >= 0) this.endpoints[index] = endpoint;
    else this.endpoints.push(endpoint);
    await this.persistEndpoints();
    this.openSession(endpoint);
    this.emitTray();
    return { ok: true };
  }

  private async watchTask(id: string, taskId: string, watch: boolean): Promise<SaveResult> {
    const endpoint = this.endpoint(id);
    const channel =
      endpoint.dialect === 'lookout'
        ? `task:${taskId}`
        : endpoint.dialect === 'task-status'
          ? taskId
          : null;
    if (!channel)
      return { ok: false, errors: [`${endpoint.name} does not subscribe to tasks by id.`] };
    const session = this.sessions.get(id);
    const subs = new Set(
      endpoint.subscriptions.length
        ? endpoint.subscriptions
        : DIALECTS[endpoint.dialect].defaultSubscriptions,
    );
    if (watch) {
      subs.add(channel);
      session?.subscribe(channel);
    } else {
      subs.delete(channel);
      session?.unsubscribe(channel);
    }
    const updated = { ...endpoint, subscriptions: [...subs] };
    this.endpoints = this.endpoints.map((e) => (e.id === id ? updated : e));
    if (this.endpointsFileExists) await this.persistEndpoints();
    else this.push('endpoints:changed', await this.summaries());
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
        endpoints: await this.summaries(),
        prefs: this.prefs,
        settings: this.settings,
        host: this.hostInfo(),
        configProblems: this.configProblems,
        notificationHealth: this.notificationHealth,
      };
    },
    'connection:snapshot': async () => this.connections(),
    'endpoints:list': async () => this.summaries(),
    'endpoints:get': async ({ id }) => this.endpoints.find((e) => e.id === id) ?? null,
    'endpoints:save': async ({ endpoint, secret }) => this.saveEndpoint(endpoint, secret),
    'endpoints:remove': async ({ id }) => {
      if (!this.endpoints.some((e) => e.id === id))
        return { ok: false, errors: [`No endpoint "${id}".`] };
      await this.closeSession(id);
      this.endpoints = this.endpoints.filter((e) => e.id !== id);
      this.store.removeEndpoint(id);
      await this.persistEndpoints();
      this.emitTray();
      return { ok: true };
    },
    'endpoints:test': async ({ endpoint, secret }) => {
      const getSecret = async (ref: string) =>
        secret ?? (await this.credentials.get(ref)) ?? undefined;
      if (secret) this.redactor.addSecret(secret);
      return runConnectionCheck({
        endpoint,
        dialect: DIALECTS[endpoint.dialect],
        credentials: createCredentialProvider(endpoint.auth, getSecret),
        redactor: this.redactor,
      });
    },
    'auth:sign-in': async ({ endpoint: id, secret }) => {
      const endpoint = this.endpoint(id);
      const ref = credentialRefOf(endpoint.auth);
      if (!ref) return { ok: false, errors: [`${endpoint.name} needs no sign-in.`] };
      await this.credentials.set(ref, secret);
      // A fresh provider forgets tokens or cookies obtained with the old secret.
      await this.closeSession(id);
      this.openSession(endpoint);
      return { ok: true };
    },
    'auth:sign-out': async ({ endpoint: id }) => {
      const endpoint = this.endpoint(id);
      const ref = credentialRefOf(endpoint.auth);
      if (ref) await this.credentials.delete(ref);
      await this.closeSession(id);
      this.openSession(endpoint);
      return { ok: true };
    },
    'diagnostics:check': async ({ endpoint: id }) => {
      const endpoint = this.endpoint(id);
      return runConnectionCheck({
        endpoint,
        dialect: DIALECTS[endpoint.dialect],
        credentials: this.providerFor(endpoint),
        redactor: this.redactor,
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
          probes: [...this.lastProbes.values()].flat(),
          notifications: {
            counters: this.notifications?.stats() ?? {},
            trace: this.policy.trace.list().slice(-500),
          },
          configProblems: this.configProblems,
          credentialStore: this.credentials.describe(),
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
      this.settings = settings;
      await this.settingsFile.save(settings);
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
