/**
 * The window's renderer crashed or stopped responding and the desktop host reloaded it: what the
 * reloaded page tells the user, and what the tray and the crash report record.
 */
export interface RendererRecovery {
  /** `crashed`: the renderer process died; `hung`: it stopped responding and was restarted. */
  cause: 'crashed' | 'hung';
  /** Electron's reason (`crashed`, `oom`, `killed`, …) or, for a hang, how long it was stuck. */
  reason: string;
  /** When it happened (epoch ms). */
  at: number;
  /** The crash report written to the logs folder, or null if it could not be written. */
  reportFile: string | null;
  /** Reloads in the last minute, this one included. */
  reloads: number;
}
