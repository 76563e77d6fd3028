import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from './wait';

/**
 * A private desktop for notification tests: its own Xvfb, its own D-Bus session bus and
 * (optionally) dunst as the notification daemon. Nothing touches the developer's real session:
 * everything is reached through `env`, and every process is ended by its PID in `stop()`.
 *
 * The bus uses a minimal config WITHOUT service directories, so nothing is auto-activated: with
 * `withDaemon: false` the name org.freedesktop.Notifications really has no owner.
 */
export class DesktopSession {
  private constructor(
    private readonly dir: string,
    private readonly children: ChildProcess[],
    /** DISPLAY, DBUS_SESSION_BUS_ADDRESS and a minimal PATH/HOME for the adapter and dunstctl. */
    readonly env: Record<string, string>,
  ) {}

  /**
   * `markup`: dunst reads markup in bodies and says so (capability `body-markup`); without it,
   * dunst shows bodies as plain text.
   */
  static async start({ withDaemon = true, markup = false } = {}): Promise<DesktopSession> {
    const dir = await mkdtemp(join(tmpdir(), 'lookout-desktop-'));
    const children: ChildProcess[] = [];
    const baseEnv = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir, XDG_RUNTIME_DIR: dir };
    const session = new DesktopSession(dir, children, { ...baseEnv });
    try {
      const xvfb = spawn(
        'Xvfb',
        ['-displayfd', '3', '-screen', '0', '1280x800x24', '-nolisten', 'tcp'],
        { stdio: ['ignore', 'ignore', 'ignore', 'pipe'], env: baseEnv },
      );
      children.push(xvfb);
      const display = (await readFd3(xvfb, 'Xvfb')).trim();
      session.env.DISPLAY = `:${display}`;

      const busConfig = join(dir, 'bus.conf');
      await writeFile(busConfig, busConfigXml(dir));
      const bus = spawn(
        'dbus-daemon',
        [`--config-file=${busConfig}`, '--nofork', '--nopidfile', '--print-address=3'],
        { stdio: ['ignore', 'ignore', 'ignore', 'pipe'], env: baseEnv },
      );
      children.push(bus);
      session.env.DBUS_SESSION_BUS_ADDRESS = (await readFd3(bus, 'dbus-daemon')).trim();

      if (withDaemon) {
        const rc = join(dir, 'dunstrc');
        // The context menu (`dunstctl context`) asks "dmenu" to pick a button: this one picks the
        // line holding the label `pickButton` wrote, as a user choosing it from the menu would.
        const picker = join(dir, 'pick-button.sh');
        await writeFile(
          picker,
          `#!/bin/sh\nlabel=$(cat '${join(dir, 'pick-label')}')\ngrep -m1 -F "#$label (" || true\n`,
          { mode: 0o755 },
        );
        // timeout = 0: notifications stay until closed, so the test decides when they reach history.
        await writeFile(
          rc,
          [
            '[global]',
            '    history_length = 100',
            `    dmenu = ${picker}`,
            `    markup = ${markup ? 'full' : 'no'}`,
            '[urgency_low]',
            '    timeout = 0',
            '[urgency_normal]',
            '    timeout = 0',
            '[urgency_critical]',
            '    timeout = 0',
            // History has no urgency field: these rules write it into the category instead.
            ...(['low', 'normal', 'critical'] as const).flatMap((u) => [
              `[lookout_urgency_${u}]`,
              `    msg_urgency = ${u}`,
              `    set_category = urgency-${u}`,
            ]),
            '',
          ].join('\n'),
        );
        const dunst = spawn('dunst', ['-config', rc], { stdio: 'ignore', env: session.env });
        children.push(dunst);
        await waitFor(() => session.hasNotificationOwner(), {
          timeoutMs: 10_000,
          what: 'dunst to own org.freedesktop.Notifications',
        });
      }
      return session;
    } catch (error) {
      await session.stop();
      throw error;
    }
  }

  /**
   * Make this desktop's bus the session bus of this process (as a login would), for code that reads
   * `DBUS_SESSION_BUS_ADDRESS` itself; returns the undo, to run before `stop()`.
   */
  becomeSessionBus(): () => void {
    const saved = process.env.DBUS_SESSION_BUS_ADDRESS;
    process.env.DBUS_SESSION_BUS_ADDRESS = this.env.DBUS_SESSION_BUS_ADDRESS;
    return () => {
      if (saved === undefined) delete process.env.DBUS_SESSION_BUS_ADDRESS;
      else process.env.DBUS_SESSION_BUS_ADDRESS = saved;
    };
  }

  /** True when some process owns org.freedesktop.Notifications on this bus. */
  async hasNotificationOwner(): Promise<boolean> {
    const out = await run(
      'dbus-send',
      [
        '--session',
        '--dest=org.freedesktop.DBus',
        '--type=method_call',
        '--print-reply',
        '/org/freedesktop/DBus',
        'org.freedesktop.DBus.NameHasOwner',
        'string:org.freedesktop.Notifications',
      ],
      this.env,
    );
    return /boolean true/.test(out);
  }

  /** Runs `dunstctl` on this desktop (`['action', '0']` clicks the topmost notification). */
  dunstctl(args: string[]): Promise<string> {
    return run('dunstctl', args, this.env);
  }

  /**
   * Picks a notification's button by its label ("Mark read") from dunst's context menu, as a user
   * would: dunst lists every button of the notifications on screen and invokes the one picked.
   */
  async pickButton(label: string): Promise<void> {
    await writeFile(join(this.dir, 'pick-label'), label);
    await run('dunstctl', ['context'], this.env);
  }

  /** Close everything dunst shows (so it moves to history), then read the history, newest first. */
  async history(): Promise<{ summary: string; body: string; appname: string }[]> {
    return (await this.details()).map(({ summary, body, appname }) => ({ summary, body, appname }));
  }

  /** `history()` with the urgency (from the session's rules) and the icon dunst showed. */
  async details(): Promise<
    {
      summary: string;
      body: string;
      appname: string;
      urgency: string;
      icon: string;
      /** The text dunst rendered from the format (markup applied). */
      message: string;
    }[]
  > {
    await run('dunstctl', ['close-all'], this.env);
    const raw = JSON.parse(await run('dunstctl', ['history'], this.env)) as {
      data: Record<string, { data: unknown }>[][];
    };
    return (raw.data[0] ?? []).map((n) => ({
      summary: String(n.summary?.data ?? ''),
      body: String(n.body?.data ?? ''),
      appname: String(n.appname?.data ?? ''),
      urgency: String(n.category?.data ?? '').replace(/^urgency-/, ''),
      icon: String(n.icon_path?.data ?? ''),
      message: String(n.message?.data ?? ''),
    }));
  }

  /** End every process by its PID, wait for each to exit, and remove the temp dir. */
  async stop(): Promise<void> {
    for (const child of [...this.children].reverse()) {
      if (child.exitCode !== null || child.signalCode !== null) continue;
      const exited = new Promise<void>((done) => child.once('exit', () => done()));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 3_000);
      await exited;
      clearTimeout(timer);
    }
    this.children.length = 0;
    await rm(this.dir, { recursive: true, force: true });
  }
}

function busConfigXml(dir: string): string {
  return `<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:dir=${dir}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
`;
}

/** The first line a child writes to its fd 3 (Xvfb's display number, dbus-daemon's address). */
function readFd3(child: ChildProcess, what: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const stream = child.stdio[3] as NodeJS.ReadableStream | null;
    if (!stream) return reject(new Error(`${what}: no fd 3`));
    let text = '';
    const timer = setTimeout(() => reject(new Error(`${what} did not start within 10 s`)), 10_000);
    stream.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      if (text.includes('\n')) {
        clearTimeout(timer);
        resolve(text.split('\n')[0] ?? '');
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${what} exited (code ${code}) before it was ready`));
    });
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`${what} could not start: ${error.message}`));
    });
  });
}

function run(cmd: string, args: string[], env: Record<string, string>): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { env, timeout: 5_000 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${cmd} ${args.join(' ')} failed: ${stderr || error.message}`));
      else resolve(stdout);
    });
  });
}
