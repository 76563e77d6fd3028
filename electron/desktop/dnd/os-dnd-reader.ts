/**
 * Which do-not-disturb reader the desktop host adds for its OS. macOS and Windows read through
 * their native add-ons here; Linux and the BSDs need none of this (the core reads the D-Bus
 * daemon's `Inhibited` / dunst's `paused`, then GNOME's `show-banners`).
 */
import { readFile } from 'node:fs/promises';
import type { DndReader } from '../../core/notify/dnd-monitor';
import { FOCUS_USAGE_KEY, macosDndReader, type Timers } from './dnd-macos';
import { windowsDndReader } from './dnd-windows';
import type { ModuleLoader } from './optional-module';

/** What the readers need from the host; `main.ts` gives the real ones, tests give fakes. */
export interface OsDndDeps {
  platform: NodeJS.Platform;
  load: ModuleLoader;
  /** Windows: the AppUserModelID, to see whether Lookout is on Focus Assist's priority list. */
  appUserModelId: string;
  /** macOS: `os.release()`. */
  osRelease: string;
  /** macOS: the running app's `Contents/Info.plist`. */
  infoPlistPath: string;
  timers?: Timers;
}

/** The reader for this OS, or undefined where the core's own readers apply. */
export function osDndReader(deps: OsDndDeps): DndReader | undefined {
  if (deps.platform === 'win32') return windowsDndReader(deps.load, deps.appUserModelId);
  if (deps.platform === 'darwin') {
    let declared: Promise<boolean> | null = null;
    return macosDndReader(deps.load, {
      osRelease: deps.osRelease,
      // Read once: the bundle's Info.plist does not change while the app runs.
      declaresFocusUsage: () => (declared ??= infoPlistDeclares(deps.infoPlistPath)),
      ...(deps.timers ? { timers: deps.timers } : {}),
    });
  }
  return undefined;
}

/** Whether an Info.plist (XML or binary: keys are plain ASCII in both) declares the Focus usage text. */
export async function infoPlistDeclares(path: string): Promise<boolean> {
  try {
    return (await readFile(path)).includes(FOCUS_USAGE_KEY);
  } catch {
    return false;
  }
}
