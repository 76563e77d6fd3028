import type { DialectId, EndpointConfig } from '../../../shared/config/endpoint';
import { subscriptionsOf, type Dialect } from './dialect';
import { djangoChannelsDialect } from './django-channels';
import { lookoutDialect } from './lookout';
import { sakuraDialect } from './sakura';
import { statsStreamDialect } from './stats-stream';
import { taskEventsDialect } from './task-events';
import { taskStatusDialect } from './task-status';

/** Every backend Lookout speaks, by the id used in endpoint configs. */
export const DIALECTS: Readonly<Record<DialectId, Dialect>> = {
  lookout: lookoutDialect,
  sakura: sakuraDialect,
  'stats-stream': statsStreamDialect,
  'task-events': taskEventsDialect,
  'task-status': taskStatusDialect,
  'django-channels': djangoChannelsDialect,
};

/** The dialect an endpoint speaks. */
export function dialectOf(endpoint: Pick<EndpointConfig, 'dialect'>): Dialect {
  return DIALECTS[endpoint.dialect];
}

/** The channels an endpoint subscribes to: its own list, or its dialect's defaults when it names none. */
export function subscriptionsFor(
  endpoint: Pick<EndpointConfig, 'dialect' | 'subscriptions'>,
): readonly string[] {
  return subscriptionsOf(endpoint, dialectOf(endpoint));
}

/** Task ids a user watches on an endpoint (its task subscriptions), or null where none can be. */
export function watchedTaskIds(
  dialect: DialectId,
  subscriptions: readonly string[],
): string[] | null {
  const tasks = DIALECTS[dialect].tasks;
  if (!tasks) return null;
  return subscriptions.flatMap((channel) => {
    const id = tasks.taskIdOf(channel);
    return id === null ? [] : [id];
  });
}
