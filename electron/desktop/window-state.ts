import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { z } from 'zod';

/** Where and how big the main window was, persisted in userData between launches. */
export const windowStateSchema = z.object({
  x: z.number().int().optional(),
  y: z.number().int().optional(),
  width: z.number().int().min(400).max(20_000),
  height: z.number().int().min(300).max(20_000),
  maximized: z.boolean().default(false),
});
export type WindowState = z.output<typeof windowStateSchema>;

export const DEFAULT_WINDOW_STATE: WindowState = { width: 1200, height: 800, maximized: false };

/** A display's usable area, as Electron's `screen.getAllDisplays()[i].workArea` reports it. */
export interface WorkArea {
  x: number;
  y: number;
  width: number;
  height: number;
}

/**
 * Reads the saved state; a missing, corrupt or foreign file gives the default (never throws). A
 * position that no longer lies on any display (a monitor was unplugged) is dropped so the window
 * opens centred instead of off-screen.
 */
export function loadWindowState(file: string, displays: WorkArea[] = []): WindowState {
  let parsed: WindowState;
  try {
    const result = windowStateSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
    if (!result.success) return { ...DEFAULT_WINDOW_STATE };
    parsed = result.data;
  } catch {
    return { ...DEFAULT_WINDOW_STATE };
  }
  if (parsed.x === undefined || parsed.y === undefined) return parsed;
  const { x, y } = parsed;
  // The title bar (top 40 px of the window) must be reachable on some display.
  const visible =
    displays.length === 0 ||
    displays.some(
      (d) =>
        x + parsed.width > d.x + 40 &&
        x < d.x + d.width - 40 &&
        y >= d.y - 10 &&
        y < d.y + d.height - 40,
    );
  if (visible) return parsed;
  const { x: _x, y: _y, ...rest } = parsed;
  return rest;
}

/** Writes the state atomically (temp file + rename) so a crash never leaves half a file. */
export function saveWindowState(file: string, state: WindowState): void {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(state, null, 2)}\n`);
  renameSync(tmp, file);
}
