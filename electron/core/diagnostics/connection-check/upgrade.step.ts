import { classifyEnding } from '../../connection/close-policy';
import { openSocket, sentFacts, socketPlan } from '../../connection/open-sequence';
import type { Dialect } from '../../dialects/dialect';
import type { RankedCause } from '../../../../shared/model/health';
import { CheckConnection } from './check-connection';
import { since, type CheckContext, type CheckStepRunner } from './check-step';

/**
 * The WebSocket upgrade, with the credentials the session would send: 101, or the server's
 * refusal in the close policy's words. A refusal of the credentials themselves is the auth
 * step's to report; no credentials at all, too.
 */
export const upgradeStep = {
  id: 'upgrade',
  async run(ctx) {
    const { endpoint, dialect, redactor } = ctx.options;
    try {
      ctx.credentials = await ctx.options.credentials.getCredentials({ forceRefresh: false });
      redactor.addSecret(ctx.credentials.token);
      redactor.addSecret(ctx.credentials.cookie);
    } catch (error) {
      ctx.credentialsError = error;
      return { status: 'skipped', detail: 'Not tried: no credentials to connect with.' };
    }
    const codec = dialect.create(endpoint);
    const handshake = codec.handshake(ctx.credentials, ctx.baseUrl);
    const sent = sentFacts(handshake.headers, ctx.credentials);
    ctx.codec = codec;
    ctx.handshake = handshake;
    ctx.sent = sent;
    const start = ctx.clock.now();
    const plan = {
      ...socketPlan(
        endpoint,
        handshake.headers,
        Math.min(endpoint.handshakeTimeoutMs, ctx.stepTimeoutMs),
      ),
      ...(ctx.options.transport ? { agent: ctx.options.transport.agent(ctx.stepTimeoutMs) } : {}),
    };
    const connection = new CheckConnection(openSocket(handshake.url, plan), codec, ctx.clock);
    ctx.connection = connection;
    if (await connection.opened())
      return {
        status: 'ok',
        detail: `WebSocket upgrade accepted (101) by ${redactor.url(handshake.url)}.`,
        durationMs: since(ctx, start),
      };
    const ended = await connection.ended();
    const facts = connection.socket.facts;
    const outcome = classifyEnding({
      facts,
      closeCode: ended.code,
      closeReason: ended.reason,
      closeOverrides: dialect.closeOverrides,
      handshakeOverrides: dialect.handshakeOverrides,
      explainRefusal: (status) => dialect.explainRefusal?.(status, sent, handshake.url),
    });
    const status = facts.handshakeStatus;
    if (outcome.action === 'reauth-once' && dialect.rankCauses)
      ctx.causes = await explainAmbiguous(ctx, handshake.url, dialect.rankCauses);
    if (
      status !== undefined &&
      (outcome.action === 'sign-in' || outcome.action === 'refresh-token')
    ) {
      ctx.refusal = outcome;
      return {
        status: 'ok',
        detail: `The server answered the upgrade with HTTP ${status}.`,
        durationMs: since(ctx, start),
      };
    }
    const likeliest = ctx.causes?.find((c) => c.likelihood !== 'ruled-out');
    return {
      status: 'failed',
      detail: status !== undefined ? `HTTP ${status}: ${outcome.meaning}` : outcome.meaning,
      advice: likeliest
        ? `Most likely: ${likeliest.text} (${likeliest.evidence})`
        : status === 404 || status === 500
          ? 'Check the path in the endpoint URL (some servers need a trailing slash).'
          : 'Check the URL and that the server speaks WebSocket on that path.',
      durationMs: since(ctx, start),
      skipReasons: { auth: 'Not tried: the upgrade failed.' },
    };
  },
} satisfies CheckStepRunner;

/** The ranked causes of an ambiguous refusal, from the session check and the probes. */
async function explainAmbiguous(
  ctx: CheckContext,
  url: string,
  rank: NonNullable<Dialect['rankCauses']>,
): Promise<RankedCause[]> {
  const options = ctx.options;
  const [check, probes, redis] = await Promise.all([
    options.credentials.checkSession?.() ?? Promise.resolve({ status: 'unknown' as const }),
    options.probeHttp?.().catch(() => []) ?? Promise.resolve([]),
    options.redisProbe?.([]) ?? Promise.resolve(null),
  ]);
  const health = probes.find((p) => p.name === 'health')?.status;
  return rank({
    url,
    hasSignIn: options.endpoint.auth.method !== 'none',
    renewedAndStillRefused: false,
    session: check.status,
    health: health === 'healthy' ? 'healthy' : health === undefined ? 'unknown' : 'down',
    redis:
      redis === null || redis.status === 'error'
        ? 'unknown'
        : redis.status === 'unreachable'
          ? 'down'
          : 'up',
  });
}
