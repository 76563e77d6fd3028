import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import {
  errorText,
  since,
  withTimeout,
  type CheckContext,
  type CheckStepRunner,
  type StepOutcome,
} from './check-step';
import { dialTargetOf } from './transport-steps';

/**
 * `host` resolves (an IP address needs no lookup). Through a proxy it is the proxy's host, named
 * by `ctx.dialLabel` (the server's name is the proxy's business then); `advice` says what to check.
 */
async function lookupHost(ctx: CheckContext, host: string, advice: string): Promise<StepOutcome> {
  const named = ctx.dialLabel ?? '';
  if (isIP(host))
    return { status: 'ok', detail: `${named}${host} is an IP address: no lookup needed.` };
  const start = ctx.clock.now();
  try {
    const found = await withTimeout(
      ctx.clock,
      lookup(host, { all: true }),
      ctx.stepTimeoutMs,
      'DNS lookup timed out',
    );
    ctx.address = found[0]?.address ?? host;
    return {
      status: 'ok',
      detail: `${named}${host} resolves to ${found.map((a) => a.address).join(', ')}.`,
      durationMs: since(ctx, start),
    };
  } catch (error) {
    return {
      status: 'failed',
      detail: `${named}${host} does not resolve (${errorText(error)}).`,
      advice,
      durationMs: since(ctx, start),
    };
  }
}

/** The endpoint's URL parses, and its host name resolves (an IP address needs no lookup). */
export const dnsStep = {
  id: 'dns',
  async run(ctx) {
    let url: URL;
    try {
      url = new URL(ctx.baseUrl);
    } catch {
      return {
        status: 'failed',
        detail: `"${ctx.baseUrl}" is not a valid URL.`,
        advice: 'Fix the URL in Settings → Endpoints.',
      };
    }
    const host = url.hostname.replace(/^\[|\]$/g, '');
    ctx.url = url;
    ctx.host = host;
    ctx.port = Number(url.port || (url.protocol === 'wss:' ? 443 : 80));
    ctx.address = host;
    // Through a proxy, DNS and TCP are the proxy's: the server may not even resolve from here.
    const { dial } = await dialTargetOf(ctx.options.transport, url, ctx.stepTimeoutMs);
    if (dial) {
      ctx.host = dial.host;
      ctx.port = dial.port;
      ctx.address = dial.host;
      ctx.dialLabel = `${dial.label}: `;
      return lookupHost(
        ctx,
        dial.host,
        'Check the proxy’s host name (the endpoint’s proxy, the system settings or HTTPS_PROXY).',
      );
    }
    return lookupHost(ctx, host, 'Check the host name in the endpoint URL, or your DNS / VPN.');
  },
} satisfies CheckStepRunner;
