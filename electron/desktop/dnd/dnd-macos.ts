/**
 * macOS's Do Not Disturb / Focus, read through `macos-notification-state` 3.0.0 (a native add-on,
 * the one maintained package that reads it; what Electron's notification guide points to). How it
 * reads depends on the macOS version, and since macOS 13 only Apple's Focus status API works:
 * - macOS 10.15 and older, 11, 12: preference files (`~/Library/DoNotDisturb/DB` on 12, which
 *   some users report always reads "off": felixrieseberg/macos-notification-state#32).
 * - macOS 13 and later: `INFocusStatusCenter`, which answers only an app that declares
 *   `NSFocusStatusUsageDescription` in its Info.plist (otherwise macOS ends the app:
 *   felixrieseberg/macos-notification-state#41), is signed with Apple's Communication
 *   Notifications entitlement, and that the user allowed. Otherwise the promise rejects with
 *   "FocusStatus access not authorized, status: N" (mattermost/desktop#3052).
 * The API used here is exactly what its `lib/index.js` and `index.d.ts` document.
 */
import type { DndReading } from '../../../shared/model/diagnostics';
import type { DndReader } from '../../core/notify/dnd-monitor';
import {
  hasFunctions,
  messageOf,
  optionalModule,
  type ModuleLoader,
  type OptionalModule,
} from './optional-module';

export const MACOS_PACKAGE = 'macos-notification-state';

/** macos-notification-state 3.0.0's API (the part Lookout uses). */
export interface MacNotificationStateModule {
  /** True when Do Not Disturb / a Focus is on; rejects where it cannot tell (see above). */
  getDoNotDisturb(): Promise<boolean>;
}

/** The Info.plist key without which asking for Focus status ends the app on macOS 13+. */
export const FOCUS_USAGE_KEY = 'NSFocusStatusUsageDescription';

/** How long a Focus status request may take before the reading is "unknown" (a permission prompt can stay open). */
export const MACOS_DND_TIMEOUT_MS = 5_000;

const CAVEAT =
  'Not yet verified on a real Mac: Lookout’s makers could only check this against the package’s documented API.';

/** What the desktop host tells the reader about the system it runs on. */
export interface MacDndEnv {
  /** `os.release()`: the Darwin version (22 = macOS 13). */
  osRelease: string;
  /** Whether the running app's Info.plist declares {@link FOCUS_USAGE_KEY}. */
  declaresFocusUsage: () => Promise<boolean>;
  /** Timers for the request's time limit (the global ones when absent). */
  timers?: Timers;
}

/** setTimeout / clearTimeout, injectable for tests. */
export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const globalTimers: Timers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/** The macOS major version from the Darwin kernel version (20 → 11, 22 → 13, 25 → 26). */
export function macosMajor(osRelease: string): number | null {
  const darwin = Number.parseInt(osRelease, 10);
  if (!Number.isFinite(darwin)) return null;
  if (darwin >= 25) return darwin + 1; // macOS 26 (Tahoe) followed macOS 15 (Sequoia, Darwin 24).
  if (darwin >= 20) return darwin - 9;
  return 10;
}

/** Maps a rejection of `getDoNotDisturb()` to a sentence saying why Focus cannot be read. */
export function focusRejection(error: unknown): string {
  const message = messageOf(error);
  const status = /status: (-?\d+)/.exec(message)?.[1];
  // INFocusStatusAuthorizationStatus: 0 not determined, 1 restricted, 2 denied, 3 authorized.
  switch (status) {
    case '0':
      return 'macOS has not yet asked you whether Lookout may read your Focus status.';
    case '1':
      return 'macOS does not let this copy of Lookout read Focus status: that needs a build signed with Apple’s Communication Notifications entitlement, and no device policy forbidding it.';
    case '2':
      return 'you have not allowed Lookout to read your Focus status (System Settings › Privacy & Security › Focus).';
    default:
      break;
  }
  if (/not supported/i.test(message))
    return 'this version of macOS offers Lookout no Focus status.';
  if (/addon not loaded/i.test(message)) return `${MACOS_PACKAGE} could not load its add-on.`;
  return `${MACOS_PACKAGE} failed: ${message}`;
}

/** The macOS reader. Never throws and never waits longer than {@link MACOS_DND_TIMEOUT_MS}. */
export function macosDndReader(load: ModuleLoader, env: MacDndEnv): DndReader {
  const module = optionalModule(MACOS_PACKAGE, load, (m): m is MacNotificationStateModule =>
    hasFunctions(m, 'getDoNotDisturb'),
  );
  const major = macosMajor(env.osRelease);
  let pending: Promise<boolean> | null = null;
  return async () => {
    const loaded: OptionalModule<MacNotificationStateModule> = module();
    if (!loaded.ok) return unknown(loaded.reason);
    const focusApi = major !== null && major >= 13;
    if (focusApi && !(await env.declaresFocusUsage().catch(() => false))) {
      // Asking anyway would make macOS end Lookout (a privacy violation without a usage text).
      return unknown(
        `on macOS 13 and later an app may read Focus only if it declares why (${FOCUS_USAGE_KEY}), and this copy of Lookout does not (a development build, or a package made without it).`,
      );
    }
    // One request at a time: while macOS waits on the user (a permission prompt), later polls
    // wait on the same request instead of piling up new ones.
    const request = (pending ??= Promise.resolve()
      .then(() => loaded.module.getDoNotDisturb())
      .finally(() => {
        pending = null;
      }));
    const answer = await withTimeout(request, env.timers ?? globalTimers).then(
      (value) => ({ ok: true as const, value }),
      (error: unknown) => ({ ok: false as const, error }),
    );
    if (!answer.ok) {
      return unknown(
        answer.error === TIMED_OUT
          ? 'macOS has not answered whether a Focus is on (a permission prompt may be waiting for you).'
          : focusRejection(answer.error),
      );
    }
    if (typeof answer.value !== 'boolean') {
      return unknown(`${MACOS_PACKAGE} answered with something other than on or off.`);
    }
    const what = focusApi ? 'A macOS Focus' : 'macOS Do Not Disturb';
    const on = answer.value;
    return {
      state: on ? 'on' : 'off',
      source: MACOS_PACKAGE,
      detail: focusApi
        ? on
          ? `${what} is on.`
          : 'No macOS Focus is on.'
        : `${what} is ${on ? 'on' : 'off'}.`,
      caveat: CAVEAT,
    };
  };
}

const TIMED_OUT = Symbol('timed out');

function withTimeout<T>(promise: Promise<T>, timers: Timers): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = timers.setTimeout(() => reject(TIMED_OUT), MACOS_DND_TIMEOUT_MS);
    promise
      .then(resolve, reject)
      .finally(() => timers.clearTimeout(timer))
      .catch(() => {});
  });
}

function unknown(why: string): DndReading {
  return {
    state: 'unknown',
    source: null,
    detail: `Lookout cannot read macOS Focus / Do Not Disturb: ${why}`,
    caveat: CAVEAT,
  };
}
