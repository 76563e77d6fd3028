/**
 * `TrayPublisher`: sends the host the tray model whenever it changes (and at the next pause or
 * quiet-hours edge).
 */
import { nextQuietChange, quietState, type QuietPrefs } from '../../../shared/model/pause-presets';
import type { Clock, TimerHandle } from '../kernel/ports';
import type { TrayModel } from './core-api';
import { trayModel, type TrayEndpoint } from './tray-model';

/** What the tray summarises, read when something changed. */
export interface TraySources {
  endpoints(): TrayEndpoint[];
  unread(): number;
  /** The notification prefs that decide whether it is quiet (pause, quiet hours, on/off). */
  quiet(): QuietPrefs;
}

/**
 * Publishes the tray's model to the host whenever it changes: anything that may change it calls
 * `update()`, and the host hears only models that differ from the last one. A pause that ends or
 * quiet hours that begin change the model with no event at all, so the publisher also wakes itself
 * at the next such time (one timer, re-armed on every update).
 */
export class TrayPublisher {
  private last = '';
  private wake: TimerHandle | null = null;
  private closed = false;

  constructor(
    private readonly sources: TraySources,
    private readonly clock: Clock,
    private readonly publish: (model: TrayModel) => void,
  ) {}

  model(): TrayModel {
    const now = this.clock.now();
    return trayModel({
      states: this.sources.endpoints(),
      unread: this.sources.unread(),
      quiet: quietState(this.sources.quiet(), now),
      now,
    });
  }

  update(): void {
    if (this.closed) return;
    this.arm();
    const model = this.model();
    const key = JSON.stringify(model);
    if (key === this.last) return;
    this.last = key;
    this.publish(model);
  }

  /** Stop waking up (the core is stopping). */
  close(): void {
    this.closed = true;
    if (this.wake !== null) this.clock.clearTimeout(this.wake);
    this.wake = null;
  }

  private arm(): void {
    if (this.wake !== null) this.clock.clearTimeout(this.wake);
    this.wake = null;
    const now = this.clock.now();
    const at = nextQuietChange(this.sources.quiet(), now);
    if (at === null) return;
    // Timers cap near 24.8 days; a pause longer than that is re-armed when the timer fires.
    const delay = Math.min(Math.max(at - now, 0) + 1, 2 ** 31 - 1);
    this.wake = this.clock.setTimeout(() => {
      this.wake = null;
      this.update();
    }, delay);
  }
}
