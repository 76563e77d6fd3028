import { describe, expect, it } from 'vitest';
import { installLastResortHandlers, type ProcessEvents } from './last-resort';

/** Just enough of `process` (shared/ may not import node:events). */
class FakeProcess implements ProcessEvents {
  private readonly listeners = new Map<string, Set<(value: never) => void>>();
  on(event: string, listener: (value: never) => void): this {
    const set = this.listeners.get(event) ?? new Set();
    set.add(listener);
    this.listeners.set(event, set);
    return this;
  }
  off(event: string, listener: (value: never) => void): this {
    this.listeners.get(event)?.delete(listener);
    return this;
  }
  emit(event: string, value: unknown): void {
    for (const listener of this.listeners.get(event) ?? []) listener(value as never);
  }
  listenerCount(event: string): number {
    return this.listeners.get(event)?.size ?? 0;
  }
}

const fakeProcess = () => new FakeProcess();

describe('installLastResortHandlers', () => {
  it('logs both kinds of fault with name, message and stack, and counts them', () => {
    const proc = fakeProcess();
    const lines: Array<[string, Record<string, unknown> | undefined]> = [];
    const resort = installLastResortHandlers(proc, { error: (m, f) => lines.push([m, f]) });
    proc.emit('uncaughtException', new TypeError('boom'));
    proc.emit('unhandledRejection', 'a plain string reason');
    proc.emit('unhandledRejection', { secret: 'never-logged-object' });
    expect(resort.counts).toEqual({ uncaughtException: 1, unhandledRejection: 2 });
    expect(lines[0]?.[0]).toBe('uncaughtException: kept running');
    expect(lines[0]?.[1]).toMatchObject({ error: 'TypeError: boom', stack: expect.any(String) });
    expect(lines[1]?.[1]).toEqual({ error: 'non-error value: a plain string reason' });
    // An object is never serialised into the log: it may carry anything.
    expect(JSON.stringify(lines[2])).not.toContain('never-logged-object');
    resort.uninstall();
    expect(proc.listenerCount('uncaughtException')).toBe(0);
    expect(proc.listenerCount('unhandledRejection')).toBe(0);
  });

  it('writes at most N lines a minute and says how many it held back', () => {
    const proc = fakeProcess();
    let t = 0;
    const lines: Array<Record<string, unknown> | undefined> = [];
    const resort = installLastResortHandlers(
      proc,
      { error: (_m, f) => lines.push(f) },
      { maxLogsPerMinute: 3, now: () => t },
    );
    for (let i = 0; i < 10; i++) proc.emit('uncaughtException', new Error(`e${i}`));
    expect(lines).toHaveLength(3);
    expect(resort.counts.uncaughtException).toBe(10);
    t = 61_000;
    proc.emit('uncaughtException', new Error('later'));
    expect(lines[3]).toMatchObject({ error: 'Error: later', suppressedBefore: 7 });
  });

  it('survives a logger that throws', () => {
    const proc = fakeProcess();
    const resort = installLastResortHandlers(proc, {
      error: () => {
        throw new Error('disk full');
      },
    });
    expect(() => proc.emit('uncaughtException', new Error('x'))).not.toThrow();
    expect(resort.counts.uncaughtException).toBe(1);
  });
});
