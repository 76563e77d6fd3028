import type { DndReader } from '../core/notify/dnd-monitor';

/**
 * The browser host's do-not-disturb on macOS and Windows: it cannot read it (node-notifier has no
 * way, and the native add-ons are the desktop app's), so it says which app can. Undefined on Linux
 * and the BSDs, where the core reads the D-Bus daemon and GNOME.
 */
export function browserHostDndReader(platform: NodeJS.Platform): DndReader | undefined {
  const what =
    platform === 'darwin'
      ? 'macOS Focus / Do Not Disturb'
      : platform === 'win32'
        ? 'Windows Focus Assist'
        : null;
  if (!what) return undefined;
  const reading = {
    state: 'unknown' as const,
    source: null,
    detail: `The browser host cannot read ${what}; the Lookout desktop app can.`,
  };
  return () => Promise.resolve(reading);
}
