import { describe, expect, it } from 'vitest';
import { ENDPOINTS_FORMAT, PREFS_FORMAT, SETTINGS_FORMAT, STATE_FORMAT } from './file-formats';
import { defineFormat, migrate, withoutKey } from './migrations';

/** A format with three steps: 1 → 2 renames a key, 2 → 3 splits one, 3 → 4 drops one. */
const NOTES = defineFormat('notes', [
  {
    from: 1,
    change: 'title → heading',
    up: (d) => {
      const { title, ...rest } = d as { title: string };
      return { ...rest, heading: title };
    },
  },
  {
    from: 2,
    change: 'when → date + time',
    up: (d) => {
      const { when, ...rest } = d as { when: string };
      const [date, time] = when.split('T');
      return { ...rest, date, time };
    },
  },
  { from: 3, change: 'legacy flag removed', up: withoutKey('legacy') },
]);

describe('migrate', () => {
  it('runs every step from the file version up, in order', () => {
    expect(NOTES.version).toBe(4);
    expect(migrate(NOTES, 1, { title: 'a', when: '2026-11-30T09:42', legacy: true })).toEqual({
      status: 'migrated',
      from: 1,
      data: { heading: 'a', date: '2026-11-30', time: '09:42' },
      changes: ['1→2: title → heading', '2→3: when → date + time', '3→4: legacy flag removed'],
    });
    expect(migrate(NOTES, 3, { heading: 'b', legacy: 1 })).toMatchObject({
      status: 'migrated',
      from: 3,
      data: { heading: 'b' },
    });
  });

  it('leaves a current file alone and refuses to touch a newer one', () => {
    const data = { heading: 'c' };
    expect(migrate(NOTES, 4, data)).toEqual({ status: 'current', data });
    expect(migrate(NOTES, 5, data)).toEqual({ status: 'newer', version: 5 });
  });

  it('reports a step that throws, and versions it cannot read, instead of throwing', () => {
    expect(migrate(NOTES, 2, { heading: 'x' })).toMatchObject({
      status: 'failed',
      reason: expect.stringMatching(/could not be converted from format version 2/),
    });
    expect(migrate(NOTES, 0, {})).toMatchObject({ status: 'failed' });
    expect(migrate(NOTES, 1.5, {})).toMatchObject({ status: 'failed' });
  });

  it('a format must list one step per version, from 1, with no gap', () => {
    expect(() => defineFormat('gappy', [{ from: 2, change: 'x', up: (d) => d }])).toThrow(
      /migration 0 is from version 2, want 1/,
    );
  });

  it('withoutKey removes one key and leaves anything that is not an object as it is', () => {
    expect(withoutKey('version')({ version: 1, a: 2 })).toEqual({ a: 2 });
    expect(withoutKey('version')([1])).toEqual([1]);
    expect(withoutKey('version')(null)).toBeNull();
  });

  it("the app's formats: settings and state at version 2, prefs at 3; endpoints.json still at 1", () => {
    expect([SETTINGS_FORMAT, PREFS_FORMAT, STATE_FORMAT].map((f) => [f.kind, f.version])).toEqual([
      ['settings', 2],
      ['prefs', 3],
      ['state', 2],
    ]);
    expect(ENDPOINTS_FORMAT.version).toBe(1);
  });
});
