import type { DialectId } from '../../../shared/config/endpoint';
import type { LiveEvent } from '../../../shared/model/live-event';

/**
 * Whether an event is about something the user chose to follow: a task they watch by id (our
 * gateway's `task:<id>` channels; every subscription of a task-status backend), or their own
 * tasks (a task-events backend sends only the user's). Kinds set to `watchedOnly` (a completed
 * task, by default) notify only for these.
 */
export function isWatchedEvent(event: LiveEvent, dialect: DialectId | undefined): boolean {
  switch (dialect) {
    case 'lookout':
      return event.channel.startsWith('task:');
    case 'task-status':
    case 'task-events':
      return true;
    default:
      return false;
  }
}
