import { describe, expect, it } from 'vitest';
import type { EndpointConfig } from '../../../shared/config/endpoint';
import type { EndpointSummary } from '../../../shared/ipc/contract';
import { testEndpoint } from '../../../test/support/endpoint';
import type { EndpointsLoad } from '../config/endpoints-file';
import { EndpointRegistry } from './endpoint-registry';

const PATH = '/data/endpoints.json';
const endpoint = (id: string) => testEndpoint({ id, name: id, url: `ws://127.0.0.1:1/${id}` });

/** endpoints.json in memory: what was written, and whether a save fails. */
class FakeFile {
  saved: string[][] = [];
  failWith: string | null = null;
  writeBlocked: string | null = null;
  next: EndpointsLoad = { endpoints: [], problems: [], exists: false, writeBlocked: null };
  async load(): Promise<EndpointsLoad> {
    this.writeBlocked = this.next.writeBlocked;
    return this.next;
  }
  async save(list: EndpointConfig[]) {
    if (this.failWith) return { ok: false as const, error: this.failWith };
    this.saved.push(list.map((e) => e.id));
    return { ok: true as const };
  }
}

function registry(file = new FakeFile()) {
  const announced: string[][] = [];
  const restarted: string[][] = [];
  const added: string[] = [];
  const outcomes: boolean[] = [];
  const r = new EndpointRegistry({
    file,
    path: PATH,
    onSaved: (result) => outcomes.push(result.ok),
    isTransient: (e) => e.id === 'demo',
    onAdded: (e) => added.push(e.id),
    summarize: async (e) => ({ id: e.id }) as EndpointSummary,
    announce: (list) => announced.push(list.map((s) => s.id)),
    restart: async (list) => {
      restarted.push(list.map((e) => e.id));
    },
  });
  return { r, file, announced, restarted, added, outcomes };
}

describe('EndpointRegistry', () => {
  it('is the authority on which endpoints exist only when the file was read whole', async () => {
    const whole = registry();
    whole.file.next = {
      endpoints: [endpoint('a')],
      problems: [],
      exists: true,
      writeBlocked: null,
    };
    expect(await whole.r.load()).toEqual({ authoritative: true });
    expect(whole.added).toEqual(['a']);
    const partial = registry();
    partial.file.next = {
      endpoints: [endpoint('a')],
      problems: [`${PATH}: endpoint 2 skipped`],
      exists: true,
      writeBlocked: null,
    };
    expect(await partial.r.load()).toEqual({ authoritative: false });
    expect(partial.r.problems).toEqual([`${PATH}: endpoint 2 skipped`]);
    expect(await registry().r.load()).toEqual({ authoritative: false });
  });

  it('applies a change only once it was saved, never writing the transient demo', async () => {
    const t = registry();
    t.r.useTransient([endpoint('demo')]);
    expect((await t.r.persist((list) => [...list, endpoint('a')])).ok).toBe(true);
    expect(t.file.saved).toEqual([['a']]);
    expect(t.r.list().map((e) => e.id)).toEqual(['demo', 'a']);
    expect(t.r.fileExists).toBe(true);
    expect(t.announced).toEqual([['demo', 'a']]);
    t.file.failWith = 'disk full';
    const refused = await t.r.persist((list) => list.filter((e) => e.id !== 'a'));
    expect(refused).toEqual({ ok: false, errors: ['disk full'] });
    expect(t.r.list().map((e) => e.id)).toEqual(['demo', 'a']);
    expect(t.outcomes).toEqual([true, false]);
    expect(() => t.r.get('gone')).toThrow(/No endpoint "gone"/);
  });

  it('runs changes one at a time, each on the list the previous one left', async () => {
    const t = registry();
    await Promise.all([
      t.r.persist((list) => [...list, endpoint('a')]),
      t.r.persist((list) => [...list, endpoint('b')]),
    ]);
    expect(t.file.saved).toEqual([['a'], ['a', 'b']]);
  });

  it('reads a file refused at start-up again before a change, and restarts on its endpoints', async () => {
    const t = registry();
    t.file.next = {
      endpoints: [],
      problems: [`${PATH} is from a newer Lookout`],
      exists: true,
      writeBlocked: `${PATH} is from a newer Lookout`,
    };
    t.r.problems.push('settings.json was damaged');
    await t.r.load();
    t.file.next = { endpoints: [endpoint('x')], problems: [], exists: true, writeBlocked: null };
    await t.r.persist((list) => [...list, endpoint('y')]);
    expect(t.restarted).toEqual([['x']]);
    expect(t.r.problems).toEqual(['settings.json was damaged']);
    expect(t.file.saved).toEqual([['x', 'y']]);
  });
});
