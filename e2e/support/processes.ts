import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Real processes for end-to-end tests, started with tsx and ended by their PID: the browser host,
 * a standalone gateway, and backend doubles. Each waits for the line that proves it is ready.
 */
const ROOT = process.cwd();

export interface Proc {
  child: ChildProcess;
  output: () => string;
  /** SIGKILL and wait for the exit (a crash, as the tests want it). */
  kill(): Promise<void>;
}

function start(
  args: string[],
  ready: RegExp,
  env: NodeJS.ProcessEnv = {},
  timeoutMs = 30_000,
  stdin: 'ignore' | 'pipe' = 'ignore',
): Promise<{ proc: Proc; match: RegExpMatchArray }> {
  // `node --import tsx` (not the tsx binary, which runs the script in a grandchild a kill would orphan).
  const child = spawn(process.execPath, ['--import', 'tsx', ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: [stdin, 'pipe', 'pipe'],
  });
  let out = '';
  const proc: Proc = {
    child,
    output: () => out,
    kill: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGKILL');
      }),
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void proc.kill();
      reject(new Error(`${args.join(' ')} did not get ready within ${timeoutMs} ms:\n${out}`));
    }, timeoutMs);
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      const match = out.match(ready);
      if (match) {
        clearTimeout(timer);
        resolve({ proc, match });
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${args.join(' ')} exited (${code}) before it was ready:\n${out}`));
    });
  });
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      const port = typeof a === 'object' && a ? a.port : 0;
      s.close(() => resolve(port));
    });
  });
}

export interface HostProc extends Proc {
  url: string;
  dataDir: string;
}

/**
 * The browser host with a fresh data dir (or `dataDir`, which the caller owns and removes);
 * `endpoints` pre-writes an endpoints.json (else: embedded demo).
 */
export async function startHost(
  options: {
    endpoints?: unknown[];
    dataDir?: string;
    args?: string[];
    /** Over the inherited environment, e.g. the session bus of a test's own keyring. */
    env?: NodeJS.ProcessEnv;
  } = {},
): Promise<HostProc> {
  const owned = options.dataDir === undefined;
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'lookout-e2e-'));
  if (options.endpoints)
    writeFileSync(
      join(dataDir, 'endpoints.json'),
      JSON.stringify({ version: 1, endpoints: options.endpoints }),
    );
  const { proc, match } = await start(
    ['electron/browser-host/main.ts', '--data-dir', dataDir, ...(options.args ?? [])],
    // Ready once the whole banner is out (the address and its notes arrive in separate writes).
    /Open: (http:\/\/127\.0\.0\.1:\d+\/\?k=[0-9a-f]+)[\s\S]*Press Ctrl\+C to quit/,
    options.env,
  );
  return {
    ...proc,
    url: match[1] ?? '',
    dataDir,
    kill: async () => {
      await proc.kill();
      if (owned) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * A standalone demo gateway on a fixed port (so it can be killed and started again there).
 * `env` overrides the inherited environment, e.g. `{ REDIS_URL: '' }` for the in-memory log
 * even where the test machine exports a Redis.
 */
export async function startGateway(port: number, env: NodeJS.ProcessEnv = {}): Promise<Proc> {
  const { proc } = await start(
    ['gateway/src/cli.ts', '--demo', '--port', String(port), '--host', '127.0.0.1'],
    /Lookout gateway \S+ on ws:/,
    env,
  );
  return proc;
}

export interface PeerProc extends Proc {
  info: Record<string, string>;
  /** Send a command (`restart-redis`, `restart-peer`) and wait until the peer says it is done. */
  command(name: string, timeoutMs?: number): Promise<void>;
}

/** A backend double from test/peers, printing its addresses as JSON and taking commands. */
export async function startPeer(kind: 'django' | 'sakura'): Promise<PeerProc> {
  const { proc, match } = await start(
    ['e2e/support/peer-main.ts', kind],
    /PEER (\{.*\})/,
    {},
    30_000,
    'pipe',
  );
  let sent = 0;
  return {
    ...proc,
    // SIGTERM: the peer stops its own redis-server (a SIGKILL left it running, orphaned); SIGKILL
    // only if it has not exited within 5 s.
    kill: () =>
      new Promise<void>((resolve) => {
        const { child } = proc;
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
        child.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
        child.kill('SIGTERM');
      }),
    info: JSON.parse(match[1] ?? '{}') as Record<string, string>,
    command: (name, timeoutMs = 20_000) =>
      new Promise<void>((resolve, reject) => {
        // Count answers, so a second run of the same command waits for its own answer.
        const nth = ++sent;
        const answered = () =>
          (proc.output().match(new RegExp(`(?:DONE|FAILED) ${name}`, 'g')) ?? []).length;
        const before = answered();
        const started = Date.now();
        const poll = setInterval(() => {
          if (answered() > before) {
            clearInterval(poll);
            const failed = proc.output().lastIndexOf(`FAILED ${name}`);
            if (failed > proc.output().lastIndexOf(`DONE ${name}`))
              reject(new Error(`peer command ${name} failed:\n${proc.output().slice(failed)}`));
            else resolve();
          } else if (Date.now() - started > timeoutMs) {
            clearInterval(poll);
            reject(new Error(`peer command ${name} (#${nth}) got no answer in ${timeoutMs} ms`));
          }
        }, 50);
        proc.child.stdin?.write(`${name}\n`);
      }),
  };
}
