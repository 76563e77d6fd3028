import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadEndpointsFile, saveEndpointsFile } from './endpoints-file';

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

describe('endpoints.json', () => {
  it('reports a missing file as first run', async () => {
    expect(await loadEndpointsFile(join(dir, 'endpoints.json'))).toEqual({
      endpoints: [],
      problems: [],
      exists: false,
    });
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
    const out = await loadEndpointsFile(path);
    expect(out.endpoints.map((e) => e.id)).toEqual(['prod']);
    expect(out.problems.some((p) => p.includes('endpoints[1].url') && p.includes('ws://'))).toBe(
      true,
    );
    expect(out.problems.some((p) => p.includes('duplicate id "prod"'))).toBe(true);
    expect(out.problems.some((p) => p.includes('endpoints[3].dialect'))).toBe(true);
  });

  it('explains broken JSON instead of throwing', async () => {
    const path = join(dir, 'endpoints.json');
    await writeFile(path, '{"version": 1, "endpoints": [');
    const out = await loadEndpointsFile(path);
    expect(out.endpoints).toEqual([]);
    expect(out.problems[0]).toMatch(/not valid JSON/);
  });

  it('saves atomically in the documented format and loads it back', async () => {
    const path = join(dir, 'sub', 'endpoints.json');
    await saveEndpointsFile(path, [good]);
    expect(JSON.parse(await readFile(path, 'utf8'))).toEqual({ version: 1, endpoints: [good] });
    expect((await loadEndpointsFile(path)).endpoints[0]).toMatchObject({
      id: 'prod',
      enabled: true,
      auth: { method: 'none' },
    });
  });
});
