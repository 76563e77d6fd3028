import type { CheckStepRunner } from './check-step';

/** A WebSocket ping answered by a pong, and how long it took. */
export const roundTripStep = {
  id: 'round-trip',
  async run(ctx) {
    const rtt = (await ctx.connection?.ping(ctx.stepTimeoutMs)) ?? null;
    if (rtt === null)
      return {
        status: 'failed',
        detail: `No pong within ${Math.round(ctx.stepTimeoutMs / 1000)} s.`,
        advice: 'A proxy may swallow WebSocket pings, or the server is overloaded.',
        // Delivery is judged on its own evidence (data seen, the live connection, Redis).
        keepGoing: true,
      };
    return { status: 'ok', detail: `Round trip ${rtt.toFixed(1)} ms.`, durationMs: rtt };
  },
} satisfies CheckStepRunner;
