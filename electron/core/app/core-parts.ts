/**
 * `CoreParts`: every piece of a started core, as the composition hands them to the IPC handlers;
 * and where the core keeps its files.
 */
import type { AppSettings, HostInfo } from '../../../shared/model/settings';
import type { Clock, Logger } from '../kernel/ports';
import type { Redactor } from '../kernel/redact';
import type { IncidentNotifier } from '../notify/incident-notifier';
import type { NotificationService } from '../notify/notification-service';
import type { Network } from '../transport/network';
import type { NotifyPolicy, PolicyContext } from '../notify/notify-policy';
import type { AppModel } from '../state/app-model';
import type { CredentialStore } from '../state/credential-store';
import type { StorageHealth } from '../state/storage-health';
import type { CorePorts } from './core-api';
import type { DemoGateway } from './demo-endpoint';
import type { DiagnosticsFeed } from './diagnostics-feed';
import type { EndpointChecks } from './endpoint-checks';
import type { EndpointRegistry } from './endpoint-registry';
import type { IngestPipeline } from './ingest-pipeline';
import type { ModelFeed } from './model-feed';
import type { NotificationHealthTracker } from './notification-health';
import type { PushBus } from './push-bus';
import type { SessionPool } from './session-pool';
import type { TrayPublisher } from './tray-publisher';
import type { UserSettings } from './user-settings';

/** Where the core keeps its files. */
export interface CorePaths {
  dataDir: string;
  endpoints: string;
  settings: string;
  prefs: string;
  state: string;
  secrets: string;
  logs: string;
}

/**
 * Every piece of a started core, built once by the composition (`compose/compose-core.ts`) and
 * handed to the IPC handlers, which use what their domain needs. Nothing here builds anything.
 */
export interface CoreParts {
  clock: Clock;
  logger: Logger;
  redactor: Redactor;
  paths: CorePaths;
  host: Pick<CorePorts, 'openPath' | 'saveFile'>;
  /** The redacted log file's last bytes, for the support bundle. */
  logTail(maxBytes: number): { text: string; bytes: number };
  model: AppModel;
  credentials: CredentialStore;
  endpoints: EndpointRegistry;
  sessions: SessionPool;
  ingest: IngestPipeline;
  feed: ModelFeed;
  tray: TrayPublisher;
  settings: UserSettings;
  policy: NotifyPolicy;
  notifications: NotificationService;
  /** Connection incidents (down, deaf, sign-in needed past a threshold) as notifications. */
  incidents: IncidentNotifier;
  network: Network;
  notificationHealth: NotificationHealthTracker;
  storage: StorageHealth;
  checks: EndpointChecks;
  demo: DemoGateway;
  diagnostics: DiagnosticsFeed;
  push: PushBus;
  /** The user's settings were saved: the host applies its part of them. */
  settingsChanged(settings: AppSettings): void;
  /** What the window shows now, for the notification policy (focus, the view on screen). */
  setView(context: PolicyContext): void;
  hostInfo(): HostInfo;
}
