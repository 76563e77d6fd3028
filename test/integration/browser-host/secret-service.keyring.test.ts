import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startBrowserHost, type BrowserHost } from '../../../electron/browser-host/browser-host';
import { MemoryNotifier } from '../../../electron/core/notify/notifier.memory';
import { SecretServiceClient } from '../../../electron/core/state/secret-service.dbus';
import { createGateway, hashPassword, silentGatewayLogger } from '../../../gateway/src';
import type { EndpointInput } from '../../../shared/config/endpoint';
import { startKeyringDaemon, type KeyringDaemon } from '../../support/keyring-daemon';
import { gatewayEndpoint, subscribed } from '../../reliability/core-harness';

/**
 * The browser host keeps passwords in the desktop's Secret Service: a real GNOME Keyring on a
 * private session bus, the host stopped and started again on the same data folder, and the log
 * read afterwards. Where the keyring is locked or absent, secrets stay in memory and the host says
 * why in the words Settings and the password hint show.
 */

// Opaque, not JWT-shaped: only the redactor's knowledge of it can keep it out of the log.
const PASSWORD = `kr-${randomBytes(12).toString('base64url')}!`;
const USER = 'ops@acme.test';

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()?.();
});

async function gateway() {
  const gw = createGateway({
    port: 0,
    host: '127.0.0.1',
    secret: 'keyring-test-token-secret-0123456789abcdef',
    logger: silentGatewayLogger,
    users: [
      {
        username: USER,
        sub: USER,
        role: 'super_admin',
        passwordHash: await hashPassword(PASSWORD),
      },
    ],
  });
  const address = await gw.start();
  cleanups.push(() => gw.stop());
  return address;
}

/** The gateway's endpoint, signed in as USER with a password-jwt login. */
const endpoint = (address: { port: number }): EndpointInput =>
  gatewayEndpoint('gw', address.port, ['dashboard'], USER);

async function folder(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'lookout-keyring-host-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  await writeFile(join(dir, 'index.html'), '<!doctype html><title>Lookout</title>');
  return dir;
}

/** The host with its terminal lines captured (warnings and errors reach the user there). */
async function host(dir: string, secretBus: string | undefined, lines: string[] = []) {
  const record = (m: string, f?: Record<string, unknown>) =>
    lines.push(`${m} ${JSON.stringify(f ?? {})}`);
  const started = await startBrowserHost({
    rendererDir: dir,
    dataDir: join(dir, 'data'),
    embedded: false,
    notifier: new MemoryNotifier(),
    logger: { info: record, warn: record, error: record },
    ...(secretBus ? { secretBus } : {}),
  });
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await started.stop();
  };
  cleanups.push(stop);
  return { host: started, stop };
}

async function keyring(options: { keyring?: boolean } = {}): Promise<KeyringDaemon> {
  const daemon = await startKeyringDaemon(options);
  cleanups.push(() => daemon.stop());
  return daemon;
}

const hostInfo = async (h: BrowserHost) => (await h.core.invoke('app:initial-state', {})).host;

/** Every file under `dir`, as text: the data folder, the log, the config. */
async function everyFile(dir: string): Promise<string> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const texts = await Promise.all(
    entries.filter((e) => e.isFile()).map((e) => readFile(join(e.parentPath, e.name), 'utf8')),
  );
  return texts.join('\n');
}

describe('secrets in the desktop Secret Service (real gnome-keyring on a private D-Bus)', () => {
  it('keeps a password across a restart of the host and the keyring: the endpoint signs in again without asking, and the secret is in no log or file', async () => {
    const daemon = await keyring();
    const address = await gateway();
    const dir = await folder();
    const lines: string[] = [];

    const first = await host(dir, daemon.busAddress, lines);
    const info = await hostInfo(first.host);
    expect(info.secretsPersistent).toBe(true);
    expect(info.secretsNote).toMatch(/desktop's keyring \(Secret Service/);
    expect(
      await first.host.core.invoke('endpoints:save', {
        endpoint: endpoint(address),
        secret: PASSWORD,
      }),
    ).toEqual({ ok: true });
    await subscribed(first.host.core, 'gw');
    await first.stop();

    // It is really in the keyring, under our schema and the endpoint's ref.
    const client = await SecretServiceClient.open({ busAddress: daemon.busAddress });
    try {
      const items = await client.search({ 'xdg:schema': 'dev.lookout.console.Secret', ref: 'gw' });
      expect(items).toHaveLength(1);
      expect(await client.read(items[0] ?? '')).toBe(PASSWORD);
    } finally {
      client.close();
    }

    // A new login: the keyring daemon starts again from its files (unlocked with the login password).
    await daemon.stopKeyring();
    await daemon.restartKeyring();
    const second = await host(dir, daemon.busAddress, lines);
    const summary = (await second.host.core.invoke('endpoints:list', {})).find(
      (e) => e.id === 'gw',
    );
    expect(summary?.hasSecret).toBe(true);
    // Signed in with the stored password: the login ran again and the channels opened.
    await subscribed(second.host.core, 'gw');
    await second.stop();

    expect(await everyFile(join(dir, 'data'))).not.toContain(PASSWORD);
    expect(lines.join('\n')).not.toContain(PASSWORD);
  });

  it('falls back to memory when the keyring is locked, and says so where Settings reads it', async () => {
    const daemon = await keyring();
    await daemon.lock();
    const address = await gateway();
    const dir = await folder();
    const { host: h } = await host(dir, daemon.busAddress);
    const info = await hostInfo(h);
    expect(info.secretsPersistent).toBe(false);
    expect(info.secretsNote).toMatch(
      /default keyring is locked, so secrets are kept in memory only and asked for again after a restart\. Unlock it/,
    );
    // The session still works: the password is kept in memory.
    expect(
      await h.core.invoke('endpoints:save', { endpoint: endpoint(address), secret: PASSWORD }),
    ).toEqual({
      ok: true,
    });
    await subscribed(h.core, 'gw');
  });

  it('falls back to memory when no Secret Service runs on the bus, or there is no bus', async () => {
    const daemon = await keyring({ keyring: false });
    const dir = await folder();
    const absent = await host(dir, daemon.busAddress);
    expect((await hostInfo(absent.host)).secretsNote).toMatch(
      /No Secret Service is running \(nothing owns org\.freedesktop\.secrets.*kept in memory only/,
    );
    await absent.stop();
    // The host reads the bus from the environment it is given (none here): no bus at all.
    const noBus = await host(dir, undefined);
    const info = await hostInfo(noBus.host);
    expect(info.secretsPersistent).toBe(false);
    expect(info.secretsNote).toMatch(/No desktop session bus is reachable.*kept in memory only/);
  });

  it('keeps a secret in memory while the keyring is gone mid-session, says so, and stores it once the keyring is back', async () => {
    const daemon = await keyring();
    const address = await gateway();
    const dir = await folder();
    const lines: string[] = [];
    const { host: h } = await host(dir, daemon.busAddress, lines);
    await daemon.stopKeyring();
    expect(
      await h.core.invoke('endpoints:save', { endpoint: endpoint(address), secret: PASSWORD }),
    ).toEqual({
      ok: true,
    });
    await subscribed(h.core, 'gw');
    const info = await hostInfo(h);
    expect(info.secretsPersistent).toBe(false);
    expect(info.secretsNote).toMatch(
      /keyring stopped answering \(no Secret Service is running.*kept in memory only/,
    );
    expect(lines.join('\n')).toMatch(/keyring call failed; secrets kept in memory/);
    // The storage banner says it too, until a save works again.
    const problems = (await h.core.invoke('app:initial-state', {})).storageProblems;
    expect(problems.map((p) => [p.file, p.error])).toEqual([
      ['secrets', expect.stringMatching(/keyring stopped answering/)],
    ]);

    // The keyring is back: the next save stores what was entered meanwhile too, and all is well.
    await daemon.restartKeyring();
    expect(
      await h.core.invoke('endpoints:save', {
        endpoint: gatewayEndpoint('gw2', address.port, ['dashboard'], USER),
        secret: PASSWORD,
      }),
    ).toEqual({ ok: true });
    const after = await h.core.invoke('app:initial-state', {});
    expect(after.storageProblems).toEqual([]);
    expect(after.host.secretsPersistent).toBe(true);
    const client = await SecretServiceClient.open({ busAddress: daemon.busAddress });
    try {
      for (const ref of ['gw', 'gw2']) {
        const [item] = await client.search({ 'xdg:schema': 'dev.lookout.console.Secret', ref });
        expect(item, `${ref} in the keyring`).toBeDefined();
        expect(await client.read(item ?? '')).toBe(PASSWORD);
      }
    } finally {
      client.close();
    }
    expect(lines.join('\n')).not.toContain(PASSWORD);
  });
});
