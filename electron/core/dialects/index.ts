import type { DialectId } from '../../../shared/config/endpoint';
import type { Dialect } from './dialect';
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

/** Dialects whose users pick task ids to watch at run time. */
export const WATCHES_TASKS: ReadonlySet<DialectId> = new Set<DialectId>(['task-status', 'lookout']);
