/** Composition step 1: opens the data folder (settings, the saved model, the secrets store). */
import { mkdir } from 'node:fs/promises';
import type { CorePorts } from '../app/core-api';
import type { AppModel } from '../state/app-model';
import { openAppState, type OpenedAppState } from '../state/app-state-file';
import {
  EncryptedFileCredentialStore,
  MemoryCredentialStore,
  type CredentialStore,
} from '../state/credential-store';
import type { CoreBase } from './core-base';

/** What the data folder held at start: the saved model, the secrets, and what was wrong with it. */
export interface DataFolder {
  /** Damaged or too-new files, in words for the user (set aside or kept, never overwritten). */
  problems: string[];
  state: OpenedAppState;
  model: AppModel;
  credentials: CredentialStore;
}

/**
 * Opens the data folder: the user's settings, the saved model (bell, businesses, tasks, stats) and
 * the secrets store. Damaged files are set aside, or kept because a newer Lookout wrote them: the
 * user is told either way (`problems`).
 */
export async function openDataFolder(ports: CorePorts, base: CoreBase): Promise<DataFolder> {
  const { clock, logger, paths, settings } = base;
  await mkdir(ports.dataDir, { recursive: true });
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
  return { problems, state, model: state.store, credentials: credentialStore(ports, base) };
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
export function forgetUnconfigured(model: AppModel, configured: ReadonlySet<string>): void {
  const s = model.snapshot();
  const held = new Set([
    ...Object.keys(s.endpoints),
    ...s.tasks.map((t) => t.endpoint),
    ...s.businesses.map((b) => b.endpoint),
    ...s.reservations.map((r) => r.endpoint),
  ]);
  for (const id of held) if (!configured.has(id)) model.removeEndpoint(id);
}
