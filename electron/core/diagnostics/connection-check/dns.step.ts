import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { errorText, since, withTimeout, type CheckStepRunner } from './check-step';

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
    if (isIP(host)) return { status: 'ok', detail: `${host} is an IP address: no lookup needed.` };
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
        detail: `${host} resolves to ${found.map((a) => a.address).join(', ')}.`,
        durationMs: since(ctx, start),
      };
    } catch (error) {
      return {
        status: 'failed',
        detail: `${host} does not resolve (${errorText(error)}).`,
        advice: 'Check the host name in the endpoint URL, or your DNS / VPN.',
        durationMs: since(ctx, start),
      };
    }
  },
} satisfies CheckStepRunner;
