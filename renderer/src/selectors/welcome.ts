import type { EndpointSummary } from '../../../shared/ipc/contract';
import type { EndpointHealth } from '../../../shared/model/health';

/** What the first-run welcome says about the backends, read from the model (never from names). */
export type WelcomeSituation =
  | { kind: 'none' }
  | { kind: 'demo'; name: string; connected: boolean }
  | { kind: 'configured'; count: number; connected: number };

/** The backends as the welcome panel describes them: none, the embedded demo, or the user's own. */
export function welcomeSituation(
  endpoints: readonly EndpointSummary[],
  health: Readonly<Record<string, EndpointHealth>>,
): WelcomeSituation {
  const isOpen = (id: string) => health[id]?.state === 'open';
  const demo = endpoints.find((e) => e.embedded);
  const own = endpoints.filter((e) => !e.embedded);
  if (own.length > 0)
    return {
      kind: 'configured',
      count: own.length,
      connected: own.filter((e) => isOpen(e.id)).length,
    };
  if (demo) return { kind: 'demo', name: demo.name, connected: isOpen(demo.id) };
  return { kind: 'none' };
}
