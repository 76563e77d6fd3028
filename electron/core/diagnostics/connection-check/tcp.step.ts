import { createConnection } from 'node:net';
import type { Clock } from '../../kernel/ports';
import { since, type CheckStepRunner } from './check-step';

/** Something accepts a TCP connection on the endpoint's host and port. */
export const tcpStep = {
  id: 'tcp',
  async run(ctx) {
    const host = `${ctx.dialLabel ?? ''}${ctx.host ?? ''}`;
    const port = ctx.port ?? 0;
    const start = ctx.clock.now();
    const tcp = await tcpProbe(ctx.clock, ctx.address ?? ctx.host ?? '', port, ctx.stepTimeoutMs);
    if (tcp.ok)
      return {
        status: 'ok',
        detail: `${host}:${port} accepted a TCP connection.`,
        durationMs: since(ctx, start),
      };
    const refused = tcp.code === 'ECONNREFUSED';
    return {
      status: 'failed',
      detail: refused
        ? `Nothing is listening on ${host}:${port}.`
        : `${host}:${port} did not accept a connection (${tcp.code}).`,
      advice: ctx.dialLabel
        ? 'Check the proxy address (the endpoint’s proxy, the system settings or HTTPS_PROXY), or set the endpoint’s proxy to "direct".'
        : refused
          ? 'Start the backend, or fix the port in the endpoint URL.'
          : 'A firewall or proxy may drop the traffic; check the network path to the server.',
      durationMs: since(ctx, start),
    };
  },
} satisfies CheckStepRunner;

function tcpProbe(
  clock: Clock,
  host: string,
  port: number,
  timeoutMs: number,
): Promise<{ ok: true } | { ok: false; code: string }> {
  return new Promise((resolve) => {
    const socket = createConnection({ host, port });
    const done = (result: { ok: true } | { ok: false; code: string }) => {
      clock.clearTimeout(timer);
      socket.destroy();
      resolve(result);
    };
    const timer = clock.setTimeout(() => done({ ok: false, code: 'ETIMEDOUT' }), timeoutMs);
    socket.once('connect', () => done({ ok: true }));
    socket.once('error', (error: NodeJS.ErrnoException) =>
      done({ ok: false, code: error.code ?? error.message }),
    );
  });
}
