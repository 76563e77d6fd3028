import { net, powerMonitor } from 'electron';
import type { SystemEvents } from '../core/kernel/ports';

type SystemEvent = 'online' | 'offline' | 'resume' | 'suspend';

/** How often `net.isOnline()` is sampled: main has no online/offline event of its own. */
export const ONLINE_POLL_MS = 5_000;

/**
 * SystemEvents from Electron: `powerMonitor` resume/suspend (and lock/unlock is ignored), and
 * online/offline from polling `net.isOnline()` while someone listens. The engine reconnects at
 * once on resume/online instead of waiting for its backoff.
 */
export class ElectronSystemEvents implements SystemEvents {
  private readonly listeners = new Map<SystemEvent, Set<() => void>>();
  private timer: ReturnType<typeof setInterval> | null = null;
  private online: boolean | null = null;
  private readonly detachPower: () => void;

  constructor(private readonly pollMs = ONLINE_POLL_MS) {
    const resume = (): void => {
      this.emit('resume');
      // After a sleep the network may have changed without us seeing it.
      this.sample();
    };
    const suspend = (): void => this.emit('suspend');
    powerMonitor.on('resume', resume);
    powerMonitor.on('suspend', suspend);
    this.detachPower = () => {
      powerMonitor.removeListener('resume', resume);
      powerMonitor.removeListener('suspend', suspend);
    };
  }

  on(event: SystemEvent, listener: () => void): () => void {
    const set = this.listeners.get(event) ?? new Set();
    set.add(listener);
    this.listeners.set(event, set);
    if ((event === 'online' || event === 'offline') && !this.timer) this.startPolling();
    return () => {
      set.delete(listener);
    };
  }

  /** Samples now (also called by the poll timer). */
  sample(): void {
    const now = net.isOnline();
    if (this.online !== null && now !== this.online) this.emit(now ? 'online' : 'offline');
    this.online = now;
  }

  dispose(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.detachPower();
    this.listeners.clear();
  }

  private startPolling(): void {
    this.online = net.isOnline();
    this.timer = setInterval(() => this.sample(), this.pollMs);
    this.timer.unref?.();
  }

  private emit(event: SystemEvent): void {
    for (const listener of [...(this.listeners.get(event) ?? [])]) listener();
  }
}
