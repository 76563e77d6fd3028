/** `trayModel`: the tray's one-glance state and tooltip from the sessions, pure. */
import { localWhen } from '../../../shared/util/local-time';
import type { ConnectionState } from '../../../shared/model/connection';
import { isHealthy, type DeliveryStatus } from '../../../shared/model/health';
import type { QuietState } from '../../../shared/model/pause-presets';
import type { TrayHealth, TrayModel } from './core-api';

/** One endpoint as the tray sees it: its socket state and its delivery facet. */
export interface TrayEndpoint {
  name: string;
  state: ConnectionState;
  /** Delivery facet (shared vocabulary); absent = judged by the socket state alone. */
  delivery?: DeliveryStatus;
}

/**
 * The tray's one-glance truth, from the sessions' states and delivery facets: sign-in needed beats
 * disconnected beats degraded. An endpoint counts as healthy only when connected *and* its delivery
 * is proven or its silence normal: a deaf service, a degraded backend or a silence nothing can
 * prove make the icon "degraded" and are named in the tooltip. Pure, so the desktop host's tray
 * only draws what this returns.
 */
export function trayModel(input: {
  states: readonly TrayEndpoint[];
  unread: number;
  /** Why notifications are held now (`quietState` of the prefs), or null. */
  quiet: QuietState | null;
  now: number;
}): TrayModel {
  const { states, unread, now } = input;
  const enabled = states.filter((s) => s.state !== 'idle');
  const count = (pred: (s: TrayEndpoint) => boolean) => enabled.filter(pred).length;
  const delivery = (s: TrayEndpoint): DeliveryStatus =>
    s.delivery ?? (s.state === 'open' ? 'flowing' : 'offline');
  const signIn = count((s) => s.state === 'auth-required');
  const down = count(
    (s) => s.state === 'backing-off' || s.state === 'connecting' || s.state === 'stopped',
  );
  const deaf = count((s) => s.state === 'open' && delivery(s) === 'deaf');
  const unverified = count((s) => s.state === 'open' && delivery(s) === 'unverified');
  const degradedBackend = count((s) => s.state === 'open' && delivery(s) === 'degraded');
  const healthy = count((s) => isHealthy({ state: s.state, delivery: { status: delivery(s) } }));
  const troubled = count((s) => s.state === 'stale') + deaf + unverified + degradedBackend;
  let health: TrayHealth = 'ok';
  if (enabled.length === 0) health = 'disconnected';
  else if (signIn > 0) health = 'sign-in';
  else if (down === enabled.length) health = 'disconnected';
  else if (down > 0 || troubled > 0) health = 'degraded';
  const { quiet } = input;
  const paused = quiet?.kind === 'paused';
  const parts = [
    enabled.length === 0
      ? 'no endpoints'
      : `${healthy} of ${enabled.length} endpoint${enabled.length === 1 ? '' : 's'} healthy`,
    deaf > 0 ? `${deaf} deaf (restart the service)` : '',
    degradedBackend > 0 ? `${degradedBackend} backend degraded` : '',
    unverified > 0 ? `${unverified} delivery unverified` : '',
    signIn > 0 ? `${signIn} need${signIn === 1 ? 's' : ''} sign-in` : '',
    unread > 0 ? `${unread} unread` : '',
    quietText(quiet, now),
  ].filter(Boolean);
  return {
    health,
    unread,
    tooltip: `Lookout: ${parts.join(', ')}`,
    notificationsPaused: paused,
    pausedUntil: paused ? (quiet.until ?? null) : null,
    quiet,
  };
}

function quietText(quiet: QuietState | null, now: number): string {
  if (!quiet) return '';
  const until = quiet.until === null ? '' : ` until ${localWhen(quiet.until, now)}`;
  switch (quiet.kind) {
    case 'paused':
      return `notifications paused${until}`;
    case 'quiet-hours':
      return `quiet hours${until}`;
    case 'off':
      return 'notifications off';
  }
}
