/** `CheckConnection`: the connection check's own throwaway socket, with bounded, event-driven waits. */
import type { DecodeResult, DialectCodec } from '../../dialects/dialect';
import type { InstrumentedSocket } from '../../connection/instrumented-socket';
import type { Clock } from '../../kernel/ports';

/** How a check's socket closed. */
export interface Closed {
  code: number;
  reason: string;
}

/**
 * The check's throwaway socket: every text frame decoded once as it arrives, and event-driven
 * waits (for the open, for a frame that matches, for a pong), each bounded by a clock timer.
 */
export class CheckConnection {
  /** Decoded text frames, in arrival order. */
  readonly results: DecodeResult[] = [];
  private closedWith: Closed | null = null;
  private readonly listeners = new Set<() => void>();

  constructor(
    readonly socket: InstrumentedSocket,
    codec: DialectCodec,
    private readonly clock: Clock,
  ) {
    socket.on('message', (data, isBinary) => {
      if (isBinary) return;
      let result: DecodeResult;
      try {
        result = codec.decode(data.toString(), clock.now());
      } catch (error) {
        // A dialect must not throw; if one does, the frame is rejected, not the check.
        result = {
          rejected: `decoder-error: ${error instanceof Error ? error.message : String(error)}`,
        };
      }
      this.results.push(result);
      this.notify();
    });
    socket.once('close', (code, reason) => {
      this.closedWith = { code, reason: reason.toString() };
      this.notify();
    });
    // Errors end in a close; the socket records them in its facts.
    socket.on('error', () => {});
  }

  get closed(): Closed | null {
    return this.closedWith;
  }

  /** True once open; false if it closed first (the handshake failed). */
  opened(): Promise<boolean> {
    if (this.socket.readyState === this.socket.OPEN) return Promise.resolve(true);
    return new Promise((resolve) => {
      this.socket.once('open', () => resolve(true));
      this.when(
        () => this.closedWith !== null,
        () => resolve(false),
      );
    });
  }

  /** Resolves with the socket's close (never rejects). */
  ended(): Promise<Closed> {
    return new Promise((resolve) =>
      this.when(
        () => this.closedWith !== null,
        () => resolve(this.closedWith!),
      ),
    );
  }

  /**
   * The first result from index `from` on that `pick` turns into a value, `'closed'` when the
   * socket closes first, or `'timeout'` after `timeoutMs`.
   */
  waitFor<T>(
    from: number,
    timeoutMs: number,
    pick: (result: DecodeResult) => T | null,
  ): Promise<T | 'closed' | 'timeout'> {
    let index = from;
    const scan = (): T | 'closed' | null => {
      while (index < this.results.length) {
        const value = pick(this.results[index] as DecodeResult);
        index += 1;
        if (value !== null) return value;
      }
      return this.closedWith ? 'closed' : null;
    };
    return new Promise((resolve) => {
      let found = scan();
      if (found !== null) return resolve(found);
      const timer = this.clock.setTimeout(() => {
        this.listeners.delete(listener);
        resolve('timeout');
      }, timeoutMs);
      const listener = () => {
        found = scan();
        if (found === null) return;
        this.listeners.delete(listener);
        this.clock.clearTimeout(timer);
        resolve(found);
      };
      this.listeners.add(listener);
    });
  }

  /** A WebSocket ping; its round trip in ms, or null without a pong within `timeoutMs`. */
  ping(timeoutMs: number): Promise<number | null> {
    return new Promise((resolve) => {
      const start = this.clock.now();
      const onPong = () => {
        this.clock.clearTimeout(timer);
        resolve(this.clock.now() - start);
      };
      const timer = this.clock.setTimeout(() => {
        this.socket.off('pong', onPong);
        resolve(null);
      }, timeoutMs);
      this.socket.once('pong', onPong);
      try {
        this.socket.ping();
      } catch {
        this.clock.clearTimeout(timer);
        this.socket.off('pong', onPong);
        resolve(null);
      }
    });
  }

  /** Send a frame (the open sequence's `send`); false when the socket is not open. */
  send(frame: string | null): boolean {
    if (frame === null || this.socket.readyState !== this.socket.OPEN) return false;
    this.socket.send(frame);
    return true;
  }

  /** Done with the check: a polite close when open, else drop it. */
  close(): void {
    if (this.socket.readyState === this.socket.OPEN)
      this.socket.close(1000, 'connection check done');
    else this.socket.terminate();
  }

  private when(ready: () => boolean, then: () => void): void {
    if (ready()) return then();
    const listener = () => {
      if (!ready()) return;
      this.listeners.delete(listener);
      then();
    };
    this.listeners.add(listener);
  }

  private notify(): void {
    for (const listener of [...this.listeners]) listener();
  }
}
