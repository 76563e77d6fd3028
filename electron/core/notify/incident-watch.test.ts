import { describe, expect, it } from 'vitest';
import type { EndpointHealth } from '../../../shared/model/health';
import { IncidentWatch, incidentOf } from './incident-watch';

const T0 = 1_000_000;
function health(over: Partial<EndpointHealth> = {}, deaf = false): EndpointHealth {
  return {
    endpoint: 'gw',
    state: 'open',
    since: T0,
    lastOutcome: null,
    recoveredAt: null,
    nextAttemptAt: null,
    delivery: {
      status: deaf ? 'deaf' : 'flowing',
      lastDataAt: null,
      quietSince: null,
      quietAfterMs: 0,
      detail: '',
      redis: null,
    },
    auth: { status: 'signed-in', detail: '', at: null },
    causes: [],
    ...over,
  };
}
const down = health({
  state: 'backing-off',
  lastOutcome: {
    error: 'ECONNREFUSED',
    meaning: 'Nothing listens at that address',
    action: 'back-off',
  },
});

describe('connection incidents', () => {
  it('names down, deaf and sign-in, and nothing for a healthy or stopped endpoint', () => {
    expect(incidentOf(down)).toBe('down');
    expect(incidentOf(health({}, true))).toBe('deaf');
    expect(incidentOf(health({ state: 'auth-required' }))).toBe('sign-in');
    expect(incidentOf(health())).toBeNull();
    expect(incidentOf(health({ state: 'stopped' }))).toBeNull();
  });

  it('notifies once past the threshold and once on recovery, and nothing for a blip', () => {
    const w = new IncidentWatch(120_000, () => 'Gateway');
    w.update(down, T0);
    expect(w.nextDueAt()).toBe(T0 + 120_000);
    expect(w.update(health(), T0 + 60_000)).toBeNull(); // a blip: nothing at all
    expect(w.due(T0 + 200_000)).toEqual([]);

    w.update(down, T0 + 300_000);
    w.update({ ...down, state: 'connecting' }, T0 + 310_000); // still the same incident
    expect(w.due(T0 + 419_999)).toEqual([]);
    const [incident] = w.due(T0 + 420_000);
    expect(incident?.notification).toMatchObject({
      title: 'Gateway is down',
      body: 'Not connected for 2 min: Nothing listens at that address. Lookout keeps retrying.',
      severity: 'warning',
      origin: 'incident',
      source: 'Gateway',
      link: 'diagnostics/gw',
    });
    expect(w.due(T0 + 500_000)).toEqual([]); // once per incident
    w.announced('gw');
    const recovery = w.update(health(), T0 + 480_000);
    expect(recovery?.notification).toMatchObject({
      title: 'Gateway is back',
      body: 'Working again after 3 min.',
      severity: 'info',
    });
    expect(w.update(health(), T0 + 490_000)).toBeNull();
  });

  it('says nothing on recovery when the incident itself was held back (a pause)', () => {
    const w = new IncidentWatch(1_000, () => 'Gateway');
    w.update(health({ state: 'auth-required' }), T0);
    expect(w.due(T0 + 1_000)[0]?.notification.title).toBe('Gateway needs you to sign in');
    expect(w.update(health(), T0 + 5_000)).toBeNull();
  });
});
