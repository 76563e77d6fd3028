import type { TrayModel } from './core-api';
import { trayModel, type TrayEndpoint } from './tray-model';

/** What the tray summarises, read when something changed. */
export interface TraySources {
  endpoints(): TrayEndpoint[];
  unread(): number;
  pausedUntil(): number | null;
  now(): number;
}

/**
 * Publishes the tray's model to the host whenever it changes: anything that may change it calls
 * `update()`, and the host hears only models that differ from the last one.
 */
export class TrayPublisher {
  private last = '';

  constructor(
    private readonly sources: TraySources,
    private readonly publish: (model: TrayModel) => void,
  ) {}

  model(): TrayModel {
    return trayModel({
      states: this.sources.endpoints(),
      unread: this.sources.unread(),
      pausedUntil: this.sources.pausedUntil(),
      now: this.sources.now(),
    });
  }

  update(): void {
    const model = this.model();
    const key = JSON.stringify(model);
    if (key === this.last) return;
    this.last = key;
    this.publish(model);
  }
}
