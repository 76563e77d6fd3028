import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** A message between the runner and a benchmark child process: always an object with `type`. */
export interface ProcMessage {
  type: string;
  [key: string]: unknown;
}

const live = new Set<ChildProcess>();
let exitHookInstalled = false;

/** Kill (by PID) every child still running when the runner exits, however it exits. */
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const child of live) {
      if (child.pid !== undefined) {
        try {
          process.kill(child.pid, 'SIGKILL');
        } catch {
          // Already gone.
        }
      }
    }
  });
}

/**
 * A benchmark child: a TypeScript file under `bench/procs/` run by Node with tsx as a loader, so
 * it has its own event loop (and, on a multi-core machine, its own core). Talks over IPC.
 */
export class Proc {
  private readonly inbox: ProcMessage[] = [];
  private readonly waiters: Array<{
    type: string;
    resolve: (m: ProcMessage) => void;
    reject: (e: Error) => void;
    timer: ReturnType<typeof setTimeout>;
  }> = [];
  private exited = false;
  private readonly exitPromise: Promise<void>;

  private constructor(
    private readonly child: ChildProcess,
    readonly name: string,
  ) {
    live.add(child);
    this.exitPromise = new Promise((resolve) => {
      child.once('exit', () => {
        this.exited = true;
        live.delete(child);
        for (const w of this.waiters.splice(0)) {
          clearTimeout(w.timer);
          w.reject(new Error(`${name} exited while waiting for "${w.type}"`));
        }
        resolve();
      });
    });
    child.on('message', (raw) => this.receive(raw as ProcMessage));
  }

  /** Start `bench/procs/<script>.ts` with JSON-able options on argv. */
  static start(script: string, options: unknown = {}, nodeFlags: string[] = []): Proc {
    installExitHook();
    const file = fileURLToPath(new URL(`../procs/${script}.ts`, import.meta.url));
    const child = spawn(
      process.execPath,
      // tsx resolved from here, so children start whatever the current directory is.
      [...nodeFlags, '--import', import.meta.resolve('tsx'), file, JSON.stringify(options)],
      { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] },
    );
    return new Proc(child, script);
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  send(message: ProcMessage): void {
    if (!this.exited) this.child.send(message);
  }

  /** The next message of `type` (queued ones first), or a rejection after `timeoutMs`. */
  next<T extends ProcMessage = ProcMessage>(type: string, timeoutMs = 30_000): Promise<T> {
    const index = this.inbox.findIndex((m) => m.type === type);
    if (index >= 0) return Promise.resolve(this.inbox.splice(index, 1)[0] as T);
    if (this.exited) return Promise.reject(new Error(`${this.name} has exited`));
    return new Promise<T>((resolve, reject) => {
      const waiter = {
        type,
        resolve: (m: ProcMessage) => resolve(m as T),
        reject,
        timer: setTimeout(() => {
          const i = this.waiters.indexOf(waiter);
          if (i >= 0) this.waiters.splice(i, 1);
          reject(new Error(`${this.name}: no "${type}" within ${timeoutMs} ms`));
        }, timeoutMs),
      };
      this.waiters.push(waiter);
    });
  }

  /** Ask, then wait for the answer. */
  async request<T extends ProcMessage = ProcMessage>(
    message: ProcMessage,
    answer: string,
    timeoutMs = 30_000,
  ): Promise<T> {
    const reply = this.next<T>(answer, timeoutMs);
    this.send(message);
    return reply;
  }

  /** End the child by its PID: SIGTERM, then SIGKILL if it has not exited within 2 s. */
  async stop(): Promise<void> {
    if (this.exited || this.child.pid === undefined) return;
    const pid = this.child.pid;
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      return;
    }
    const timer = setTimeout(() => {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }, 2_000);
    await this.exitPromise;
    clearTimeout(timer);
  }

  private receive(message: ProcMessage): void {
    if (message.type === 'error') {
      process.stderr.write(`[${this.name}] ${String(message.message)}\n`);
    }
    const index = this.waiters.findIndex((w) => w.type === message.type);
    if (index >= 0) {
      const [waiter] = this.waiters.splice(index, 1);
      if (waiter) {
        clearTimeout(waiter.timer);
        waiter.resolve(message);
        return;
      }
    }
    this.inbox.push(message);
  }
}

/** Stop every given child, in parallel, each by its PID. */
export async function stopAll(procs: ReadonlyArray<Proc | null | undefined>): Promise<void> {
  await Promise.all(procs.map((p) => p?.stop()));
}
