import type { CheckContext, CheckStepRunner, StepOutcome } from './check-step';

/**
 * Copy me to add a step: name the file `<id>.step.ts`, add the id to `CHECK_STEPS`
 * (`shared/model/diagnostics.ts`) and the step to `STEPS` in `runner.ts` where it belongs.
 * Read what earlier steps found from `ctx`, store what later steps need on it, and say in plain
 * words what happened and, for a failure, what to do. Never throw: a failure is an outcome.
 * Waits are events (`ctx.connection`) bounded by `ctx.clock` timers, never polling loops.
 */
export const templateStep = {
  // The id this step reports under (one of CHECK_STEPS).
  id: 'dns',
  async run(ctx: CheckContext): Promise<StepOutcome> {
    const start = ctx.clock.now();
    const found = ctx.host !== undefined;
    if (!found)
      return {
        status: 'failed',
        detail: 'What went wrong, in the words a support person reads.',
        advice: 'What to do about it.',
      };
    return { status: 'ok', detail: 'What was found.', durationMs: ctx.clock.now() - start };
  },
} satisfies CheckStepRunner;
