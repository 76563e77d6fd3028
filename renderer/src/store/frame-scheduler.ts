/** Runs a callback once "next frame"; returns a cancel function. Injectable so tests flush by hand. */
export interface FrameScheduler {
  request(run: () => void): () => void;
}

/**
 * `requestAnimationFrame`, with a timer backstop: a hidden window (minimised, closed to tray)
 * gets no animation frames, and live data must not pile up unapplied meanwhile.
 */
export function animationFrameScheduler(backstopMs = 250): FrameScheduler {
  return {
    request(run) {
      let done = false;
      const once = () => {
        if (done) return;
        done = true;
        if (raf !== null) cancelAnimationFrame(raf);
        clearTimeout(timer);
        run();
      };
      const raf = typeof requestAnimationFrame === 'function' ? requestAnimationFrame(once) : null;
      const timer = setTimeout(once, backstopMs);
      return () => {
        done = true;
        if (raf !== null) cancelAnimationFrame(raf);
        clearTimeout(timer);
      };
    },
  };
}

/** A scheduler tests drive by hand: `flush()` runs what was requested, like one frame. */
export interface ManualScheduler extends FrameScheduler {
  pending(): number;
  flush(): void;
}

export function manualScheduler(): ManualScheduler {
  let queue: Array<() => void> = [];
  return {
    request(run) {
      queue.push(run);
      return () => {
        queue = queue.filter((r) => r !== run);
      };
    },
    pending: () => queue.length,
    flush() {
      const runs = queue;
      queue = [];
      for (const run of runs) run();
    },
  };
}
