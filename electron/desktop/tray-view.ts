import type { TrayHealth, TrayModel } from '../core/app/core-api';
import { assertNever } from '../../shared/util/assert-never';
import {
  PAUSE_PRESETS,
  PAUSE_PRESET_LABELS,
  type PausePreset,
} from '../../shared/model/pause-presets';
import { localWhen } from '../../shared/util/local-time';

/** One entry of the tray menu, as data: tested without Electron, applied by `TrayController`. */
export type TrayMenuItem =
  | { kind: 'separator' }
  | { kind: 'status'; label: string }
  | { kind: 'action'; id: TrayAction; label: string }
  | { kind: 'submenu'; label: string; items: Array<{ id: TrayAction; label: string }> };

/** What a tray click asks for. */
export type TrayAction =
  'open' | `pause-${PausePreset}` | 'resume' | 'reconnect' | 'install-update' | 'quit';

/** An app update worth mentioning in the tray (from the auto-updater). */
export interface TrayUpdate {
  label: string;
  /** The update is downloaded: the item restarts into it. */
  installable: boolean;
}

/** What the host adds to the core's tray model. */
export interface TrayExtras {
  /** An app update worth mentioning. */
  update?: TrayUpdate | null;
  /** The window's renderer crashed, hung or was reloaded (the watchdog's words). */
  windowProblem?: string | null;
}

/** The tray as data: which icon, which tooltip, which menu. */
export interface TrayView {
  /**
   * File name (without `.png`) in the tray icon folder: `tray-<health>[-unread][-paused]`; paused
   * (by the user or quiet hours) shows as pause bars on the bell, so it is seen without opening the menu.
   */
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

/**
 * Suffix of the macOS menu-bar variant of each icon (`tray-ok` → `tray-okTemplate.png`):
 * monochrome, drawn by macOS in the menu bar's colour.
 */
export const TRAY_TEMPLATE_SUFFIX = 'Template';

/**
 * Every icon name the tray may ask for; `build/tray/` must hold each one at 1x and 2x, coloured
 * and as a template.
 */
export const TRAY_ICON_NAMES: string[] = (
  ['ok', 'degraded', 'disconnected', 'sign-in'] as const
).flatMap((h) =>
  ['', '-unread'].flatMap((u) => [
    trayIconName(h, u !== '', false),
    trayIconName(h, u !== '', true),
  ]),
);

/** The icon for a health, unread and paused state (one naming rule for the view and the build). */
export function trayIconName(health: TrayHealth, unread: boolean, paused: boolean): string {
  return `tray-${health}${unread ? '-unread' : ''}${paused ? '-paused' : ''}`;
}

/** Pure: the tray's look and menu for a model. `formatTime` renders the pause end. */
export function trayMenuModel(
  model: TrayModel,
  extras: TrayExtras = {},
  formatTime: (epochMs: number) => string = (ms) => localWhen(ms, Date.now()),
): TrayView {
  const unread = Math.max(0, Math.floor(model.unread));
  const { update = null, windowProblem = null } = extras;
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
        items: PAUSE_PRESETS.map((p) => ({
          id: `pause-${p}` as const,
          label: PAUSE_PRESET_LABELS[p],
        })),
      };
  return {
    icon: trayIconName(model.health, unread > 0, model.quiet !== null),
    tooltip: windowProblem ? `${model.tooltip}\n${windowProblem}` : model.tooltip,
    title: unread > 0 ? (unread > 99 ? '99+' : String(unread)) : '',
    items: [
      { kind: 'status', label: statusLabel },
      ...(model.notificationsPaused && model.pausedUntil !== null
        ? [
            {
              kind: 'status' as const,
              label: `Notifications paused until ${formatTime(model.pausedUntil)}`,
            },
          ]
        : []),
      ...(windowProblem ? [{ kind: 'status' as const, label: windowProblem }] : []),
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
