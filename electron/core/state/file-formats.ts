import { prefsToWorkingDay } from '../../../shared/model/notify-prefs';
import { defineFormat, withoutKey } from './migrations';

/**
 * The history of every versioned file in the data folder. To change a file's format: add a step
 * here (its version goes up by one), add a fixture of the previous version to
 * `fixtures/formats/`, and the migration test checks that it still loads.
 */

/** Version 1 carried its format version twice: in the envelope and inside the data. */
const ENVELOPE_ONLY = 'the format version is kept in the envelope only, not repeated in the data';

/** `settings.json`: theme, close to tray, start at login, updates. */
export const SETTINGS_FORMAT = defineFormat('settings', [
  { from: 1, change: ENVELOPE_ONLY, up: withoutKey('version') },
]);

/** `prefs.json`: notification preferences. */
export const PREFS_FORMAT = defineFormat('prefs', [
  { from: 1, change: ENVELOPE_ONLY, up: withoutKey('version') },
  {
    from: 2,
    change:
      'working-day defaults: kind rules left at the old defaults take the new ones, the per-kind rate cap gives way to a total budget, critical bypasses quiet unless set',
    up: prefsToWorkingDay,
  },
]);

/** `state.json`: the bell, businesses, tasks, stats. */
export const STATE_FORMAT = defineFormat('state', [
  { from: 1, change: ENVELOPE_ONLY, up: withoutKey('version') },
]);

/**
 * `secrets.json`: secrets encrypted by the OS. Format 2 entries may be written by safeStorage's
 * asynchronous API, which a Lookout reading format 1 cannot decrypt; format 1 entries decrypt with
 * it unchanged (and are encrypted again when the OS asks), so the step keeps the data as it is.
 */
export const CREDENTIALS_FORMAT = defineFormat('credentials', [
  {
    from: 1,
    change: 'entries may be encrypted with the asynchronous safeStorage API',
    up: (data) => data,
  },
]);

/**
 * `endpoints.json`, hand-edited (no envelope; its own `version` key). Still at its first version:
 * the steps added here are applied to older files in memory, and the file is rewritten only when
 * the user saves from the app.
 */
export const ENDPOINTS_FORMAT = defineFormat('endpoints', []);
