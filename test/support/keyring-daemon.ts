import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Message, sessionBus } from '@jellybrick/dbus-next';
import { waitFor } from './wait';

/**
 * A real GNOME Keyring (Debian's `gnome-keyring`, secrets component only) on a private session
 * D-Bus, as a desktop runs it: the tests of the Secret Service store talk to this, never to a
 * double. Each process is started here, waited for with bounded waits, and ended by its PID.
 */
export interface KeyringDaemon {
  /** The private session bus the keyring serves on. */
  busAddress: string;
  /** Lock the default keyring (as the screen locker or a timeout does). */
  lock(): Promise<void>;
  /** End the keyring daemon (the bus stays): the Secret Service is absent from then on. */
  stopKeyring(): Promise<void>;
  /** Start the keyring daemon again on the same files, unlocked with the same password. */
  restartKeyring(): Promise<void>;
  /** End both processes and remove the keyring's files. */
  stop(): Promise<void>;
}

const PASSWORD = 'keyring-login-password';

/** Starts a private `dbus-daemon --session` and, unless `keyring: false`, an unlocked keyring on it. */
export async function startKeyringDaemon(
  options: { keyring?: boolean; timeoutMs?: number } = {},
): Promise<KeyringDaemon> {
  const timeoutMs = options.timeoutMs ?? 15_000;
  const dir = await mkdtemp(join(tmpdir(), 'lookout-keyring-'));
  const runtime = join(dir, 'run');
  await mkdir(runtime, { mode: 0o700 });
  const bus = spawn('dbus-daemon', ['--session', '--nofork', '--nopidfile', '--print-address=1'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let printed = '';
  bus.stdout.on('data', (chunk: Buffer) => (printed += chunk.toString()));
  const busAddress = await waitFor(() => /^(unix:\S+)\n/.exec(printed)?.[1] ?? null, {
    timeoutMs,
    what: 'the private dbus-daemon to print its address',
  }).catch(async (error: unknown) => {
    await end(bus);
    throw error;
  });

  let keyring: ChildProcess | null = null;
  const startKeyring = async () => {
    const child = spawn(
      'gnome-keyring-daemon',
      ['--foreground', '--components=secrets', '--unlock'],
      {
        stdio: ['pipe', 'ignore', 'pipe'],
        env: {
          PATH: process.env.PATH ?? '/usr/bin:/bin',
          HOME: dir,
          XDG_DATA_HOME: join(dir, 'data'),
          XDG_RUNTIME_DIR: runtime,
          DBUS_SESSION_BUS_ADDRESS: busAddress,
        },
      },
    );
    let errors = '';
    child.stderr?.on('data', (chunk: Buffer) => (errors += chunk.toString()));
    // --unlock reads the login keyring's password from stdin (and creates the keyring the first time).
    child.stdin?.end(PASSWORD);
    keyring = child;
    await waitFor(async () => (child.exitCode !== null ? 'exited' : (await hasOwner()) || null), {
      timeoutMs,
      what: 'gnome-keyring-daemon to own org.freedesktop.secrets',
      intervalMs: 50,
    }).then((result) => {
      if (result === 'exited')
        throw new Error(`gnome-keyring-daemon exited (${child.exitCode}): ${errors.slice(-1_000)}`);
    });
  };
  const stopKeyring = async () => {
    if (keyring) await end(keyring);
    keyring = null;
    await waitFor(async () => !(await hasOwner()) || null, {
      timeoutMs,
      what: 'org.freedesktop.secrets to lose its owner',
      intervalMs: 50,
    });
  };

  /** One short-lived connection per question: the helper holds nothing open between calls. */
  const ask = async (spec: ConstructorParameters<typeof Message>[0]): Promise<unknown[]> => {
    const connection = sessionBus({ busAddress });
    try {
      const reply = await connection.call(new Message(spec));
      return reply?.body ?? [];
    } finally {
      connection.disconnect();
    }
  };
  const hasOwner = async () =>
    (
      await ask({
        destination: 'org.freedesktop.DBus',
        path: '/org/freedesktop/DBus',
        interface: 'org.freedesktop.DBus',
        member: 'NameHasOwner',
        signature: 's',
        body: ['org.freedesktop.secrets'],
      })
    )[0] === true;

  try {
    if (options.keyring !== false) await startKeyring();
  } catch (error) {
    await end(bus);
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    busAddress,
    async lock() {
      const [collection] = await ask({
        destination: 'org.freedesktop.secrets',
        path: '/org/freedesktop/secrets',
        interface: 'org.freedesktop.Secret.Service',
        member: 'ReadAlias',
        signature: 's',
        body: ['default'],
      });
      await ask({
        destination: 'org.freedesktop.secrets',
        path: '/org/freedesktop/secrets',
        interface: 'org.freedesktop.Secret.Service',
        member: 'Lock',
        signature: 'ao',
        body: [[collection]],
      });
    },
    stopKeyring,
    restartKeyring: startKeyring,
    async stop() {
      if (keyring) await end(keyring);
      await end(bus);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** SIGTERM by PID and wait for the exit (SIGKILL if it takes more than 5 s). */
async function end(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || !child.pid) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  process.kill(child.pid, 'SIGTERM');
  const timer = setTimeout(() => child.pid && process.kill(child.pid, 'SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}
