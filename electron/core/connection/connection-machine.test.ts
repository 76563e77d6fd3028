import { describe, expect, it } from 'vitest';
import {
  CLOSE_ACTIONS,
  CONNECTION_STATES,
  type AttemptOutcome,
  type CloseAction,
  type ConnectionState,
} from '../../../shared/model/connection';
import {
  canTransition,
  decide,
  initialMachine,
  MAX_IMMEDIATE_RETRIES,
  TRANSITIONS,
  type Effect,
  type MachineContext,
  type MachineInput,
  type MachineState,
} from './connection-machine';

const ctx = (over: Partial<MachineContext> = {}): MachineContext => ({
  backoff: { minMs: 100, maxMs: 10_000, factor: 2 },
  urlCount: 1,
  random: () => 0.5,
  ...over,
});

/** Feeds inputs in order; returns the last state and every effect, in order. */
function run(
  inputs: MachineInput[],
  from: MachineState = initialMachine(),
  c: MachineContext = ctx(),
): { state: MachineState; effects: Effect[] } {
  let state = from;
  const effects: Effect[] = [];
  for (const input of inputs) {
    const d = decide(state, input, c);
    state = d.state;
    effects.push(...d.effects);
  }
  return { state, effects };
}

const announced = (effects: Effect[]) =>
  effects.flatMap((e) => (e.type === 'announce' ? [e.to] : []));

const outcome = (action: CloseAction): AttemptOutcome => ({ meaning: `because ${action}`, action });

/** Started, credentials in, socket connecting: the attempt number is the state's. */
function connecting(c: MachineContext = ctx()): MachineState {
  const started = run([{ type: 'start' }], initialMachine(), c).state;
  const waited = run([{ type: 'wait-elapsed', attempt: started.attempt }], started, c).state;
  return run([{ type: 'credentials-ok', attempt: waited.attempt }], waited, c).state;
}

function open(c: MachineContext = ctx()): MachineState {
  return run([{ type: 'opened', url: 'ws://x/' }], connecting(c), c).state;
}

/** The wait that follows, then the credentials and the socket, up to `connecting` again. */
function nextAttempt(state: MachineState, c: MachineContext = ctx()): MachineState {
  const waited = run([{ type: 'wait-elapsed', attempt: state.attempt }], state, c).state;
  return run([{ type: 'credentials-ok', attempt: waited.attempt }], waited, c).state;
}

describe('the transition table', () => {
  it('allows exactly the listed pairs and refuses every other one', () => {
    for (const from of CONNECTION_STATES)
      for (const to of CONNECTION_STATES)
        expect(canTransition(from, to), `${from} → ${to}`).toBe(TRANSITIONS[from].includes(to));
    expect(canTransition('idle', 'open')).toBe(false);
    expect(canTransition('backing-off', 'open')).toBe(false);
    expect(canTransition('auth-required', 'open')).toBe(false);
    expect(canTransition('stopped', 'open')).toBe(false);
    expect(canTransition('connecting', 'stale')).toBe(false);
  });

  it('is exactly what the machine can do: every allowed pair is reachable, no other is announced', () => {
    const inputs = (s: MachineState): MachineInput[] => [
      { type: 'start' },
      { type: 'stop' },
      { type: 'reconnect', trigger: 'manual' },
      { type: 'wake', trigger: 'network-online' },
      { type: 'wake', trigger: 'resume' },
      { type: 'wait-elapsed', attempt: s.attempt },
      { type: 'credentials-ok', attempt: s.attempt },
      { type: 'credentials-failed', attempt: s.attempt, userMustAct: true, reason: 'r' },
      { type: 'credentials-failed', attempt: s.attempt, userMustAct: false, reason: 'r' },
      { type: 'opened', url: 'ws://x/' },
      ...CLOSE_ACTIONS.map((a): MachineInput => ({ type: 'ended', outcome: outcome(a) })),
      { type: 'stable' },
      { type: 'stale', silentMs: 1_000 },
      { type: 'data-resumed' },
      {
        type: 'end-socket',
        how: 'terminate',
        ending: { meaning: 'dead', action: 'back-off', trigger: 'dead-peer' },
      },
    ];
    // Breadth-first over the machine's states (the counters bounded so the search ends).
    const key = (s: MachineState) =>
      JSON.stringify({ ...s, attempt: 0, failures: Math.min(s.failures, 2) });
    const seen = new Set<string>();
    const pairs = new Set<string>();
    let frontier = [initialMachine()];
    for (let depth = 0; depth < 9 && frontier.length; depth++) {
      const next: MachineState[] = [];
      for (const s of frontier) {
        for (const input of inputs(s)) {
          const d = decide(s, input, ctx()); // throws on a refused transition
          for (const e of d.effects)
            if (e.type === 'announce') {
              expect(e.from).toBe(s.announced);
              pairs.add(`${e.from} → ${e.to}`);
            }
          const k = key(d.state);
          if (!seen.has(k)) {
            seen.add(k);
            next.push(d.state);
          }
        }
      }
      frontier = next;
    }
    const allowed = CONNECTION_STATES.flatMap((from) =>
      TRANSITIONS[from].map((to) => `${from} → ${to}`),
    );
    expect([...pairs].sort()).toEqual(allowed.sort());
  });
});

describe('starting, attempts and credentials', () => {
  it('start waits a zero delay (no backing-off), then connects with the credentials and a socket', () => {
    const started = run([{ type: 'start' }]);
    expect(started.effects).toEqual([{ type: 'schedule-attempt', attempt: 1, ms: 0 }]);
    expect(started.state).toMatchObject({ phase: 'waiting', running: true, trigger: 'start' });
    expect(run([{ type: 'start' }], started.state).effects).toEqual([]);
    const waited = run([{ type: 'wait-elapsed', attempt: 1 }], started.state);
    expect(waited.effects).toEqual([
      { type: 'announce', from: 'idle', to: 'connecting', reason: 'Connecting.' },
      { type: 'fetch-credentials', attempt: 1, forceRefresh: false },
    ]);
    const ok = run([{ type: 'credentials-ok', attempt: 1 }], waited.state);
    expect(ok.effects).toEqual([{ type: 'open-socket', attempt: 1, urlIndex: 0 }]);
    const opened = run([{ type: 'opened', url: 'ws://x/' }], ok.state);
    expect(opened.effects).toEqual([
      { type: 'announce', from: 'connecting', to: 'open', reason: 'Connected to ws://x/.' },
      { type: 'begin-connection' },
    ]);
  });

  it('ignores what an older attempt reports', () => {
    const s = run([{ type: 'start' }, { type: 'wait-elapsed', attempt: 1 }]).state;
    expect(decide(s, { type: 'credentials-ok', attempt: 0 }, ctx()).effects).toEqual([]);
    expect(
      decide(s, { type: 'credentials-failed', attempt: 7, userMustAct: true, reason: 'old' }, ctx())
        .effects,
    ).toEqual([]);
    expect(decide(s, { type: 'wait-elapsed', attempt: 1 }, ctx()).effects).toEqual([]);
  });

  it('asks the user when only the user can fix the credentials, and backs off when they merely failed', () => {
    const s = run([{ type: 'start' }, { type: 'wait-elapsed', attempt: 1 }]).state;
    const ask = decide(
      s,
      { type: 'credentials-failed', attempt: 1, userMustAct: true, reason: 'Sign-in needed: x' },
      ctx(),
    );
    expect(ask.effects).toEqual([
      { type: 'announce', from: 'connecting', to: 'auth-required', reason: 'Sign-in needed: x' },
    ]);
    expect(ask.state.phase).toBe('auth-required');
    const retry = decide(
      s,
      { type: 'credentials-failed', attempt: 1, userMustAct: false, reason: 'down' },
      ctx(),
    );
    // Full jitter 0.5 of the 100 ms minimum.
    expect(retry.effects).toEqual([
      {
        type: 'announce',
        from: 'connecting',
        to: 'backing-off',
        reason: 'Waiting 50 ms before reconnecting (backoff).',
      },
      { type: 'schedule-attempt', attempt: 2, ms: 50 },
    ]);
    expect(retry.state).toMatchObject({ trigger: 'backoff', delayMs: 50, failures: 1 });
  });
});

describe('the close policy, action by action', () => {
  it('retry-now: at once with the ending trigger, at most three times in a row, then the backoff', () => {
    let s = open();
    const delays: number[] = [];
    const triggers: string[] = [];
    for (let i = 0; i < MAX_IMMEDIATE_RETRIES + 1; i++) {
      const d = run([{ type: 'ended', outcome: outcome('retry-now') }], s);
      const schedule = d.effects.find((e) => e.type === 'schedule-attempt');
      delays.push(schedule?.type === 'schedule-attempt' ? schedule.ms : -1);
      triggers.push(d.state.trigger);
      s = nextAttempt(d.state);
    }
    expect(delays).toEqual([0, 0, 0, 50]);
    expect(triggers).toEqual(['backoff', 'backoff', 'backoff', 'backoff']);
    // A stable connection forgets the count.
    const stable = run([{ type: 'opened', url: 'u' }, { type: 'stable' }], s).state;
    expect(stable).toMatchObject({ immediateRetries: 0, failures: 0 });
  });

  it('back-off: a jittered delay that grows with each failure, announced as backing-off', () => {
    const c = ctx({ random: () => 0.999 });
    let s = open(c);
    const delays: number[] = [];
    for (let i = 0; i < 4; i++) {
      const d = run([{ type: 'ended', outcome: outcome('back-off') }], s, c);
      expect(announced(d.effects)).toEqual(['backing-off']);
      delays.push(d.state.delayMs);
      s = nextAttempt(d.state, c);
    }
    expect(delays).toEqual([99, 199, 399, 799]);
  });

  for (const action of ['refresh-token', 'sign-in'] as const) {
    it(`${action}: renews the credentials once per incident, and asks only when the renewed ones are refused`, () => {
      const first = run([{ type: 'ended', outcome: outcome(action) }], open());
      expect(first.effects).toEqual([
        { type: 'schedule-attempt', attempt: first.state.attempt, ms: 0 },
      ]);
      expect(first.state).toMatchObject({
        trigger: 'token-refreshed',
        forceRefresh: true,
        renewedThisIncident: true,
      });
      const waited = run([{ type: 'wait-elapsed', attempt: first.state.attempt }], first.state);
      expect(waited.effects).toContainEqual({
        type: 'fetch-credentials',
        attempt: first.state.attempt,
        forceRefresh: true,
      });
      // The renewed credentials were fetched: the next fetch does not renew again.
      const again = nextAttempt(first.state);
      expect(again.forceRefresh).toBe(false);
      const refused = run([{ type: 'ended', outcome: outcome(action) }], again);
      expect(refused.state.phase).toBe('auth-required');
      expect(refused.effects).toEqual([
        {
          type: 'announce',
          from: 'connecting',
          to: 'auth-required',
          reason: `Sign-in refused: the server refused the credentials even after signing in again (because ${action})`,
        },
      ]);
    });
  }

  it('a stable connection or a reconnect by the user starts a new incident: one more renewal', () => {
    const renewed = nextAttempt(
      run([{ type: 'ended', outcome: outcome('sign-in') }], open()).state,
    );
    const stable = run([{ type: 'opened', url: 'u' }, { type: 'stable' }], renewed).state;
    expect(stable.renewedThisIncident).toBe(false);
    expect(run([{ type: 'ended', outcome: outcome('sign-in') }], stable).state.trigger).toBe(
      'token-refreshed',
    );
    const asked = run([{ type: 'ended', outcome: outcome('sign-in') }], renewed).state;
    expect(asked.phase).toBe('auth-required');
    const retried = run([{ type: 'reconnect', trigger: 'manual' }], asked);
    expect(retried.state).toMatchObject({ renewedThisIncident: false, trigger: 'manual' });
    expect(retried.effects).toEqual([
      { type: 'schedule-attempt', attempt: retried.state.attempt, ms: 0 },
    ]);
  });

  it('reauth-once: renews once per incident and keeps backing off, never asks', () => {
    const first = run([{ type: 'ended', outcome: outcome('reauth-once') }], open());
    expect(first.state).toMatchObject({
      trigger: 'token-refreshed',
      forceRefresh: true,
      delayMs: 50,
    });
    let s = first.state;
    for (let i = 0; i < 3; i++) {
      const d = run([{ type: 'ended', outcome: outcome('reauth-once') }], nextAttempt(s));
      expect(d.state.phase).toBe('waiting');
      expect(d.state.trigger).toBe('backoff');
      expect(d.state.forceRefresh).toBe(false);
      expect(announced(d.effects)).toEqual(['backing-off']);
      s = d.state;
    }
  });

  it('stop: announces stopped with the meaning and makes no attempt', () => {
    const d = run([{ type: 'ended', outcome: outcome('stop') }], open());
    expect(d.effects).toEqual([
      { type: 'announce', from: 'open', to: 'stopped', reason: 'Stopped: because stop' },
    ]);
    expect(d.state).toMatchObject({ phase: 'stopped', running: true });
    // A policy stop keeps the session running: start is a no-op, reconnect tries again.
    expect(decide(d.state, { type: 'start' }, ctx()).effects).toEqual([]);
    expect(run([{ type: 'reconnect', trigger: 'manual' }], d.state).state.phase).toBe('waiting');
  });

  it('fails over to the next URL when an attempt never opened, not after an open connection', () => {
    const c = ctx({ urlCount: 3 });
    const failed = run([{ type: 'ended', outcome: outcome('back-off') }], connecting(c), c).state;
    expect(failed).toMatchObject({ urlIndex: 1, trigger: 'failover' });
    const wrapped = run(
      [{ type: 'ended', outcome: outcome('back-off') }],
      nextAttempt(failed, c),
      c,
    );
    expect(wrapped.state.urlIndex).toBe(2);
    const dropped = run([{ type: 'ended', outcome: outcome('back-off') }], open(c), c).state;
    expect(dropped).toMatchObject({ urlIndex: 0, trigger: 'backoff' });
  });
});

describe('endings the session causes itself', () => {
  it('a manual reconnect closes an open socket and retries at once with its trigger', () => {
    const d = run([{ type: 'reconnect', trigger: 'manual' }], open());
    expect(d.effects).toEqual([
      { type: 'close-socket', how: 'close', code: 1000, reason: 'reconnecting' },
    ]);
    const after = run([{ type: 'ended', outcome: outcome('retry-now') }], d.state);
    expect(after.state).toMatchObject({ trigger: 'manual', delayMs: 0, ending: null });
  });

  it('stale: re-subscribes, data ends it, and a second stale window reconnects', () => {
    const stale = run([{ type: 'stale', silentMs: 300 }], open());
    expect(stale.effects).toEqual([
      {
        type: 'announce',
        from: 'open',
        to: 'stale',
        reason: 'No data for 300 ms: re-subscribing.',
      },
      { type: 'resubscribe' },
    ]);
    expect(run([{ type: 'data-resumed' }], stale.state).effects).toEqual([
      { type: 'announce', from: 'stale', to: 'open', reason: 'Data is flowing again.' },
    ]);
    const ending = {
      meaning: 'still stale',
      action: 'retry-now' as const,
      trigger: 'stale' as const,
    };
    const ended = run(
      [
        { type: 'end-socket', ending, how: 'close', reason: 'stale' },
        { type: 'ended', outcome: outcome('retry-now') },
      ],
      stale.state,
    );
    expect(ended.effects[0]).toEqual({
      type: 'close-socket',
      how: 'close',
      code: 1000,
      reason: 'stale',
    });
    expect(ended.state.trigger).toBe('stale');
  });

  it('a dead peer is terminated and the next attempt says so', () => {
    const ending = {
      meaning: 'half-open',
      action: 'back-off' as const,
      trigger: 'dead-peer' as const,
    };
    const d = run(
      [
        { type: 'end-socket', ending, how: 'terminate' },
        { type: 'ended', outcome: outcome('back-off') },
      ],
      open(),
    );
    expect(d.effects[0]).toEqual({ type: 'close-socket', how: 'terminate' });
    expect(d.state.trigger).toBe('dead-peer');
    // Not open: nothing to end.
    expect(
      decide(connecting(), { type: 'end-socket', ending, how: 'terminate' }, ctx()).effects,
    ).toEqual([]);
  });
});

describe('wake and sleep', () => {
  const waiting = () => run([{ type: 'ended', outcome: outcome('back-off') }], open()).state;

  for (const trigger of ['network-online', 'resume'] as const) {
    it(`${trigger} cuts a backoff wait short and connects now, saying why`, () => {
      const s = waiting();
      const d = run([{ type: 'wake', trigger }], s);
      expect(d.effects[0]).toEqual({ type: 'cancel-wait' });
      expect(d.effects[1]).toMatchObject({
        type: 'announce',
        from: 'backing-off',
        to: 'connecting',
      });
      expect(d.effects[2]).toMatchObject({ type: 'fetch-credentials' });
      // The delay that was being waited stays on record with the new trigger.
      expect(d.state).toMatchObject({ phase: 'credentials', trigger, delayMs: s.delayMs });
    });
  }

  it('resume with an open socket probes it; network-online does not; nothing while stopped', () => {
    expect(run([{ type: 'wake', trigger: 'resume' }], open()).effects).toEqual([
      { type: 'probe-after-wake' },
    ]);
    expect(run([{ type: 'wake', trigger: 'network-online' }], open()).effects).toEqual([]);
    const stopped = run([{ type: 'stop' }], waiting()).state;
    expect(run([{ type: 'wake', trigger: 'resume' }], stopped).effects).toEqual([]);
    expect(run([{ type: 'wake', trigger: 'resume' }], initialMachine()).effects).toEqual([]);
    // The zero-delay gap before an immediate retry is not a wait to cut short.
    const gap = run([{ type: 'ended', outcome: outcome('retry-now') }], open()).state;
    expect(run([{ type: 'wake', trigger: 'resume' }], gap).effects).toEqual([]);
  });
});

describe('stopping', () => {
  const phases: Array<[string, () => MachineState, boolean]> = [
    ['idle', () => initialMachine(), false],
    ['waiting', () => run([{ type: 'start' }]).state, false],
    ['connecting', () => connecting(), true],
    ['open', () => open(), true],
    ['stale', () => run([{ type: 'stale', silentMs: 1 }], open()).state, true],
  ];
  for (const [name, make, hasSocket] of phases) {
    it(`from ${name}: cancels the wait${hasSocket ? ', closes the socket as stopping' : ''} and announces stopped`, () => {
      const from = make();
      const d = run([{ type: 'stop' }], from);
      expect(d.effects[0]).toEqual({ type: 'cancel-wait' });
      expect(d.effects.some((e) => e.type === 'close-socket')).toBe(hasSocket);
      expect(announced(d.effects)).toEqual(['stopped']);
      expect(d.state).toMatchObject({ running: false, phase: 'stopped' });
      expect(d.state.ending?.action ?? null).toBe(hasSocket ? 'stop' : null);
      // The stopped socket's close is recorded by the shell; the machine starts nothing.
      expect(run([{ type: 'ended', outcome: outcome('stop') }], d.state).effects).toEqual([]);
      // Start again from where it was: a new attempt.
      expect(run([{ type: 'start' }], d.state).state).toMatchObject({
        running: true,
        phase: 'waiting',
        trigger: 'start',
      });
    });
  }

  it('a reconnect after stop starts again with the start trigger', () => {
    const stopped = run([{ type: 'stop' }], open()).state;
    expect(run([{ type: 'reconnect', trigger: 'manual' }], stopped).state.trigger).toBe('start');
  });

  it('states announced in any order never skip the table', () => {
    const all: ConnectionState[] = [];
    const d = run([
      { type: 'start' },
      { type: 'wait-elapsed', attempt: 1 },
      { type: 'credentials-ok', attempt: 1 },
      { type: 'opened', url: 'u' },
      { type: 'stale', silentMs: 1 },
      { type: 'data-resumed' },
      { type: 'ended', outcome: outcome('back-off') },
      { type: 'wake', trigger: 'network-online' },
      { type: 'credentials-failed', attempt: 3, userMustAct: true, reason: 'x' },
      { type: 'stop' },
    ]);
    for (const e of d.effects) if (e.type === 'announce') all.push(e.to);
    expect(all).toEqual([
      'connecting',
      'open',
      'stale',
      'open',
      'backing-off',
      'connecting',
      'auth-required',
      'stopped',
    ]);
  });
});
