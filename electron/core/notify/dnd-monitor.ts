/** `DndMonitor`: reads the OS's do-not-disturb now and then, for the notification policy to decide by. */
import { execFile } from 'node:child_process';
import type { DndReading } from '../../../shared/model/diagnostics';
import type { Clock, TimerHandle } from '../kernel/ports';

/** One way of reading the OS's do-not-disturb; `unknown` when this way does not apply here. */
export type DndReader = () => Promise<DndReading>;

export const UNKNOWN_DND: DndReading = {
  state: 'unknown',
  source: null,
  detail: 'Lookout cannot read this system’s do-not-disturb state, so it cannot honour it.',
};

/**
 * GNOME's do-not-disturb is the `show-banners` setting (`false` = on), read with `gsettings`
 * where the desktop is GNOME and the tool is present.
 */
export function gnomeShowBanners(
  env: NodeJS.ProcessEnv = process.env,
  run: (cmd: string, args: string[]) => Promise<string> = execText,
): DndReader {
  return async () => {
    if (!/gnome|unity/i.test(env.XDG_CURRENT_DESKTOP ?? '')) return UNKNOWN_DND;
    try {
      const out = (
        await run('gsettings', ['get', 'org.gnome.desktop.notifications', 'show-banners'])
      ).trim();
      if (out !== 'true' && out !== 'false') return UNKNOWN_DND;
      return {
        state: out === 'false' ? 'on' : 'off',
        source: 'GNOME show-banners',
        detail: `GNOME’s Do Not Disturb is ${out === 'false' ? 'on' : 'off'} (show-banners is ${out}).`,
      };
    } catch {
      return UNKNOWN_DND;
    }
  };
}

function execText(cmd: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { timeout: 3_000 }, (error, stdout) =>
      error ? reject(error) : resolve(String(stdout)),
    );
  });
}

/** How often the OS state is read again (a user who turns DND on expects it to count soon). */
export const DND_POLL_MS = 15_000;

/**
 * Reads the OS's do-not-disturb now and then through the first reader that knows, keeps the last
 * reading for the policy (which must decide synchronously), and reports changes.
 */
export class DndMonitor {
  private reading: DndReading;
  private timer: TimerHandle | null = null;
  private stopped = false;

  constructor(
    private readonly readers: readonly DndReader[],
    private readonly clock: Clock,
    private readonly onChange: (reading: DndReading) => void,
    private readonly unknownDetail = UNKNOWN_DND.detail,
  ) {
    this.reading = { ...UNKNOWN_DND, detail: unknownDetail };
  }

  current(): DndReading {
    return this.reading;
  }

  /** True / false where the OS told; undefined where it cannot be read. */
  active(): boolean | undefined {
    return this.reading.state === 'unknown' ? undefined : this.reading.state === 'on';
  }

  start(): void {
    void this.poll();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) this.clock.clearTimeout(this.timer);
    this.timer = null;
  }

  /** Reads now (also what tests call instead of waiting for the poll). */
  async poll(): Promise<DndReading> {
    let next: DndReading | null = null;
    let firstUnknown: DndReading | null = null;
    for (const read of this.readers) {
      const r = await read().catch(() => UNKNOWN_DND);
      if (r.state !== 'unknown') {
        next = r;
        break;
      }
      if (!firstUnknown && r.detail !== UNKNOWN_DND.detail) firstUnknown = r;
    }
    next ??= firstUnknown ?? { ...UNKNOWN_DND, detail: this.unknownDetail };
    if (this.stopped) return next;
    const changed = JSON.stringify(next) !== JSON.stringify(this.reading);
    this.reading = next;
    if (changed) this.onChange(next);
    if (this.timer) this.clock.clearTimeout(this.timer);
    this.timer = this.clock.setTimeout(() => void this.poll(), DND_POLL_MS);
    return next;
  }
}
