import { join } from 'node:path';
import { Menu, Tray, nativeImage } from 'electron';
import type { MenuItemConstructorOptions } from 'electron';
import type { TrayHealth, TrayModel } from '../core/app/core-api';
import { assertNever } from '../../shared/util/assert-never';

/** One entry of the tray menu, as data: tested without Electron, applied by `TrayController`. */
export type TrayMenuItem =
  | { kind: 'separator' }
  | { kind: 'status'; label: string }
  | { kind: 'action'; id: TrayAction; label: string }
  | { kind: 'submenu'; label: string; items: Array<{ id: TrayAction; label: string }> };

/** What a tray click asks for. */
export type TrayAction =
  'open' | 'pause-1h' | 'pause-8h' | 'resume' | 'reconnect' | 'install-update' | 'quit';

/** An app update worth mentioning in the tray (from the auto-updater). */
export interface TrayUpdate {
  label: string;
  /** The update is downloaded: the item restarts into it. */
  installable: boolean;
}

/** The tray as data: which icon, which tooltip, which menu. */
export interface TrayView {
  /** File name (without `.png`) in the tray icon folder: `tray-<health>[-unread]`. */
  icon: string;
  tooltip: string;
  /** Text beside the icon (macOS menu bar): the unread count, or empty. */
  title: string;
  items: TrayMenuItem[];
}

const HEALTH_LABEL: Record<TrayHealth, string> = {
  ok: 'All connections healthy',
  degraded: 'Some connections degraded',
  disconnected: 'Disconnected',
  'sign-in': 'Sign-in needed',
};

/** Every icon name the tray may ask for; the icon set in `build/tray/` must hold each one. */
export const TRAY_ICON_NAMES: string[] = (
  ['ok', 'degraded', 'disconnected', 'sign-in'] as const
).flatMap((h) => [`tray-${h}`, `tray-${h}-unread`]);

/** Pure: the tray's look and menu for a model. `formatTime` renders the pause end. */
export function trayMenuModel(
  model: TrayModel,
  update: TrayUpdate | null = null,
  formatTime: (epochMs: number) => string = (ms) =>
    new Date(ms).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' }),
): TrayView {
  const unread = Math.max(0, Math.floor(model.unread));
  const statusLabel =
    unread > 0 ? `${healthLabel(model.health)} · ${unread} unread` : healthLabel(model.health);
  const pauseItem: TrayMenuItem = model.notificationsPaused
    ? {
        kind: 'action',
        id: 'resume',
        label:
          model.pausedUntil !== null
            ? `Resume notifications (paused until ${formatTime(model.pausedUntil)})`
            : 'Resume notifications',
      }
    : {
        kind: 'submenu',
        label: 'Pause notifications',
        items: [
          { id: 'pause-1h', label: 'For 1 hour' },
          { id: 'pause-8h', label: 'For 8 hours' },
        ],
      };
  return {
    icon: `tray-${model.health}${unread > 0 ? '-unread' : ''}`,
    tooltip: model.tooltip,
    title: unread > 0 ? (unread > 99 ? '99+' : String(unread)) : '',
    items: [
      { kind: 'status', label: statusLabel },
      ...updateItems(update),
      { kind: 'separator' },
      { kind: 'action', id: 'open', label: 'Open Lookout' },
      pauseItem,
      { kind: 'action', id: 'reconnect', label: 'Reconnect all' },
      { kind: 'separator' },
      { kind: 'action', id: 'quit', label: 'Quit Lookout' },
    ],
  };
}

function updateItems(update: TrayUpdate | null): TrayMenuItem[] {
  if (!update) return [];
  if (update.installable) return [{ kind: 'action', id: 'install-update', label: update.label }];
  return [{ kind: 'status', label: update.label }];
}

function healthLabel(health: TrayHealth): string {
  switch (health) {
    case 'ok':
    case 'degraded':
    case 'disconnected':
    case 'sign-in':
      return HEALTH_LABEL[health];
    default:
      return assertNever(health);
  }
}

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

const HOUR = 3_600_000;

/** Thin: keeps one Electron `Tray` in step with the core's tray model. */
export class TrayController {
  private readonly tray: Tray;
  private readonly unsubscribe: () => void;
  private lastIcon = '';
  private model: TrayModel;
  private update: TrayUpdate | null = null;

  constructor(
    source: TraySource,
    private readonly actions: TrayActions,
    /** Folder with `tray-*.png` (and `@2x` variants, which Electron picks up by itself). */
    private readonly iconDir: string,
    private readonly now: () => number = Date.now,
  ) {
    this.model = source.trayModel();
    const first = trayMenuModel(this.model);
    this.tray = new Tray(this.image(first.icon));
    this.lastIcon = first.icon;
    this.tray.on('click', () => actions.open());
    this.apply(first);
    this.unsubscribe = source.onTrayChange((model) => {
      this.model = model;
      this.apply(trayMenuModel(model, this.update));
    });
  }

  /** Shows (or clears) an update line in the menu. */
  setUpdate(update: TrayUpdate | null): void {
    this.update = update;
    this.apply(trayMenuModel(this.model, update));
  }

  /** Runs a menu action (also what the menu's click handlers call). */
  run(action: TrayAction): void {
    switch (action) {
      case 'open':
        return this.actions.open();
      case 'pause-1h':
        return this.actions.pauseNotifications(this.now() + HOUR);
      case 'pause-8h':
        return this.actions.pauseNotifications(this.now() + 8 * HOUR);
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
    if (process.platform === 'darwin') this.tray.setTitle(view.title);
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

  private image(name: string): Electron.NativeImage {
    return nativeImage.createFromPath(join(this.iconDir, `${name}.png`));
  }
}
