/** The connection check's route: where its DNS and TCP steps dial, and its proxy and TLS steps. */
import type { CheckStep } from '../../../../shared/model/diagnostics';
import type { TransportFacts } from '../../../../shared/model/transport';
import { certificateLine } from '../../../../shared/transport-explanations';
import type { EndpointTransport } from '../../transport/network';
import { describeCandidate, type ProxyDecision } from '../../transport/proxy-rules';
import { findTransportError } from '../../transport/transport-error';

/** Where the check's DNS and TCP steps dial: the server, or the first proxy of the route. */
export interface DialTarget {
  host: string;
  port: number;
  /** `the proxy http://p:3128` when proxied, else empty. */
  label: string;
}

/** The route the endpoint's settings give for `url`, and what DNS and TCP should dial for it. */
export async function dialTargetOf(
  transport: EndpointTransport | undefined,
  url: URL,
  timeoutMs: number,
): Promise<{ decision: ProxyDecision | null; dial: DialTarget | null }> {
  if (!transport) return { decision: null, dial: null };
  const secure = url.protocol === 'wss:';
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const port = Number(url.port || (secure ? 443 : 80));
  try {
    const decision = await transport.agent(timeoutMs).decide(secure, host, port);
    const first = decision.candidates[0];
    if (first && (first.kind === 'http' || first.kind === 'https'))
      return {
        decision,
        dial: {
          host: first.host,
          port: first.port,
          label: `the proxy ${describeCandidate(first)}`,
        },
      };
    return { decision, dial: null };
  } catch {
    // A proxy setting that cannot be read: the proxy step reports it when it tries.
    return { decision: null, dial: null };
  }
}

function routeWords(facts: TransportFacts): string {
  const { route } = facts;
  const fell = route.fellBack?.length ? ` (after ${route.fellBack.join('; ')})` : '';
  return route.via === 'direct'
    ? `No proxy: ${route.why}${fell}.`
    : `${route.via} opened a tunnel to ${facts.target} (${route.why}${route.proxyAuth ? `; proxy password "${route.proxyAuth}"` : ''})${fell}.`;
}

/**
 * The check's proxy and TLS steps: the server reached exactly as a connection would reach it, each
 * failure in the words of the transport table (which proxy, what it answered; which certificate,
 * why it was refused). Returns the two steps and whether the check may go on.
 */
export async function transportSteps(
  transport: EndpointTransport,
  url: string,
  timeoutMs: number,
): Promise<{ steps: CheckStep[]; ok: boolean }> {
  const secure = new URL(url).protocol === 'wss:';
  const t0 = performance.now();
  const { facts, error } = await transport.agent(timeoutMs).probe(url, timeoutMs);
  const durationMs = Math.round((performance.now() - t0) * 10) / 10;
  const problem = findTransportError(error);
  const skipped = (id: 'tls', detail: string): CheckStep => ({ id, status: 'skipped', detail });
  if (problem && problem.code.startsWith('PROXY_'))
    return {
      ok: false,
      steps: [
        {
          id: 'proxy',
          status: 'failed',
          detail: `${problem.title}: ${problem.message}`,
          advice: problem.advice,
          durationMs,
        },
        skipped('tls', 'Not tried: the proxy gave no way through.'),
      ],
    };
  const proxyStep: CheckStep = facts
    ? { id: 'proxy', status: 'ok', detail: routeWords(facts) }
    : { id: 'proxy', status: 'ok', detail: 'No proxy.' };
  if (problem)
    return {
      ok: false,
      steps: [
        proxyStep,
        {
          id: 'tls',
          status: 'failed',
          detail: `${problem.title}: ${problem.message}`,
          advice: problem.advice,
          durationMs,
        },
      ],
    };
  if (error) {
    // Neither a proxy nor a certificate problem (a reset, a timeout): the upgrade step says more.
    const e = error as NodeJS.ErrnoException;
    return {
      ok: true,
      steps: [
        proxyStep,
        secure
          ? {
              id: 'tls',
              status: 'warning',
              detail: `Could not check the certificate: ${e.code ?? e.message}.`,
            }
          : skipped('tls', 'ws:// uses no TLS.'),
      ],
    };
  }
  const tls = facts?.tls;
  if (!secure || !tls)
    return { ok: true, steps: [proxyStep, skipped('tls', 'ws:// uses no TLS.')] };
  const pinned = tls.trust.pinnedSha256;
  return {
    ok: true,
    steps: [
      proxyStep,
      pinned
        ? {
            id: 'tls',
            status: 'warning',
            detail: `Accepted only because its fingerprint is pinned. ${certificateLine(tls.chain[0])}`,
            advice:
              'Pinning is discouraged: it breaks at the next renewal. Prefer the CA file of the authority that issued it.',
            durationMs,
          }
        : {
            id: 'tls',
            status: 'ok',
            detail: `Certificate accepted (${tls.protocol ?? 'TLS'}, trusted through ${tls.trust.sources.join(', ')}). ${certificateLine(tls.chain[0])}`,
            durationMs,
          },
    ],
  };
}
