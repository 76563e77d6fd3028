import type * as FocusAssistPackage from 'windows-focus-assist';
import type * as NotificationStatePackage from 'windows-notification-state';
import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  FOCUS_ASSIST_PACKAGE,
  NOTIFICATION_STATE_PACKAGE,
  focusAssistOutcome,
  qunsOutcome,
  windowsDndReader,
  type FocusAssistModule,
  type NotificationStateModule,
} from './dnd-windows';
import type { ModuleLoader } from './optional-module';

/**
 * The Windows reader against stand-ins shaped exactly like windows-focus-assist 1.4.0 and
 * windows-notification-state 2.0.0 document their API (lib/index.js, index.d.ts): the add-ons
 * themselves only run on Windows. What a real Windows answers is not verified here.
 */

const AUMID = 'dev.lookout.console';
const STATUS = {
  NOT_SUPPORTED: { value: -2, name: 'NOT_SUPPORTED' },
  FAILED: { value: -1, name: 'FAILED' },
  OFF: { value: 0, name: 'OFF' },
  PRIORITY_ONLY: { value: 1, name: 'PRIORITY_ONLY' },
  ALARMS_ONLY: { value: 2, name: 'ALARMS_ONLY' },
};
const PRIORITY = {
  NOT_SUPPORTED: { value: -2, name: 'NOT_SUPPORTED' },
  FAILED: { value: -1, name: 'FAILED' },
  NO: { value: 0, name: 'NO' },
  YES: { value: 1, name: 'YES' },
};

function notFound(name: string): never {
  throw Object.assign(new Error(`Cannot find module '${name}'\nRequire stack:\n- main.cjs`), {
    code: 'MODULE_NOT_FOUND',
  });
}

function loader(modules: Partial<Record<string, unknown>>): ModuleLoader & { calls: string[] } {
  const calls: string[] = [];
  const load = (name: string): unknown => {
    calls.push(name);
    if (!(name in modules)) notFound(name);
    const m = modules[name];
    if (m instanceof Error) throw m;
    return m;
  };
  return Object.assign(load, { calls });
}

function focusAssist(
  status: unknown,
  priority: unknown = PRIORITY.NO,
): FocusAssistModule & { askedFor: string[] } {
  const askedFor: string[] = [];
  return {
    askedFor,
    getFocusAssist: () => status as never,
    isPriority: (aumid: string) => {
      askedFor.push(aumid);
      return priority as never;
    },
  };
}

const quns = (state: string): NotificationStateModule => ({ getNotificationState: () => state });

async function read(modules: Partial<Record<string, unknown>>) {
  return windowsDndReader(loader(modules), AUMID)();
}

describe('the packages’ own typings (their index.d.ts)', () => {
  it('fit the API the reader calls (checked by tsc)', () => {
    expectTypeOf<typeof FocusAssistPackage>().toExtend<FocusAssistModule>();
    expectTypeOf<typeof NotificationStatePackage>().toExtend<NotificationStateModule>();
  });
});

describe('Focus Assist states (windows-focus-assist Status)', () => {
  it('maps every documented status', () => {
    expect(focusAssistOutcome(STATUS.OFF)).toEqual({ kind: 'off' });
    expect(focusAssistOutcome(STATUS.PRIORITY_ONLY)).toEqual({ kind: 'on', mode: 'priority only' });
    expect(focusAssistOutcome(STATUS.ALARMS_ONLY)).toEqual({ kind: 'on', mode: 'alarms only' });
    expect(focusAssistOutcome(STATUS.FAILED)).toMatchObject({ kind: 'unreadable' });
    expect(focusAssistOutcome(STATUS.NOT_SUPPORTED)).toEqual({
      kind: 'unreadable',
      why: expect.stringMatching(/Windows 10 version 1803/),
    });
  });

  it('an undocumented answer (the package returns undefined for one) is unreadable, not off', () => {
    for (const odd of [undefined, null, { value: 7, name: 'X' }, 'OFF', {}]) {
      expect(focusAssistOutcome(odd)).toMatchObject({ kind: 'unreadable' });
    }
  });
});

describe('SHQueryUserNotificationState states (windows-notification-state)', () => {
  it('maps every documented state: only presentation settings and quiet time are quiet', () => {
    expect(qunsOutcome('QUNS_ACCEPTS_NOTIFICATIONS')).toEqual({ kind: 'accepts', note: null });
    expect(qunsOutcome('QUNS_PRESENTATION_MODE')).toMatchObject({ kind: 'quiet' });
    expect(qunsOutcome('QUNS_QUIET_TIME')).toMatchObject({ kind: 'quiet' });
    for (const state of [
      'QUNS_BUSY',
      'QUNS_RUNNING_D3D_FULL_SCREEN',
      'QUNS_APP',
      'QUNS_NOT_PRESENT',
    ]) {
      expect(qunsOutcome(state), state).toEqual({ kind: 'accepts', note: expect.any(String) });
    }
    expect(qunsOutcome('UNKNOWN_ERROR')).toMatchObject({ kind: 'unreadable' });
    expect(qunsOutcome(undefined)).toMatchObject({ kind: 'unreadable' });
  });
});

describe('the Windows reader', () => {
  it('Focus Assist on: priority only and alarms only, in the user’s words', async () => {
    expect(
      await read({
        [FOCUS_ASSIST_PACKAGE]: focusAssist(STATUS.PRIORITY_ONLY),
        [NOTIFICATION_STATE_PACKAGE]: quns('QUNS_ACCEPTS_NOTIFICATIONS'),
      }),
    ).toEqual({
      state: 'on',
      source: 'windows-focus-assist',
      detail: 'Windows Focus Assist is on (priority only).',
      caveat: expect.stringMatching(/not yet verified on a real Windows PC/i),
    });
    expect(
      await read({
        [FOCUS_ASSIST_PACKAGE]: focusAssist(STATUS.ALARMS_ONLY),
        [NOTIFICATION_STATE_PACKAGE]: quns('QUNS_ACCEPTS_NOTIFICATIONS'),
      }),
    ).toMatchObject({ state: 'on', detail: 'Windows Focus Assist is on (alarms only).' });
  });

  it('priority only with Lookout on the priority list is off: Windows shows its notifications', async () => {
    const fa = focusAssist(STATUS.PRIORITY_ONLY, PRIORITY.YES);
    const reading = await read({ [FOCUS_ASSIST_PACKAGE]: fa });
    expect(fa.askedFor).toEqual([AUMID]);
    expect(reading).toMatchObject({
      state: 'off',
      detail: expect.stringMatching(/priority only.*Lookout is on your priority list/),
    });
    // FAILED, NOT_SUPPORTED or a throwing isPriority leave it on: the safe reading.
    for (const priority of [PRIORITY.FAILED, PRIORITY.NOT_SUPPORTED, PRIORITY.NO, undefined]) {
      expect(
        await read({ [FOCUS_ASSIST_PACKAGE]: focusAssist(STATUS.PRIORITY_ONLY, priority) }),
      ).toMatchObject({ state: 'on' });
    }
    const throwing = {
      getFocusAssist: () => STATUS.PRIORITY_ONLY,
      isPriority: () => {
        throw new Error('COM failed');
      },
    };
    expect(await read({ [FOCUS_ASSIST_PACKAGE]: throwing })).toMatchObject({ state: 'on' });
  });

  it('Focus Assist off: presentation settings or quiet time still count as do-not-disturb', async () => {
    expect(
      await read({
        [FOCUS_ASSIST_PACKAGE]: focusAssist(STATUS.OFF),
        [NOTIFICATION_STATE_PACKAGE]: quns('QUNS_ACCEPTS_NOTIFICATIONS'),
      }),
    ).toMatchObject({ state: 'off', detail: 'Windows Focus Assist is off.' });
    expect(
      await read({
        [FOCUS_ASSIST_PACKAGE]: focusAssist(STATUS.OFF),
        [NOTIFICATION_STATE_PACKAGE]: quns('QUNS_PRESENTATION_MODE'),
      }),
    ).toMatchObject({
      state: 'on',
      source: 'windows-notification-state',
      detail: expect.stringMatching(/presentation settings are on/),
    });
    expect(
      await read({
        [FOCUS_ASSIST_PACKAGE]: focusAssist(STATUS.OFF),
        [NOTIFICATION_STATE_PACKAGE]: quns('QUNS_BUSY'),
      }),
    ).toMatchObject({
      state: 'off',
      detail: 'Windows Focus Assist is off. (Windows also says a full-screen app is running.)',
    });
  });

  it('without a Focus Assist reading it is unknown, even when Windows "accepts notifications"', async () => {
    const reading = await read({
      [FOCUS_ASSIST_PACKAGE]: focusAssist(STATUS.FAILED),
      [NOTIFICATION_STATE_PACKAGE]: quns('QUNS_ACCEPTS_NOTIFICATIONS'),
    });
    expect(reading).toMatchObject({
      state: 'unknown',
      source: null,
      detail: expect.stringMatching(/cannot read Windows Focus Assist: windows did not answer/i),
    });
    // …but presentation settings alone are still a clear "leave me alone".
    expect(
      await read({ [NOTIFICATION_STATE_PACKAGE]: quns('QUNS_PRESENTATION_MODE') }),
    ).toMatchObject({ state: 'on' });
  });

  it('packages missing from the build: unknown, and says which', async () => {
    const load = loader({});
    const reader = windowsDndReader(load, AUMID);
    const reading = await reader();
    expect(reading).toMatchObject({
      state: 'unknown',
      detail:
        'Lookout cannot read Windows Focus Assist: windows-focus-assist is not installed in this build of Lookout.',
    });
    await reader();
    // Loaded (or found missing) once per process, not at every poll.
    expect(load.calls).toEqual([FOCUS_ASSIST_PACKAGE, NOTIFICATION_STATE_PACKAGE]);
  });

  it('a throwing or broken package never throws out of the reader', async () => {
    const explode = {
      getFocusAssist: () => {
        throw new Error('windows-focus-assist works only on Windows');
      },
      isPriority: () => PRIORITY.NO,
    };
    expect(
      await read({
        [FOCUS_ASSIST_PACKAGE]: explode,
        [NOTIFICATION_STATE_PACKAGE]: {
          getNotificationState: () => {
            throw new Error('boom');
          },
        },
      }),
    ).toMatchObject({
      state: 'unknown',
      detail: expect.stringMatching(
        /windows-focus-assist failed: windows-focus-assist works only on Windows/,
      ),
    });
    // An add-on built for another architecture fails at load: said, with the reason.
    expect(
      await read({
        [FOCUS_ASSIST_PACKAGE]: new Error(
          '\\\\?\\C:\\focusassist.node is not a valid Win32 application.',
        ),
      }),
    ).toMatchObject({
      state: 'unknown',
      detail: expect.stringMatching(
        /windows-focus-assist could not be loaded: .*not a valid Win32/,
      ),
    });
    // Something that is not the documented API (another package of that name, a changed API).
    expect(await read({ [FOCUS_ASSIST_PACKAGE]: { getFocusAssist: 1 } })).toMatchObject({
      state: 'unknown',
      detail: expect.stringMatching(/does not offer the functions Lookout reads/),
    });
  });
});
