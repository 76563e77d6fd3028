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
    /**
     * Any URL loads (a file from an older Lookout is not thrown away); only `https:` (or
     * `http://localhost`/`127.0.0.1`) is accepted from the UI and used (`updateFeedProblem`).
     */
    updateFeedUrl: z.string().url().nullable().default(null),
  })
  .strict();

/** Hosts an `http:` feed may name: this machine only, for testing a feed served locally. */
const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * Why an update feed URL is refused, in words that say what to do; null when it may be used.
 * Updates run code: only `https:` is trusted (and plain `http:` to this machine, for testing).
 */
export function updateFeedProblem(url: string): string | null {
  const fix =
    'Enter the https:// address of your update feed in Settings → Application (http:// is allowed only for localhost or 127.0.0.1, for testing).';
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return `The update feed is not a URL. ${fix}`;
  }
  if (parsed.protocol === 'https:') return null;
  if (parsed.protocol === 'http:' && LOCAL_HOSTS.has(parsed.hostname)) return null;
  return `An update feed over ${parsed.protocol.replace(/:$/, '')}: is refused: updates install code, so they must come over https. ${fix}`;
}

/** Settings as the UI may set them: the stored shape, with an update feed Lookout will use. */
export const appSettingsChangeSchema = appSettingsSchema.superRefine((settings, ctx) => {
  const problem = settings.updateFeedUrl ? updateFeedProblem(settings.updateFeedUrl) : null;
  if (problem) ctx.addIssue({ code: 'custom', path: ['updateFeedUrl'], message: problem });
});
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
