import { describe, expect, it } from 'vitest';
import type { EndpointConfig } from '../../../shared/config/endpoint';
import type {
  SessionDiagnostics,
  SessionDiagnosticsWithFrames,
  StateChange,
  SupportActionResult,
} from '../../../shared/model/connection';
import type { FramePage } from '../../../shared/model/frame-log';
import type { SessionExport } from '../../../shared/model/session-export';
import type { EndpointHealth } from '../../../shared/model/health';
import type { LiveEvent } from '../../../shared/model/live-event';
import { testEndpoint } from '../../../test/support/endpoint';
import { testEvent } from '../../../test/support/live-event';
import type { SessionEvents } from '../connection/session';
import { TypedEmitter } from '../kernel/typed-emitter';
import { SessionPool, type PooledMonitor, type PooledSession } from './session-pool';

/** A session that only records what the pool asked of it; the test emits its events. */
class FakeSession extends TypedEmitter<SessionEvents> implements PooledSession {
  state: PooledSession['state'] = 'connecting';
  readonly calls: string[] = [];
  readonly dropped: string[] = [];
  constructor(readonly id: string) {
    super();
  }
  start(): void {
    this.calls.push('start');
  }
  async stop(): Promise<void> {
    this.calls.push('stop');
  }
  reconnect(trigger = 'manual'): void {
    this.calls.push(`reconnect:${trigger}`);
  }
  subscribe(channel: string): void {
    this.calls.push(`subscribe:${channel}`);
  }
  unsubscribe(channel: string): void {
    this.calls.push(`unsubscribe:${channel}`);
  }
  noteDropped(event: LiveEvent): void {
    this.dropped.push(event.id);
  }
  diagnostics(): SessionDiagnosticsWithFrames {
    return { endpoint: this.id, frames: [] } as unknown as SessionDiagnosticsWithFrames;
  }
  liveDiagnostics(): SessionDiagnostics {
    return { endpoint: this.id } as SessionDiagnostics;
  }
  async act(action: string): Promise<SupportActionResult> {
    this.calls.push(`act:${action}`);
    return { ok: false, reason: 'fake' };
  }
  framePage(): FramePage {
    return {
      endpoint: this.id,
      firstId: null,
      frames: [],
      connections: [],
      limitBytes: 1,
      usedBytes: 0,
      more: false,
    };
  }
  frameDetail(): null {
    return null;
  }
  exportSession(): SessionExport {
    throw new Error('not exported in these tests');
  }
  fire<E extends keyof SessionEvents>(event: E, payload: SessionEvents[E]): void {
    this.emit(event, payload);
  }
}

class FakeMonitor implements PooledMonitor {
  started = false;
  disposed = false;
  constructor(readonly id: string) {}
  start(): void {
    this.started = true;
  }
  dispose(): void {
    this.disposed = true;
  }
  health(): EndpointHealth {
    return { endpoint: this.id } as EndpointHealth;
  }
  /** Marks what it saw, as the real monitor marks suspect figures. */
  noteEvents(events: readonly LiveEvent[]): LiveEvent[] {
    return events.map((e) => ({ ...e, title: `${e.title} (seen by ${this.id})` }));
  }
}

function pool() {
  const sessions = new Map<string, FakeSession>();
  const monitors = new Map<string, FakeMonitor>();
  const seen = {
    events: [] as LiveEvent[],
    states: [] as StateChange[],
    reopened: [] as string[],
    resets: [] as string[],
    providers: [] as unknown[],
    closed: [] as string[],
  };
  const p = new SessionPool({
    create: (endpoint: EndpointConfig, provider) => {
      seen.providers.push(provider);
      const session = new FakeSession(endpoint.id);
      const monitor = new FakeMonitor(endpoint.id);
      sessions.set(endpoint.id, session);
      monitors.set(endpoint.id, monitor);
      return { session, monitor };
    },
    onEvents: (events) => seen.events.push(...events),
    onState: (change) => seen.states.push(change),
    onReopened: (id) => seen.reopened.push(id),
    onReset: (endpoint, resets) => seen.resets.push(`${endpoint.id}:${resets.length}`),
    onClosed: (id) => seen.closed.push(id),
  });
  return { p, sessions, monitors, seen };
}

const endpoint = (id: string, enabled = true) =>
  testEndpoint({ id, url: `ws://127.0.0.1:1/${id}`, enabled });
const change = (from: StateChange['from'], to: StateChange['to']) =>
  ({ endpoint: 'a', from, to, at: 1, reason: '' }) as StateChange;

describe('SessionPool', () => {
  it('opens enabled endpoints only, starting the monitor and the session', () => {
    const { p, sessions, monitors } = pool();
    p.open(endpoint('a'));
    p.open(endpoint('off', false));
    expect([...sessions.keys()]).toEqual(['a']);
    expect(sessions.get('a')?.calls).toEqual(['start']);
    expect(monitors.get('a')?.started).toBe(true);
    expect(p.stateOf('a')).toBe('connecting');
    expect(p.stateOf('off')).toBe('idle');
  });

  it('passes events through the health monitor before the pipeline', () => {
    const { p, sessions, seen } = pool();
    p.open(endpoint('a'));
    sessions.get('a')?.fire('events', [testEvent('a', 'e1')]);
    expect(seen.events.map((e) => e.title)).toEqual(['e1 (seen by a)']);
  });

  it('reports a reopen after a drop, not the first open nor the end of a stale spell', () => {
    const { p, sessions, seen } = pool();
    p.open(endpoint('a'));
    const s = sessions.get('a')!;
    s.fire('state', change('connecting', 'open'));
    s.fire('state', change('open', 'stale'));
    s.fire('state', change('stale', 'open'));
    expect(seen.reopened).toEqual([]);
    s.fire('state', change('open', 'backing-off'));
    s.fire('state', change('backing-off', 'open'));
    expect(seen.reopened).toEqual(['a']);
    expect(seen.states).toHaveLength(5);
  });

  it('closing forgets the endpoint: monitor disposed, session stopped, the next open is a first', async () => {
    const { p, sessions, monitors, seen } = pool();
    p.open(endpoint('a'));
    sessions.get('a')?.fire('state', change('connecting', 'open'));
    await p.close('a');
    expect(monitors.get('a')?.disposed).toBe(true);
    expect(seen.closed).toEqual(['a']);
    expect(sessions.get('a')?.calls).toEqual(['start', 'stop']);
    expect(p.session('a')).toBeUndefined();
    p.open(endpoint('a'));
    sessions.get('a')?.fire('state', change('connecting', 'open'));
    expect(seen.reopened).toEqual([]);
  });

  it('reuses a signed-in provider, reconnects one or all, and routes drops to their session', async () => {
    const { p, sessions, seen } = pool();
    const provider = { getCredentials: async () => ({ token: 't' }) };
    p.open(endpoint('a'), provider);
    p.open(endpoint('b'));
    expect(seen.providers).toEqual([provider, undefined]);
    p.reconnect('a');
    p.reconnect();
    expect(sessions.get('a')?.calls).toEqual(['start', 'reconnect:manual', 'reconnect:manual']);
    expect(sessions.get('b')?.calls).toEqual(['start', 'reconnect:manual']);
    p.noteDropped(testEvent('b', 'late'), 'duplicate');
    expect(sessions.get('b')?.dropped).toEqual(['late']);
    expect(p.diagnostics().map((d) => d.endpoint)).toEqual(['a', 'b']);
    expect(p.health().map((h) => h.endpoint)).toEqual(['a', 'b']);
    await p.closeAll();
    expect(p.diagnostics()).toEqual([]);
  });
});
