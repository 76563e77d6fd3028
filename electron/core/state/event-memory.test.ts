import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { eventKey, incarnationKey, occurrenceKey } from '../../../shared/model/event-identity';
import { EventMemory, splitKey } from './event-memory';

const ev = (id: string, channel = 'dashboard', endpoint = 'gw', epoch?: string) => ({
  id,
  channel,
  endpoint,
  ...(epoch === undefined ? {} : { epoch }),
});

describe('EventMemory', () => {
  it('knows an event from its second arrival on, by endpoint, channel, epoch and id', () => {
    const memory = new EventMemory(10);
    expect(memory.checkAndAdd(ev('1'), true)).toBe(false);
    expect(memory.checkAndAdd(ev('1'), true)).toBe(true);
    // The same server id elsewhere is another event.
    expect(memory.checkAndAdd(ev('1', 'stats'), true)).toBe(false);
    expect(memory.checkAndAdd(ev('1', 'dashboard', 'other'), true)).toBe(false);
    expect(memory.checkAndAdd(ev('1', 'dashboard', 'gw', 'E2'), true)).toBe(false);
    expect(memory.has(ev('1', 'dashboard', 'gw', 'E2'))).toBe(true);
    expect(memory.has(ev('2'))).toBe(false);
  });

  it('remembers bell events for at least the bell size, however much telemetry flows past', () => {
    const memory = new EventMemory(3, 5);
    for (let i = 0; i < 5; i++) memory.checkAndAdd(ev(`bell-${i}`), true);
    for (let i = 0; i < 1_000; i++) memory.checkAndAdd(ev(`stats-${i}`, 'stats'), false);
    for (let i = 0; i < 5; i++) expect(memory.has(ev(`bell-${i}`))).toBe(true);
    // Telemetry keeps its own capacity: the oldest went.
    expect(memory.has(ev('stats-996', 'stats'))).toBe(false);
    expect(memory.has(ev('stats-999', 'stats'))).toBe(true);
    // The bell's ring forgets its oldest once full.
    memory.checkAndAdd(ev('bell-5'), true);
    expect(memory.has(ev('bell-0'))).toBe(false);
    expect(memory.has(ev('bell-1'))).toBe(true);
  });

  it('takes keys saved in the bell back as seen, and forgets one incarnation whole', () => {
    const memory = new EventMemory(10);
    const a = ev('dashboard:1', 'dash|board', 'gw', 'E1');
    memory.rememberKey(eventKey(a));
    memory.rememberKey(occurrenceKey({ ...a, origin: 'o-1' }));
    expect(memory.checkAndAdd(a, true)).toBe(true);
    memory.checkAndAdd(ev('x', 'stats', 'gw', 'E1'), false);
    memory.forget(incarnationKey('gw', 'dash|board', 'E1'));
    expect(memory.has(a)).toBe(false);
    expect(memory.has(ev('x', 'stats', 'gw', 'E1'))).toBe(true);
    // After a forget, the scope kept at hand is looked up afresh.
    expect(memory.checkAndAdd(a, true)).toBe(false);
    expect(memory.checkAndAdd(a, true)).toBe(true);
  });

  it('splits every event and occurrence key into the scope and id it was made of (property)', () => {
    const part = fc.string({ maxLength: 12 });
    const noBar = part.filter((s) => !s.includes('|') && s !== '*');
    fc.assert(
      fc.property(
        noBar.filter((s) => s.length > 0),
        part,
        fc.option(noBar, { nil: undefined }),
        part,
        fc.option(part, { nil: undefined }),
        (endpoint, channel, epoch, id, origin) => {
          const e = { endpoint, channel, id, ...(epoch === undefined ? {} : { epoch }) };
          expect(splitKey(eventKey(e))).toEqual({
            scope: incarnationKey(endpoint, channel, epoch),
            id,
          });
          if (origin !== undefined) {
            expect(splitKey(occurrenceKey({ ...e, origin }))).toEqual({
              scope: `${endpoint}|*|`,
              id: origin,
            });
          }
        },
      ),
    );
  });

  it('keeps ids saved before keys were scoped apart from every new event', () => {
    expect(splitKey('dashboard:7')).toEqual({ scope: '\u0000legacy', id: 'dashboard:7' });
    const memory = new EventMemory(10);
    memory.rememberKey('dashboard:7');
    expect(memory.checkAndAdd(ev('dashboard:7'), true)).toBe(false);
  });
});
