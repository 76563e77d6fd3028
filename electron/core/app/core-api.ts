import type { QuietState } from '../../../shared/model/pause-presets';
import type {
  InvokeChannel,
  InvokeRequest,
  InvokeResponses,
  PushChannel,
  PushPayloads,
  SendChannel,
  SendPayload,
} from '../../../shared/ipc/contract';
import type { AppSettings } from '../../../shared/model/settings';
import type { Clock, Logger, Scheduler, SecretSink, SystemEvents } from '../kernel/ports';
import type { DndReading } from '../../../shared/model/diagnostics';
import type { Notifier } from '../notify/notifier';
import type { CredentialStore, SecretCipher } from '../state/credential-store';

/**
 * The API both hosts (Electron desktop, Node browser host) wire to: one `LookoutCore` per app.
 * The hosts only translate: IPC ↔ `invoke`/`send`/`onPush`, OS events ↔ `SystemEvents`, tray ↔
 * `trayModel`. Everything else lives in the core and runs in plain Node.
 */

/** Where the OS-specific pieces come from; each host supplies its own. */
export interface CorePorts {
  /** Folder for endpoints.json, settings.json, prefs.json, state.json, secrets. */
  dataDir: string;
  /** Folder for the log file; `<dataDir>/logs` when absent (macOS: `~/Library/Logs/Lookout`). */
  logsDir?: string;
  notifier: Notifier;
  /** Reads the OS's do-not-disturb where the notifier cannot (default: GNOME's show-banners). */
  readDoNotDisturb?: () => Promise<DndReading>;
  /** Cipher for secrets at rest (Electron safeStorage); absent → secrets kept in memory only. */
  secretCipher?: SecretCipher;
  /**
   * Where secrets live when the host has its own store (the browser host: the desktop's Secret
   * Service, or memory with the reason); made with the core's redactor and log. Wins over
   * `secretCipher`.
   */
  credentialStore?: (deps: {
    sink: SecretSink;
    logger: Logger;
    /** Reports a failed (or a working again) save as the `secrets` storage problem. */
    onSaved: (result: { ok: true } | { ok: false; error: string }) => void;
  }) => CredentialStore;
  logger?: Logger;
  clock?: Clock;
  random?: () => number;
  /** Runs the ingest pipeline's queued work once per burst; the next event-loop turn when absent. */
  schedule?: Scheduler;
  system?: SystemEvents;
  /** Starts the embedded demo gateway when no endpoint is configured; returns its base URLs and a demo login. */
  embeddedGateway?: () => Promise<EmbeddedGateway>;
  /** Opens a folder or file in the OS (Electron shell.openPath); absent in the browser host. */
  openPath?: (path: string) => Promise<boolean>;
  /**
   * Asks where to save a file (Electron's save dialog) and writes it; resolves with the path, or
   * null when the user cancelled. Absent in the browser host, where the page downloads it.
   */
  saveFile?: (suggestedName: string, text: string) => Promise<string | null>;
  appVersion: string;
  hostKind: 'electron' | 'browser';
  /** How the host's system proxies and trusts (Electron session / environment); direct when absent. */
  network?: NetworkPorts;
}

import type { NetworkPorts } from '../transport/network';

export type { SecretCipher } from '../state/credential-store';

export interface EmbeddedGateway {
  wsUrl: string;
  httpUrl: string;
  username: string;
  password: string;
  stop(): Promise<void>;
}

/** Connection health summarised for the tray icon. */
export type TrayHealth = 'ok' | 'degraded' | 'disconnected' | 'sign-in';

export interface TrayModel {
  health: TrayHealth;
  unread: number;
  /** Tooltip: "Lookout: 3 endpoints connected, 2 unread". */
  tooltip: string;
  /** Paused by the user (the menu offers Resume). */
  notificationsPaused: boolean;
  pausedUntil: number | null;
  /** Why notifications are held now (paused, quiet hours, turned off), or null: the icon shows it. */
  quiet: QuietState | null;
}

export type PushListener = <C extends PushChannel>(channel: C, payload: PushPayloads[C]) => void;

export interface LookoutCoreApi {
  /**
   * The core's logger: the redacted, rotating log file the user can open, teed to the host's
   * logger. Hosts write their own faults here (e.g. the last-resort handler) so support sees them.
   */
  readonly log: Logger;
  start(): Promise<void>;
  stop(): Promise<void>;
  /**
   * A request from the renderer, exactly as it arrived: the core checks it against the shared
   * contract (the one place IPC is validated) and throws an `IpcRejectedError` for an unknown
   * channel or an invalid payload; hosts only check who is talking.
   */
  invoke<C extends InvokeChannel>(
    channel: C,
    request: InvokeRequest<C>,
  ): Promise<InvokeResponses[C]>;
  /** A fire-and-forget message from the renderer, checked the same way; false when refused. */
  send<C extends SendChannel>(channel: C, payload: SendPayload<C>): boolean;
  /** Main → renderer pushes; returns unsubscribe. */
  onPush(listener: PushListener): () => void;
  trayModel(): TrayModel;
  onTrayChange(listener: (model: TrayModel) => void): () => void;
  /** The user's settings changed (saved): the host applies what is its own (tray, login item, updates). */
  onSettingsChanged(listener: (settings: AppSettings) => void): () => void;
  /** A click on an OS notification: the host focuses the window; the core pushes `app:navigate`. */
  notificationClicked(link: string | undefined): void;
  reconnectAll(): void;
  pauseNotifications(until: number | null): void;
}
