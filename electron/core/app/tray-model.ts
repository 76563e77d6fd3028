import type { ConnectionState } from '../../../shared/model/connection';
import type { TrayHealth, TrayModel } from './core-api';

/**
 * The tray's one-glance truth, from the sessions' states: sign-in needed beats disconnected beats
 * degraded. Pure, so the desktop host's tray only draws what this returns.
 */
export function trayModel(input: {
  states: ReadonlyArray<{ name: string; state: ConnectionState; degraded?: boolean }>;
  unread: number;
  pausedUntil: number | null;
  now: number;
}): TrayModel {
  const { states, unread, now } = input;
  const enabled = states.filter((s) => s.state !== 'idle');
  const count = (pred: (s: { state: ConnectionState; degraded?: boolean }) => boolean) =>
    enabled.filter(pred).length;
  const signIn = count((s) => s.state === 'auth-required');
  const down = count(
    (s) => s.state === 'backing-off' || s.state === 'connecting' || s.state === 'stopped',
  );
  const degraded = count((s) => s.state === 'stale' || s.degraded === true);
  const open = count((s) => s.state === 'open' && !s.degraded);
  let health: TrayHealth = 'ok';
  if (enabled.length === 0) health = 'disconnected';
  else if (signIn > 0) health = 'sign-in';
  else if (down === enabled.length) health = 'disconnected';
  else if (down > 0 || degraded > 0) health = 'degraded';
  const paused = input.pausedUntil !== null && input.pausedUntil > now;
  const parts = [
    enabled.length === 0
      ? 'no endpoints'
      : `${open} of ${enabled.length} endpoint${enabled.length === 1 ? '' : 's'} healthy`,
    signIn > 0 ? `${signIn} need${signIn === 1 ? 's' : ''} sign-in` : '',
    unread > 0 ? `${unread} unread` : '',
    paused ? 'notifications paused' : '',
  ].filter(Boolean);
  return {
    health,
    unread,
    tooltip: `Lookout: ${parts.join(', ')}`,
    notificationsPaused: paused,
    pausedUntil: paused ? input.pausedUntil : null,
  };
}
