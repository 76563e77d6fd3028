/**
 * Windows' do-not-disturb, read through two native add-ons:
 * - `windows-focus-assist` 1.4.0 (Focus Assist, "Do not disturb" on Windows 11): off, priority
 *   only or alarms only, and whether an app is on the priority list. It uses an undocumented
 *   Windows API (its README warns it may break), so a failure is reported, never guessed.
 * - `windows-notification-state` 2.0.0 (`SHQueryUserNotificationState`, documented by
 *   Microsoft): presentation settings and quiet time, which Focus Assist does not cover.
 * The API used here is exactly what their `lib/index.js` and `index.d.ts` document.
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

export const FOCUS_ASSIST_PACKAGE = 'windows-focus-assist';
export const NOTIFICATION_STATE_PACKAGE = 'windows-notification-state';

/** `{ value, name }` as windows-focus-assist returns it (`Status` / `Priority` in its lib/index.js). */
export interface FocusAssistStatus {
  value: number;
  name: string;
}

/** windows-focus-assist 1.4.0's API. */
export interface FocusAssistModule {
  /** -2 NOT_SUPPORTED, -1 FAILED, 0 OFF, 1 PRIORITY_ONLY, 2 ALARMS_ONLY. */
  getFocusAssist(): FocusAssistStatus;
  /** -2 NOT_SUPPORTED, -1 FAILED, 0 NO, 1 YES: is this AppUserModelID on the priority list? */
  isPriority(appUserModelId: string): FocusAssistStatus;
}

/** windows-notification-state 2.0.0's API: the `QUERY_USER_NOTIFICATION_STATE` name, or `UNKNOWN_ERROR`. */
export interface NotificationStateModule {
  getNotificationState(): string;
}

const CAVEAT =
  'Not yet verified on a real Windows PC: Lookout’s makers could only check this against the packages’ documented API.';

/** What Focus Assist says, before the priority list is considered. */
export type FocusAssistOutcome =
  | { kind: 'off' }
  | { kind: 'on'; mode: 'priority only' | 'alarms only' }
  | { kind: 'unreadable'; why: string };

/** Maps every status windows-focus-assist documents (and anything else) to an outcome. */
export function focusAssistOutcome(status: unknown): FocusAssistOutcome {
  const value = (status as Partial<FocusAssistStatus> | null | undefined)?.value;
  switch (value) {
    case 0:
      return { kind: 'off' };
    case 1:
      return { kind: 'on', mode: 'priority only' };
    case 2:
      return { kind: 'on', mode: 'alarms only' };
    case -1:
      return { kind: 'unreadable', why: 'Windows did not answer when asked for Focus Assist' };
    case -2:
      return {
        kind: 'unreadable',
        why: 'this version of Windows has no Focus Assist (it came with Windows 10 version 1803)',
      };
    default:
      // The package returns `undefined` for a value it does not know (`Status.UNKNOWN` is unset).
      return {
        kind: 'unreadable',
        why: 'Focus Assist answered with a state Lookout does not know',
      };
  }
}

/** What `SHQueryUserNotificationState` says, as far as do-not-disturb goes. */
export type QunsOutcome =
  | { kind: 'quiet'; detail: string }
  | { kind: 'accepts'; note: string | null }
  | { kind: 'unreadable'; why: string };

/**
 * Maps every `QUERY_USER_NOTIFICATION_STATE` windows-notification-state documents. Only the states
 * the user chose to be left alone in count as do-not-disturb (presentation settings, quiet time);
 * a full-screen app or a locked screen is not a request for silence, and a super admin watching a
 * video full screen still wants to hear that a site is down.
 */
export function qunsOutcome(state: unknown): QunsOutcome {
  switch (state) {
    case 'QUNS_ACCEPTS_NOTIFICATIONS':
      return { kind: 'accepts', note: null };
    case 'QUNS_PRESENTATION_MODE':
      return {
        kind: 'quiet',
        detail: 'Windows presentation settings are on (they block notifications).',
      };
    case 'QUNS_QUIET_TIME':
      return { kind: 'quiet', detail: 'Windows reports quiet time (notifications are held).' };
    case 'QUNS_BUSY':
      return { kind: 'accepts', note: 'a full-screen app is running' };
    case 'QUNS_RUNNING_D3D_FULL_SCREEN':
      return { kind: 'accepts', note: 'a full-screen game or 3D app is running' };
    case 'QUNS_APP':
      return { kind: 'accepts', note: 'a full-screen Store app is running' };
    case 'QUNS_NOT_PRESENT':
      return { kind: 'accepts', note: 'the screen is locked or the screen saver is on' };
    default:
      return { kind: 'unreadable', why: 'Windows did not say whether it accepts notifications' };
  }
}

/**
 * The Windows reader: Focus Assist first (priority only counts as off when Lookout itself is on
 * the priority list, since Windows then shows its notifications), presentation settings and quiet
 * time second. Without Focus Assist the state is unknown, whatever else Windows says: "accepts
 * notifications" does not include Focus Assist, so reporting "off" would be a guess.
 */
export function windowsDndReader(load: ModuleLoader, appUserModelId: string): DndReader {
  const focusAssist = optionalModule(FOCUS_ASSIST_PACKAGE, load, (m): m is FocusAssistModule =>
    hasFunctions(m, 'getFocusAssist', 'isPriority'),
  );
  const notificationState = optionalModule(
    NOTIFICATION_STATE_PACKAGE,
    load,
    (m): m is NotificationStateModule => hasFunctions(m, 'getNotificationState'),
  );
  return () => {
    const fa = readFocusAssist(focusAssist(), appUserModelId);
    const quns = readQuns(notificationState());
    return Promise.resolve(combine(fa, quns));
  };
}

type FocusAssistRead =
  | { kind: 'off' }
  | { kind: 'on'; mode: 'priority only' | 'alarms only' }
  | { kind: 'allowed' }
  | { kind: 'unreadable'; why: string };

function readFocusAssist(
  loaded: OptionalModule<FocusAssistModule>,
  appUserModelId: string,
): FocusAssistRead {
  if (!loaded.ok) return { kind: 'unreadable', why: loaded.reason };
  let outcome: FocusAssistOutcome;
  try {
    outcome = focusAssistOutcome(loaded.module.getFocusAssist());
  } catch (error) {
    return { kind: 'unreadable', why: `${FOCUS_ASSIST_PACKAGE} failed: ${messageOf(error)}` };
  }
  if (outcome.kind !== 'on' || outcome.mode !== 'priority only') return outcome;
  try {
    // YES only: FAILED or NOT_SUPPORTED leaves Focus Assist on, the safe reading. (1.4.0's native
    // isPriority converts its argument through a pointer into a temporary string, so a wrong
    // answer is possible; in practice it is NO, which again leaves Focus Assist on.)
    if (loaded.module.isPriority(appUserModelId)?.value === 1) return { kind: 'allowed' };
  } catch {
    // The priority list is a refinement; Focus Assist itself was read.
  }
  return outcome;
}

function readQuns(loaded: OptionalModule<NotificationStateModule>): QunsOutcome {
  if (!loaded.ok) return { kind: 'unreadable', why: loaded.reason };
  try {
    return qunsOutcome(loaded.module.getNotificationState());
  } catch (error) {
    return { kind: 'unreadable', why: `${NOTIFICATION_STATE_PACKAGE} failed: ${messageOf(error)}` };
  }
}

function combine(fa: FocusAssistRead, quns: QunsOutcome): DndReading {
  if (fa.kind === 'on') {
    return {
      state: 'on',
      source: FOCUS_ASSIST_PACKAGE,
      detail: `Windows Focus Assist is on (${fa.mode}).`,
      caveat: CAVEAT,
    };
  }
  if (quns.kind === 'quiet') {
    return { state: 'on', source: NOTIFICATION_STATE_PACKAGE, detail: quns.detail, caveat: CAVEAT };
  }
  if (fa.kind === 'allowed') {
    return {
      state: 'off',
      source: FOCUS_ASSIST_PACKAGE,
      detail:
        'Windows Focus Assist is on (priority only), and Lookout is on your priority list, so Windows shows its notifications.',
      caveat: CAVEAT,
    };
  }
  if (fa.kind === 'off') {
    const note = quns.kind === 'accepts' && quns.note ? ` (Windows also says ${quns.note}.)` : '';
    return {
      state: 'off',
      source: FOCUS_ASSIST_PACKAGE,
      detail: `Windows Focus Assist is off.${note}`,
      caveat: CAVEAT,
    };
  }
  return {
    state: 'unknown',
    source: null,
    detail: `Lookout cannot read Windows Focus Assist: ${lowerFirst(fa.why)}`,
    caveat: CAVEAT,
  };
}

function lowerFirst(text: string): string {
  const sentence = /[.!?]$/.test(text) ? text : `${text}.`;
  // Package names stay as they are; sentences start lower-case after the colon.
  return /^[A-Z][a-z]/.test(sentence) ? sentence[0]!.toLowerCase() + sentence.slice(1) : sentence;
}
