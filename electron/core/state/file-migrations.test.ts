import { copyFile, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LookoutCore } from '../compose/lookout-core';
import { MemoryNotifier } from '../notify/notifier.memory';
import type { PushChannel } from '../../../shared/ipc/contract';
import { defaultAppSettings } from '../../../shared/model/settings';
import { defaultNotifyPrefs } from '../../../shared/model/notify-prefs';
import { PREFS_FORMAT, SETTINGS_FORMAT, STATE_FORMAT } from './file-formats';

/**
 * The app restarted after an update, on the files the previous version wrote: each versioned file
 * of the data folder is migrated with every value intact (the original kept beside it), and a file
 * from a newer Lookout (after a downgrade) is kept byte for byte while the app runs on defaults and
 * says so. The fixtures are files as format 1 wrote them (`fixtures/formats` beside this file).
 */

const FIXTURES = join(import.meta.dirname, 'fixtures/formats');
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

async function dataDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'lookout-migrate-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

async function startCore(dir: string) {
  const pushes: Array<{ channel: PushChannel; payload: unknown }> = [];
  const core = new LookoutCore({
    dataDir: dir,
    notifier: new MemoryNotifier(),
    appVersion: '0.0.0-test',
    hostKind: 'browser',
  });
  core.onPush((channel, payload) => pushes.push({ channel, payload }));
  let stopped = false;
  const stop = async () => {
    if (!stopped) await core.stop();
    stopped = true;
  };
  cleanups.push(stop);
  await core.start();
  return { core, pushes, stop };
}

const FILES = ['settings', 'prefs', 'state'] as const;
const CURRENT: Record<(typeof FILES)[number], number> = {
  settings: SETTINGS_FORMAT.version,
  prefs: PREFS_FORMAT.version,
  state: STATE_FORMAT.version,
};

async function envelope(path: string): Promise<{ version: number; data: Record<string, unknown> }> {
  return JSON.parse(await readFile(path, 'utf8')) as {
    version: number;
    data: Record<string, unknown>;
  };
}

describe('files written by the previous Lookout (format 1)', () => {
  it('migrate with every value intact, keep the originals, and are rewritten in format 2 only when something changes', async () => {
    const dir = await dataDir();
    for (const name of FILES)
      await copyFile(join(FIXTURES, `${name}.v1.json`), join(dir, `${name}.json`));
    const { core, stop } = await startCore(dir);
    const initial = await core.invoke('app:initial-state', {});
    expect(initial.configProblems).toEqual([]);

    expect(initial.settings).toEqual({
      ...defaultAppSettings(),
      theme: 'dark',
      closeToTray: false,
      startAtLogin: true,
      firstRunDone: true,
    });
    expect(initial.prefs).toEqual({
      ...defaultNotifyPrefs(),
      kinds: {
        ...defaultNotifyPrefs().kinds,
        'business.created': { notify: false, minSeverity: 'info' },
        alert: { notify: true, minSeverity: 'warning' },
      },
      endpoints: { gateway: { muted: true, mutedUntil: null, kinds: {} } },
      quietHours: { enabled: true, start: '21:30', end: '06:45' },
      criticalBypassesQuiet: true,
      respectOsDoNotDisturb: false,
      digestWindowMs: 8_000,
    });
    const state = await envelope(join(FIXTURES, 'state.v1.json'));
    const { version: _v, ...model } = state.data;
    expect(initial.app).toEqual(model);
    expect(initial.app.notifications.map((n) => [n.id, n.read])).toEqual([
      ['gateway:dashboard:3', false],
      ['gateway:dashboard:2', false],
      ['gateway:dashboard:1', true],
    ]);
    expect(initial.app.businesses[0]).toMatchObject({ key: 'gateway:7', name: 'Sakura Ramen' });

    // Each original is kept as the previous version wrote it; loading alone rewrites nothing.
    for (const name of FILES) {
      const original = await readFile(join(FIXTURES, `${name}.v1.json`), 'utf8');
      expect(await readFile(join(dir, `${name}.json.v1.bak`), 'utf8')).toBe(original);
      expect(await readFile(join(dir, `${name}.json`), 'utf8')).toBe(original);
    }

    // A change is written in format 2 (no inner version), and the next start reads it back.
    await core.invoke('settings:set', { settings: { ...initial.settings, theme: 'light' } });
    const saved = await envelope(join(dir, 'settings.json'));
    expect(saved.version).toBe(2);
    expect(saved.data).not.toHaveProperty('version');
    await stop();
    const again = await startCore(dir);
    const reread = await again.core.invoke('app:initial-state', {});
    expect(reread.configProblems).toEqual([]);
    expect(reread.settings).toMatchObject({
      theme: 'light',
      closeToTray: false,
      startAtLogin: true,
    });
    expect(reread.prefs.quietHours).toEqual({ enabled: true, start: '21:30', end: '06:45' });
    expect(reread.app.notifications).toHaveLength(3);
  });
});

describe('notification preferences of format 2 (before the working-day defaults)', () => {
  it('take the new defaults where the user had left the old ones, and keep every choice they made', async () => {
    const dir = await dataDir();
    await copyFile(join(FIXTURES, 'prefs.v2.json'), join(dir, 'prefs.json'));
    const { core } = await startCore(dir);
    const { prefs, configProblems } = await core.invoke('app:initial-state', {});
    expect(configProblems).toEqual([]);
    expect(prefs).toEqual({
      ...defaultNotifyPrefs(),
      kinds: {
        ...defaultNotifyPrefs().kinds,
        // Changed by the user in format 2: kept.
        'chat.message': { notify: true, minSeverity: 'warning' },
      },
      endpoints: {
        gateway: {
          muted: false,
          mutedUntil: null,
          kinds: { 'task.created': { notify: true, minSeverity: 'info' } },
        },
      },
      quietHours: { enabled: true, start: '22:00', end: '07:00' },
    });
    expect(prefs.kinds['business.updated'].notify).toBe(false);
    expect(prefs.criticalBypassesQuiet).toBe(true);
    expect(prefs).not.toHaveProperty('rateCap');
    expect(await readFile(join(dir, 'prefs.json.v2.bak'), 'utf8')).toBe(
      await readFile(join(FIXTURES, 'prefs.v2.json'), 'utf8'),
    );
  });
});

describe('files written by a newer Lookout (one format ahead)', () => {
  it('are kept byte for byte: the app runs on defaults, says why, and never writes over them', async () => {
    const dir = await dataDir();
    const newer: Record<string, string> = {};
    for (const name of FILES) {
      const file = await envelope(join(FIXTURES, `${name}.v1.json`));
      newer[name] =
        `${JSON.stringify({ ...file, version: CURRENT[name] + 1, data: { reshaped: true, ...file.data } }, null, 2)}\n`;
      await writeFile(join(dir, `${name}.json`), newer[name]!);
    }
    const { core, pushes, stop } = await startCore(dir);
    const initial = await core.invoke('app:initial-state', {});
    for (const name of FILES) {
      expect(initial.configProblems).toContainEqual(
        `${join(dir, `${name}.json`)} was written by a newer Lookout (format ${CURRENT[name] + 1}; this one reads up to ${CURRENT[name]}). It is kept as it is and will not be overwritten: this Lookout runs with default ${name} and does not save them. Update Lookout to use it again, or move the file away to start over with this version.`,
      );
    }
    expect(initial.settings).toEqual(defaultAppSettings());
    expect(initial.prefs).toEqual(defaultNotifyPrefs());
    expect(initial.app.notifications).toEqual([]);

    // A change the user makes is refused with the reason, not silently lost on the next start.
    await expect(
      core.invoke('settings:set', { settings: { ...initial.settings, theme: 'dark' } }),
    ).rejects.toThrow(
      /is from a newer Lookout, and this version does not write over it.*Your change to settings was not kept/,
    );
    expect(pushes.filter((p) => p.channel === 'storage:problems').at(-1)?.payload).toEqual([
      expect.objectContaining({ file: 'settings' }),
    ]);
    core.send('notifications:mark-read', { ids: 'all' });
    await stop(); // a clean quit flushes the model: still nothing written

    for (const name of FILES)
      expect(await readFile(join(dir, `${name}.json`), 'utf8'), name).toBe(newer[name]);
    expect((await readdir(dir)).filter((f) => /corrupt|\.bak$/.test(f))).toEqual([]);
  });
});
