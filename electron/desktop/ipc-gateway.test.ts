import { beforeEach, describe, expect, it, vi } from 'vitest';
import { INVOKE_CHANNELS, SEND_CHANNELS } from '../../shared/ipc/contract';
import {
  FakeBrowserWindow,
  FakeWebFrame,
  resetFakeElectron,
  state,
} from '../../test/support/fake-electron';
import { FakeCore } from '../../test/support/fake-core';

vi.mock(
  'electron',
  async () => (await import('../../test/support/fake-electron')).fakeElectronModule,
);

const { IpcGateway } = await import('./ipc-gateway');

const RENDERER_URL = 'app://lookout/index.html';
const logger = { info: () => {}, warn: () => {}, error: () => {} };

let core: FakeCore;
let win: FakeBrowserWindow;
let gateway: InstanceType<typeof IpcGateway>;
let current: FakeBrowserWindow | null;

function eventFrom(
  sender = win.webContents,
  url = `${RENDERER_URL}#/diagnostics`,
  parent: FakeWebFrame | null = null,
) {
  const frame = new FakeWebFrame(url);
  frame.parent = parent;
  return { sender, senderFrame: frame };
}

beforeEach(() => {
  resetFakeElectron();
  core = new FakeCore();
  win = new FakeBrowserWindow({});
  current = win;
  gateway = new IpcGateway(
    core,
    { rendererUrl: RENDERER_URL, webContents: () => (current?.webContents as never) ?? null },
    logger,
  );
  gateway.start();
});

describe('IPC gateway', () => {
  it('registers a handler for every invoke channel and a listener for every send channel', () => {
    expect([...state.ipcMain.handlers.keys()].sort()).toEqual([...INVOKE_CHANNELS].sort());
    expect([...state.ipcMain.listeners.keys()].sort()).toEqual([...SEND_CHANNELS].sort());
  });

  it('passes a valid invoke from our window to the core and returns its answer', async () => {
    core.responses.set('auth:sign-in', { ok: true });
    const answer = await state.ipcMain.invoke('auth:sign-in', eventFrom(), {
      endpoint: 'prod',
      secret: 'hunter2',
    });
    expect(answer).toEqual({ ok: true });
    expect(core.invoked).toEqual([
      { channel: 'auth:sign-in', request: { endpoint: 'prod', secret: 'hunter2' } },
    ]);
    expect(gateway.counters.accepted).toBe(1);
  });

  it('rejects an invalid payload with a clear error; it never reaches the core', async () => {
    await expect(
      state.ipcMain.invoke('auth:sign-in', eventFrom(), { endpoint: 'prod' }),
    ).rejects.toThrow(/auth:sign-in refused: invalid payload \(secret: /);
    await expect(
      state.ipcMain.invoke('endpoints:remove', eventFrom(), { id: 'x', extra: true }),
    ).rejects.toThrow(/endpoints:remove refused: invalid payload/);
    await expect(state.ipcMain.invoke('app:initial-state', eventFrom(), 'nope')).rejects.toThrow(
      /invalid payload/,
    );
    expect(core.invoked).toEqual([]);
    expect(gateway.counters.invalidPayload).toBe(3);
  });

  it('does not echo a rejected secret back in the error', async () => {
    const secret = 'x'.repeat(9_000);
    const error = await state.ipcMain
      .invoke('auth:sign-in', eventFrom(), { endpoint: 'prod', secret })
      .catch((e: Error) => e);
    expect(String(error)).toMatch(/invalid payload/);
    expect(String(error)).not.toContain('xxxxxxxx');
  });

  it('rejects messages from another webContents', async () => {
    const other = new FakeBrowserWindow({});
    await expect(
      state.ipcMain.invoke('endpoints:list', eventFrom(other.webContents), {}),
    ).rejects.toThrow(/unknown sender/);
    state.ipcMain.emit('connection:reconnect', eventFrom(other.webContents), {});
    expect(core.invoked).toEqual([]);
    expect(core.sent).toEqual([]);
    expect(gateway.counters.rejectedSender).toBe(2);
  });

  it('rejects our window when its frame is at another URL or is a sub-frame', async () => {
    await expect(
      state.ipcMain.invoke(
        'endpoints:list',
        eventFrom(win.webContents, 'https://evil.example/'),
        {},
      ),
    ).rejects.toThrow(/unknown sender/);
    await expect(
      state.ipcMain.invoke(
        'endpoints:list',
        eventFrom(win.webContents, 'file:///opt/lookout/app/dist/renderer/index.html'),
        {},
      ),
    ).rejects.toThrow(/unknown sender/);
    await expect(
      state.ipcMain.invoke(
        'endpoints:list',
        eventFrom(win.webContents, RENDERER_URL, new FakeWebFrame(RENDERER_URL)),
        {},
      ),
    ).rejects.toThrow(/unknown sender/);
    await expect(
      state.ipcMain.invoke('endpoints:list', { sender: win.webContents, senderFrame: null }, {}),
    ).rejects.toThrow(/unknown sender/);
    expect(gateway.counters.rejectedSender).toBe(4);
    expect(core.invoked).toEqual([]);
  });

  it('rejects everything while no window exists', async () => {
    current = null;
    await expect(state.ipcMain.invoke('endpoints:list', eventFrom(), {})).rejects.toThrow(
      /unknown sender/,
    );
  });

  it('forwards valid sends and drops invalid ones', () => {
    state.ipcMain.emit('notifications:pause', eventFrom(), { until: 1_700_000_000_000 });
    state.ipcMain.emit('notifications:pause', eventFrom(), { until: -5 });
    state.ipcMain.emit('app:view', eventFrom(), { focused: 'yes', view: 'bell' });
    state.ipcMain.emit('notifications:mark-read', eventFrom(), { ids: 'all' });
    expect(core.sent).toEqual([
      { channel: 'notifications:pause', payload: { until: 1_700_000_000_000 } },
      { channel: 'notifications:mark-read', payload: { ids: 'all' } },
    ]);
    expect(gateway.counters.invalidPayload).toBe(2);
  });

  it('keeps going when the core throws on a send', () => {
    core.send = () => {
      throw new Error('boom');
    };
    expect(() => state.ipcMain.emit('app:ready', eventFrom(), {})).not.toThrow();
  });

  it('pushes to our window only, and counts pushes with no window', () => {
    const other = new FakeBrowserWindow({});
    core.push('app:navigate', { link: 'businesses/17' });
    expect(win.webContents.sent).toEqual([
      { channel: 'app:navigate', payload: { link: 'businesses/17' } },
    ]);
    expect(other.webContents.sent).toEqual([]);
    current = null;
    core.push('app:navigate', { link: 'tasks' });
    expect(gateway.counters.pushesDropped).toBe(1);
  });

  it('stop removes every handler and the push subscription', () => {
    gateway.stop();
    expect(state.ipcMain.handlers.size).toBe(0);
    expect(state.ipcMain.listeners.size).toBe(0);
    expect(core.pushListenerCount).toBe(0);
  });
});
