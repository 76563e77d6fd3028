import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { endpointSchema } from '../../../shared/config/endpoint';
import { endpointsJsonSchema } from '../../../shared/config/endpoints-json-schema';
import { defineFormat } from '../state/migrations';
import { upgradeEndpointsDocument } from './endpoints-format';
import { EndpointsFile } from './endpoints-file';

let dir = '';
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lookout-endpoints-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const good = {
  id: 'prod',
  name: 'Production',
  dialect: 'django-channels' as const,
  url: 'ws://localhost:8000/ws/dashboard/',
};
const other = endpointSchema.parse({
  id: 'chat',
  name: 'Chat',
  dialect: 'sakura',
  url: 'ws://chat:8001/ws/dashboard',
});

describe('endpoints.json', () => {
  it('reports a missing file as first run', async () => {
    const out = await new EndpointsFile(join(dir, 'endpoints.json')).load();
    expect(out).toMatchObject({ endpoints: [], problems: [], exists: false, writeBlocked: null });
  });

  it('keeps valid endpoints and names the field of each invalid one', async () => {
    const path = join(dir, 'endpoints.json');
    await writeFile(
      path,
      JSON.stringify({
        version: 1,
        endpoints: [
          good,
          { ...good, id: 'bad', url: 'http://nope' },
          { ...good },
          { id: 'x', name: 'X', dialect: 'mqtt', url: 'ws://a' },
        ],
      }),
    );
    const out = await new EndpointsFile(path).load();
    expect(out.endpoints.map((e) => e.id)).toEqual(['prod']);
    expect(out.problems.some((p) => p.includes('endpoints[1].url') && p.includes('ws://'))).toBe(
      true,
    );
    expect(out.problems.some((p) => p.includes('duplicate id "prod"'))).toBe(true);
    expect(out.problems.some((p) => p.includes('endpoints[3].dialect'))).toBe(true);
    // Each says the entry is kept in the file as written, so fixing it there is safe.
    expect(out.problems.every((p) => /kept in the file as written/.test(p))).toBe(true);
  });

  it('keeps entries it could not use, verbatim and in place, and unknown top-level keys', async () => {
    const path = join(dir, 'endpoints.json');
    const unknownKey = { ...good, id: 'newer', color: 'teal' };
    const invalid = { id: 'typo', name: 'Typo', dialect: 'sakura', url: 'htp://x' };
    const original = {
      version: 1,
      comment: 'rolled out by ansible',
      endpoints: [good, unknownKey, invalid],
    };
    await writeFile(path, JSON.stringify(original, null, 2));
    const file = new EndpointsFile(path);
    const loaded = await file.load();
    expect(loaded.endpoints.map((e) => e.id)).toEqual(['prod']);
    expect(loaded.problems.some((p) => p.includes('endpoints[1]') && p.includes('color'))).toBe(
      true,
    );

    expect(await file.save([...loaded.endpoints, other])).toEqual({ ok: true });
    const saved = JSON.parse(await readFile(path, 'utf8')) as typeof original;
    expect(saved.comment).toBe('rolled out by ansible');
    // The untouched valid entry is written as the admin wrote it (no defaults filled in).
    expect(saved.endpoints).toEqual([good, unknownKey, invalid, other]);

    // Removing the valid one keeps the others where they were.
    expect(await file.save([other])).toEqual({ ok: true });
    expect((JSON.parse(await readFile(path, 'utf8')) as typeof original).endpoints).toEqual([
      unknownKey,
      invalid,
      other,
    ]);
  });

  it('keeps a backup of the previous file on every save', async () => {
    const path = join(dir, 'endpoints.json');
    const first = `${JSON.stringify({ version: 1, endpoints: [good] })}\n`;
    await writeFile(path, first);
    const file = new EndpointsFile(path);
    const loaded = await file.load();
    expect(await file.save([...loaded.endpoints, other])).toEqual({ ok: true });
    expect(await readFile(`${path}.bak`, 'utf8')).toBe(first);
    const second = await readFile(path, 'utf8');
    expect(await file.save([other])).toEqual({ ok: true });
    expect(await readFile(`${path}.bak`, 'utf8')).toBe(second);
    // No temp files are left behind.
    expect((await readdir(dir)).sort()).toEqual([
      'endpoints.json',
      'endpoints.json.bak',
      'endpoints.schema.json',
    ]);
  });

  it('never overwrites a file that is not valid JSON: the save is refused with the path and why', async () => {
    const path = join(dir, 'endpoints.json');
    const broken = '{"version": 1, "endpoints": [ {"id": "prod",';
    await writeFile(path, broken);
    const file = new EndpointsFile(path);
    const out = await file.load();
    expect(out.endpoints).toEqual([]);
    expect(out.problems[0]).toMatch(/not valid JSON/);
    expect(out.problems[0]).toContain(path);
    expect(out.writeBlocked).toContain(path);
    const saved = await file.save([other]);
    expect(saved.ok).toBe(false);
    if (!saved.ok) {
      expect(saved.error).toContain(path);
      expect(saved.error).toMatch(/not valid JSON/);
      expect(saved.error).toMatch(/fix it|move it/i);
    }
    expect(await readFile(path, 'utf8')).toBe(broken);
  });

  it('never overwrites a file of another shape or a newer version', async () => {
    for (const text of [
      JSON.stringify({ version: 2, endpoints: [good], profiles: {} }),
      JSON.stringify([good]),
    ]) {
      const path = join(dir, 'endpoints.json');
      await writeFile(path, text);
      const file = new EndpointsFile(path);
      expect((await file.load()).writeBlocked).toContain(path);
      expect((await file.save([other])).ok).toBe(false);
      expect(await readFile(path, 'utf8')).toBe(text);
    }
  });

  it('a file from a newer Lookout: no endpoint used, kept as it is, and the message says to update', async () => {
    const path = join(dir, 'endpoints.json');
    const text = JSON.stringify({ version: 2, endpoints: [good], profiles: {} });
    await writeFile(path, text);
    const file = new EndpointsFile(path);
    const out = await file.load();
    expect(out.endpoints).toEqual([]);
    expect(out.problems).toEqual([
      `${path} was written by a newer Lookout (format 2; this one reads up to 1). No endpoint from it is used, and Lookout will not overwrite it: update Lookout to use it, or move it away to start over with this version.`,
    ]);
    const saved = await file.save([other]);
    expect(saved).toEqual({ ok: false, error: expect.stringContaining('update Lookout') });
    expect(await readFile(path, 'utf8')).toBe(text);
  });

  it('an older format is migrated in memory by its steps; the file changes only on a save', () => {
    // endpoints.json has had one format so far: the mechanism is shown with a two-version history.
    const history = defineFormat('endpoints', [
      {
        from: 1,
        change: 'servers → endpoints',
        up: (d) => {
          const { servers, ...rest } = d as { servers: unknown };
          if (!Array.isArray(servers)) throw new Error('servers is not a list');
          return { ...rest, endpoints: servers };
        },
      },
    ]);
    expect(
      upgradeEndpointsDocument('/x/endpoints.json', { version: 1, servers: [good] }, history),
    ).toEqual({
      ok: true,
      document: { version: 2, endpoints: [good] },
      migratedFrom: 1,
    });
    expect(
      upgradeEndpointsDocument('/x/endpoints.json', { version: 2, endpoints: [] }, history),
    ).toEqual({
      ok: true,
      document: { version: 2, endpoints: [] },
      migratedFrom: null,
    });
    expect(upgradeEndpointsDocument('/x/endpoints.json', { version: 1 }, history)).toMatchObject({
      ok: false,
      why: expect.stringMatching(/could not be converted from format version 1/),
    });
  });

  it('picks up a file fixed by hand: loading again lifts the refusal', async () => {
    const path = join(dir, 'endpoints.json');
    await writeFile(path, '{ nope');
    const file = new EndpointsFile(path);
    await file.load();
    expect((await file.save([other])).ok).toBe(false);
    await writeFile(path, JSON.stringify({ version: 1, endpoints: [good] }));
    const again = await file.load();
    expect(again.writeBlocked).toBeNull();
    expect((await file.save([...again.endpoints, other])).ok).toBe(true);
  });

  it('saves atomically in the documented format and loads it back', async () => {
    const path = join(dir, 'sub', 'endpoints.json');
    const file = new EndpointsFile(path);
    await file.load();
    expect(await file.save([endpointSchema.parse(good)])).toEqual({ ok: true });
    expect(JSON.parse(await readFile(path, 'utf8'))).toEqual({
      $schema: './endpoints.schema.json',
      version: 1,
      endpoints: [endpointSchema.parse(good)],
    });
    // The schema the file points at is beside it: an editor validates against this Lookout's format.
    expect(JSON.parse(await readFile(join(dir, 'sub', 'endpoints.schema.json'), 'utf8'))).toEqual(
      endpointsJsonSchema(),
    );
    expect((await new EndpointsFile(path).load()).endpoints[0]).toMatchObject({
      id: 'prod',
      enabled: true,
      auth: { method: 'none' },
    });
  });

  it('reports a failing disk as a refused save, not a throw', async () => {
    // The data folder's parent is a file: nothing can be created below it.
    const blocker = join(dir, 'not-a-folder');
    await writeFile(blocker, 'x');
    const file = new EndpointsFile(join(blocker, 'endpoints.json'));
    await file.load();
    const saved = await file.save([other]);
    expect(saved.ok).toBe(false);
    if (!saved.ok) expect(saved.error).toContain(join(blocker, 'endpoints.json'));
  });
});
