/** Composition step 4: the live side (session pool, ingest pipeline, model feed, tray publisher, diagnostics feed). */
import type { CorePorts } from '../app/core-api';
import { DiagnosticsFeed } from '../app/diagnostics-feed';
import { endpointRuntimeFactory } from '../app/endpoint-runtime';
import { IngestPipeline } from '../app/ingest-pipeline';
import { ModelFeed } from '../app/model-feed';
import { SessionPool } from '../app/session-pool';
import { TrayPublisher } from '../app/tray-publisher';
import { nextTurn } from '../kernel/ports';
import type { AppModel } from '../state/app-model';
import type { CoreBase } from './core-base';
import type { EndpointParts } from './compose-endpoints';
import type { NotificationParts } from './compose-notifications';

/** The live side of the core: sessions, what flows from them, and what shows it. */
export interface LiveParts {
  sessions: SessionPool;
  ingest: IngestPipeline;
  feed: ModelFeed;
  tray: TrayPublisher;
  diagnostics: DiagnosticsFeed;
}

/**
 * Builds the live side: one session per endpoint (the pool), the ingest pipeline from sessions
 * to the model and the notifications, the model feed (patches to the renderer once per interval),
 * the tray publisher and the diagnostics feed. They refer to each other (the tray reads the
 * sessions, the sessions update the tray), so they are built together here.
 */
export function composeLive(
  ports: CorePorts,
  base: CoreBase,
  model: AppModel,
  { endpoints, checks }: EndpointParts,
  { notifications, incidents }: NotificationParts,
): LiveParts {
  const { clock, logger, redactor, push, settings } = base;
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
    () => sessions.liveDiagnostics(),
    (list) => push.push('connection:diagnostics', list),
  );
  return { sessions, ingest, feed, tray, diagnostics };
}
