import { z } from 'zod';

/** App-level settings (not endpoints, not notification preferences). Stored in `settings.json`. */
export const appSettingsSchema = z
  .object({
    theme: z.enum(['system', 'light', 'dark']).default('system'),
    /** Closing the window keeps Lookout running in the tray (notifications keep coming). */
    closeToTray: z.boolean().default(true),
    /** Start Lookout when the user logs in (opt-in). */
    startAtLogin: z.boolean().default(false),
    /** The user has seen the first-run welcome. */
    firstRunDone: z.boolean().default(false),
    /** Check for updates (electron-updater); off by default. */
    autoUpdate: z.boolean().default(false),
    updateFeedUrl: z.string().url().nullable().default(null),
  })
  .strict();
export type AppSettings = z.output<typeof appSettingsSchema>;
export type AppSettingsInput = z.input<typeof appSettingsSchema>;

export function defaultAppSettings(): AppSettings {
  return appSettingsSchema.parse({});
}

/** Where an automatic update stands (desktop host); shown in Settings and the tray menu. */
export type UpdateState =
  | { status: 'off'; reason: string }
  | { status: 'idle' }
  | { status: 'checking' }
  | { status: 'up-to-date'; checkedAt: number }
  | { status: 'downloading'; version: string; percent: number }
  | { status: 'downloaded'; version: string }
  | { status: 'error'; message: string };

/** Facts about the running host, for the About box and the support bundle. */
export interface HostInfo {
  kind: 'electron' | 'browser';
  appVersion: string;
  platform: string;
  /** Where the config files live (shown so admins can edit them). */
  configDir: string;
  logFile: string;
  /** Whether secrets survive a restart (false where no OS keyring is available). */
  secretsPersistent: boolean;
  secretsNote: string;
}
