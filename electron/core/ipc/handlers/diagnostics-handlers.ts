import type { CoreParts } from '../../app/core-parts';
import {
  exportFile,
  fileStamp,
  sessionExportText,
  supportBundleText,
} from '../../app/diagnostics-export';
import { runConnectionCheck } from '../../diagnostics/connection-check';
import { dialectOf } from '../../dialects';
import type { InvokeHandlers, SendHandlers } from '../ipc-router';

type DiagnosticsChannel =
  | 'connection:snapshot'
  | 'diagnostics:check'
  | 'diagnostics:probe'
  | 'diagnostics:bundle'
  | 'diagnostics:frames'
  | 'diagnostics:frame'
  | 'diagnostics:act'
  | 'diagnostics:export';

/** The diagnostics panel: connection snapshots and the live feed, checks, probes, the support bundle. */
export function diagnosticsHandlers(
  p: CoreParts,
): Pick<InvokeHandlers, DiagnosticsChannel> &
  Pick<SendHandlers, 'connection:reconnect' | 'diagnostics:live'> {
  return {
    'connection:snapshot': async () => p.sessions.liveDiagnostics(),
    'diagnostics:check': async ({ endpoint: id }) => {
      const endpoint = p.endpoints.get(id);
      const live = p.sessions.healthOf(id)?.delivery;
      return runConnectionCheck({
        endpoint,
        dialect: dialectOf(endpoint),
        transport: p.network.forEndpoint(endpoint),
        credentials: p.checks.providerFor(endpoint),
        redactor: p.redactor,
        clock: p.clock,
        probeHttp: () => p.checks.probe(endpoint),
        ...p.checks.redisProbeFor(endpoint),
        ...(live ? { liveDelivery: live } : {}),
      });
    },
    'diagnostics:probe': async ({ endpoint: id }) => p.checks.probe(p.endpoints.get(id)),
    'diagnostics:bundle': async () => ({ json: supportBundleText(p) }),
    'diagnostics:export': async (request) => {
      const stamp = fileStamp(p.clock.now());
      if (request.what === 'bundle')
        return exportFile(
          p,
          `lookout-support-bundle-${stamp}.json`,
          supportBundleText(p),
          'application/json',
        );
      const text = sessionExportText(p, request.endpoint);
      if (text === null)
        throw new Error(
          `No connection named “${request.endpoint}” is running: there is no session to export.`,
        );
      return exportFile(
        p,
        `lookout-session-${request.endpoint}-${stamp}.jsonl`,
        text,
        'application/x-ndjson',
      );
    },
    'diagnostics:frames': async ({ endpoint, after }) =>
      p.sessions.session(endpoint)?.framePage(after) ?? null,
    'diagnostics:frame': async ({ endpoint, id }) =>
      p.sessions.session(endpoint)?.frameDetail(id) ?? null,
    'diagnostics:act': async (request) => {
      const session = p.sessions.session(request.endpoint);
      if (!session)
        return {
          ok: false,
          reason: `No connection named “${request.endpoint}” is running (removed or disabled in Settings).`,
        };
      return session.act(request.action, request.action === 'send' ? request.text : undefined);
    },
    'connection:reconnect': ({ endpoint }) => p.sessions.reconnect(endpoint),
    'diagnostics:live': ({ on }) => p.diagnostics.setLive(on),
  };
}
