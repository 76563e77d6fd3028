/** state.json: the model loaded at start (never throwing) and saved on change, debounced and crash-safe. */
import type { AppLimits, AppSnapshot } from '../../../shared/model/app-state';
import type { Clock, Logger } from '../kernel/ports';
import { AppModel } from './app-model';
import { appSnapshotSchema } from './app-state-schema';
import { STATE_FORMAT } from './file-formats';
import { PersistedFile, type SaveResult } from './persist';

export interface OpenAppStateOptions {
  /** e.g. `<userData>/state.json`. */
  path: string;
  clock: Clock;
  logger?: Logger;
  limits?: AppLimits;
  /** At most one write per this many ms while events flow (default 2 s). */
  debounceMs?: number;
  /**
   * Write budget while events flow (default 128 KiB/s): a model of N bytes is rewritten at most
   * every N / budget seconds, so a large model costs the disk proportionally fewer rewrites.
   */
  maxBytesPerSecond?: number;
  /** Told the outcome of every save (failed saves reach the UI). */
  onSaved?: (result: SaveResult) => void;
}

export interface OpenedAppState {
  store: AppModel;
  file: PersistedFile<AppSnapshot>;
  /** Set when the saved model could not be used: show it to the user once. */
  notice: string | null;
  /** Stop saving on changes and write the final model (call on quit). */
  close(): Promise<void>;
}

/**
 * Start-up for the main-owned model: load the saved model (never throwing: an unusable file is
 * set aside with a notice), then save on every change, debounced and crash-safe.
 */
export async function openAppState(options: OpenAppStateOptions): Promise<OpenedAppState> {
  const file = new PersistedFile<AppSnapshot>({
    path: options.path,
    ...STATE_FORMAT,
    schema: appSnapshotSchema,
    clock: options.clock,
    debounceMs: options.debounceMs ?? 2_000,
    maxBytesPerSecond: options.maxBytesPerSecond ?? 128 * 1024,
    ...(options.logger ? { logger: options.logger } : {}),
    ...(options.onSaved ? { onSaved: options.onSaved } : {}),
  });
  const loaded = await file.load();
  const store = new AppModel({
    ...(loaded.value ? { initial: loaded.value } : {}),
    ...(options.limits ? { limits: options.limits } : {}),
  });
  const unsubscribe = store.subscribe(() => file.schedule(() => store.snapshot()));
  return {
    store,
    file,
    notice: loaded.status === 'set-aside' || loaded.status === 'newer' ? loaded.message : null,
    close: async () => {
      unsubscribe();
      await file.flush();
    },
  };
}
