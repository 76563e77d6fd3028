import { type CheckStepRunner } from './check-step';
import { transportSteps } from './transport-steps';

/**
 * The server reached exactly as a connection reaches it (route, tunnel, TLS): the proxy's part
 * here, the certificate's in `tls.step.ts`. Without a transport (tests of other steps): direct.
 */
export const proxyStep = {
  id: 'proxy',
  async run(ctx) {
    const transport = ctx.options.transport;
    if (!transport) return { status: 'ok', detail: 'No proxy: Node’s defaults (direct).' };
    ctx.reached = await transportSteps(transport, ctx.baseUrl, ctx.stepTimeoutMs);
    const step = ctx.reached.steps.find((s) => s.id === 'proxy');
    const tls = ctx.reached.steps.find((s) => s.id === 'tls');
    return {
      status: step?.status ?? 'ok',
      detail: step?.detail ?? 'No proxy.',
      ...(step?.advice ? { advice: step.advice } : {}),
      ...(step?.durationMs !== undefined ? { durationMs: step.durationMs } : {}),
      ...(tls?.status === 'skipped' ? { skipReasons: { tls: tls.detail } } : {}),
    };
  },
} satisfies CheckStepRunner;
