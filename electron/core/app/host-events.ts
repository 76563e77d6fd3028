import type { AppSettings } from '../../../shared/model/settings';
import { TypedEmitter } from '../kernel/typed-emitter';
import type { TrayModel } from './core-api';

/** What the core tells its host directly (not the renderer): the host applies these itself. */
export interface HostEventMap extends Record<string, unknown> {
  tray: TrayModel;
  settings: AppSettings;
}

/** The core's typed events for the hosts; a listener that throws is logged and never breaks the core. */
export class HostEvents extends TypedEmitter<HostEventMap> {
  tray(model: TrayModel): void {
    this.emit('tray', model);
  }

  settings(settings: AppSettings): void {
    this.emit('settings', settings);
  }
}
