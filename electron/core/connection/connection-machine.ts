import type {
  AttemptOutcome,
  AttemptTrigger,
  ConnectionState,
} from '../../../shared/model/connection';
import { jitteredDelay, nextFailureCount, type BackoffOptions } from './backoff';
import type { LocalEnding } from './close-policy';
import type { RandomSource } from '../kernel/ports';

/**
 * The connection state machine of one session, as data and one pure decision function:
 * `decide(state, input)` returns the next state and the effects the shell (session + reconnect
 * driver) executes. No sockets, timers or events in here: every rule is testable with plain values.
 */

/** Every state change the session may announce; anything else is refused. Read by the tests. */
export const TRANSITIONS: Readonly<Record<ConnectionState, readonly ConnectionState[]>> = {
  idle: ['connecting', 'stopped'],
  connecting: ['open', 'backing-off', 'auth-required', 'stopped'],
  open: ['stale', 'connecting', 'backing-off', 'auth-required', 'stopped'],
  stale: ['open', 'connecting', 'backing-off', 'auth-required', 'stopped'],
  'backing-off': ['connecting', 'stopped'],
  'auth-required': ['connecting', 'stopped'],
  stopped: ['connecting'],
};

/** Whether the table allows announcing `from → to`. */
export function canTransition(from: ConnectionState, to: ConnectionState): boolean {
  return TRANSITIONS[from].includes(to);
}

/** After this many immediate retries in a row without a stable connection, fall back to the backoff. */
export const MAX_IMMEDIATE_RETRIES = 3;

/**
 * Where the session is, finer than the announced state: `waiting` is the gap before an attempt
 * (announced as `backing-off` only when it has a delay), `credentials` the fetch before the socket.
 */
export type Phase =
  | 'idle'
  | 'waiting'
  | 'credentials'
  | 'connecting'
  | 'open'
  | 'stale'
  | 'auth-required'
  | 'stopped';

/** An ending the session causes itself, with the trigger of the attempt that follows it. */
export type SessionEnding = LocalEnding & { trigger?: AttemptTrigger };

/** Everything the machine decides from; replaced, never mutated. */
export interface MachineState {
  readonly phase: Phase;
  /** The last announced state (what `state` events said). */
  readonly announced: ConnectionState;
  /** Started and not stopped by the user or the app (a policy stop keeps it running). */
  readonly running: boolean;
  /** Number of the current (or next) attempt: results of older ones are ignored. */
  readonly attempt: number;
  readonly trigger: AttemptTrigger;
  /** The delay waited before the current (or next) attempt. */
  readonly delayMs: number;
  /** The next credentials fetch must renew them (the server refused or may have refused them). */
  readonly forceRefresh: boolean;
  /**
   * Credentials were renewed during the current incident (from the first failure until a stable
   * connection): the server may make Lookout sign in again by itself once, never in a loop.
   */
  readonly renewedThisIncident: boolean;
  readonly immediateRetries: number;
  /** Consecutive failures counted by the backoff since the last stable connection. */
  readonly failures: number;
  readonly urlIndex: number;
  /** Set when the session itself ends the socket, so the ending is explained in its own words. */
  readonly ending: SessionEnding | null;
}

/** What the machine is told: calls from the owner, and facts from the shell. */
export type MachineInput =
  | { type: 'start' }
  | { type: 'stop' }
  | { type: 'reconnect'; trigger: AttemptTrigger }
  | { type: 'wake'; trigger: 'network-online' | 'resume' }
  /** The wait before attempt `attempt` is over. */
  | { type: 'wait-elapsed'; attempt: number }
  | { type: 'credentials-ok'; attempt: number }
  /** `userMustAct`: only the user can fix it (nothing stored, or refused): ask, do not retry. */
  | { type: 'credentials-failed'; attempt: number; userMustAct: boolean; reason: string }
  /** The socket opened; `url` is already redacted. */
  | { type: 'opened'; url: string }
  /** The socket of the current attempt closed, classified by the close policy. */
  | { type: 'ended'; outcome: AttemptOutcome }
  /** The connection stayed open for `stableAfterMs`: the incident is over. */
  | { type: 'stable' }
  /** No data for `silentMs` although open (liveness): re-subscribe. */
  | { type: 'stale'; silentMs: number }
  | { type: 'data-resumed' }
  /** The session ends the socket itself (dead peer, still stale, no answer after waking). */
  | { type: 'end-socket'; ending: SessionEnding; how: 'close' | 'terminate'; reason?: string };

/** What the shell does for the machine, in order. */
export type Effect =
  | { type: 'announce'; from: ConnectionState; to: ConnectionState; reason: string }
  /** The one reconnect loop: wait `ms` on the clock, then feed `wait-elapsed`. */
  | { type: 'schedule-attempt'; attempt: number; ms: number }
  | { type: 'cancel-wait' }
  | { type: 'fetch-credentials'; attempt: number; forceRefresh: boolean }
  | { type: 'open-socket'; attempt: number; urlIndex: number }
  | { type: 'close-socket'; how: 'close' | 'terminate'; code?: number; reason?: string }
  /** Send the dialect's opening frames and every subscription, start liveness, arm `stable`. */
  | { type: 'begin-connection' }
  | { type: 'resubscribe' }
  /** After waking with an open socket: ping now and end the socket if no answer comes soon. */
  | { type: 'probe-after-wake' };

/** What the machine needs beyond its state: settings and the random source of the jitter. */
export interface MachineContext {
  backoff: BackoffOptions;
  urlCount: number;
  random: RandomSource;
}

export interface Decision {
  state: MachineState;
  effects: Effect[];
}

/** Ends the session causes itself, with the words the diagnostics panel shows. */
export const LOCAL_ENDINGS = {
  manual: { meaning: 'Reconnect requested.', action: 'retry-now' },
  stale: {
    meaning:
      'Open but no data within the staleness window, even after re-subscribing (pongs and acks do not count).',
    action: 'retry-now',
  },
  stopping: { meaning: 'Stopped by the user or the app.', action: 'stop' },
} satisfies Record<string, LocalEnding>;

export function initialMachine(): MachineState {
  return {
    phase: 'idle',
    announced: 'idle',
    running: false,
    attempt: 0,
    trigger: 'start',
    delayMs: 0,
    forceRefresh: false,
    renewedThisIncident: false,
    immediateRetries: 0,
    failures: 0,
    urlIndex: 0,
    ending: null,
  };
}

/** The decision function: the next state and the effects, for one input. Pure. */
export function decide(state: MachineState, input: MachineInput, ctx: MachineContext): Decision {
  const d = new Builder(state);
  switch (input.type) {
    case 'start':
      if (state.running) return d.done();
      d.set({ running: true });
      return d.schedule(0, 'start').done();
    case 'stop': {
      const hasSocket = ['connecting', 'open', 'stale'].includes(state.phase);
      d.set({
        running: false,
        phase: 'stopped',
        ending: hasSocket ? LOCAL_ENDINGS.stopping : null,
      });
      d.effect({ type: 'cancel-wait' });
      if (hasSocket)
        d.effect({ type: 'close-socket', how: 'close', code: 1000, reason: 'client stopping' });
      return d.announce('stopped', 'Stopped by the user or the app.').done();
    }
    case 'reconnect':
      if (!state.running) return decide(state, { type: 'start' }, ctx);
      d.set({ renewedThisIncident: false });
      switch (state.phase) {
        case 'waiting':
          return d.attemptNow(input.trigger).done();
        case 'auth-required':
        case 'stopped':
          return d.schedule(0, input.trigger).done();
        case 'open':
        case 'stale':
          return d
            .endSocket({ ...LOCAL_ENDINGS.manual, trigger: input.trigger }, 'close', 'reconnecting')
            .done();
        default:
          // Fetching credentials or connecting: that attempt decides what follows.
          return d.done();
      }
    case 'wake':
      if (!state.running) return d.done();
      if (state.phase === 'waiting' && state.delayMs > 0) return d.attemptNow(input.trigger).done();
      if (input.trigger === 'resume' && (state.phase === 'open' || state.phase === 'stale'))
        d.effect({ type: 'probe-after-wake' });
      return d.done();
    case 'wait-elapsed':
      if (!state.running || state.phase !== 'waiting' || input.attempt !== state.attempt)
        return d.done();
      return d.beginAttempt().done();
    case 'credentials-ok':
      if (state.phase !== 'credentials' || input.attempt !== state.attempt) return d.done();
      // A new socket: no ending decided for an older one applies to it.
      d.set({ phase: 'connecting', forceRefresh: false, ending: null });
      d.effect({ type: 'open-socket', attempt: state.attempt, urlIndex: state.urlIndex });
      return d.done();
    case 'credentials-failed':
      if (state.phase !== 'credentials' || input.attempt !== state.attempt) return d.done();
      if (input.userMustAct) {
        d.set({ phase: 'auth-required' });
        return d.announce('auth-required', input.reason).done();
      }
      return d.schedule(d.draw(ctx), 'backoff').done();
    case 'opened':
      if (state.phase !== 'connecting') return d.done();
      d.set({ phase: 'open' });
      d.announce('open', `Connected to ${input.url}.`);
      d.effect({ type: 'begin-connection' });
      return d.done();
    case 'ended':
      return afterEnding(d, state, input.outcome, ctx).done();
    case 'stable':
      if (state.phase !== 'open' && state.phase !== 'stale') return d.done();
      d.set({ failures: 0, immediateRetries: 0, renewedThisIncident: false });
      return d.done();
    case 'stale':
      if (state.phase !== 'open') return d.done();
      d.set({ phase: 'stale' });
      d.announce('stale', `No data for ${formatMs(input.silentMs)}: re-subscribing.`);
      d.effect({ type: 'resubscribe' });
      return d.done();
    case 'data-resumed':
      if (state.phase !== 'stale') return d.done();
      d.set({ phase: 'open' });
      return d.announce('open', 'Data is flowing again.').done();
    case 'end-socket':
      if (state.phase !== 'open' && state.phase !== 'stale') return d.done();
      return d.endSocket(input.ending, input.how, input.reason).done();
  }
}

/** The close policy's action applied: when and how the next attempt runs, or why none does. */
function afterEnding(
  d: Builder,
  state: MachineState,
  outcome: AttemptOutcome,
  ctx: MachineContext,
): Builder {
  const ending = state.ending;
  d.set({ ending: null });
  if (!state.running || !['connecting', 'open', 'stale'].includes(state.phase)) return d;
  const wasOpen = state.phase === 'open' || state.phase === 'stale';
  const failover = !wasOpen && ctx.urlCount > 1;
  if (failover) d.set({ urlIndex: (state.urlIndex + 1) % ctx.urlCount });
  const trigger: AttemptTrigger = ending?.trigger ?? (failover ? 'failover' : 'backoff');
  switch (outcome.action) {
    case 'retry-now': {
      const immediateRetries = state.immediateRetries + 1;
      d.set({ immediateRetries });
      return immediateRetries <= MAX_IMMEDIATE_RETRIES
        ? d.schedule(0, trigger)
        : d.schedule(d.draw(ctx), 'backoff');
    }
    case 'back-off':
      return d.schedule(d.draw(ctx), trigger);
    case 'refresh-token':
    case 'sign-in':
      // With stored credentials Lookout signs in again by itself, once per incident; only a
      // refusal of the renewed credentials asks the user.
      if (state.renewedThisIncident) {
        d.set({ phase: 'auth-required' });
        return d.announce(
          'auth-required',
          `Sign-in refused: the server refused the credentials even after signing in again (${outcome.meaning})`,
        );
      }
      d.set({ renewedThisIncident: true, forceRefresh: true });
      return d.schedule(0, 'token-refreshed');
    case 'reauth-once': {
      // Ambiguous (django's 500: expired session, its Redis down, or a wrong path): renew the
      // credentials once per incident in case they are the cause, and keep backing off either way.
      const delay = d.draw(ctx);
      if (state.renewedThisIncident) return d.schedule(delay, trigger);
      d.set({ renewedThisIncident: true, forceRefresh: true });
      return d.schedule(delay, 'token-refreshed');
    }
    case 'stop':
      d.set({ phase: 'stopped' });
      return d.announce('stopped', `Stopped: ${outcome.meaning}`);
  }
}

/** Accumulates one decision: the state so far and the effects in order. */
class Builder {
  private readonly effects: Effect[] = [];
  constructor(private state: MachineState) {}

  set(patch: Partial<MachineState>): this {
    this.state = { ...this.state, ...patch };
    return this;
  }

  effect(effect: Effect): this {
    this.effects.push(effect);
    return this;
  }

  /** Announce a state; the same state again is no news. */
  announce(to: ConnectionState, reason: string): this {
    const from = this.state.announced;
    if (from === to) return this;
    if (!canTransition(from, to)) throw new Error(`refused transition ${from} → ${to}`);
    this.set({ announced: to });
    return this.effect({ type: 'announce', from, to, reason });
  }

  /** A backoff delay: full jitter from the random source; counts a failure. */
  draw(ctx: MachineContext): number {
    const delay = jitteredDelay(ctx.backoff, this.state.failures, ctx.random());
    this.set({ failures: nextFailureCount(this.state.failures) });
    return delay;
  }

  /** The next attempt after `ms` (announced as backing off when there is a delay). */
  schedule(ms: number, trigger: AttemptTrigger): this {
    const attempt = this.state.attempt + 1;
    this.set({ phase: 'waiting', attempt, delayMs: ms, trigger });
    if (ms > 0)
      this.announce('backing-off', `Waiting ${formatMs(ms)} before reconnecting (${trigger}).`);
    return this.effect({ type: 'schedule-attempt', attempt, ms });
  }

  /** Cut a wait short: the attempt runs now with `trigger` (its waited delay is kept on record). */
  attemptNow(trigger: AttemptTrigger): this {
    this.effect({ type: 'cancel-wait' });
    this.set({ attempt: this.state.attempt + 1, trigger });
    return this.beginAttempt();
  }

  beginAttempt(): this {
    this.set({ phase: 'credentials' });
    this.announce('connecting', describeTrigger(this.state.trigger));
    return this.effect({
      type: 'fetch-credentials',
      attempt: this.state.attempt,
      forceRefresh: this.state.forceRefresh,
    });
  }

  endSocket(ending: SessionEnding, how: 'close' | 'terminate', reason?: string): this {
    this.set({ ending });
    return this.effect({
      type: 'close-socket',
      how,
      ...(how === 'close' ? { code: 1000 } : {}),
      ...(reason ? { reason } : {}),
    });
  }

  done(): Decision {
    return { state: this.state, effects: this.effects };
  }
}

/** The reason announced with `connecting`, by what started the attempt. */
export function describeTrigger(trigger: AttemptTrigger): string {
  switch (trigger) {
    case 'start':
      return 'Connecting.';
    case 'backoff':
      return 'Reconnecting after backoff.';
    case 'network-online':
      return 'Network is back: reconnecting now.';
    case 'resume':
      return 'The machine woke up: reconnecting now.';
    case 'manual':
      return 'Reconnect requested.';
    case 'stale':
      return 'Reconnecting a silent connection.';
    case 'dead-peer':
      return 'Reconnecting after the server stopped answering.';
    case 'token-refreshed':
      return 'Reconnecting with renewed credentials (signed in again).';
    case 'failover':
      return 'Trying the next server URL.';
  }
}

/** A duration for people: "350 ms", "2.5 s". */
export function formatMs(ms: number): string {
  return ms >= 1_000 ? `${(ms / 1_000).toFixed(1)} s` : `${Math.round(ms)} ms`;
}
