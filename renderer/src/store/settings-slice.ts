import type { SaveResult } from '../../../shared/ipc/contract';
import type { EndpointInput } from '../../../shared/config/endpoint';
import type { ConnectionCheckReport } from '../../../shared/model/diagnostics';
import { defaultNotifyPrefs, type NotifyPrefs } from '../../../shared/model/notify-prefs';
import {
  defaultAppSettings,
  type AppSettings,
  type UpdateState,
} from '../../../shared/model/settings';
import type { SliceCreator } from './slice-types';

export interface SettingsSlice {
  settings: AppSettings;
  prefs: NotifyPrefs;
  /** Automatic update progress, as the desktop host reports it (null: not reported, e.g. browser host). */
  update: UpdateState | null;
  setSettingsLocal(settings: AppSettings): void;
  setPrefsLocal(prefs: NotifyPrefs): void;
  /**
   * Change some settings; main answers with the stored settings. When main could not save them
   * the change is undone here too and the promise rejects with main's reason.
   */
  updateSettings(change: Partial<AppSettings>): Promise<void>;
  savePrefs(prefs: NotifyPrefs): Promise<void>;
  pauseNotifications(until: number | null): void;
  getEndpoint(id: string): Promise<EndpointInput | null>;
  saveEndpoint(
    endpoint: EndpointInput,
    secret?: string,
    redisSecret?: string,
    proxySecret?: string,
  ): Promise<SaveResult>;
  removeEndpoint(id: string): Promise<SaveResult>;
  testEndpoint(
    endpoint: EndpointInput,
    secret?: string,
    redisSecret?: string,
    proxySecret?: string,
  ): Promise<ConnectionCheckReport>;
}

export const createSettingsSlice: SliceCreator<SettingsSlice> = (set, get) => {
  const bridge = () => {
    const b = get().bridge;
    if (!b) throw new Error('Not connected to the Lookout core yet.');
    return b;
  };
  return {
    settings: defaultAppSettings(),
    prefs: defaultNotifyPrefs(),
    update: null,
    setSettingsLocal: (settings) => set({ settings }),
    setPrefsLocal: (prefs) => set({ prefs }),
    updateSettings: async (change) => {
      const before = get().settings;
      const next = { ...before, ...change };
      // Optimistic: toggles feel instant; main's answer (or a settings:changed push) is the truth.
      set({ settings: next });
      try {
        set({ settings: await bridge().invoke('settings:set', { settings: next }) });
      } catch (error) {
        if (get().settings === next) set({ settings: before });
        throw error;
      }
    },
    savePrefs: async (prefs) => {
      const before = get().prefs;
      set({ prefs });
      try {
        set({ prefs: await bridge().invoke('prefs:set', { prefs }) });
      } catch (error) {
        if (get().prefs === prefs) set({ prefs: before });
        throw error;
      }
    },
    pauseNotifications: (until) => {
      set((s) => ({ prefs: { ...s.prefs, pausedUntil: until } }));
      get().bridge?.send('notifications:pause', { until });
    },
    getEndpoint: (id) => bridge().invoke('endpoints:get', { id }),
    saveEndpoint: (endpoint, secret, redisSecret, proxySecret) =>
      bridge().invoke('endpoints:save', {
        endpoint,
        ...(secret ? { secret } : {}),
        ...(redisSecret ? { redisSecret } : {}),
        ...(proxySecret ? { proxySecret } : {}),
      }),
    removeEndpoint: (id) => bridge().invoke('endpoints:remove', { id }),
    testEndpoint: (endpoint, secret, redisSecret, proxySecret) =>
      bridge().invoke('endpoints:test', {
        endpoint,
        ...(secret ? { secret } : {}),
        ...(redisSecret ? { redisSecret } : {}),
        ...(proxySecret ? { proxySecret } : {}),
      }),
  };
};
