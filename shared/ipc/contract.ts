import { z } from 'zod';
import type { AppPatch, AppSnapshot } from '../model/app-state';
import {
  MAX_RAW_FRAME_CHARS,
  SUPPORT_ACTIONS,
  type SessionDiagnostics,
  type StateChange,
  type SupportActionResult,
} from '../model/connection';
import type { FrameDetail, FramePage } from '../model/frame-log';
import type { EndpointHealth } from '../model/health';
import type {
  ConnectionCheckReport,
  NotificationCounters,
  NotificationHealth,
  NotificationTraceEntry,
  ProbeResult,
} from '../model/diagnostics';
import { notifyPrefsSchema, type NotifyPrefs } from '../model/notify-prefs';
import {
  appSettingsChangeSchema,
  type AppSettings,
  type HostInfo,
  type UpdateState,
} from '../model/settings';
import type { RendererRecovery } from '../model/recovery';
import {
  endpointSchema,
  type AuthConfig,
  type DialectId,
  type EndpointInput,
} from '../config/endpoint';
import type { StorageProblem } from '../model/storage';
import type { InvokeChannel, PushChannel, SendChannel } from './channels';

export { INVOKE_CHANNELS, PUSH_CHANNELS, SEND_CHANNELS } from './channels';
export type { InvokeChannel, PushChannel, SendChannel } from './channels';

/**
 * The one typed IPC contract between main and renderer. Nothing else names a channel: the names
 * are listed once in `channels.ts` (zod-free, for the preload) and every map here is checked
 * against them. Names are `domain:verb`. Payloads are plain JSON data. Three maps:
 * - `Invoke`: renderer asks, main answers (request validated in main with these schemas).
 * - `Send`: renderer → main, fire-and-forget (payload validated in main).
 * - `Push`: main → renderer.
 * Secrets only ever travel renderer → main (a password typed into sign-in); never back.
 */

export interface EndpointSummary {
  id: string;
  name: string;
  dialect: DialectId;
  /** First URL, redacted. */
  url: string;
  enabled: boolean;
  /** How it authenticates, e.g. `password-jwt as admin@lookout.local`; never the secret. */
  auth: string;
  /** The auth method: `none` endpoints are never offered a sign-in. */
  authMethod: AuthConfig['method'];
  /** Whether a secret is stored for it (not whether the server accepts it: see `EndpointHealth.auth`). */
  hasSecret: boolean;
  subscriptions: string[];
  /** Dialect supports subscribing to task ids chosen at run time (task-status, lookout). */
  watchesTasks: boolean;
  /** The task ids watched (task subscriptions only, as the user typed them; never `dashboard`). */
  watchedTasks: string[];
  /** The embedded demo gateway Lookout starts while no backend is configured (sample data). */
  embedded: boolean;
}

/** Everything the renderer needs for its first paint; pushes follow. */
export interface InitialState {
  app: AppSnapshot;
  connections: SessionDiagnostics[];
  /** Health facets per endpoint (state, delivery, verified auth, causes); pushed on every change. */
  health: EndpointHealth[];
  endpoints: EndpointSummary[];
  prefs: NotifyPrefs;
  settings: AppSettings;
  host: HostInfo;
  /** Problems found in the config files at start-up, in words that say what to do. */
  configProblems: string[];
  notificationHealth: NotificationHealth;
  /** Files in the data folder whose last save failed (empty when every save works). */
  storageProblems: StorageProblem[];
}

export type SaveResult = { ok: true } | { ok: false; errors: string[] };

/**
 * An export from Diagnostics: saved where the user chose (the desktop app's save dialog), not
 * saved (cancelled), or handed to the page to download (the browser host has no dialog of its own).
 */
export type ExportResult =
  | { how: 'saved'; path: string }
  | { how: 'canceled' }
  | { how: 'download'; fileName: string; text: string; mime: string };

const endpointId = z.string().min(1).max(64);
const secret = z.string().min(1).max(8_192);
const empty = z.object({}).strict();

/** Request schemas of every renderer→main call; the main-side gateway validates with these. */
export const invokeRequestSchemas = {
  'app:initial-state': empty,
  'connection:snapshot': empty,
  'endpoints:list': empty,
  /** The stored config of one endpoint (no secrets), for the edit form. */
  'endpoints:get': z.object({ id: endpointId }).strict(),
  /** Add or replace an endpoint; `secret` (password or token) goes to the credential store. */
  'endpoints:save': z
    .object({
      endpoint: endpointSchema,
      secret: secret.optional(),
      /** The Redis probe's password, stored under `endpoint.redisProbe.credentialRef`. */
      redisSecret: secret.optional(),
      /** The proxy's password, stored under `endpoint.proxyAuth.credentialRef`. */
      proxySecret: secret.optional(),
    })
    .strict(),
  'endpoints:remove': z.object({ id: endpointId }).strict(),
  /** Run the connection check against a config that is not saved yet. */
  'endpoints:test': z
    .object({
      endpoint: endpointSchema,
      secret: secret.optional(),
      redisSecret: secret.optional(),
      proxySecret: secret.optional(),
    })
    .strict(),
  /**
   * Sign in to an endpoint: the real login (or, for a token, the upgrade) runs first; only
   * credentials the server accepted are stored, and a refusal comes back in its words.
   */
  'auth:sign-in': z.object({ endpoint: endpointId, secret }).strict(),
  'auth:sign-out': z.object({ endpoint: endpointId }).strict(),
  'diagnostics:check': z.object({ endpoint: endpointId }).strict(),
  'diagnostics:probe': z.object({ endpoint: endpointId }).strict(),
  /** The redacted support bundle as pretty JSON text. */
  'diagnostics:bundle': empty,
  /** Rows of an endpoint's frame log after `after` (all when null), redacted previews. */
  'diagnostics:frames': z
    .object({ endpoint: endpointId, after: z.number().int().nonnegative().nullable() })
    .strict(),
  /** One frame for the inspector: the whole payload (bounded, redacted) and its decode result. */
  'diagnostics:frame': z.object({ endpoint: endpointId, id: z.number().int().positive() }).strict(),
  /**
   * Save the support bundle (with the end of the log file) or one endpoint's session (journal
   * and frames, JSON lines) as a file.
   */
  'diagnostics:export': z.discriminatedUnion('what', [
    z.object({ what: z.literal('bundle') }).strict(),
    z.object({ what: z.literal('session'), endpoint: endpointId }).strict(),
  ]),
  /**
   * A support action on an open connection (ping now, re-subscribe, reconnect, send one raw
   * frame): done now or refused with a reason, never queued; written to the reconnect journal.
   */
  'diagnostics:act': z.discriminatedUnion('action', [
    z
      .object({
        endpoint: endpointId,
        action: z.enum(
          SUPPORT_ACTIONS.filter((a) => a !== 'send') as ['ping', 'resubscribe', 'reconnect'],
        ),
      })
      .strict(),
    z
      .object({
        endpoint: endpointId,
        action: z.literal('send'),
        text: z.string().min(1).max(MAX_RAW_FRAME_CHARS),
      })
      .strict(),
  ]),
  'notifications:trace': z.object({ eventId: z.string().max(512).optional() }).strict(),
  'prefs:set': z.object({ prefs: notifyPrefsSchema }).strict(),
  /** The update feed must be https (`updateFeedProblem`). */
  'settings:set': z.object({ settings: appSettingsChangeSchema }).strict(),
  /** Open the log folder in the OS file manager (Electron) or return its path (browser). */
  'logs:open': empty,
  'tasks:watch': z.object({ endpoint: endpointId, taskId: z.string().min(1).max(200) }).strict(),
  'tasks:unwatch': z.object({ endpoint: endpointId, taskId: z.string().min(1).max(200) }).strict(),
} as const satisfies Record<InvokeChannel, z.ZodType>;

export const sendPayloadSchemas = {
  /** The renderer subscribed to pushes: main may start sending patches. */
  'app:ready': empty,
  /** What the user is looking at (focus-aware notifications). */
  'app:view': z
    .object({
      focused: z.boolean(),
      view: z.string().max(64),
      endpoint: z.string().max(64).optional(),
    })
    .strict(),
  'connection:reconnect': z.object({ endpoint: endpointId.optional() }).strict(),
  'notifications:mark-read': z
    .object({ ids: z.union([z.literal('all'), z.array(z.string().max(512)).max(5_000)]) })
    .strict(),
  /** Pause OS notifications until a time (epoch ms), or resume with null. */
  'notifications:pause': z.object({ until: z.number().int().nonnegative().nullable() }).strict(),
  /** Ask main to push diagnostics every second while the panel is open. */
  'diagnostics:live': z.object({ on: z.boolean() }).strict(),
  /** A render error the error boundary caught, for the log file (bounded; redacted when logged). */
  'app:renderer-error': z
    .object({
      scope: z.string().max(64),
      message: z.string().max(2_000),
      stack: z.string().max(8_000).optional(),
      componentStack: z.string().max(8_000).optional(),
    })
    .strict(),
} as const satisfies Record<SendChannel, z.ZodType>;

export interface InvokeResponses {
  'app:initial-state': InitialState;
  'connection:snapshot': SessionDiagnostics[];
  'endpoints:list': EndpointSummary[];
  'endpoints:get': EndpointInput | null;
  'endpoints:save': SaveResult;
  'endpoints:remove': SaveResult;
  'endpoints:test': ConnectionCheckReport;
  'auth:sign-in': SaveResult;
  'auth:sign-out': SaveResult;
  'diagnostics:check': ConnectionCheckReport;
  'diagnostics:probe': ProbeResult[];
  'diagnostics:bundle': { json: string };
  /** Null when the endpoint has no session (removed or disabled). */
  'diagnostics:frames': FramePage | null;
  /** Null when the frame has left the log (or the endpoint has no session). */
  'diagnostics:frame': FrameDetail | null;
  'diagnostics:act': SupportActionResult;
  'diagnostics:export': ExportResult;
  'notifications:trace': { entries: NotificationTraceEntry[]; counters: NotificationCounters };
  'prefs:set': NotifyPrefs;
  'settings:set': AppSettings;
  'logs:open': { path: string; opened: boolean };
  'tasks:watch': SaveResult;
  'tasks:unwatch': SaveResult;
}

export interface PushPayloads {
  /** Batched model changes (at most a few per second, never one per event). */
  'app:patch': AppPatch;
  'connection:state': StateChange;
  /** One endpoint's health facets changed (state, last outcome, delivery, auth, causes). */
  'connection:health': EndpointHealth;
  /** Fresh diagnostics of every endpoint (while the panel is open, about once a second). */
  'connection:diagnostics': SessionDiagnostics[];
  'endpoints:changed': EndpointSummary[];
  'prefs:changed': NotifyPrefs;
  'settings:changed': AppSettings;
  /** Open a view, e.g. after a click on an OS notification (`businesses/17`, `tasks/abc`, `diagnostics`). */
  'app:navigate': { link: string };
  /** OS notifications stopped (or started again) reaching the desktop. */
  'notifications:health': NotificationHealth;
  /** Automatic update progress (desktop host only). */
  'app:update': UpdateState;
  /** The window was reloaded after its renderer crashed or hung (desktop host only). */
  'app:recovered': RendererRecovery;
  /** Saves failing in the data folder (full disk, read-only folder), or `[]` once they work again. */
  'storage:problems': StorageProblem[];
}

export type InvokeRequest<C extends InvokeChannel> = z.input<(typeof invokeRequestSchemas)[C]>;
export type SendPayload<C extends SendChannel> = z.input<(typeof sendPayloadSchemas)[C]>;

/** True when two key sets are equal; a compile error below means a map drifted from `channels.ts`. */
type SameKeys<A, B> = [A] extends [B] ? ([B] extends [A] ? true : never) : never;
export const channelMapsCovered: [
  SameKeys<keyof typeof invokeRequestSchemas, InvokeChannel>,
  SameKeys<keyof InvokeResponses, InvokeChannel>,
  SameKeys<keyof typeof sendPayloadSchemas, SendChannel>,
  SameKeys<keyof PushPayloads, PushChannel>,
] = [true, true, true, true];

/**
 * The bridge the renderer sees (`window.lookout`), derived from the contract: never hand-synced.
 * Every `on` returns its own unsubscribe.
 */
export interface LookoutBridge {
  invoke<C extends InvokeChannel>(
    channel: C,
    request: InvokeRequest<C>,
  ): Promise<InvokeResponses[C]>;
  send<C extends SendChannel>(channel: C, payload: SendPayload<C>): void;
  on<C extends PushChannel>(channel: C, listener: (payload: PushPayloads[C]) => void): () => void;
}

/** Wire envelope of the browser host's loopback WebSocket (the Electron host uses ipcRenderer). */
export type BridgeWire =
  | { kind: 'invoke'; id: number; channel: string; request: unknown }
  | { kind: 'send'; channel: string; payload: unknown }
  | { kind: 'result'; id: number; ok: true; value: unknown }
  | { kind: 'result'; id: number; ok: false; error: string }
  | { kind: 'push'; channel: string; payload: unknown };
