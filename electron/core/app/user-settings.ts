/** settings.json and prefs.json: loaded at start, changed only once saved. */
import { notifyPrefsSchema, type NotifyPrefs } from '../../../shared/model/notify-prefs';
import { appSettingsSchema, type AppSettings } from '../../../shared/model/settings';
import type { Clock, Logger } from '../kernel/ports';
import { PREFS_FORMAT, SETTINGS_FORMAT } from '../state/file-formats';
import { PersistedFile, type SaveResult } from '../state/persist';

export interface UserSettingsOptions {
  settingsPath: string;
  prefsPath: string;
  clock: Clock;
  logger: Logger;
  /** Told the outcome of every write of either file (failed saves reach the UI). */
  onSaved: (file: 'settings' | 'prefs', result: SaveResult) => void;
}

/**
 * The user's app settings (`settings.json`) and notification preferences (`prefs.json`): loaded at
 * start, and changed only once saved, so what is in use is always what is on disk.
 */
export class UserSettings {
  private settingsValue: AppSettings = appSettingsSchema.parse({});
  private prefsValue: NotifyPrefs = notifyPrefsSchema.parse({});
  private readonly settingsFile: PersistedFile<AppSettings>;
  private readonly prefsFile: PersistedFile<NotifyPrefs>;

  constructor(o: UserSettingsOptions) {
    const common = { clock: o.clock, logger: o.logger };
    this.settingsFile = new PersistedFile({
      path: o.settingsPath,
      ...SETTINGS_FORMAT,
      schema: appSettingsSchema,
      onSaved: (result) => o.onSaved('settings', result),
      ...common,
    });
    this.prefsFile = new PersistedFile({
      path: o.prefsPath,
      ...PREFS_FORMAT,
      schema: notifyPrefsSchema,
      onSaved: (result) => o.onSaved('prefs', result),
      ...common,
    });
  }

  get settings(): AppSettings {
    return this.settingsValue;
  }

  get prefs(): NotifyPrefs {
    return this.prefsValue;
  }

  /**
   * Reads both files; returns what the user must be told (a file set aside as damaged, or kept
   * because a newer Lookout wrote it). Defaults stand in for what could not be read.
   */
  async load(): Promise<string[]> {
    const problems: string[] = [];
    const settings = await this.settingsFile.load();
    if ('message' in settings) problems.push(settings.message);
    this.settingsValue = settings.value ?? appSettingsSchema.parse({});
    const prefs = await this.prefsFile.load();
    if ('message' in prefs) problems.push(prefs.message);
    this.prefsValue = prefs.value ?? notifyPrefsSchema.parse({});
    return problems;
  }

  /** Saves new settings; they apply only once saved (a failed save throws and changes nothing). */
  async saveSettings(next: AppSettings): Promise<AppSettings> {
    const saved = await this.settingsFile.save(next);
    if (!saved.ok) {
      this.retryLater(this.settingsFile, () => this.settingsValue);
      throw new Error(`${saved.error} Your change to settings was not kept.`);
    }
    this.settingsValue = next;
    return next;
  }

  /** Saves new preferences; they apply only once saved (a failed save throws and changes nothing). */
  async savePrefs(prefs: NotifyPrefs): Promise<NotifyPrefs> {
    const next = notifyPrefsSchema.parse(prefs);
    const saved = await this.prefsFile.save(next);
    if (!saved.ok) {
      this.retryLater(this.prefsFile, () => this.prefsValue);
      throw new Error(`${saved.error} Your change to notification preferences was not kept.`);
    }
    this.prefsValue = next;
    return next;
  }

  /** Writes what is pending (on quit). */
  async flush(): Promise<void> {
    await Promise.all([this.settingsFile.flush(), this.prefsFile.flush()]);
  }

  /**
   * After a refused change, keep writing the value in use (unchanged) until the disk takes it: the
   * warning then clears by itself once saving works again.
   */
  private retryLater<T>(file: PersistedFile<T>, current: () => T): void {
    file.schedule(current);
  }
}
