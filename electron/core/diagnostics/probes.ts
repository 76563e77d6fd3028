/** The backend's HTTP health probes, read by each dialect's own interpretation. */
import { endpointUrls, type EndpointConfig } from '../../../shared/config/endpoint';
import type { ProbeResult } from '../../../shared/model/diagnostics';
import type { Dialect, ProbeSpec } from '../dialects/dialect';
import type { Redactor } from '../kernel/redact';

export type FetchLike = (
  url: string,
  init: { signal: AbortSignal; headers?: Record<string, string> },
) => Promise<{
  status: number;
  text(): Promise<string>;
}>;

/** The HTTP base of an endpoint: `httpBase` when configured, else derived from its WebSocket URL. */
export function httpBaseOf(endpoint: EndpointConfig): string {
  if (endpoint.httpBase) return endpoint.httpBase.replace(/\/+$/, '');
  const ws = new URL(endpointUrls(endpoint)[0] ?? 'ws://127.0.0.1/');
  const scheme = ws.protocol === 'wss:' ? 'https:' : 'http:';
  return `${scheme}//${ws.host}`;
}

function probeUrl(endpoint: EndpointConfig, probe: ProbeSpec): string {
  const base = new URL(httpBaseOf(endpoint));
  if (probe.hostOverride) base.hostname = probe.hostOverride;
  return new URL(probe.path, `${base.toString().replace(/\/+$/, '')}/`).toString();
}

/**
 * Health and stats probes of a backend over HTTP, read by the dialect's own rules (task-status's
 * /health always answers 500 and proves nothing; stats-stream's 503 means "degraded"). Never throws.
 */
export async function runProbes(
  endpoint: EndpointConfig,
  dialect: Dialect,
  redactor: Redactor,
  options: { fetch?: FetchLike; timeoutMs?: number; now?: () => number } = {},
): Promise<ProbeResult[]> {
  const doFetch: FetchLike = options.fetch ?? ((url, init) => fetch(url, init));
  const timeoutMs = options.timeoutMs ?? 5_000;
  const now = options.now ?? Date.now;
  return Promise.all(
    dialect.probes.map(async (probe): Promise<ProbeResult> => {
      let url = '';
      const at = now();
      const t0 = performance.now();
      try {
        url = probeUrl(endpoint, probe);
        const signal = AbortSignal.timeout(timeoutMs);
        const res = await doFetch(url, { signal });
        const text = await res.text();
        let body: unknown = text;
        try {
          body = JSON.parse(text);
        } catch {
          // Not JSON: the dialect reads the raw text.
        }
        const verdict = probe.interpret(res.status, body);
        return {
          endpoint: endpoint.id,
          name: probe.name,
          url: redactor.url(url),
          at,
          httpStatus: res.status,
          status: verdict.status,
          summary: verdict.summary,
          durationMs: Math.round(performance.now() - t0),
          body: redactor.text(JSON.stringify(redactor.value(body)).slice(0, 2_000)),
        };
      } catch (error) {
        const message =
          error instanceof Error
            ? error.name === 'TimeoutError'
              ? `no answer within ${timeoutMs} ms`
              : error.message
            : String(error);
        return {
          endpoint: endpoint.id,
          name: probe.name,
          url: redactor.url(url),
          at,
          httpStatus: null,
          status: 'down',
          summary: `Could not reach ${probe.path}: ${message}.`,
          durationMs: null,
          body: '',
        };
      }
    }),
  );
}
