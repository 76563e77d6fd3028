import { join } from 'node:path';
import { Menu, Tray, nativeImage } from 'electron';
import type { MenuItemConstructorOptions } from 'electron';
import type { TrayModel } from '../core/app/core-api';
import { assertNever } from '../../shared/util/assert-never';
import { pauseEnd, type PausePreset } from '../../shared/model/pause-presets';
import {
  TRAY_TEMPLATE_SUFFIX,
  trayMenuModel,
  type TrayAction,
  type TrayExtras,
  type TrayMenuItem,
  type TrayUpdate,
  type TrayView,
} from './tray-view';

export { TRAY_ICON_NAMES, TRAY_TEMPLATE_SUFFIX, trayMenuModel } from './tray-view';
export type { TrayAction, TrayExtras, TrayMenuItem, TrayUpdate, TrayView } from './tray-view';

/** What the tray's menu does; the composition root wires these to the window and the core. */
export interface TrayActions {
  open(): void;
  pauseNotifications(until: number | null): void;
  reconnectAll(): void;
  installUpdate(): void;
  quit(): void;
}

/** The tray model source: the core. */
export interface TraySource {
  trayModel(): TrayModel;
  onTrayChange(listener: (model: TrayModel) => void): () => void;
}

/** `pause-2h` → `2h`. */
function presetOf(action: `pause-${PausePreset}`): PausePreset {
  return action.slice('pause-'.length) as PausePreset;
}

/** Thin: keeps one Electron `Tray` in step with the core's tray model. */
export class TrayController {
  private readonly tray: Tray;
  private readonly unsubscribe: () => void;
  private lastIcon = '';
  private model: TrayModel;
  private extras: TrayExtras = {};

  constructor(
    source: TraySource,
    private readonly actions: TrayActions,
    /** Folder with `tray-*.png` (and `@2x` variants, which Electron picks up by itself). */
    private readonly iconDir: string,
    private readonly now: () => number = Date.now,
    private readonly platform: NodeJS.Platform = process.platform,
  ) {
    this.model = source.trayModel();
    const first = trayMenuModel(this.model);
    this.tray = new Tray(this.image(first.icon));
    this.lastIcon = first.icon;
    this.tray.on('click', () => actions.open());
    this.apply(first);
    this.unsubscribe = source.onTrayChange((model) => {
      this.model = model;
      this.apply(trayMenuModel(model, this.extras));
    });
  }

  /** Shows (or clears) an update line in the menu. */
  setUpdate(update: TrayUpdate | null): void {
    this.extras = { ...this.extras, update };
    this.apply(trayMenuModel(this.model, this.extras));
  }

  /** Shows (or clears) what happened to the window (a crash, a hang, a reload). */
  setWindowProblem(windowProblem: string | null): void {
    this.extras = { ...this.extras, windowProblem };
    this.apply(trayMenuModel(this.model, this.extras));
  }

  /** Runs a menu action (also what the menu's click handlers call). */
  run(action: TrayAction): void {
    switch (action) {
      case 'open':
        return this.actions.open();
      case 'pause-30m':
      case 'pause-1h':
      case 'pause-2h':
      case 'pause-tomorrow':
        return this.actions.pauseNotifications(pauseEnd(presetOf(action), this.now()));
      case 'resume':
        return this.actions.pauseNotifications(null);
      case 'reconnect':
        return this.actions.reconnectAll();
      case 'install-update':
        return this.actions.installUpdate();
      case 'quit':
        return this.actions.quit();
      default:
        return assertNever(action);
    }
  }

  destroy(): void {
    this.unsubscribe();
    this.tray.destroy();
  }

  private apply(view: TrayView): void {
    if (view.icon !== this.lastIcon) {
      this.tray.setImage(this.image(view.icon));
      this.lastIcon = view.icon;
    }
    this.tray.setToolTip(view.tooltip);
    if (this.platform === 'darwin') this.tray.setTitle(view.title);
    this.tray.setContextMenu(Menu.buildFromTemplate(view.items.map((item) => this.toMenu(item))));
  }

  private toMenu(item: TrayMenuItem): MenuItemConstructorOptions {
    switch (item.kind) {
      case 'separator':
        return { type: 'separator' };
      case 'status':
        return { label: item.label, enabled: false };
      case 'action':
        return { id: item.id, label: item.label, click: () => this.run(item.id) };
      case 'submenu':
        return {
          label: item.label,
          submenu: item.items.map((sub) => ({
            id: sub.id,
            label: sub.label,
            click: () => this.run(sub.id),
          })),
        };
      default:
        return assertNever(item);
    }
  }

  /**
   * The icon file for a state. On macOS the monochrome `*Template.png` variant, which the menu bar
   * draws in its own colour (light or dark menu bar, highlighted or not).
   */
  private image(name: string): Electron.NativeImage {
    const darwin = this.platform === 'darwin';
    const image = nativeImage.createFromPath(
      join(this.iconDir, `${name}${darwin ? TRAY_TEMPLATE_SUFFIX : ''}.png`),
    );
    if (darwin) image.setTemplateImage(true);
    return image;
  }
}
