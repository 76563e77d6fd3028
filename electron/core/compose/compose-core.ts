import { mkdir } from 'node:fs/promises';
import { credentialRefOf } from '../auth/credential-provider-factory';
import type { CorePorts } from '../app/core-api';
import type { CoreParts } from '../app/core-parts';
import { DemoGateway } from '../app/demo-endpoint';
import { DiagnosticsFeed } from '../app/diagnostics-feed';
import { EndpointChecks } from '../app/endpoint-checks';
import { EndpointRegistry } from '../app/endpoint-registry';
import { endpointRuntimeFactory } from '../app/endpoint-runtime';
import { endpointSummary } from '../app/endpoint-summary';
import { IngestPipeline } from '../app/ingest-pipeline';
import { ModelFeed } from '../app/model-feed';
import { NotificationHealthTracker } from '../app/notification-health';
import { SessionPool } from '../app/session-pool';
import { TrayPublisher } from '../app/tray-publisher';
import { nextTurn } from '../kernel/ports';
import { DndMonitor, gnomeShowBanners, type DndReader } from '../notify/dnd-monitor';
import { IncidentNotifier } from '../notify/incident-notifier';
import { NotificationService } from '../notify/notification-service';
import { isWatchedEvent } from '../notify/watched-events';
import { Network } from '../transport/network';
import { notificationAction } from '../ipc/handlers/notification-handlers';
import { NotifyPolicy, type PolicyContext } from '../notify/notify-policy';
import type { AppModel } from '../state/app-model';
import { openAppState } from '../state/app-state-file';
import {
  EncryptedFileCredentialStore,
  MemoryCredentialStore,
  type CredentialStore,
} from '../state/credential-store';
import type { CoreBase } from './core-base';

/** A started core: its parts, and how to stop them in order. */
export interface ComposedCore {
  parts: CoreParts;
  close(): Promise<void>;
}

/**
 * THE composition of the core (its one place that builds): reads the data folder, then builds
 * every piece once with its collaborators, from the host's ports and the base made with the core,
 * and opens the configured endpoints' sessions. Nothing else in the core constructs a collaborator.
 */
export async function composeCore(ports: CorePorts, base: CoreBase): Promise<ComposedCore> {
  const { clock, logger, redactor, paths, push, storage, settings } = base;
  await mkdir(ports.dataDir, { recursive: true });

  // Damaged files are set aside, or kept because a newer Lookout wrote them: the user is told either way.
  const problems = await settings.load();
  const state = await openAppState({
    path: paths.state,
    clock,
    logger,
    // Small models are saved a second after a change; large ones as the write budget allows.
    debounceMs: 1_000,
    onSaved: base.reportSave('state', paths.state),
  });
  if (state.notice) problems.push(state.notice);
  const model = state.store;
  const credentials = credentialStore(ports, base);
  const getSecret = async (ref: string) => (await credentials.get(ref)) ?? undefined;
  // Proxy and trust for every connection of every endpoint (WebSocket and HTTP alike).
  const network = new Network(ports.network ?? {}, getSecret, (secret) =>
    redactor.addSecret(secret),
  );
  const checks = new EndpointChecks(redactor, getSecret, network);
  const demo = new DemoGateway(ports.embeddedGateway);

  const endpoints: EndpointRegistry = new EndpointRegistry({
    file: base.endpointsFile,
    path: paths.endpoints,
    onSaved: base.reportSave('endpoints', paths.endpoints),
    isTransient: (endpoint) => demo.isDemo(endpoint),
    onAdded: (endpoint) => checks.registerConfigSecrets(endpoint),
    summarize: async (endpoint) => {
      const ref = credentialRefOf(endpoint.auth);
      const hasSecret = ref ? (await credentials.get(ref)) !== null : false;
      return endpointSummary(endpoint, hasSecret, redactor, demo.isDemo(endpoint));
    },
    announce: (summaries) => push.push('endpoints:changed', summaries),
    restart: async (list) => {
      await sessions.closeAll();
      for (const endpoint of list) sessions.open(endpoint);
      tray.update();
    },
  });
  endpoints.problems.push(...problems);
  const loaded = await endpoints.load();
  for (const problem of endpoints.problems) logger.warn('config problem', { problem });

  const policy = new NotifyPolicy({ prefs: settings.prefs, dedupe: false });
  let view: PolicyContext = { focused: false };
  const nameOf = (id: string) => endpoints.find(id)?.name ?? id;
  // The OS's do-not-disturb, where it can be read.
  const readers: DndReader[] = [
    ...(ports.notifier.readDoNotDisturb ? [() => ports.notifier.readDoNotDisturb!()] : []),
    ...(ports.readDoNotDisturb ? [ports.readDoNotDisturb] : [gnomeShowBanners()]),
  ];
  const dnd = new DndMonitor(readers, clock, (reading) => notificationHealth.setDnd(reading));
  const notificationHealth = new NotificationHealthTracker(
    ports.notifier.name,
    dnd.current(),
    () => clock.now(),
    (health) => push.push('notifications:health', health),
  );
  dnd.start();
  const notifications = new NotificationService({
    policy,
    notifier: ports.notifier,
    clock,
    context: () => ({
      ...view,
      osDoNotDisturb: dnd.active(),
      isWatched: (e) => isWatchedEvent(e, endpoints.find(e.endpoint)?.dialect),
    }),
    logger,
    sourceName: nameOf,
    onAction: (n, action) => notificationAction(parts, n, action),
    onClick: (n) => push.push('app:navigate', { link: n.link ?? 'notifications' }),
    onDelivery: (result, notifier) =>
      notificationHealth.note(result.ok ? null : result.error, notifier),
  });
  // Connection incidents (down, deaf, sign-in needed past a threshold) as notifications.
  const incidents = new IncidentNotifier({
    service: notifications,
    clock,
    logger,
    afterMs: settings.prefs.incidents.afterMs,
    nameOf,
  });
  const tray: TrayPublisher = new TrayPublisher(
    {
      endpoints: () =>
        endpoints
          .list()
          .filter((e) => e.enabled)
          .map((e) => {
            const health = sessions.healthOf(e.id);
            return {
              name: e.name,
              state: sessions.stateOf(e.id),
              ...(health ? { delivery: health.delivery.status } : {}),
            };
          }),
      unread: () => model.unread(),
      quiet: () => settings.prefs,
    },
    clock,
    (m) => base.events.tray(m),
  );
  // Once per interval, not per event: the unread count (for the renderer and the tray).
  const feed = new ModelFeed(
    model,
    clock,
    (patch) => push.push('app:patch', patch),
    () => tray.update(),
  );
  const ingest = new IngestPipeline({
    model,
    // An endpoint removed while its events waited: they must not bring its data back.
    isConfigured: (id) => endpoints.has(id),
    noteDropped: (event, reason) => sessions.noteDropped(event, reason),
    notify: (fresh) => notifications.handle(fresh),
    schedule: ports.schedule ?? nextTurn,
    clock,
    logger,
  });
  const sessions: SessionPool = new SessionPool({
    create: endpointRuntimeFactory({
      clock,
      logger,
      redactor,
      ...(ports.random ? { random: ports.random } : {}),
      ...(ports.system ? { system: ports.system } : {}),
      checks,
      onHealth: (health) => {
        incidents.update(health);
        push.push('connection:health', health);
        tray.update();
      },
    }),
    onEvents: (events) => ingest.ingest(events),
    onState: (change) => {
      push.push('connection:state', change);
      tray.update();
    },
    // A reopen after a drop replays what was missed: one digest, not a storm.
    onReopened: (id) => notifications.reconnected(id),
    onReset: (endpoint, resets) => ingest.historyReset(endpoint, resets),
    onClosed: (id) => incidents.forget(id),
  });
  const diagnostics = new DiagnosticsFeed(
    clock,
    () => sessions.diagnostics(),
    (list) => push.push('connection:diagnostics', list),
  );

  // After sleep, whatever was missed arrives as one "while you were away" digest.
  const unsubscribeSystem = ports.system?.on('resume', () => notifications.woke()) ?? null;
  if (!endpoints.fileExists && demo.available) {
    try {
      endpoints.useTransient([await demo.open((ref, secret) => credentials.set(ref, secret))]);
    } catch (error) {
      endpoints.problems.push(
        `The embedded demo gateway did not start (${error instanceof Error ? error.message : String(error)}). Add a backend in Settings → Endpoints.`,
      );
    }
  }
  if (loaded.authoritative) forgetUnconfigured(model, new Set(endpoints.list().map((e) => e.id)));
  for (const endpoint of endpoints.list()) sessions.open(endpoint);
  tray.update();
  logger.info('lookout core started', {
    endpoints: endpoints.list().length,
    embedded: demo.running,
  });

  const parts: CoreParts = {
    clock,
    logger,
    redactor,
    paths,
    host: {
      ...(ports.openPath ? { openPath: ports.openPath } : {}),
      ...(ports.saveFile ? { saveFile: ports.saveFile } : {}),
    },
    logTail: (maxBytes) => base.logFile.tail(maxBytes),
    model,
    credentials,
    endpoints,
    sessions,
    ingest,
    feed,
    tray,
    settings,
    policy,
    notifications,
    incidents,
    network,
    notificationHealth,
    storage,
    checks,
    demo,
    diagnostics,
    push,
    settingsChanged: (next) => base.events.settings(next),
    setView: (context) => {
      view = context;
    },
    hostInfo: () => {
      const store = credentials.describe();
      return {
        kind: ports.hostKind,
        appVersion: ports.appVersion,
        platform: process.platform,
        configDir: ports.dataDir,
        logFile: base.logFile.currentPath,
        secretsPersistent: store.persistent,
        secretsNote: store.reason,
      };
    },
  };
  return {
    parts,
    async close() {
      diagnostics.setLive(false);
      unsubscribeSystem?.();
      await sessions.closeAll();
      ingest.drain();
      notifications.dispose();
      incidents.dispose();
      dnd.stop();
      tray.close();
      feed.close();
      await state.close();
      await settings.flush();
      await demo.stop();
      credentials.close?.();
      logger.info('lookout core stopped');
    },
  };
}

/**
 * Secrets at rest: the host's own store (the browser host's Secret Service), else encrypted by the
 * host's cipher (Electron safeStorage), else in memory only.
 */
function credentialStore(ports: CorePorts, base: CoreBase): CredentialStore {
  if (ports.credentialStore)
    return ports.credentialStore({
      sink: base.redactor,
      logger: base.logger,
      onSaved: base.reportSave('secrets', "the desktop's keyring"),
    });
  const cipher = ports.secretCipher;
  return cipher
    ? new EncryptedFileCredentialStore({
        path: base.paths.secrets,
        cipher,
        clock: base.clock,
        logger: base.logger,
        sink: base.redactor,
        onSaved: base.reportSave('secrets', base.paths.secrets),
      })
    : new MemoryCredentialStore(
        'This host has no OS encryption for secrets, so they are kept in memory only and asked for again after a restart.',
        base.redactor,
      );
}

/**
 * Model data of endpoints that are not configured (any more) goes: no stale default views (e.g.
 * the demo's figures, saved by a version that kept them after a real endpoint replaced it).
 */
function forgetUnconfigured(model: AppModel, configured: ReadonlySet<string>): void {
  const s = model.snapshot();
  const held = new Set([
    ...Object.keys(s.endpoints),
    ...s.tasks.map((t) => t.endpoint),
    ...s.businesses.map((b) => b.endpoint),
    ...s.reservations.map((r) => r.endpoint),
  ]);
  for (const id of held) if (!configured.has(id)) model.removeEndpoint(id);
}
