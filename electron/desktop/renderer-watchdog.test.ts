import { describe, expect, it } from 'vitest';
import type { CrashReport } from './crash-report';
import { RendererWatchdog, rendererHealthLabel, type RendererHealth } from './renderer-watchdog';
import { ManualClock } from '../../test/support/manual-clock';

function setup(options: { reportFails?: boolean } = {}) {
  const clock = new ManualClock(1_000_000);
  const log: Array<[string, string, Record<string, unknown> | undefined]> = [];
  const reports: CrashReport[] = [];
  const changes: RendererHealth[] = [];
  let reloads = 0;
  let kills = 0;
  const watchdog = new RendererWatchdog({
    clock,
    logger: {
      info: (m, f) => log.push(['info', m, f]),
      warn: (m, f) => log.push(['warn', m, f]),
      error: (m, f) => log.push(['error', m, f]),
    },
    reload: () => (reloads += 1),
    killRenderer: () => (kills += 1),
    report: (report) => {
      reports.push(report);
      return options.reportFails ? null : `/logs/crash-reports/${reports.length}.json`;
    },
    onChange: (health) => changes.push(health),
  });
  return {
    clock,
    watchdog,
    log,
    reports,
    changes,
    reloads: () => reloads,
    kills: () => kills,
  };
}

describe('RendererWatchdog', () => {
  it('a crashed renderer is reported, logged and reloaded, and the reloaded page is told once', () => {
    const t = setup();
    t.watchdog.gone({ reason: 'oom', exitCode: 133 });
    expect(t.reloads()).toBe(1);
    expect(t.reports).toEqual([
      {
        process: 'renderer',
        cause: 'crashed',
        reason: 'oom',
        exitCode: 133,
        at: 1_000_000,
        action: 'reloaded',
        reloadsInLastMinute: 1,
      },
    ]);
    expect(t.log).toContainEqual([
      'error',
      'window renderer crashed',
      {
        reason: 'oom',
        exitCode: 133,
        action: 'reloaded',
        reportFile: '/logs/crash-reports/1.json',
      },
    ]);
    const recovery = {
      cause: 'crashed',
      reason: 'oom',
      at: 1_000_000,
      reportFile: '/logs/crash-reports/1.json',
      reloads: 1,
    };
    expect(t.watchdog.health).toEqual({ state: 'recovered', recovery });
    expect(t.watchdog.takeNotice()).toEqual(recovery);
    expect(t.watchdog.takeNotice()).toBeNull();
    // The user has seen the window: the tray stops mentioning it.
    t.watchdog.shown();
    expect(t.watchdog.health).toEqual({ state: 'ok' });
  });

  it('a window closing normally (clean exit) is not a crash', () => {
    const t = setup();
    t.watchdog.gone({ reason: 'clean-exit', exitCode: 0 });
    expect(t.reloads()).toBe(0);
    expect(t.reports).toEqual([]);
    expect(t.changes).toEqual([]);
  });

  it('a page that catches up within the grace period is left alone', () => {
    const t = setup();
    t.watchdog.unresponsive();
    expect(t.watchdog.health).toEqual({ state: 'hung', since: 1_000_000 });
    t.clock.advance(9_000);
    t.watchdog.responsive();
    t.clock.advance(60_000);
    expect(t.kills()).toBe(0);
    expect(t.watchdog.health).toEqual({ state: 'ok' });
    expect(t.log.map(([level, message]) => `${level} ${message}`)).toEqual([
      'warn window not responding',
      'info window responding again',
    ]);
  });

  it('a page hung past the grace period is ended and reloaded, and the notice says it hung', () => {
    const t = setup();
    t.watchdog.unresponsive();
    t.watchdog.unresponsive(); // Electron may repeat it: one timer only
    t.clock.advance(10_000);
    expect(t.kills()).toBe(1);
    // Ending the renderer makes Electron report it gone, as killed.
    t.watchdog.gone({ reason: 'killed', exitCode: 9 });
    expect(t.reloads()).toBe(1);
    expect(t.reports[0]).toMatchObject({ cause: 'hung', reason: 'killed', action: 'reloaded' });
    expect(t.watchdog.takeNotice()).toMatchObject({
      cause: 'hung',
      reason: 'not responding for 10 s',
    });
    expect(t.log.map(([level, message]) => `${level} ${message}`)).toEqual([
      'warn window not responding',
      'error window still not responding: restarting its renderer',
      'error window renderer ended after a hang',
    ]);
  });

  it('does not feed a crash loop: after 3 reloads in a minute it stops until the user opens the window', () => {
    const t = setup();
    for (let i = 0; i < 3; i += 1) {
      t.watchdog.gone({ reason: 'crashed', exitCode: 139 });
      t.clock.advance(5_000);
    }
    expect(t.reloads()).toBe(3);
    t.watchdog.gone({ reason: 'crashed', exitCode: 139 });
    expect(t.reloads()).toBe(3);
    expect(t.watchdog.health.state).toBe('gave-up');
    expect(t.reports.at(-1)?.action).toBe('not reloaded: 3 reloads in the last minute');
    expect(t.watchdog.takeNotice()).toBeNull();
    // Opening the window from the tray is one more try, with the notice.
    t.watchdog.shown();
    expect(t.reloads()).toBe(4);
    expect(t.watchdog.takeNotice()).toMatchObject({ cause: 'crashed', reloads: 1 });
    // A minute later the budget is back.
    t.clock.advance(61_000);
    t.watchdog.gone({ reason: 'crashed', exitCode: 139 });
    t.clock.advance(1_000);
    t.watchdog.gone({ reason: 'crashed', exitCode: 139 });
    expect(t.reloads()).toBe(6);
  });

  it('says so in the log when the crash report cannot be written, and still reloads', () => {
    const t = setup({ reportFails: true });
    t.watchdog.gone({ reason: 'crashed', exitCode: 139 });
    expect(t.reloads()).toBe(1);
    expect(t.watchdog.takeNotice()?.reportFile).toBeNull();
    expect(t.log).toContainEqual(['warn', 'crash report not written', undefined]);
  });

  it('has words for the tray in every state', () => {
    const time = () => '10:42';
    const recovery = {
      cause: 'crashed' as const,
      reason: 'oom',
      at: 0,
      reportFile: null,
      reloads: 1,
    };
    expect(rendererHealthLabel({ state: 'ok' }, time)).toBeNull();
    expect(rendererHealthLabel({ state: 'hung', since: 0 }, time)).toBe('Window not responding');
    expect(rendererHealthLabel({ state: 'recovered', recovery }, time)).toBe(
      'Window reloaded at 10:42 after a crash',
    );
    expect(
      rendererHealthLabel({ state: 'recovered', recovery: { ...recovery, cause: 'hung' } }, time),
    ).toBe('Window reloaded at 10:42: it had stopped responding');
    expect(rendererHealthLabel({ state: 'gave-up', recovery }, time)).toBe(
      'Window keeps crashing: open Lookout to try again',
    );
  });
});
