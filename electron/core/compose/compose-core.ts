/** `composeCore`: the core's one composition, a flat list of steps (the `compose-*.ts` files and `open-data-folder.ts`). */
import type { CorePorts } from '../app/core-api';
import type { CoreParts } from '../app/core-parts';
import { notificationAction } from '../ipc/handlers/notification-handlers';
import type { CoreBase } from './core-base';
import { composeEndpoints, openDemoIfUnconfigured } from './compose-endpoints';
import type { LiveParts } from './compose-live';
import { composeLive } from './compose-live';
import { composeNotifications } from './compose-notifications';
import { forgetUnconfigured, openDataFolder } from './open-data-folder';

/** A started core: its parts, and how to stop them in order. */
export interface ComposedCore {
  parts: CoreParts;
  close(): Promise<void>;
}

/**
 * THE composition of the core (its one place that builds), as a flat list of steps: open the
 * data folder, build the endpoint side, the notification side and the live side (each in its own
 * `compose-*.ts`, every piece once with its collaborators, from the host's ports and the base made
 * with the core), then open the configured endpoints' sessions. Nothing else in the core
 * constructs a collaborator.
 */
export async function composeCore(ports: CorePorts, base: CoreBase): Promise<ComposedCore> {
  const { clock, logger, redactor, paths, push, storage, settings } = base;
  const data = await openDataFolder(ports, base);
  const { model, credentials } = data;
  // The live side is built from the endpoint side; the registry reopens its sessions later.
  let live: LiveParts | null = null;
  const endpointParts = await composeEndpoints(ports, base, data, async (list) => {
    if (!live) return;
    await live.sessions.closeAll();
    for (const endpoint of list) live.sessions.open(endpoint);
    live.tray.update();
  });
  const { network, checks, demo, endpoints } = endpointParts;
  const notify = composeNotifications(ports, base, endpoints, (n, action) =>
    notificationAction(parts, n, action),
  );
  const { policy, dnd, notificationHealth, notifications, incidents } = notify;
  live = composeLive(ports, base, model, endpointParts, notify);
  const { sessions, ingest, feed, tray, diagnostics } = live;

  // After sleep, whatever was missed arrives as one "while you were away" digest.
  const unsubscribeSystem = ports.system?.on('resume', () => notifications.woke()) ?? null;
  await openDemoIfUnconfigured(endpointParts, data);
  if (endpointParts.authoritative)
    forgetUnconfigured(model, new Set(endpoints.list().map((e) => e.id)));
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
    setView: notify.setView,
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
      await data.state.close();
      await settings.flush();
      await demo.stop();
      credentials.close?.();
      logger.info('lookout core stopped');
    },
  };
}
