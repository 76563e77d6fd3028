import type { LiveEvent } from '../../shared/model/live-event';

/** A plain canonical event for unit tests: an info alert on `dashboard`, its title its id. */
export function testEvent(endpoint: string, id: string, over: Partial<LiveEvent> = {}): LiveEvent {
  return {
    id,
    endpoint,
    channel: 'dashboard',
    kind: 'alert',
    severity: 'info',
    title: id,
    body: '',
    serverTime: null,
    receivedAt: 1,
    data: {},
    ...over,
  };
}
