import type {
  EndpointSummary,
  ExportResult,
  InvokeRequest,
  SaveResult,
} from '../../../shared/ipc/contract';
import type {
  SessionDiagnostics,
  StateChange,
  SupportActionResult,
} from '../../../shared/model/connection';
import type { FrameDetail, FramePage } from '../../../shared/model/frame-log';
import type {
  ConnectionCheckReport,
  ProbeResult,
  NotificationHealth,
} from '../../../shared/model/diagnostics';
import type { EndpointHealth } from '../../../shared/model/health';
import type { HostInfo } from '../../../shared/model/settings';
import type { StorageProblem } from '../../../shared/model/storage';
import type { SliceCreator } from './slice-types';

/** An async result the UI shows with loading / error / done states. */
export type Pending<T> =
  | { status: 'running'; startedAt: number }
  | { status: 'done'; value: T }
  | { status: 'error'; message: string };

export interface ConnectionsSlice {
  /** Diagnostics per endpoint id (full detail; pushed every second only while Diagnostics is open). */
  connections: Record<string, SessionDiagnostics>;
  /**
   * Health facets per endpoint id (state, last outcome, delivery, verified auth, causes): pushed on
   * every change, so banners, the header, Settings and the tray are never stale.
   */
  health: Record<string, EndpointHealth>;
  endpoints: EndpointSummary[];
  host: HostInfo | null;
  configProblems: string[];
  /** Whether OS notifications reach the desktop (a banner says so when they do not). */
  notificationHealth: NotificationHealth | null;
  /** Files in the data folder whose saves are failing (a banner says so until they work again). */
  storageProblems: StorageProblem[];
  checks: Record<string, Pending<ConnectionCheckReport>>;
  probes: Record<string, Pending<ProbeResult[]>>;
  /** Endpoint whose sign-in dialog is open. */
  signInFor: string | null;
  setEndpoints(list: EndpointSummary[]): void;
  openSignIn(endpoint: string | null): void;
  signIn(endpoint: string, secret: string): Promise<SaveResult>;
  signOut(endpoint: string): Promise<SaveResult>;
  reconnect(endpoint?: string): void;
  runCheck(endpoint: string): Promise<void>;
  runProbes(endpoint: string): Promise<void>;
  /** Ask main to push diagnostics every second (only while the panel is visible). */
  setDiagnosticsLive(on: boolean): void;
  supportBundle(): Promise<string>;
  /** Rows of an endpoint's frame log after `after` (all when null); null when it has no session. */
  framePage(endpoint: string, after: number | null): Promise<FramePage | null>;
  /** One frame for the inspector; null when it has left the log. */
  frameDetail(endpoint: string, id: number): Promise<FrameDetail | null>;
  /** A support action (ping now, re-subscribe, reconnect, send a raw frame): done or refused. */
  act(request: InvokeRequest<'diagnostics:act'>): Promise<SupportActionResult>;
  /** Save the support bundle or a session as a file (desktop: a dialog; browser: a download). */
  exportFile(request: InvokeRequest<'diagnostics:export'>): Promise<ExportResult>;
}

/** A list of per-endpoint records → map by endpoint id. */
export function byEndpoint<T extends { endpoint: string }>(list: readonly T[]): Record<string, T> {
  const out: Record<string, T> = {};
  for (const d of list) out[d.endpoint] = d;
  return out;
}

/** Fold a state change into the endpoint's diagnostics (the full diagnostics come less often). */
export function withStateChange(
  connections: Record<string, SessionDiagnostics>,
  change: StateChange,
): Record<string, SessionDiagnostics> {
  const before = connections[change.endpoint];
  if (!before) return connections;
  return {
    ...connections,
    [change.endpoint]: {
      ...before,
      state: change.to,
      since: change.at,
      stale: change.to === 'stale',
      timeline: [...before.timeline, change].slice(-200),
    },
  };
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export const createConnectionsSlice: SliceCreator<ConnectionsSlice> = (set, get) => {
  const bridgeOrThrow = () => {
    const bridge = get().bridge;
    if (!bridge) throw new Error('Not connected to the Lookout core yet.');
    return bridge;
  };
  return {
    connections: {},
    health: {},
    endpoints: [],
    host: null,
    configProblems: [],
    notificationHealth: null,
    storageProblems: [],
    checks: {},
    probes: {},
    signInFor: null,
    setEndpoints: (list) => set({ endpoints: list }),
    openSignIn: (endpoint) => set({ signInFor: endpoint }),
    signIn: async (endpoint, secret) => {
      try {
        const result = await bridgeOrThrow().invoke('auth:sign-in', { endpoint, secret });
        if (result.ok) set({ signInFor: null });
        return result;
      } catch (err) {
        return { ok: false, errors: [errorText(err)] };
      }
    },
    signOut: async (endpoint) => {
      try {
        return await bridgeOrThrow().invoke('auth:sign-out', { endpoint });
      } catch (err) {
        return { ok: false, errors: [errorText(err)] };
      }
    },
    reconnect: (endpoint) =>
      get().bridge?.send('connection:reconnect', endpoint ? { endpoint } : {}),
    runCheck: async (endpoint) => {
      set((s) => ({
        checks: { ...s.checks, [endpoint]: { status: 'running', startedAt: Date.now() } },
      }));
      let result: Pending<ConnectionCheckReport>;
      try {
        result = {
          status: 'done',
          value: await bridgeOrThrow().invoke('diagnostics:check', { endpoint }),
        };
      } catch (err) {
        result = { status: 'error', message: errorText(err) };
      }
      set((s) => ({ checks: { ...s.checks, [endpoint]: result } }));
    },
    runProbes: async (endpoint) => {
      set((s) => ({
        probes: { ...s.probes, [endpoint]: { status: 'running', startedAt: Date.now() } },
      }));
      let result: Pending<ProbeResult[]>;
      try {
        result = {
          status: 'done',
          value: await bridgeOrThrow().invoke('diagnostics:probe', { endpoint }),
        };
      } catch (err) {
        result = { status: 'error', message: errorText(err) };
      }
      set((s) => ({ probes: { ...s.probes, [endpoint]: result } }));
    },
    setDiagnosticsLive: (on) => get().bridge?.send('diagnostics:live', { on }),
    supportBundle: async () => (await bridgeOrThrow().invoke('diagnostics:bundle', {})).json,
    framePage: (endpoint, after) =>
      bridgeOrThrow().invoke('diagnostics:frames', { endpoint, after }),
    frameDetail: (endpoint, id) => bridgeOrThrow().invoke('diagnostics:frame', { endpoint, id }),
    act: (request) => bridgeOrThrow().invoke('diagnostics:act', request),
    exportFile: (request) => bridgeOrThrow().invoke('diagnostics:export', request),
  };
};
