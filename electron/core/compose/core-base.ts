import { join } from 'node:path';
import type { StoredFile } from '../../../shared/model/storage';
import type { CorePorts } from '../app/core-api';
import type { CorePaths } from '../app/core-parts';
import { HostEvents } from '../app/host-events';
import { PushBus } from '../app/push-bus';
import { UserSettings } from '../app/user-settings';
import { EndpointsFile } from '../config/endpoints-file';
import { RotatingLogFile } from '../diagnostics/log-file';
import { silentLogger, systemClock, type Clock, type Logger } from '../kernel/ports';
import { Redactor } from '../kernel/redact';
import { teeLogger } from '../kernel/tee-logger';
import { StorageHealth } from '../state/storage-health';

/**
 * What exists from the moment a core is made, before it starts: the log (hosts write their own
 * faults there), the channels to the hosts (pushes, host events), the data folder's paths and its
 * save-failure tracker, and the settings files.
 */
export interface CoreBase {
  clock: Clock;
  paths: CorePaths;
  redactor: Redactor;
  logFile: RotatingLogFile;
  logger: Logger;
  push: PushBus;
  events: HostEvents;
  storage: StorageHealth;
  /** A save outcome reporter for one file of the data folder. */
  reportSave(
    file: StoredFile,
    path: string,
  ): (result: { ok: true } | { ok: false; error: string }) => void;
  settings: UserSettings;
  endpointsFile: EndpointsFile;
}

export function createCoreBase(ports: CorePorts): CoreBase {
  const clock = ports.clock ?? systemClock;
  const dir = ports.dataDir;
  const paths: CorePaths = {
    dataDir: dir,
    endpoints: join(dir, 'endpoints.json'),
    settings: join(dir, 'settings.json'),
    prefs: join(dir, 'prefs.json'),
    state: join(dir, 'state.json'),
    secrets: join(dir, 'secrets.json'),
    logs: ports.logsDir ?? join(dir, 'logs'),
  };
  const redactor = new Redactor();
  // Every line goes to a rotating, redacted file the user can open from the app, and to the host's logger.
  const logFile = new RotatingLogFile({ dir: paths.logs, redactor, now: () => clock.now() });
  const logger = teeLogger(logFile, ports.logger ?? silentLogger, redactor);
  const push = new PushBus(logger);
  const events = new HostEvents((error, event) =>
    logger.error('host listener failed', { event, error: String(error) }),
  );
  // Saves failing in the data folder, pushed to the renderer as they start and stop failing.
  const storage = new StorageHealth(logger, () => clock.now());
  storage.onChange((problems) => push.push('storage:problems', problems));
  const reportSave =
    (file: StoredFile, path: string) => (result: { ok: true } | { ok: false; error: string }) =>
      storage.report(file, path, result);
  const settings = new UserSettings({
    settingsPath: paths.settings,
    prefsPath: paths.prefs,
    clock,
    logger,
    onSaved: (file, result) =>
      reportSave(file, file === 'settings' ? paths.settings : paths.prefs)(result),
  });
  return {
    clock,
    paths,
    redactor,
    logFile,
    logger,
    push,
    events,
    storage,
    reportSave,
    settings,
    endpointsFile: new EndpointsFile(paths.endpoints),
  };
}
