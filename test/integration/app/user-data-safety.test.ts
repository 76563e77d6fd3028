import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LookoutCore } from '../../../electron/core/compose/lookout-core';
import type { Logger } from '../../../electron/core/kernel/ports';
import { MemoryNotifier } from '../../../electron/core/notify/notifier.memory';
import type { PushChannel } from '../../../shared/ipc/contract';
import { FailingDisk } from '../../support/failing-disk';
import { WsTestServer } from '../../support/ws-test-server';
import { waitFor } from '../../support/wait';

/**
 * Data the user trusted Lookout with: endpoints.json entries it cannot read are never deleted, a
 * file it cannot parse is never overwritten, every save keeps a backup, and a save that fails on
 * a real failing disk is never reported as done: the UI hears of it and hears when it is over.
 */

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

function capturingLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const put = (level: string) => (message: string, fields?: Record<string, unknown>) =>
    lines.push(`${level} ${message} ${JSON.stringify(fields ?? {})}`);
  return { lines, info: put('info'), warn: put('warn'), error: put('error') };
}

async function startCore(dataDir: string) {
  const pushes: Array<{ channel: PushChannel; payload: unknown }> = [];
  const logger = capturingLogger();
  const core = new LookoutCore({
    dataDir,
    notifier: new MemoryNotifier(),
    appVersion: '0.0.0-test',
    hostKind: 'browser',
    logger,
  });
  core.onPush((channel, payload) => pushes.push({ channel, payload }));
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await core.stop();
  };
  cleanups.push(stop);
  await core.start();
  return { core, pushes, logger, stop };
}

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'lookout-userdata-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

const closedPort = 'ws://127.0.0.1:9/ws';
const valid = { id: 'prod', name: 'Production', dialect: 'task-status', url: closedPort };

describe('endpoints.json is never written over what could not be read', () => {
  it('keeps skipped entries verbatim, explains them, and backs up the previous file on every save', async () => {
    const dir = await tempDir();
    const path = join(dir, 'endpoints.json');
    const fromNewerVersion = { ...valid, id: 'newer', name: 'Newer', profile: 'night-shift' };
    const typo = { id: 'typo', name: 'Typo', dialect: 'sakura', url: 'htp://chat:8001/ws' };
    const original = `${JSON.stringify(
      { version: 1, managedBy: 'ansible', endpoints: [valid, fromNewerVersion, typo] },
      null,
      2,
    )}\n`;
    await writeFile(path, original);

    const { core, stop } = await startCore(dir);
    const initial = await core.invoke('app:initial-state', {});
    expect(initial.endpoints.map((e) => e.id)).toEqual(['prod']);
    const explained = initial.configProblems.join('\n');
    expect(explained).toMatch(/endpoints\[1\].*profile.*kept in the file as written/);
    expect(explained).toMatch(/endpoints\[2\]\.url.*kept in the file as written/);

    const saved = await core.invoke('endpoints:save', {
      endpoint: { id: 'chat', name: 'Chat', dialect: 'sakura', url: closedPort },
    });
    expect(saved).toEqual({ ok: true });
    const afterSave = JSON.parse(await readFile(path, 'utf8')) as {
      managedBy: string;
      endpoints: Array<{ id: string }>;
    };
    expect(afterSave.managedBy).toBe('ansible');
    expect(afterSave.endpoints).toEqual([
      valid,
      fromNewerVersion,
      typo,
      expect.objectContaining({ id: 'chat' }),
    ]);
    expect(await readFile(`${path}.bak`, 'utf8')).toBe(original);

    const beforeRemove = await readFile(path, 'utf8');
    expect(await core.invoke('endpoints:remove', { id: 'prod' })).toEqual({ ok: true });
    const afterRemove = JSON.parse(await readFile(path, 'utf8')) as { endpoints: unknown[] };
    expect(afterRemove.endpoints).toEqual([
      fromNewerVersion,
      typo,
      expect.objectContaining({ id: 'chat' }),
    ]);
    expect(await readFile(`${path}.bak`, 'utf8')).toBe(beforeRemove);

    // Restarted on the same file: the kept entries are still there and still explained.
    await stop();
    const again = await startCore(dir);
    const reloaded = await again.core.invoke('app:initial-state', {});
    expect(reloaded.endpoints.map((e) => e.id)).toEqual(['chat']);
    expect(reloaded.configProblems.join('\n')).toMatch(/endpoints\[0\].*profile/);
  });

  it('refuses to save over a file that is not valid JSON, says why with the path, and saves once it is fixed', async () => {
    const dir = await tempDir();
    const path = join(dir, 'endpoints.json');
    const broken = '{"version": 1, "endpoints": [{"id": "prod", "name": "Production",';
    await writeFile(path, broken);

    const { core } = await startCore(dir);
    const initial = await core.invoke('app:initial-state', {});
    expect(initial.configProblems.join('\n')).toContain(path);
    expect(initial.configProblems.join('\n')).toMatch(/not valid JSON.*will not overwrite/);

    const refused = await core.invoke('endpoints:save', {
      endpoint: { id: 'chat', name: 'Chat', dialect: 'sakura', url: closedPort },
    });
    expect(refused.ok).toBe(false);
    const why = refused.ok ? '' : refused.errors.join('\n');
    expect(why).toContain(path);
    expect(why).toMatch(/not valid JSON/);
    expect(why).toMatch(/fix it/i);
    expect(await readFile(path, 'utf8')).toBe(broken);
    // Nothing was half done: no endpoint was added or started.
    expect((await core.invoke('endpoints:list', {})).map((e) => e.id)).toEqual([]);
    expect(await core.invoke('connection:snapshot', {})).toEqual([]);

    // The admin fixes the file by hand: the next save reads it again and keeps its endpoints.
    await writeFile(path, JSON.stringify({ version: 1, endpoints: [valid] }));
    expect(
      await core.invoke('endpoints:save', {
        endpoint: { id: 'chat', name: 'Chat', dialect: 'sakura', url: closedPort },
      }),
    ).toEqual({ ok: true });
    const fixed = JSON.parse(await readFile(path, 'utf8')) as { endpoints: Array<{ id: string }> };
    expect(fixed.endpoints.map((e) => e.id)).toEqual(['prod', 'chat']);
    expect((await core.invoke('endpoints:list', {})).map((e) => e.id)).toEqual(['prod', 'chat']);
  });
});

describe('a failing disk never passes for a saved change', () => {
  it('settings, preferences and endpoints: the change is refused, the UI is told, and told again when saving works', async () => {
    const disk = await FailingDisk.create();
    cleanups.push(() => disk.dispose());
    const { core, pushes, logger, stop } = await startCore(disk.dir);
    const before = await core.invoke('app:initial-state', {});
    expect(before.storageProblems).toEqual([]);

    await disk.fail();
    const dark = { ...before.settings, theme: 'dark' as const };
    await expect(core.invoke('settings:set', { settings: dark })).rejects.toThrow(
      /settings\.json.*(disk|writable)/s,
    );
    expect(pushes.some((p) => p.channel === 'settings:changed')).toBe(false);
    expect((await core.invoke('app:initial-state', {})).settings.theme).toBe(before.settings.theme);

    const quiet = { ...before.prefs, criticalBypassesQuiet: !before.prefs.criticalBypassesQuiet };
    await expect(core.invoke('prefs:set', { prefs: quiet })).rejects.toThrow(/prefs\.json/);
    expect(pushes.some((p) => p.channel === 'prefs:changed')).toBe(false);

    const endpoint = await core.invoke('endpoints:save', {
      endpoint: { id: 'chat', name: 'Chat', dialect: 'sakura', url: closedPort },
    });
    expect(endpoint.ok).toBe(false);
    expect((await core.invoke('endpoints:list', {})).map((e) => e.id)).toEqual([]);

    // The renderer was told which files could not be saved, with their paths; so was the log.
    const problems = await waitFor(
      () => {
        const last = [...pushes].reverse().find((p) => p.channel === 'storage:problems');
        const list = (last?.payload ?? []) as Array<{ file: string; path: string; error: string }>;
        return list.length >= 3 ? list : null;
      },
      { what: 'storage problems pushed' },
    );
    expect(problems.map((p) => p.file).sort()).toEqual(['endpoints', 'prefs', 'settings']);
    for (const p of problems) expect(p.path.startsWith(disk.dir)).toBe(true);
    expect((await core.invoke('app:initial-state', {})).storageProblems).toHaveLength(3);
    expect(logger.lines.some((l) => l.startsWith('error') && l.includes('settings.json'))).toBe(
      true,
    );

    await disk.recover();
    expect(await core.invoke('settings:set', { settings: dark })).toEqual(dark);
    expect(await core.invoke('prefs:set', { prefs: quiet })).toEqual(quiet);
    expect(
      await core.invoke('endpoints:save', {
        endpoint: { id: 'chat', name: 'Chat', dialect: 'sakura', url: closedPort },
      }),
    ).toEqual({ ok: true });
    const last = [...pushes].reverse().find((p) => p.channel === 'storage:problems');
    expect(last?.payload).toEqual([]);

    // What was reported saved really is: a restart finds it.
    await stop();
    const again = await startCore(disk.dir);
    const reloaded = await again.core.invoke('app:initial-state', {});
    expect(reloaded.settings.theme).toBe('dark');
    expect(reloaded.prefs.criticalBypassesQuiet).toBe(quiet.criticalBypassesQuiet);
    expect(reloaded.endpoints.map((e) => e.id)).toEqual(['chat']);
  });

  it('state saves that start failing are pushed and logged, and the warning clears by itself when the disk recovers', async () => {
    let progress = 0;
    const timers: Array<ReturnType<typeof setInterval>> = [];
    const server = await new WsTestServer({
      onConnection: (socket) => {
        const timer = setInterval(() => {
          progress = (progress + 1) % 100;
          socket.send(
            JSON.stringify({
              type: 'status_update',
              task_id: 'export-1',
              data: { status: 'processing', progress },
            }),
          );
        }, 50);
        timers.push(timer);
        socket.on('close', () => clearInterval(timer));
      },
    }).start();
    cleanups.push(async () => {
      for (const t of timers) clearInterval(t);
      await server.stop();
    });
    const disk = await FailingDisk.create();
    cleanups.push(() => disk.dispose());
    const { core, pushes, logger } = await startCore(disk.dir);
    expect(
      await core.invoke('endpoints:save', {
        endpoint: {
          id: 'jobs',
          name: 'Jobs',
          dialect: 'task-status',
          url: server.url,
          subscriptions: ['export-1'],
        },
      }),
    ).toEqual({ ok: true });
    const statePath = join(disk.dir, 'state.json');
    await waitFor(
      async () => (await readFile(statePath, 'utf8').catch(() => '')).includes('export-1'),
      {
        timeoutMs: 15_000,
        what: 'the model saved while events flow',
      },
    );

    await disk.fail();
    const failing = await waitFor(
      () => {
        const last = [...pushes].reverse().find((p) => p.channel === 'storage:problems');
        return ((last?.payload ?? []) as Array<{ file: string; error: string }>).find(
          (p) => p.file === 'state',
        );
      },
      { timeoutMs: 20_000, what: 'the failing state save pushed to the renderer' },
    );
    expect(failing.error).toMatch(/state\.json/);
    expect(logger.lines.some((l) => l.startsWith('error') && l.includes('state.json'))).toBe(true);

    await disk.recover();
    await waitFor(
      () => {
        const last = [...pushes].reverse().find((p) => p.channel === 'storage:problems');
        return (last?.payload as unknown[] | undefined)?.length === 0;
      },
      { timeoutMs: 30_000, what: 'the warning cleared once the state is saved again' },
    );
    expect((await core.invoke('app:initial-state', {})).storageProblems).toEqual([]);
  });
});
