import { beforeEach, describe, expect, it, vi } from 'vitest';
import { INVOKE_CHANNELS, PUSH_CHANNELS, SEND_CHANNELS } from '../../shared/ipc/contract';
import type { LookoutBridge } from '../../shared/ipc/contract';
import { FakeIpcRenderer, resetFakeElectron, state } from '../../test/support/fake-electron';

vi.mock(
  'electron',
  async () => (await import('../../test/support/fake-electron')).fakeElectronModule,
);

const { createPreloadBridge } = await import('./preload-bridge');

describe('preload', () => {
  beforeEach(() => {
    resetFakeElectron();
  });

  it('exposes exactly window.lookout with invoke, send and on', async () => {
    await import('./preload');
    expect([...state.exposed.keys()]).toEqual(['lookout']);
    const bridge = state.exposed.get('lookout') as LookoutBridge;
    expect(Object.keys(bridge).sort()).toEqual(['invoke', 'on', 'send']);
    expect(Object.isFrozen(bridge)).toBe(true);
  });

  it('carries every contract channel and refuses others', async () => {
    const ipc = new FakeIpcRenderer();
    const bridge = createPreloadBridge(ipc);
    for (const channel of INVOKE_CHANNELS) await bridge.invoke(channel, {} as never);
    for (const channel of SEND_CHANNELS) bridge.send(channel, {} as never);
    expect(ipc.invoked.map((c) => c.channel)).toEqual(INVOKE_CHANNELS);
    expect(ipc.sent.map((c) => c.channel)).toEqual(SEND_CHANNELS);
    await expect(bridge.invoke('fs:read' as never, {} as never)).rejects.toThrow(/unknown/);
    expect(() => bridge.send('shell:exec' as never, {} as never)).toThrow(/unknown/);
    expect(() => bridge.on('secrets:all' as never, () => {})).toThrow(/unknown/);
    expect(ipc.invoked).toHaveLength(INVOKE_CHANNELS.length);
  });

  it('passes one argument and returns main’s answer', async () => {
    const ipc = new FakeIpcRenderer();
    const bridge = createPreloadBridge(ipc);
    await expect(bridge.invoke('endpoints:get', { id: 'prod' })).resolves.toEqual({
      echoed: 'endpoints:get',
    });
    expect(ipc.invoked[0]).toEqual({ channel: 'endpoints:get', args: [{ id: 'prod' }] });
  });

  it('on: listeners get only the payload, and unsubscribe works', () => {
    const ipc = new FakeIpcRenderer();
    const bridge = createPreloadBridge(ipc);
    const seen: unknown[] = [];
    const off = bridge.on('app:navigate', (payload) => seen.push(payload));
    ipc.emitter.emit('app:navigate', { sender: 'secret-object' }, { link: 'tasks' });
    off();
    ipc.emitter.emit('app:navigate', { sender: 'secret-object' }, { link: 'later' });
    expect(seen).toEqual([{ link: 'tasks' }]);
    expect(ipc.emitter.listenerCount('app:navigate')).toBe(0);
    for (const channel of PUSH_CHANNELS) bridge.on(channel, () => {})();
  });
});
