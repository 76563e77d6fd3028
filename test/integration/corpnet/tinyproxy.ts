import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A real tinyproxy (Debian's), started for a test on a free loopback port. */
export interface TestProxy {
  port: number;
  url: string;
  /** CONNECT requests the proxy logged (one line each) (its own log, read back): proof traffic went through it. */
  connects(): Promise<string[]>;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (!address || typeof address === 'string') throw new Error('no port');
  return address.port;
}

async function waitForPort(port: number, child: ChildProcess, log: () => string): Promise<void> {
  for (let i = 0; i < 100; i += 1) {
    if (child.exitCode !== null) throw new Error(`tinyproxy exited ${child.exitCode}: ${log()}`);
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect({ host: '127.0.0.1', port });
      s.once('connect', () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`tinyproxy did not listen on ${port}: ${log()}`);
}

/**
 * Start tinyproxy in the foreground with a generated config: loopback only, any CONNECT port,
 * optionally Basic authentication. Stopped by its PID.
 */
export async function startTinyproxy(
  options: { user?: string; password?: string } = {},
): Promise<TestProxy> {
  const dir = mkdtempSync(join(tmpdir(), 'lookout-tinyproxy-'));
  const port = await freePort();
  const logFile = join(dir, 'tinyproxy.log');
  const lines = [
    `Port ${port}`,
    'Listen 127.0.0.1',
    'Timeout 30',
    `LogFile "${logFile}"`,
    'LogLevel Connect',
    'MaxClients 20',
    'Allow 127.0.0.1',
    'DisableViaHeader Yes',
    // No ConnectPort line: CONNECT to any port (the test servers listen on random ports).
    ...(options.user ? [`BasicAuth ${options.user} ${options.password ?? ''}`] : []),
  ];
  const conf = join(dir, 'tinyproxy.conf');
  writeFileSync(conf, `${lines.join('\n')}\n`);
  let output = '';
  const child = spawn('tinyproxy', ['-d', '-c', conf], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
  });
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  await waitForPort(port, child, () => output);
  const { readFile } = await import('node:fs/promises');
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    connects: async () => {
      const text = await readFile(logFile, 'utf8').catch(() => '');
      return text.split('\n').filter((l) => /Request \(file descriptor \d+\): CONNECT /.test(l));
    },
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
