import type * as MacPackage from 'macos-notification-state';
import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  MACOS_DND_TIMEOUT_MS,
  MACOS_PACKAGE,
  focusRejection,
  macosDndReader,
  macosMajor,
  type MacDndEnv,
  type MacNotificationStateModule,
  type Timers,
} from './dnd-macos';
import type { ModuleLoader } from './optional-module';

/**
 * The macOS reader against a stand-in shaped exactly like macos-notification-state 3.0.0
 * documents its API (lib/index.js, index.d.ts; its native Focus code in lib/focus-center.mm for the
 * rejection texts): the add-on itself only runs on macOS. What a real Mac answers is not verified
 * here.
 */

const VENTURA = '22.6.0';
const MONTEREY = '21.6.0';

function manualTimers(): Timers & { fire(): void; pending(): number } {
  const timers = new Map<number, () => void>();
  let next = 1;
  return {
    setTimeout: (fn) => {
      timers.set(next, fn);
      return next++;
    },
    clearTimeout: (handle) => void timers.delete(handle as number),
    fire: () => {
      const all = [...timers.values()];
      timers.clear();
      for (const fn of all) fn();
    },
    pending: () => timers.size,
  };
}

function reader(
  module: unknown,
  env: Partial<MacDndEnv> = {},
): { read: () => Promise<unknown>; loads: string[] } {
  const loads: string[] = [];
  const load: ModuleLoader = (name) => {
    loads.push(name);
    if (module === undefined) {
      throw Object.assign(new Error(`Cannot find module '${name}'`), { code: 'MODULE_NOT_FOUND' });
    }
    if (module instanceof Error) throw module;
    return module;
  };
  const read = macosDndReader(load, {
    osRelease: VENTURA,
    declaresFocusUsage: () => Promise.resolve(true),
    timers: manualTimers(),
    ...env,
  });
  return { read, loads };
}

/** Lets every queued promise callback run (the reader awaits a few before it asks macOS). */
const settled = () => new Promise((resolve) => setImmediate(resolve));

const answering = (value: unknown) => ({ getDoNotDisturb: () => Promise.resolve(value) });
const rejecting = (error: unknown) => ({ getDoNotDisturb: () => Promise.reject(error) });

describe('the package’s own typings (its index.d.ts)', () => {
  it('fit the API the reader calls (checked by tsc)', () => {
    expectTypeOf<typeof MacPackage>().toExtend<MacNotificationStateModule>();
  });
});

describe('macOS versions', () => {
  it('reads the macOS major version from the Darwin version', () => {
    expect(macosMajor('19.6.0')).toBe(10);
    expect(macosMajor('20.6.0')).toBe(11);
    expect(macosMajor(MONTEREY)).toBe(12);
    expect(macosMajor(VENTURA)).toBe(13);
    expect(macosMajor('24.1.0')).toBe(15);
    expect(macosMajor('25.0.0')).toBe(26);
    expect(macosMajor('')).toBeNull();
  });
});

describe('Focus status rejections (INFocusStatusAuthorizationStatus)', () => {
  it('says why for every status the package reports', () => {
    const status = (n: number) =>
      focusRejection(new TypeError(`FocusStatus access not authorized, status: ${n}`));
    expect(status(0)).toMatch(/not yet asked you/);
    expect(status(1)).toMatch(/Communication Notifications entitlement/);
    expect(status(2)).toMatch(/System Settings › Privacy & Security › Focus/);
    expect(focusRejection(new Error('getFocusStatus not supported'))).toMatch(/no Focus status/);
    expect(
      focusRejection(new Error('[macos-notification-state] notificationstate addon not loaded')),
    ).toMatch(/could not load its add-on/);
    expect(focusRejection('weird')).toBe('macos-notification-state failed: weird');
  });
});

describe('the macOS reader', () => {
  it('Focus on and off (macOS 13+), in the user’s words', async () => {
    expect(await reader(answering(true)).read()).toEqual({
      state: 'on',
      source: 'macos-notification-state',
      detail: 'A macOS Focus is on.',
      caveat: expect.stringMatching(/not yet verified on a real Mac/i),
    });
    expect(await reader(answering(false)).read()).toMatchObject({
      state: 'off',
      detail: 'No macOS Focus is on.',
    });
  });

  it('Do Not Disturb on and off before macOS 13 (read from preferences, no permission needed)', async () => {
    const declaresFocusUsage = () => Promise.resolve(false);
    expect(
      await reader(answering(true), { osRelease: MONTEREY, declaresFocusUsage }).read(),
    ).toMatchObject({ state: 'on', detail: 'macOS Do Not Disturb is on.' });
    expect(
      await reader(answering(false), { osRelease: MONTEREY, declaresFocusUsage }).read(),
    ).toMatchObject({ state: 'off', detail: 'macOS Do Not Disturb is off.' });
  });

  it('macOS 13+ without the Focus usage text in Info.plist never asks (macOS would end the app)', async () => {
    let asked = 0;
    const module = {
      getDoNotDisturb: () => {
        asked += 1;
        return Promise.resolve(false);
      },
    };
    const reading = await reader(module, {
      declaresFocusUsage: () => Promise.resolve(false),
    }).read();
    expect(asked).toBe(0);
    expect(reading).toMatchObject({
      state: 'unknown',
      detail: expect.stringMatching(/NSFocusStatusUsageDescription.*does not/),
    });
    // A failed Info.plist check counts as "not declared".
    expect(
      await reader(module, {
        declaresFocusUsage: () => Promise.reject(new Error('EACCES')),
      }).read(),
    ).toMatchObject({ state: 'unknown' });
    expect(asked).toBe(0);
  });

  it('permission refused or not entitled: unknown, with what to do', async () => {
    expect(
      await reader(rejecting(new TypeError('FocusStatus access not authorized, status: 2'))).read(),
    ).toMatchObject({
      state: 'unknown',
      source: null,
      detail:
        'Lookout cannot read macOS Focus / Do Not Disturb: you have not allowed Lookout to read your Focus status (System Settings › Privacy & Security › Focus).',
    });
  });

  it('never waits on macOS: an unanswered request is unknown after the time limit', async () => {
    const timers = manualTimers();
    const { read } = reader({ getDoNotDisturb: () => new Promise(() => {}) }, { timers });
    const pending = read();
    await settled();
    expect(timers.pending()).toBe(1);
    timers.fire();
    expect(await pending).toMatchObject({
      state: 'unknown',
      detail: expect.stringMatching(/has not answered.*permission prompt/),
    });
    expect(MACOS_DND_TIMEOUT_MS).toBeLessThan(15_000); // shorter than the monitor's poll
  });

  it('asks again only once the previous request has answered (no pile-up behind a prompt)', async () => {
    const timers = manualTimers();
    const waiting: Array<(on: boolean) => void> = [];
    const module = {
      getDoNotDisturb: () => new Promise<boolean>((resolve) => waiting.push(resolve)),
    };
    const { read } = reader(module, { timers });
    const first = read();
    await settled();
    timers.fire();
    expect(await first).toMatchObject({ state: 'unknown' });
    const second = read();
    await settled();
    expect(waiting).toHaveLength(1); // the first request is still out: no second one
    waiting[0]!(true);
    expect(await second).toMatchObject({ state: 'on' });
    const third = read();
    await settled();
    expect(waiting).toHaveLength(2); // answered, so the next poll asks anew
    waiting[1]!(false);
    expect(await third).toMatchObject({ state: 'off' });
  });

  it('an answer clears its time limit', async () => {
    const timers = manualTimers();
    await reader(answering(true), { timers }).read();
    expect(timers.pending()).toBe(0);
  });

  it('missing package, a throwing package and a non-boolean answer are unknown, never thrown', async () => {
    const missing = reader(undefined);
    expect(await missing.read()).toMatchObject({
      state: 'unknown',
      detail:
        'Lookout cannot read macOS Focus / Do Not Disturb: macos-notification-state is not installed in this build of Lookout.',
    });
    await missing.read();
    expect(missing.loads).toEqual([MACOS_PACKAGE]);

    const throwsSync = {
      getDoNotDisturb: () => {
        throw new Error('[macos-notification-state] only works on macOS');
      },
    };
    expect(await reader(throwsSync).read()).toMatchObject({
      state: 'unknown',
      detail: expect.stringMatching(/failed: \[macos-notification-state\] only works on macOS/),
    });
    expect(
      await reader(new Error('dlopen: wrong architecture (have arm64, need x86_64)')).read(),
    ).toMatchObject({
      state: 'unknown',
      detail: expect.stringMatching(/could not be loaded: dlopen/),
    });
    expect(await reader(answering(1)).read()).toMatchObject({ state: 'unknown' });
  });
});
