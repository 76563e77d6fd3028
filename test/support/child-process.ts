import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { waitFor } from './wait';

/** A TypeScript entry point started as its own Node process (through tsx), with its output kept. */
export interface TsChild {
  proc: ChildProcess;
  /** stdout and stderr so far, interleaved as they arrived. */
  output(): string;
  /** Wait until the output matches, and return the match. */
  waitOutput(pattern: RegExp, timeoutMs?: number): Promise<RegExpExecArray>;
  /** Exit code once the process ended, else null. */
  exitCode(): number | null;
  /** SIGKILL by PID (if still running) and wait for the exit. */
  kill(): Promise<void>;
}

/** Start `entry` (relative to the repository root) with `node --import tsx [--import preload…]`. */
export function startTsChild(
  entry: string,
  args: string[],
  options: { preload?: string[]; env?: NodeJS.ProcessEnv; cwd?: string } = {},
): TsChild {
  const imports = ['tsx', ...(options.preload ?? []).map((p) => resolve(p))].flatMap((m) => [
    '--import',
    m === 'tsx' ? import.meta.resolve('tsx') : m,
  ]);
  const proc = spawn(process.execPath, [...imports, resolve(entry), ...args], {
    cwd: options.cwd ?? process.cwd(),
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  let code: number | null = null;
  proc.stdout?.on('data', (chunk: Buffer) => (text += chunk.toString()));
  proc.stderr?.on('data', (chunk: Buffer) => (text += chunk.toString()));
  const exited = new Promise<void>((done) =>
    proc.once('exit', (c, signal) => {
      code = c ?? (signal ? 128 : 1);
      done();
    }),
  );
  return {
    proc,
    output: () => text,
    async waitOutput(pattern, timeoutMs = 20_000) {
      // An exit ends the wait at once (with the output that explains it), not at the timeout.
      const result = await waitFor(() => pattern.exec(text) ?? (code !== null ? 'exited' : null), {
        timeoutMs,
        what: `output matching ${pattern}`,
      });
      if (result === 'exited')
        throw new Error(`the process exited with ${code}; output:\n${text.slice(-2_000)}`);
      return result;
    },
    exitCode: () => code,
    async kill() {
      if (code === null && proc.pid) process.kill(proc.pid, 'SIGKILL');
      await exited;
    },
  };
}
