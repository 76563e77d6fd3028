/** `HistoryNotices`: a server's lost history (stream resets) as bell entries the user sees. */
import type { ChannelReset, ResetCause } from '../../../shared/model/connection';
import type { LiveEvent } from '../../../shared/model/live-event';

/** Resets of one endpoint and cause this close together are one incident: one bell entry. */
const BURST_MS = 5_000;

/** `09:14`, in local time: when the user should start doubting that they saw everything. */
export function clockTime(at: number): string {
  return new Date(at).toTimeString().slice(0, 5);
}

/** The plain words for a reset: a server that lost its history is not one that was away too long. */
export function historyNoticeText(
  cause: ResetCause,
  endpointName: string,
  at: number,
): { title: string; body: string } {
  const when = clockTime(at);
  return cause === 'history-lost'
    ? {
        title: 'Gateway restarted and lost its history',
        body: `${endpointName}: events from before ${when} may be missing (the server restarted without its history, or its storage was emptied).`,
      }
    : {
        title: 'History too old to replay',
        body: `${endpointName}: events from before ${when} may be missing (Lookout was away longer than the server keeps events).`,
      };
}

/**
 * Turns the resets a session reports into bell entries, so "some events may be missing" reaches
 * the user instead of a log line. A gateway restart resets every channel within moments: those
 * resets share an origin, so the model makes them one entry listing the channels, and the
 * notification policy sees one event.
 */
export class HistoryNotices {
  private readonly bursts = new Map<string, { origin: string; since: number; until: number }>();

  eventsFor(
    endpoint: { id: string; name: string },
    resets: ChannelReset[],
    at: number,
  ): LiveEvent[] {
    return resets.map((reset) => {
      const key = `${endpoint.id}|${reset.cause}`;
      let burst = this.bursts.get(key);
      if (!burst || at > burst.until) {
        burst = { origin: `history:${reset.cause}:${at}`, since: at, until: at + BURST_MS };
        this.bursts.set(key, burst);
      }
      const { title, body } = historyNoticeText(reset.cause, endpoint.name, burst.since);
      return {
        id: `${burst.origin}:${reset.channel}`,
        endpoint: endpoint.id,
        channel: reset.channel,
        kind: 'notification',
        severity: 'warning',
        title,
        body,
        serverTime: null,
        receivedAt: at,
        origin: burst.origin,
        data: { cause: reset.cause, channel: reset.channel },
        link: `diagnostics/${endpoint.id}`,
      };
    });
  }
}
