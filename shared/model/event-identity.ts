import type { LiveEvent } from './live-event';

/**
 * Event identity (docs/protocol.md §4, "Identity"). A server's ids are only unique within what it
 * knows: one endpoint, one channel, one incarnation of that channel's history. The keys below add
 * what the id leaves out, so two endpoints (or a server before and after it lost its history)
 * never collide, whatever their ids, and a persisted bell never makes a new event look old.
 *
 * Key layout: endpoint ids and epochs cannot hold `|` (their schemas forbid it), the channel is
 * length-prefixed and the id comes last, so no two different tuples give the same key.
 */

type Identity = Pick<LiveEvent, 'endpoint' | 'channel' | 'epoch' | 'id'>;

/** The key that decides "seen before": endpoint, channel, incarnation and the server's id. */
export function eventKey(e: Identity): string {
  return `${incarnationKey(e.endpoint, e.channel, e.epoch)}${e.id}`;
}

/**
 * The key of the occurrence an event reports: its origin when the server named one (copies on
 * several channels share it), else the event itself. One bell row and one OS notification each.
 * `*` cannot be an epoch, so an origin key never equals an event key.
 */
export function occurrenceKey(e: Identity & Pick<LiveEvent, 'origin'>): string {
  return e.origin === undefined ? eventKey(e) : `${e.endpoint}|*|${e.origin}`;
}

/** What every event key of one incarnation of one channel starts with (to forget them together). */
export function incarnationKey(
  endpoint: string,
  channel: string,
  epoch: string | undefined,
): string {
  return `${endpoint}|${epoch ?? ''}|${channel.length}:${channel}|`;
}
