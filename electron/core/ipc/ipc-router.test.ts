import { describe, expect, it } from 'vitest';
import { INVOKE_CHANNELS, SEND_CHANNELS } from '../../../shared/ipc/contract';
import { IpcRejectedError, IpcRouter, type IpcHandlers } from './ipc-router';

/** Handlers that record what reached them. */
function router() {
  const reached: Array<{ channel: string; value: unknown }> = [];
  const warnings: string[] = [];
  const handlers = Object.fromEntries([
    ...INVOKE_CHANNELS.map((channel) => [
      channel,
      async (value: unknown) => {
        reached.push({ channel, value });
        return { ok: true };
      },
    ]),
    ...SEND_CHANNELS.map((channel) => [
      channel,
      (value: unknown) => {
        reached.push({ channel, value });
      },
    ]),
  ]) as IpcHandlers;
  const r = new IpcRouter(handlers, {
    info: () => {},
    warn: (message) => warnings.push(message),
    error: () => {},
  });
  return { r, reached, warnings };
}

describe('IpcRouter', () => {
  it('hands a valid request to its handler, parsed by the contract', async () => {
    const { r, reached } = router();
    await expect(r.invoke('auth:sign-out', { endpoint: 'prod' })).resolves.toEqual({ ok: true });
    expect(reached).toEqual([{ channel: 'auth:sign-out', value: { endpoint: 'prod' } }]);
  });

  it('refuses an invalid payload, naming the fields but never echoing the values', async () => {
    const { r, reached, warnings } = router();
    const error = await r
      .invoke('auth:sign-in', { endpoint: 'prod', secret: 'x'.repeat(9_000) })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IpcRejectedError);
    expect((error as IpcRejectedError).reason).toBe('invalid-payload');
    expect(String(error)).toMatch(/auth:sign-in refused: invalid payload \(secret: /);
    expect(String(error)).not.toContain('xxxxxxxx');
    expect(reached).toEqual([]);
    expect(warnings).toEqual(['ipc payload failed validation']);
  });

  it('refuses channels outside the contract, whatever their type', async () => {
    const { r, reached } = router();
    await expect(r.invoke('fs:read', {})).rejects.toThrow('Unknown request "fs:read".');
    await expect(r.invoke(42 as unknown as string, {})).rejects.toThrow(/Unknown request/);
    expect(r.send('shell:exec', {})).toBe(false);
    expect(r.send({} as unknown as string, {})).toBe(false);
    expect(reached).toEqual([]);
  });

  it('delivers valid sends and refuses invalid ones', () => {
    const { r, reached } = router();
    expect(r.send('notifications:pause', { until: 1_700_000_000_000 })).toBe(true);
    expect(r.send('notifications:pause', { until: -5 })).toBe(false);
    expect(r.send('app:view', { focused: 'yes', view: 'bell' })).toBe(false);
    expect(reached).toEqual([
      { channel: 'notifications:pause', value: { until: 1_700_000_000_000 } },
    ]);
  });

  it('checks support actions and exports against their schemas before any session sees them', async () => {
    const { r, reached } = router();
    await r.invoke('diagnostics:act', { endpoint: 'prod', action: 'ping' });
    await r.invoke('diagnostics:act', { endpoint: 'prod', action: 'send', text: '{"a":1}' });
    await r.invoke('diagnostics:export', { what: 'session', endpoint: 'prod' });
    for (const bad of [
      { endpoint: 'prod', action: 'send' },
      { endpoint: 'prod', action: 'send', text: '' },
      { endpoint: 'prod', action: 'send', text: 'x'.repeat(64 * 1024 + 1) },
      { endpoint: 'prod', action: 'ping', text: 'a ping carries no text' },
      { endpoint: 'prod', action: 'format-disk' },
    ])
      await expect(r.invoke('diagnostics:act', bad)).rejects.toBeInstanceOf(IpcRejectedError);
    await expect(r.invoke('diagnostics:export', { what: 'session' })).rejects.toBeInstanceOf(
      IpcRejectedError,
    );
    await expect(r.invoke('diagnostics:frame', { endpoint: 'prod', id: 0 })).rejects.toBeInstanceOf(
      IpcRejectedError,
    );
    expect(reached.map((x) => x.channel)).toEqual([
      'diagnostics:act',
      'diagnostics:act',
      'diagnostics:export',
    ]);
  });
});
