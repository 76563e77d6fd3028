import { mkdir } from 'node:fs/promises';
import type { CoreParts } from '../../app/core-parts';
import type { InvokeHandlers, SendHandlers } from '../ipc-router';

/** The renderer's start-up, its view and its own errors; the log folder. */
export function appHandlers(
  p: CoreParts,
): Pick<InvokeHandlers, 'app:initial-state' | 'logs:open'> &
  Pick<SendHandlers, 'app:ready' | 'app:view' | 'app:renderer-error'> {
  return {
    'app:initial-state': async () => {
      // Everything received so far is in the snapshot, and no patch sent later repeats it.
      p.ingest.drain();
      p.feed.flush();
      return {
        app: p.model.snapshot(),
        connections: p.sessions.liveDiagnostics(),
        health: p.sessions.health(),
        endpoints: await p.endpoints.summaries(),
        prefs: p.settings.prefs,
        settings: p.settings.settings,
        host: p.hostInfo(),
        configProblems: [...p.endpoints.problems],
        notificationHealth: p.notificationHealth.current(),
        storageProblems: p.storage.list(),
      };
    },
    'logs:open': async () => {
      const path = p.paths.logs;
      await mkdir(path, { recursive: true });
      const opened = p.host.openPath ? await p.host.openPath(path) : false;
      return { path, opened };
    },
    'app:ready': () => p.feed.flush(),
    'app:view': ({ focused, view, endpoint }) =>
      p.setView({ focused, ...(endpoint ? { viewing: { endpoint, link: view } } : {}) }),
    'app:renderer-error': ({ scope, message, stack, componentStack }) => {
      // What the renderer's error boundary caught: in the log file, where support looks first.
      p.logger.error('renderer error', { scope, message, stack, componentStack });
    },
  };
}
