/** The connection check's ordered list of steps and the runner that skips what follows a failure. */
import { endpointUrls } from '../../../../shared/config/endpoint';
import type {
  CheckStep,
  CheckStepId,
  ConnectionCheckReport,
} from '../../../../shared/model/diagnostics';
import { authStep } from './auth.step';
import type { CheckContext, CheckStepRunner, ConnectionCheckOptions } from './check-step';
import { deliveryStep } from './delivery.step';
import { dnsStep } from './dns.step';
import { roundTripStep } from './round-trip.step';
import { subscribeStep } from './subscribe.step';
import { tcpStep } from './tcp.step';
import { proxyStep } from './proxy.step';
import { tlsStep } from './tls.step';
import { upgradeStep } from './upgrade.step';

/** The steps, in the order they run: each needs what the ones before it found. */
export const STEPS: readonly CheckStepRunner[] = [
  dnsStep,
  tcpStep,
  proxyStep,
  tlsStep,
  upgradeStep,
  authStep,
  subscribeStep,
  roundTripStep,
  deliveryStep,
];

const SKIPPED = 'Not tried: an earlier step failed.';

/**
 * Runs `steps` in order; after a failure (or a step that halts the check) the rest are reported
 * as skipped, with the reason the stopping step gave. Closes the check's socket at the end and
 * never throws: a step that throws is reported as failed.
 */
export async function runSteps(
  options: ConnectionCheckOptions,
  steps: readonly CheckStepRunner[] = STEPS,
): Promise<ConnectionCheckReport> {
  const { redactor } = options;
  const clock = options.clock;
  const startedAt = clock.now();
  const ctx: CheckContext = {
    options,
    clock,
    stepTimeoutMs: options.stepTimeoutMs ?? 5_000,
    replyTimeoutMs: options.replyTimeoutMs ?? 3_000,
    baseUrl: endpointUrls(options.endpoint)[0] ?? '',
  };
  const done: CheckStep[] = [];
  let halted: { reason: string; reasons: Partial<Record<CheckStepId, string>> } | null = null;
  try {
    for (const step of steps) {
      if (halted) {
        const detail = halted.reasons[step.id] ?? halted.reason;
        done.push({ id: step.id, status: 'skipped', detail });
        continue;
      }
      const { keepGoing, haltReason, skipReasons, ...result } = await runOne(step, ctx);
      done.push({ id: step.id, ...result, detail: redactor.text(result.detail) });
      if (haltReason || (result.status === 'failed' && !keepGoing))
        halted = { reason: haltReason ?? SKIPPED, reasons: skipReasons ?? {} };
    }
  } finally {
    ctx.connection?.close();
  }
  return report(options, startedAt, done, ctx);
}

async function runOne(step: CheckStepRunner, ctx: CheckContext) {
  try {
    return await step.run(ctx);
  } catch (error) {
    return {
      status: 'failed' as const,
      detail: `The ${step.id} step failed unexpectedly: ${error instanceof Error ? error.message : String(error)}`,
      advice: 'Export a support bundle and send it to the Lookout team.',
    };
  }
}

function report(
  options: ConnectionCheckOptions,
  startedAt: number,
  steps: CheckStep[],
  ctx: CheckContext,
): ConnectionCheckReport {
  const failed = steps.find((s) => s.status === 'failed');
  const delivery = steps.find((s) => s.id === 'delivery');
  // "All checks passed" only when delivery was proven: a pong or an ack proves no data.
  const summary = failed
    ? `Fails at ${failed.id}: ${failed.detail}${failed.advice ? ` ${failed.advice}` : ''}`
    : options.stopAfterAuth
      ? 'Signed in: the server accepted the credentials.'
      : delivery?.status === 'warning'
        ? `Reachable and answering, but delivery is not proven: ${delivery.detail}`
        : steps.some((s) => s.status === 'warning')
          ? 'Connected, with warnings: see the steps below.'
          : 'All checks passed: the backend is reachable, accepts our credentials, answers, and delivers data.';
  return {
    endpoint: options.endpoint.id,
    startedAt,
    ok: !failed,
    steps,
    summary: options.redactor.text(summary),
    ...(ctx.causes ? { causes: ctx.causes } : {}),
  };
}
