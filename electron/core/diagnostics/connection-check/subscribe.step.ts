import { classifyEnding } from '../../connection/close-policy';
import { subscriptionsOf } from '../../dialects/dialect';
import { replyOf, sendOpenSequence } from '../../connection/open-sequence';
import type { CheckStepRunner } from './check-step';

/**
 * The open sequence the session sends (the dialect's opening frames, then every subscription),
 * and the first meaningful reply: an ack, data or a greeting; an error refusing it; the server
 * closing; or silence, which some backends keep for a long time.
 */
export const subscribeStep = {
  id: 'subscribe',
  async run(ctx) {
    const { endpoint, dialect } = ctx.options;
    const connection = ctx.connection;
    const codec = ctx.codec;
    if (!connection || !codec) return { status: 'skipped', detail: 'Not tried: no connection.' };
    const from = connection.results.length;
    ctx.repliesFrom = from;
    const subscriptions = subscriptionsOf(endpoint, dialect);
    sendOpenSequence(codec, subscriptions, (frame) => connection.send(frame));
    const reply = await connection.waitFor(from, ctx.replyTimeoutMs, replyOf);
    if (reply === 'closed') {
      const ended = connection.closed;
      const outcome = classifyEnding({
        facts: connection.socket.facts,
        closeCode: ended?.code,
        closeReason: ended?.reason,
        closeOverrides: dialect.closeOverrides,
      });
      return {
        status: 'failed',
        detail: `The server closed the connection after we subscribed: ${outcome.meaning}`,
        advice: 'Check the subscriptions configured for this endpoint.',
        haltReason: 'Not tried: the connection closed.',
      };
    }
    if (reply === 'timeout') {
      ctx.reply = { kind: 'silent' };
      const silentOk = dialect.liveness.quietAfterMs === 0;
      return {
        status: 'warning',
        detail: `No reply within ${Math.round(ctx.replyTimeoutMs / 1000)} s.${silentOk ? ' This backend is often silent, so this alone is not a fault.' : ''}`,
        advice: silentOk
          ? undefined
          : 'If data never arrives, check that the backend publishes to these subscriptions.',
      };
    }
    if (reply.kind === 'error') {
      ctx.reply = { kind: 'error' };
      return {
        status: 'failed',
        detail: `The server refused the subscription: ${reply.message}`,
        advice:
          'Check the subscriptions configured for this endpoint and the account\u2019s rights.',
        // The connection is still open: the round trip and delivery still tell something.
        keepGoing: true,
      };
    }
    ctx.reply = reply;
    return { status: 'ok', detail: reply.detail };
  },
} satisfies CheckStepRunner;
