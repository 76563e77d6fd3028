import { describe, expect, it } from 'vitest';
import { createFakeBridge } from '../dev/fake-bridge';
import { createAppStore } from './app-store';
import { bindBridge } from './bind-bridge';
import { manualScheduler } from './frame-scheduler';

const settle = async () => {
  for (let i = 0; i < 5; i++) await Promise.resolve();
};

describe('failed saves in the renderer', () => {
  it('keeps the failing files main reports, and drops them when main says saving works again', async () => {
    const bridge = createFakeBridge({ now: () => 1_000_000 });
    const store = createAppStore();
    bindBridge(store, bridge, { scheduler: manualScheduler() });
    await settle();
    expect(store.getState().storageProblems).toEqual([]);
    const problem = {
      file: 'state' as const,
      path: '/home/ann/.config/Lookout/state.json',
      error:
        'Could not save /home/ann/.config/Lookout/state.json (ENOSPC: no space left on device).',
      since: 5,
    };
    bridge.emit('storage:problems', [problem]);
    expect(store.getState().storageProblems).toEqual([problem]);
    bridge.emit('storage:problems', []);
    expect(store.getState().storageProblems).toEqual([]);
  });

  it('undoes an optimistic settings or preferences change that main could not save, and says why', async () => {
    const bridge = createFakeBridge({
      now: () => 1_000_000,
      answers: {
        'settings:set': () => {
          throw new Error(
            'Could not save settings.json (ENOSPC). Your change to settings was not kept.',
          );
        },
        'prefs:set': () => {
          throw new Error('Could not save prefs.json (ENOSPC).');
        },
      },
    });
    const store = createAppStore();
    bindBridge(store, bridge, { scheduler: manualScheduler() });
    await settle();
    const theme = store.getState().settings.theme;
    await expect(
      store.getState().updateSettings({ theme: theme === 'dark' ? 'light' : 'dark' }),
    ).rejects.toThrow(/not kept/);
    expect(store.getState().settings.theme).toBe(theme);
    const prefs = store.getState().prefs;
    await expect(store.getState().savePrefs({ ...prefs, enabled: !prefs.enabled })).rejects.toThrow(
      /prefs\.json/,
    );
    expect(store.getState().prefs).toBe(prefs);
  });
});
