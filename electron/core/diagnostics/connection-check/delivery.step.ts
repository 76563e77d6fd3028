import type { CheckContext, CheckStepRunner, StepOutcome } from './check-step';

/**
 * Whether data reaches us. Proof is data seen (during the check or on the live connection) or, for
 * a service that can go deaf, its Redis subscription counted by the probe; deaf beats data, since
 * snapshots can keep flowing while its Redis listener is dead. Without proof the step is a warning
 * and the summary says so: never "All checks passed".
 */
export const deliveryStep = {
  id: 'delivery',
  async run(ctx) {
    return judge(ctx, await dataSeen(ctx));
  },
} satisfies CheckStepRunner;

/** Data anywhere since we subscribed (not only the first reply, often an ack), waiting up to the
 * reply timeout for some when none came yet. */
async function dataSeen(ctx: CheckContext): Promise<boolean> {
  if (ctx.reply?.kind === 'reply' && ctx.reply.data === true) return true;
  const connection = ctx.connection;
  if (!connection) return false;
  const found = await connection.waitFor(ctx.repliesFrom ?? 0, ctx.replyTimeoutMs, (r) =>
    r.events?.length ? true : null,
  );
  return found === true;
}

async function judge(ctx: CheckContext, dataSeen: boolean): Promise<StepOutcome> {
  const options = ctx.options;
  const { dialect } = options;
  const channels = options.endpoint.redisProbe?.channels ?? dialect.redisChannels;
  const listens = channels.length > 0;
  const live = options.liveDelivery;
  const sawData = dataSeen
    ? 'Data arrived during the check'
    : live?.status === 'flowing'
      ? 'The live connection receives data'
      : null;
  if (options.redisProbe && listens) {
    const probe = await options.redisProbe(channels);
    if (probe.status === 'deaf')
      return {
        status: 'failed',
        detail: `The service is deaf: it lost its Redis subscription (${probe.detail})`,
        advice: 'Restart the service: it never subscribes again by itself after a Redis restart.',
      };
    if (probe.status === 'subscribed')
      return {
        status: 'ok',
        detail: `${sawData ? `${sawData}, and the` : 'The'} service holds its Redis subscription (${probe.detail})`,
      };
    return {
      status: 'warning',
      detail: `${sawData ? `${sawData}, but the` : 'The'} Redis probe could not check the service's subscription: ${probe.detail}`,
      advice: 'Check the Redis URL and password configured for the probe.',
    };
  }
  if (live?.status === 'deaf')
    return {
      status: 'failed',
      detail: `The service is deaf: ${live.detail}`,
      advice: 'Restart the service.',
    };
  if (sawData && !listens) return { status: 'ok', detail: `${sawData}.` };
  if (sawData)
    return {
      status: 'warning',
      detail: `${sawData}, but this service can go deaf after a Redis restart (snapshots keep coming while Redis messages are lost), and no Redis probe is configured to check its subscription.`,
      advice: 'Add a Redis probe (redisProbe) to this endpoint to check it.',
    };
  const silentOk = dialect.liveness.quietAfterMs === 0;
  return {
    status: 'warning',
    detail: silentOk
      ? `No data during the check; silence is normal for this backend, so delivery is not proven. ${dialect.liveness.silence}`
      : `No data during the check and nothing else proves delivery. ${dialect.liveness.silence}`,
    ...(listens && !options.redisProbe
      ? { advice: 'Add a Redis probe (redisProbe) to this endpoint to check its subscription.' }
      : {}),
  };
}
