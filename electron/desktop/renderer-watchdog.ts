import type { Clock, Logger, TimerHandle } from '../core/kernel/ports';
import type { RendererRecovery } from '../../shared/model/recovery';
import { assertNever } from '../../shared/util/assert-never';
import type { CrashReport } from './crash-report';

/** How the window's renderer is doing, for the tray and tests. */
export type RendererHealth =
  | { state: 'ok' }
  /** Electron reported the page unresponsive; it is given `hangGraceMs` to recover. */
  | { state: 'hung'; since: number }
  /** The renderer died (or was ended after a hang) and the window was reloaded. */
  | { state: 'recovered'; recovery: RendererRecovery }
  /** It died again and again: no more automatic reloads until the user opens the window. */
  | { state: 'gave-up'; recovery: RendererRecovery };

export interface RendererWatchdogOptions {
  clock: Clock;
  logger: Logger;
  /** Loads the renderer again (a fresh navigation to the app's page). */
  reload(): void;
  /** Ends a hung renderer so it can be reloaded (`webContents.forcefullyCrashRenderer`). */
  killRenderer(): void;
  /** Writes a crash report; returns its path, or null when it could not be written. */
  report(report: CrashReport): string | null;
  onChange?(health: RendererHealth): void;
  /** How long an unresponsive page may stay so before its renderer is restarted. */
  hangGraceMs?: number;
  /** Automatic reloads allowed per minute; beyond, a crash loop is not fed. */
  maxReloadsPerMinute?: number;
}

const MINUTE = 60_000;

/**
 * Keeps the window alive: a renderer that crashes (`render-process-gone`) is reloaded at once, one
 * that hangs (`unresponsive` for longer than the grace period) is ended and reloaded. Each time a
 * crash report is written and the event logged; the reloaded page is told what happened (a
 * visible notice) and the tray shows it until the user has seen the window. A renderer that keeps
 * dying is not reloaded more than a few times a minute.
 */
export class RendererWatchdog {
  private current: RendererHealth = { state: 'ok' };
  private readonly reloads: number[] = [];
  private hangTimer: TimerHandle | null = null;
  private hangSince: number | null = null;
  /** The renderer about to go was ended by us because it hung. */
  private endedForHang = false;
  /** What the next page load must show the user. */
  private notice: RendererRecovery | null = null;
  private readonly hangGraceMs: number;
  private readonly maxReloads: number;

  constructor(private readonly options: RendererWatchdogOptions) {
    this.hangGraceMs = options.hangGraceMs ?? 10_000;
    this.maxReloads = options.maxReloadsPerMinute ?? 3;
  }

  get health(): RendererHealth {
    return this.current;
  }

  /** Electron's `unresponsive` on the window. */
  unresponsive(): void {
    if (this.hangTimer !== null) return;
    const { clock, logger } = this.options;
    this.hangSince = clock.now();
    logger.warn('window not responding', { graceMs: this.hangGraceMs });
    this.set({ state: 'hung', since: this.hangSince });
    this.hangTimer = clock.setTimeout(() => {
      this.hangTimer = null;
      logger.error('window still not responding: restarting its renderer', {
        stuckMs: clock.now() - (this.hangSince ?? clock.now()),
      });
      this.endedForHang = true;
      this.options.killRenderer();
    }, this.hangGraceMs);
  }

  /** Electron's `responsive`: the page caught up within the grace period. */
  responsive(): void {
    if (this.hangTimer === null) return;
    this.options.clock.clearTimeout(this.hangTimer);
    this.hangTimer = null;
    const stuckMs = this.options.clock.now() - (this.hangSince ?? this.options.clock.now());
    this.hangSince = null;
    this.options.logger.info('window responding again', { stuckMs });
    this.set({ state: 'ok' });
  }

  /** Electron's `render-process-gone` on the window's webContents. */
  gone(details: { reason: string; exitCode: number }): void {
    if (details.reason === 'clean-exit') return;
    const { clock, logger } = this.options;
    if (this.hangTimer !== null) clock.clearTimeout(this.hangTimer);
    this.hangTimer = null;
    const now = clock.now();
    const hung = this.endedForHang;
    const stuckMs = now - (this.hangSince ?? now);
    this.endedForHang = false;
    this.hangSince = null;

    while (this.reloads.length > 0 && now - this.reloads[0]! >= MINUTE) this.reloads.shift();
    const giveUp = this.reloads.length >= this.maxReloads;
    if (!giveUp) this.reloads.push(now);
    const action = giveUp
      ? `not reloaded: ${this.reloads.length} reloads in the last minute`
      : 'reloaded';
    const cause = hung ? 'hung' : 'crashed';
    const reportFile = this.options.report({
      process: 'renderer',
      cause,
      reason: details.reason,
      exitCode: details.exitCode,
      at: now,
      action,
      reloadsInLastMinute: this.reloads.length,
    });
    const recovery: RendererRecovery = {
      cause,
      reason: hung ? `not responding for ${Math.round(stuckMs / 1000)} s` : details.reason,
      at: now,
      reportFile,
      reloads: this.reloads.length,
    };
    logger.error(hung ? 'window renderer ended after a hang' : 'window renderer crashed', {
      reason: details.reason,
      exitCode: details.exitCode,
      action,
      reportFile,
    });
    if (reportFile === null) logger.warn('crash report not written');
    if (giveUp) {
      this.notice = null;
      this.set({ state: 'gave-up', recovery });
      return;
    }
    this.notice = recovery;
    this.set({ state: 'recovered', recovery });
    this.options.reload();
  }

  /** The reloaded page is ready for pushes: what it must tell the user (once), or null. */
  takeNotice(): RendererRecovery | null {
    const notice = this.notice;
    this.notice = null;
    return notice;
  }

  /**
   * The user opened the window. After a crash loop this is the one retry they asked for; after a
   * recovery it means the notice was seen, and the tray can stop mentioning it.
   */
  shown(): void {
    const health = this.current;
    if (health.state === 'gave-up') {
      this.reloads.length = 0;
      this.reloads.push(this.options.clock.now());
      this.notice = { ...health.recovery, reloads: 1 };
      this.options.logger.info("window reloaded at the user's request after repeated crashes");
      this.set({ state: 'recovered', recovery: health.recovery });
      this.options.reload();
      return;
    }
    if (health.state === 'recovered' && this.notice === null) this.set({ state: 'ok' });
  }

  dispose(): void {
    if (this.hangTimer !== null) this.options.clock.clearTimeout(this.hangTimer);
    this.hangTimer = null;
  }

  private set(health: RendererHealth): void {
    this.current = health;
    this.options.onChange?.(health);
  }
}

/** The tray's words for the window's health, or null when all is well. */
export function rendererHealthLabel(
  health: RendererHealth,
  formatTime: (epochMs: number) => string,
): string | null {
  switch (health.state) {
    case 'ok':
      return null;
    case 'hung':
      return 'Window not responding';
    case 'recovered':
      return health.recovery.cause === 'hung'
        ? `Window reloaded at ${formatTime(health.recovery.at)}: it had stopped responding`
        : `Window reloaded at ${formatTime(health.recovery.at)} after a crash`;
    case 'gave-up':
      return 'Window keeps crashing: open Lookout to try again';
    default:
      return assertNever(health);
  }
}
