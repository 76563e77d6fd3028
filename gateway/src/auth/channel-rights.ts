import { CHANNEL_PATTERN } from '../../../shared/protocol/lookout-wire';
import type { Principal } from './tokens';

/**
 * Who may subscribe to what (docs/protocol.md "Channels and rights"):
 * - `dashboard`: super admins.
 * - `stats`: super admins and support.
 * - `notifications:<user>`: that user only.
 * - `tasks:<user>`: that user, super admins and support.
 * - `task:<id>`: super admins and support (task ownership is not known to the gateway).
 */
export type ChannelVerdict =
  { ok: true } | { ok: false; code: 'unknown-channel' | 'forbidden'; message: string };

export function canSubscribe(
  principal: Pick<Principal, 'sub' | 'role'>,
  channel: string,
): ChannelVerdict {
  if (!CHANNEL_PATTERN.test(channel)) {
    return {
      ok: false,
      code: 'unknown-channel',
      message: `unknown channel "${channel.slice(0, 80)}"`,
    };
  }
  const staff = principal.role === 'super_admin' || principal.role === 'support';
  const [prefix, owner] = splitChannel(channel);
  let ok: boolean;
  switch (prefix) {
    case 'dashboard':
      ok = principal.role === 'super_admin';
      break;
    case 'stats':
      ok = staff;
      break;
    case 'notifications':
      ok = owner === principal.sub;
      break;
    case 'tasks':
      ok = staff || owner === principal.sub;
      break;
    case 'task':
      ok = staff;
      break;
    default:
      ok = false;
  }
  return ok
    ? { ok: true }
    : { ok: false, code: 'forbidden', message: `role ${principal.role} may not read ${channel}` };
}

function splitChannel(channel: string): [string, string | undefined] {
  const i = channel.indexOf(':');
  return i < 0 ? [channel, undefined] : [channel.slice(0, i), channel.slice(i + 1)];
}
