import type { CoreParts } from '../../app/core-parts';
import type { InvokeHandlers } from '../ipc-router';

/** The app's own settings (theme, close to tray, start at login, updates). */
export function settingsHandlers(p: CoreParts): Pick<InvokeHandlers, 'settings:set'> {
  return {
    'settings:set': async ({ settings }) => {
      // Throws, changing nothing, when the file could not be written.
      await p.settings.saveSettings(settings);
      p.push.push('settings:changed', settings);
      p.settingsChanged(settings);
      return settings;
    },
  };
}
