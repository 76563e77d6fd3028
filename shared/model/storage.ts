/**
 * Files in the data folder that Lookout writes, and the saves that are failing right now. A failed
 * save is never silent: the core pushes the list whenever it changes (a banner in the renderer),
 * and an entry goes away as soon as that file is saved again.
 */
export type StoredFile = 'state' | 'settings' | 'prefs' | 'endpoints' | 'secrets';

export interface StorageProblem {
  file: StoredFile;
  /** The file that could not be written. */
  path: string;
  /** What went wrong and what to do, in words. */
  error: string;
  /** When saving it first failed (epoch ms). */
  since: number;
}

/** What each file holds, for messages. */
export const STORED_FILE_WHAT: Record<StoredFile, string> = {
  state: 'the notification history and live data',
  settings: 'application settings',
  prefs: 'notification preferences',
  endpoints: 'the endpoint list',
  secrets: 'saved passwords and tokens',
};
