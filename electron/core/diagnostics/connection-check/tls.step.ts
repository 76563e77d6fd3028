import { type CheckStepRunner } from './check-step';

/** The server's certificate, as the proxy step's reach judged it (facts and verdict in words). */
export const tlsStep = {
  id: 'tls',
  async run(ctx) {
    const step = ctx.reached?.steps.find((s) => s.id === 'tls');
    if (!step)
      return {
        status: 'skipped',
        detail: ctx.url?.protocol === 'wss:' ? 'Not checked.' : 'ws:// uses no TLS.',
      };
    return {
      status: step.status,
      detail: step.detail,
      ...(step.advice ? { advice: step.advice } : {}),
      ...(step.durationMs !== undefined ? { durationMs: step.durationMs } : {}),
    };
  },
} satisfies CheckStepRunner;
