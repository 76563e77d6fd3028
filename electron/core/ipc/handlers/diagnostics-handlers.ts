import type { CoreParts } from '../../app/core-parts';
import { buildSupportBundle } from '../../app/support-bundle';
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
  | 'diagnostics:act';

/** The diagnostics panel: connection snapshots and the live feed, checks, probes, the support bundle. */
export function diagnosticsHandlers(
  p: CoreParts,
): Pick<InvokeHandlers, DiagnosticsChannel> &
  Pick<SendHandlers, 'connection:reconnect' | 'diagnostics:live'> {
  return {
    'connection:snapshot': async () => p.sessions.diagnostics(),
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
    'diagnostics:bundle': async () => ({
      json: buildSupportBundle(
        {
          generatedAt: p.clock.now(),
          host: p.hostInfo(),
          endpoints: [...p.endpoints.list()],
          connections: p.sessions.diagnostics(),
          health: p.sessions.health(),
          probes: p.checks.probes(),
          notifications: {
            counters: p.notifications.stats(),
            trace: p.policy.trace.list().slice(-500),
          },
          configProblems: p.endpoints.problems,
          credentialStore: p.credentials.describe(),
          network: p.network.describe(),
        },
        p.redactor,
      ),
    }),
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
