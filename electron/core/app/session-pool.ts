/** `SessionPool`: the open sessions, one per enabled endpoint, with their health monitors. */
import type { EndpointConfig } from '../../../shared/config/endpoint';
import type {
  ChannelReset,
  ConnectionState,
  SessionDiagnostics,
  SessionDiagnosticsWithFrames,
  StateChange,
} from '../../../shared/model/connection';
import type { EndpointHealth } from '../../../shared/model/health';
import type { LiveEvent } from '../../../shared/model/live-event';
import type { Session } from '../connection/session';
import type { CredentialProvider } from '../kernel/ports';
import type { EndpointHealthMonitor } from './endpoint-health';

/** One endpoint's session as the pool drives it (a real `Session`, or a fake in unit tests). */
export type PooledSession = Pick<
  Session,
  | 'state'
  | 'on'
  | 'start'
  | 'stop'
  | 'reconnect'
  | 'subscribe'
  | 'unsubscribe'
  | 'noteDropped'
  | 'diagnostics'
  | 'liveDiagnostics'
  | 'act'
  | 'framePage'
  | 'frameDetail'
  | 'exportSession'
>;

/** One endpoint's health monitor as the pool drives it. */
export type PooledMonitor = Pick<
  EndpointHealthMonitor,
  'start' | 'dispose' | 'health' | 'noteEvents'
>;

/** What runs for one endpoint while it is open. */
export interface EndpointRuntime {
  session: PooledSession;
  monitor: PooledMonitor;
}

export interface SessionPoolOptions {
  /**
   * Builds the session and health monitor of one endpoint. `provider`: credentials that already
   * signed in (the sign-in dialog's verified login), to reuse instead of signing in again.
   */
  create(endpoint: EndpointConfig, provider?: CredentialProvider): EndpointRuntime;
  /** Events of one session, marked by its health monitor, on their way to the model. */
  onEvents(events: LiveEvent[]): void;
  onState(change: StateChange): void;
  /** A session opened again after a drop (not after a stale spell): its replay becomes one digest. */
  onReopened(endpointId: string): void;
  onReset(endpoint: EndpointConfig, resets: ChannelReset[]): void;
  /** The endpoint's session closed (removed, restarted, or the core stops). */
  onClosed(endpointId: string): void;
}

/**
 * The open sessions, one per enabled endpoint, with their health monitors: opens and closes them,
 * wires their events to the pipeline, and answers what the views ask of all of them at once.
 */
export class SessionPool {
  private readonly runtimes = new Map<string, EndpointRuntime>();
  /** Endpoints whose session has been open before: a later open is a reopen. */
  private readonly wasOpen = new Set<string>();

  constructor(private readonly o: SessionPoolOptions) {}

  /** Opens the endpoint's session (nothing for a disabled endpoint). */
  open(endpoint: EndpointConfig, provider?: CredentialProvider): void {
    if (!endpoint.enabled) return;
    const runtime = this.o.create(endpoint, provider);
    const { session, monitor } = runtime;
    // Before the model sees them: suspect figures are marked while the backend is degraded.
    session.on('events', (events) => this.o.onEvents(monitor.noteEvents(events)));
    session.on('state', (change) => {
      if (change.to === 'open') {
        if (this.wasOpen.has(endpoint.id) && change.from !== 'stale')
          this.o.onReopened(endpoint.id);
        this.wasOpen.add(endpoint.id);
      }
      this.o.onState(change);
    });
    session.on('reset', (resets) => this.o.onReset(endpoint, resets));
    this.runtimes.set(endpoint.id, runtime);
    monitor.start();
    session.start();
  }

  async close(id: string): Promise<void> {
    const runtime = this.runtimes.get(id);
    this.runtimes.delete(id);
    this.wasOpen.delete(id);
    runtime?.monitor.dispose();
    this.o.onClosed(id);
    await runtime?.session.stop();
  }

  async closeAll(): Promise<void> {
    await Promise.all([...this.runtimes.keys()].map((id) => this.close(id)));
  }

  session(id: string): PooledSession | undefined {
    return this.runtimes.get(id)?.session;
  }

  stateOf(id: string): ConnectionState {
    return this.runtimes.get(id)?.session.state ?? 'idle';
  }

  healthOf(id: string): EndpointHealth | undefined {
    return this.runtimes.get(id)?.monitor.health();
  }

  /** Reconnect one endpoint's session now, or every session when no id is given. */
  reconnect(id?: string): void {
    if (id !== undefined) this.runtimes.get(id)?.session.reconnect('manual');
    else for (const { session } of this.runtimes.values()) session.reconnect('manual');
  }

  noteDropped(event: LiveEvent, reason: Parameters<PooledSession['noteDropped']>[1]): void {
    this.runtimes.get(event.endpoint)?.session.noteDropped(event, reason);
  }

  /** Every session's diagnostics with its newest frame log rows (the support bundle). */
  diagnostics(): SessionDiagnosticsWithFrames[] {
    return [...this.runtimes.values()].map((r) => r.session.diagnostics());
  }

  /** Every session's diagnostics without frame log rows (the live push, the renderer's snapshots). */
  liveDiagnostics(): SessionDiagnostics[] {
    return [...this.runtimes.values()].map((r) => r.session.liveDiagnostics());
  }

  health(): EndpointHealth[] {
    return [...this.runtimes.values()].map((r) => r.monitor.health());
  }
}
